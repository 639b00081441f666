/**
 * Turns an instance-UUID path parameter, as Fastify hands it over (already URL-decoded once), back
 * into the UUID. Zoom requires UUIDs that start with `/` or contain `//` to be encoded twice,
 * because its gateway decodes the path once before routing; a once-encoded one arrives mangled.
 * The emulator reproduces that: a second `%`-layer is decoded, and a once-encoded UUID that needed
 * double encoding is refused (undefined) so a client that forgets the rule fails here too.
 * Base64 UUIDs never contain `%`, so a `%` always means a second encoding layer.
 */
export function decodeInstanceUuidParam(param: string): string | undefined {
  if (param.includes("%")) {
    try {
      return decodeURIComponent(param);
    } catch {
      return undefined;
    }
  }
  if (param.startsWith("/") || param.includes("//")) return undefined;
  return param;
}
