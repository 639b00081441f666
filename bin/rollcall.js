#!/usr/bin/env node
// Runs the compiled CLI, bundled into dist/bundle/ by `npm run build` (which `npm install`/`npm ci` run
// through `prepare`). Working on the sources without building: `npm run dev -- <command>` runs them through tsx.
import module from "node:module";

// better-sqlite3 13 (Node-API) needs Node >= 22 and crashes at load on older lines: say so instead.
const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  process.stderr.write(
    `rollcall: Node.js ${process.versions.node} is not supported; use Node 22, 24 or 26 ` +
      "(in a clone, `npm start` and `npx rollcall` run the Node that `npm install` put in node_modules)\n",
  );
  process.exit(1);
}

// Node >= 22.1 keeps compiled code between runs: most of a start is compiling modules.
module.enableCompileCache?.();
await import("../dist/bundle/rollcall.js").catch((error) => {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/bundle/rollcall.js")) {
    process.stderr.write("rollcall: dist/ is missing; run `npm run build` (or `npm install`) first\n");
    process.exit(1);
  }
  throw error;
});
