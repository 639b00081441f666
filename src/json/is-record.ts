/**
 * True for a plain JSON object (not null, not an array): what every reader of untrusted JSON
 * (webhook bodies, config files, stored rows) checks before reading fields.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `value` when it is a plain JSON object, else undefined: for chains of optional reads.
 */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}
