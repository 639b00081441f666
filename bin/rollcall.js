#!/usr/bin/env node
// Runs the compiled CLI, bundled into dist/bundle/ by `npm run build` (which `npm install`/`npm ci` run
// through `prepare`). Working on the sources without building: `npm run dev -- <command>` runs them through tsx.
import module from "node:module";

// Node >= 22.1 keeps compiled code between runs: most of a start is compiling modules.
module.enableCompileCache?.();
await import("../dist/bundle/rollcall.js").catch((error) => {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/bundle/rollcall.js")) {
    process.stderr.write("rollcall: dist/ is missing; run `npm run build` (or `npm install`) first\n");
    process.exit(1);
  }
  throw error;
});
