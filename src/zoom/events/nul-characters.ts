/**
 * The dotted path of the first string (or object key) in a parsed body that holds a NUL character,
 * or undefined. PostgreSQL text cannot store NUL, so an event carrying one is refused by the
 * normaliser on both databases alike, naming the field. `text` (the body's JSON) makes the common
 * case free: a JSON string can only hold NUL as the escape `\u0000`.
 */
export function nulCharacterPath(body: unknown, text?: string): string | undefined {
  if (text !== undefined && !text.includes("\\u0000")) return undefined;
  return find(body, "", 0);
}

function find(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === "string") return value.includes("\u0000") ? path || "(body)" : undefined;
  if (typeof value !== "object" || value === null || depth > 64) return undefined;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, field] of entries) {
    const at = path === "" ? key : `${path}.${key}`;
    if (key.includes("\u0000")) return at;
    const found = find(field, at, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
