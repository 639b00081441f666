/**
 * How alike two names or e-mail local parts are, 0..1: the Sørensen–Dice coefficient of their
 * letter pairs after folding case, accents and punctuation ("Dana Smith" vs "dana.smith" = 1).
 * Good enough to rank a handful of suggestions for a person to confirm; never used to decide.
 */
export function nameSimilarity(a: string, b: string): number {
  const x = pairs(fold(a));
  const y = pairs(fold(b));
  if (x.length === 0 || y.length === 0) return fold(a) !== "" && fold(a) === fold(b) ? 1 : 0;
  const counts = new Map<string, number>();
  for (const p of x) counts.set(p, (counts.get(p) ?? 0) + 1);
  let shared = 0;
  for (const p of y) {
    const n = counts.get(p) ?? 0;
    if (n > 0) {
      shared++;
      counts.set(p, n - 1);
    }
  }
  return (2 * shared) / (x.length + y.length);
}

function fold(value: string): string {
  return value
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

function pairs(value: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < value.length; i++) out.push(value.slice(i, i + 2));
  return out;
}
