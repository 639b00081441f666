/**
 * The in-repo capture corpus (test/fixtures/zoom-captures, a copy of the team's corpus) agrees with
 * its own INDEX.md: every file listed is there and every file is listed, with the number of bodies
 * the index says. To replay the team's corpus itself, run the suite with
 * `ROLLCALL_ZOOM_CAPTURES=<its folder>`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CAPTURES_DIR, loadCaptures } from "./captures.js";

const index = readFileSync(join(CAPTURES_DIR, "INDEX.md"), "utf8");
/** `| 04-….json | started, participant_joined, ended, participant_left (4) | …` → file → body count (1 when not given). */
const listed = new Map([...index.matchAll(/^\| (\d\d-[^ |]+\.json) \| ([^|]*) \|/gm)].map((m) => [m[1]!, Number(/\((\d+)\)\s*$/.exec(m[2]!)?.[1] ?? 1)]));

describe("the capture corpus and its INDEX.md", () => {
  it("lists exactly the files present", () => {
    const files = readdirSync(CAPTURES_DIR).filter((f) => /^\d\d-.*\.json$/.test(f)).sort();
    expect(files.length).toBeGreaterThan(0);
    expect([...listed.keys()].sort()).toEqual(files);
  });

  it("has as many bodies per file, and in all, as the index says", () => {
    const captures = loadCaptures();
    const counted = new Map<string, number>();
    for (const capture of captures) counted.set(capture.file, (counted.get(capture.file) ?? 0) + 1);
    expect(Object.fromEntries(counted)).toEqual(Object.fromEntries(listed));
    expect(Number(/^(\d+) bodies in all/m.exec(index)?.[1])).toBe(captures.length);
  });
});
