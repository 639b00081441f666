// Copies the non-TypeScript files the compiled code reads at run time (the emulator's shipped
// scenarios) from src/ into dist/, beside the modules that resolve them through import.meta.url.
import { cpSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const assetExtensions = [".yaml"];

function copyAssets(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) copyAssets(path);
    else if (assetExtensions.some((extension) => entry.name.endsWith(extension))) {
      cpSync(path, join(root, "dist", relative(join(root, "src"), path)));
    }
  }
}
copyAssets(join(root, "src"));
