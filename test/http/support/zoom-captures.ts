import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One body from the real (redacted) Zoom captures, re-serialised in its original key order. */
export interface CapturedBody {
  file: string;
  index: number;
  event: string;
  text: string;
}

const folder = join(import.meta.dirname, "..", "..", "fixtures", "zoom-captures");

/** Every body of every capture file (copied from the shared Zoom corpus, see INDEX.md there). */
export function capturedBodies(): CapturedBody[] {
  const out: CapturedBody[] = [];
  for (const file of readdirSync(folder).filter((f) => f.endsWith(".json")).sort()) {
    const capture = JSON.parse(readFileSync(join(folder, file), "utf8")) as { body?: unknown; bodies?: unknown[] };
    const bodies = capture.bodies ?? [capture.body];
    bodies.forEach((body, index) => {
      out.push({ file, index, event: (body as { event: string }).event, text: JSON.stringify(body) });
    });
  }
  return out;
}
