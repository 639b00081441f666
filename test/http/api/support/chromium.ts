/** Debian's Chromium driven by playwright-core (never a downloaded browser). */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const chromiumPath = process.env["ROLLCALL_CHROMIUM"] ?? "/usr/bin/chromium";

/** Whether Chromium is installed (`apt-get install -y chromium`). */
export const chromiumAvailable = existsSync(chromiumPath);

/** Launches headless Chromium with the flags a shared, offline machine needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}
