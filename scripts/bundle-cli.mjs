// Bundles the compiled CLI (dist/cli/main.js and everything it imports) into a few ES modules in
// dist/bundle/, which bin/rollcall.js runs. Why: most of a start was Node resolving, reading and
// compiling about a thousand small files one by one (no compile cache before Node 22); one file
// per chunk makes that a few reads. Commands' implementations stay separate chunks, loaded when a
// command runs. The library (dist/index.js) is not bundled: embedders import the tsc output.
//
// Packages stay external (loaded from node_modules as usual) when they read their own files at
// run time, which a bundle would break: native addons, shipped assets, worker files. A bundled
// package that refers to __dirname or __filename (undefined in an ES module) fails the build, so a
// new dependency of that kind cannot slip in unnoticed.
import { build } from "esbuild";
import { cpSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "bundle");

const external = [
  "better-sqlite3", // native addon
  "pg", // loaded only for PostgreSQL; its optional native binding is resolved at run time
  "@zoom/meetingsdk", // the hosted join page serves its files from the package folder
  "@fastify/swagger", // reads its package.json next to its sources
  "@fastify/swagger-ui", // serves swagger-ui's assets from its package folder
  "pino", // starts transports on worker threads from files next to its sources
  "yaml", // loaded on demand (config files, scenarios, /docs/yaml) by createRequire
  // Fastify's JSON Schema compilers and inject(): loaded on first use (src/http/lazy-schema-compilers.ts,
  // tests), so kept out of the code every start parses.
  "@fastify/ajv-compiler",
  "@fastify/fast-json-stringify-compiler",
  "light-my-request",
];

/** Bundled files that mention __dirname or __filename only in comments or unreachable code, checked by hand. */
const reviewed = new Set([
  "node_modules/commander/lib/command.js", // in TSDoc examples only
]);

/**
 * prom-client's index loads all of it at start: the Pushgateway (node:https, TLS), Summary
 * (tdigest), cluster aggregation, and @opentelemetry/api (51 files, for exemplars). Rollcall uses
 * five of its exports: the bundle takes those from their own files, and @opentelemetry/api only if
 * an exemplar is ever recorded (Rollcall enables none). The library build (dist/index.js) is not
 * bundled and imports prom-client as usual.
 */
const promClientParts = {
  name: "prom-client-parts",
  setup(build) {
    build.onResolve({ filter: /^prom-client$/ }, () => ({ path: "prom-client", namespace: "prom-client-parts" }));
    build.onLoad({ filter: /.*/, namespace: "prom-client-parts" }, () => ({
      resolveDir: root,
      loader: "js",
      contents: [
        'export { default as Registry } from "prom-client/lib/registry.js";',
        'export { default as Counter } from "prom-client/lib/counter.js";',
        'export { default as Gauge } from "prom-client/lib/gauge.js";',
        'export { default as Histogram } from "prom-client/lib/histogram.js";',
        'export { default as collectDefaultMetrics } from "prom-client/lib/defaultMetrics.js";',
      ].join("\n"),
    }));
    build.onResolve({ filter: /^@opentelemetry\/api$/ }, () => ({ path: "@opentelemetry/api", namespace: "prom-client-parts-otel" }));
    build.onLoad({ filter: /.*/, namespace: "prom-client-parts-otel" }, () => ({
      loader: "js",
      // The package itself, from node_modules, on first use (a name esbuild does not resolve).
      contents: 'const name = ["@opentelemetry", "api"].join("/"); let api; module.exports = new Proxy({}, { get: (_, key) => (api ??= require(name))[key] });',
    }));
  },
};

/**
 * commander loads node:child_process at start for executable subcommands (`git-style`), which the
 * rollcall CLI has none of: it gets the module on first use instead.
 */
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (/node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: "child_process", namespace: "lazy-child-process" } : undefined));
    build.onLoad({ filter: /.*/, namespace: "lazy-child-process" }, () => ({
      loader: "js",
      contents: 'const name = ["node", "child_process"].join(":"); let cp; module.exports = new Proxy({}, { get: (_, key) => (cp ??= require(name))[key] });',
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  plugins: [promClientParts, lazyChildProcess],
  absWorkingDir: root,
  entryPoints: { rollcall: "dist/cli/main.js" },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  chunkNames: "chunk-[hash]",
  external,
  // Bundled CommonJS calls require() for Node's built-ins; an ES module has no require of its own.
  banner: { js: 'import { createRequire as __rollcallCreateRequire } from "node:module"; const require = __rollcallCreateRequire(import.meta.url);' },
  metafile: true,
  logLevel: "warning",
});

/** Source files with code in the output (the metafile's inputs also list files tree-shaken away). */
const bundled = Object.values(result.metafile.outputs).flatMap((output) => Object.entries(output.inputs).filter(([, input]) => input.bytesInOutput > 0).map(([path]) => path));
const unsafe = bundled.filter(
  (input) => input.startsWith("node_modules/") && !reviewed.has(input) && /\b__(dirname|filename)\b/.test(readFileSync(join(root, input), "utf8")),
);
if (unsafe.length > 0) {
  rmSync(outdir, { recursive: true, force: true });
  throw new Error(`bundle-cli: these bundled files use __dirname/__filename, which is undefined in the bundle; add their package to \`external\`:\n  ${unsafe.join("\n  ")}`);
}

// `import { z } from "zod"` imports zod's namespace object, which esbuild cannot tree-shake: the
// whole of zod, every locale included, would be parsed at every start (about 550 KiB more).
const zodLocales = bundled.filter((input) => input.startsWith("node_modules/zod/") && input.includes("/locales/") && !input.endsWith("/en.js"));
if (zodLocales.length > 0) {
  rmSync(outdir, { recursive: true, force: true });
  throw new Error(`bundle-cli: all of zod got into the bundle (${zodLocales.length} locales); import it as \`import * as z from "zod"\`, not \`import { z } from "zod"\``);
}

// The shipped scenarios are read through import.meta.url from the chunk that holds the scenario
// loader: they go beside the chunks, as copy-build-assets.mjs puts them beside the modules.
const scenarios = join(root, "src", "emulator", "scenarios");
for (const file of readdirSync(scenarios).filter((name) => name.endsWith(".yaml"))) cpSync(join(scenarios, file), join(outdir, basename(file)));

const outputs = Object.entries(result.metafile.outputs);
const bytes = outputs.reduce((sum, [, output]) => sum + output.bytes, 0);
console.log(`bundle-cli: ${outputs.length} files, ${(bytes / 1024).toFixed(0)} KiB in ${relative(root, outdir)}/`);
