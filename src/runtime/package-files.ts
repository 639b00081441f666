import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/**
 * The folder of Rollcall's own package.json: the nearest one above this module, whether it runs
 * from `src/` (tsx), `dist/` (tsc) or the bundled CLI (`dist/bundle/`). Files shipped with the
 * package are found from here rather than from a module's own folder, which bundling changes.
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  const here = fileURLToPath(import.meta.url);
  let dir = dirname(here);
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json: none in any folder above ${here}`);
    dir = parent;
  }
  return (root = dir);
}

/** Rollcall's version, from its package.json (shown in the OpenAPI document). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}
