import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { expect, it } from "vitest";

const src = join(import.meta.dirname, "..", "..", "src");

/** Module specifiers a file imports at load time: `import … from`, `export … from` and bare `import "…"`, not `import type` nor `import()`. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^"';]*?\sfrom\s)?["']([^"']+)["']/gm)) found.push(match[1]!);
  return found;
}

/** Every source file and package `entry` loads before any command runs, following relative imports through the tree. */
function loadedAtStart(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier).replace(/\.js$/, ".ts"));
      else if (!specifier.startsWith("node:")) packages.add(specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!);
    }
  };
  visit(entry);
  return { files, packages };
}

it("the CLI registers its commands with commander alone: no command's implementation loads until it runs", () => {
  const { files, packages } = loadedAtStart(join(src, "cli", "main.ts"));
  expect([...packages]).toEqual(["commander"]);
  const heavy = [...files].map((f) => f.slice(src.length + 1)).filter((f) => /^(cli\/actions|cli\/configured-store|config|store|service|http|pipeline|reports|reconcile|notify\/(?!event-types))/.test(f));
  expect(heavy).toEqual([]);
  // The walk itself reaches the definitions (a broken walk would pass the checks above trivially).
  expect(files).toContain(join(src, "cli", "commands", "serve.ts"));
  expect(files).toContain(join(src, "directory", "link-methods.ts"));
});
