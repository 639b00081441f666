import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { CAPTURES_DIR } from "./captures.js";

// The team's capture corpus lives beside the checkout; the tests replay an in-repo copy so a clone
// without it still runs. When the corpus is there, the copy must not have fallen behind it.
const shared = join(import.meta.dirname, "../../../../shared/zoom-captures");

it.runIf(existsSync(shared))("replays every capture of ../shared/zoom-captures (the in-repo copy is current)", () => {
  for (const file of readdirSync(shared)) {
    expect(existsSync(join(CAPTURES_DIR, file)), `${file} is missing from test/fixtures/zoom-captures`).toBe(true);
    expect(readFileSync(join(CAPTURES_DIR, file), "utf8"), file).toBe(readFileSync(join(shared, file), "utf8"));
  }
});
