/**
 * The house's rules about imports (design.md, "Layout" and "Habits of the house"), read from the
 * sources: dependencies point down, a folder's index.ts is its face to the others, and no files
 * import each other in a circle.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect, it } from "vitest";

const src = join(import.meta.dirname, "..", "..", "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Relative imports of a file that load code (`import type` and `export type` aside), resolved to .ts paths. */
function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^"';]*?\sfrom\s)?["'](\.[^"']+)["']/gm)) {
    found.push(resolve(dirname(file), match[1]!).replace(/\.js$/, ".ts"));
  }
  return found;
}

const files = sourceFiles(src);
const graph = new Map(files.map((f) => [f, imports(f)]));
const rel = (f: string) => relative(src, f);

it("only the entry points (the CLI, the library entry) import the composition root, src/service", () => {
  const offenders = [...graph].flatMap(([file, targets]) =>
    targets.filter((t) => rel(t).startsWith("service/") && !rel(file).startsWith("service/") && !rel(file).startsWith("cli/") && rel(file) !== "index.ts").map((t) => `${rel(file)} -> ${rel(t)}`),
  );
  expect(offenders).toEqual([]);
});

it("no file imports its own folder's index.ts (siblings import each other directly)", () => {
  const offenders = [...graph].flatMap(([file, targets]) => targets.filter((t) => t === join(dirname(file), "index.ts") && t !== file).map((t) => `${rel(file)} -> ${rel(t)}`));
  expect(offenders).toEqual([]);
});

it("a folder's index.ts re-exports its own files only", () => {
  const offenders = files
    .filter((f) => f.endsWith("/index.ts") && f !== join(src, "index.ts"))
    .flatMap((index) => graph.get(index)!.filter((t) => !t.startsWith(dirname(index) + "/")).map((t) => `${rel(index)} -> ${rel(t)}`));
  expect(offenders).toEqual([]);
});

it("no files import each other in a circle", () => {
  const state = new Map<string, "open" | "done">();
  const circles: string[] = [];
  const visit = (file: string, path: string[]): void => {
    state.set(file, "open");
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (state.get(target) === "open") circles.push([...path.slice(path.indexOf(target)), target].map(rel).join(" -> "));
      else if (!state.has(target)) visit(target, [...path, target]);
    }
    state.set(file, "done");
  };
  for (const file of files) if (!state.has(file)) visit(file, [file]);
  expect(circles).toEqual([]);
});
