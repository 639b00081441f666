/** Loads the real Zoom bodies kept in test/fixtures/zoom-captures (a copy of ../shared/zoom-captures; INDEX.md describes them). */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const CAPTURES_DIR = process.env["ROLLCALL_ZOOM_CAPTURES"] ?? join(import.meta.dirname, "../../fixtures/zoom-captures");

export interface CapturedBody {
  file: string;
  index: number;
  body: { event: string; [k: string]: unknown };
}

export function loadCaptures(): CapturedBody[] {
  const out: CapturedBody[] = [];
  for (const file of readdirSync(CAPTURES_DIR).filter((f) => /^\d\d-.*\.json$/.test(f)).sort()) {
    const doc = JSON.parse(readFileSync(join(CAPTURES_DIR, file), "utf8")) as { body?: CapturedBody["body"]; bodies?: CapturedBody["body"][] };
    const bodies = doc.bodies ?? (doc.body ? [doc.body] : []);
    bodies.forEach((body, index) => out.push({ file, index, body }));
  }
  return out;
}

export function captureFile(prefix: string): CapturedBody["body"][] {
  return loadCaptures()
    .filter((c) => c.file.startsWith(prefix))
    .map((c) => c.body);
}
