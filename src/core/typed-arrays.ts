/** Growing the engine's typed working arrays. */

/** A buffer twice as long with the same prefix. */
export function grown(a: Float64Array): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

/** A typed array of `size` elements starting with a copy of `a` (which must not be longer). */
export function resized<T extends Float64Array | Uint8Array | Int32Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}
