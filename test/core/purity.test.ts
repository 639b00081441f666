import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const CORE = join(import.meta.dirname, "../../src/core");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

/** Every module specifier in static imports, re-exports and dynamic imports. */
function specifiers(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|import\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|require\(\s*["']([^"']+)["']\s*\)/g)) {
    out.push((m[1] ?? m[2] ?? m[3] ?? m[4])!);
  }
  return out;
}

describe("src/core is pure", () => {
  const all = files(CORE);

  it("has files to check (the scan itself works)", () => {
    expect(all.length).toBeGreaterThan(5);
    expect(specifiers(`import { x } from "node:fs";\nexport * from "./a.js";\nconst m = await import("pg");`)).toEqual(["node:fs", "./a.js", "pg"]);
  });

  it.each(all.map((f) => [relative(CORE, f), f]))("%s imports only core modules and nothing else", (_name, file) => {
    for (const spec of specifiers(readFileSync(file, "utf8"))) {
      // Only relative imports inside src/core: no node:* modules, no packages, no store/http/pipeline.
      expect(spec, `${file} imports ${spec}`).toMatch(/^\.\//);
      expect(join(file, "..", spec).startsWith(CORE), `${file} reaches outside src/core with ${spec}`).toBe(true);
    }
  });

  it("uses no clock or randomness", () => {
    for (const file of all) {
      const source = readFileSync(file, "utf8");
      expect(source, file).not.toMatch(/Date\.now\(|new Date\(|performance\.now\(|Math\.random\(/);
    }
  });
});
