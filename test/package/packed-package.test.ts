import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");
const minutes = 60_000;

/**
 * What a user gets from `npm pack`: the tarball installed into an empty app with `--omit=dev`, then
 * used the four ways the README promises (CLI help, `rollcall serve`, plain ESM import, strict
 * NodeNext TypeScript). Slow (it builds dist/ and installs from the npm cache), so one file.
 */
let work: string;
let app: string;
const npmEnv = { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "rollcall-pack-"));
  app = join(work, "app");
  mkdirSync(app);
  // `npm pack` runs `prepare` (the build), so the tarball holds the code as it is now.
  await run("npm", ["pack", "--pack-destination", work], { cwd: root, env: npmEnv, maxBuffer: 16 << 20 });
  const tarball = readdirSync(work).find((name) => name.endsWith(".tgz"))!;
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  const typesNode = JSON.parse(readFileSync(join(root, "node_modules", "@types", "node", "package.json"), "utf8")).version as string;
  // No install script is needed: better-sqlite3 13 ships its Node-API binaries inside the package.
  await run("npm", ["install", "--omit=dev", "--prefer-offline", "--ignore-scripts", join(work, tarball), `@types/node@${typesNode}`], {
    cwd: app,
    env: npmEnv,
    maxBuffer: 16 << 20,
  });
}, 15 * minutes);

afterAll(() => rmSync(work, { recursive: true, force: true }));

it("keeps sources, tests and benches out of the tarball, and tsx out of the runtime dependencies", () => {
  const installed = join(app, "node_modules", "rollcall");
  const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  expect(manifest.dependencies).not.toHaveProperty("tsx");
  expect(readdirSync(installed).sort()).toEqual(["README.md", "bin", "dist", "examples", "package.json"]);
  expect(readdirSync(join(app, "node_modules"))).not.toContain("tsx");
});

it("`rollcall --help` runs from the installed bin", async () => {
  const { stdout } = await run(join(app, "node_modules", ".bin", "rollcall"), ["--help"], { cwd: app });
  expect(stdout).toMatch(/Usage: rollcall/);
  expect(stdout).toMatch(/serve/);
});

it("`rollcall --version` prints the package's version", async () => {
  const { stdout } = await run(join(app, "node_modules", ".bin", "rollcall"), ["--version"], { cwd: app });
  const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  expect(stdout.trim()).toBe(version);
});

it("`rollcall serve` starts on SQLite with zero config and answers /healthz", async () => {
  const dataDir = mkdtempSync(join(work, "data-"));
  const child = spawn(join(app, "node_modules", ".bin", "rollcall"), ["serve", "--port", "0", "--host", "127.0.0.1"], {
    cwd: app,
    env: { PATH: process.env["PATH"] ?? "", ROLLCALL_DATA_DIR: dataDir, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    let output = "";
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 30_000);
      const read = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = /Rollcall listening on (http:\/\/[\d.]+:\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout!.on("data", read);
      child.stderr!.on("data", read);
      child.once("exit", (code) => reject(new Error(`serve exited (${String(code)}):\n${output}`)));
    });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    // The CLI runs bundled (dist/bundle/): files found from the package root still are.
    const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version as string;
    expect(((await (await fetch(`${url}/openapi.json`)).json()) as { info: { version: string } }).info.version).toBe(version);
    expect((await fetch(`${url}/docs/json`)).status).toBe(200);
    expect((await fetch(`${url}/docs/static/swagger-ui.css`)).status).toBe(200);
  } finally {
    child.kill("SIGTERM");
  }
}, 60_000);

it("`rollcall simulate` reads a shipped scenario from the installed bin", async () => {
  const { stdout } = await run(join(app, "node_modules", ".bin", "rollcall"), ["simulate", "--scenario", "classroom", "--print"], { cwd: app, maxBuffer: 16 << 20 });
  expect(stdout.trim().split("\n").length).toBeGreaterThan(10);
  expect(JSON.parse(stdout.split("\n")[0]!)).toHaveProperty("body.event");
});

it("`import { createRollcall } from \"rollcall\"` works from plain ESM", async () => {
  writeFileSync(
    join(app, "embed.mjs"),
    [
      `import { createRollcall } from "rollcall";`,
      `const rollcall = await createRollcall({ env: {}, print: () => {}, config: { port: 0, host: "127.0.0.1", dataDir: ${JSON.stringify(join(work, "embed-data"))}, logLevel: "silent" } });`,
      `const health = await fetch(rollcall.url + "/healthz");`,
      `await rollcall.stop();`,
      `console.log("healthz", health.status);`,
    ].join("\n"),
  );
  const { stdout } = await run(process.execPath, ["embed.mjs"], { cwd: app, env: { PATH: process.env["PATH"] ?? "" } });
  expect(stdout.trim()).toBe("healthz 200");
}, 60_000);

it("type-checks in a strict `moduleResolution: nodenext` TypeScript consumer (skipLibCheck off)", async () => {
  writeFileSync(
    join(app, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", noEmit: true, skipLibCheck: false, types: ["node"] },
      include: ["consumer.ts"],
    }),
  );
  writeFileSync(
    join(app, "consumer.ts"),
    [
      `import { createRollcall, type AttendanceReport, type EmbeddedRollcall } from "rollcall";`,
      `const rollcall: EmbeddedRollcall = await createRollcall({ env: {}, config: { port: 0 } });`,
      `const report: AttendanceReport | undefined = await rollcall.attendance("uuid==");`,
      `console.log(report?.instance, rollcall.url);`,
      `await rollcall.stop();`,
    ].join("\n"),
  );
  // The consumer's own compiler would do; this checkout's is the same TypeScript the package was built with.
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const result = await run(process.execPath, [tsc, "-p", "."], { cwd: app }).catch((error: { stdout: string; code: number }) => error);
  expect(result.stdout).toBe("");
}, 3 * minutes);
