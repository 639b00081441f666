/** Zoom prints times as ISO-8601 UTC without milliseconds (`2026-01-12T09:00:00Z`): the emulator's one way. */
export function zoomTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The simulator counts seconds from the meeting's start: that second, as Zoom prints it. */
export function zoomTimeAt(startMs: number, second: number): string {
  return zoomTime(startMs + second * 1000);
}
