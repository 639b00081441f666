import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/**
 * The dashboard's front end: Preact + TSX, built to `web/dist` (served by Rollcall at `/` and
 * `/dashboard/assets/`). Everything is bundled: no CDN, no outside font or script.
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/dashboard/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // One small bundle: the dashboard is one screen's worth of code.
    modulePreload: { polyfill: false },
  },
  logLevel: "warn",
});
