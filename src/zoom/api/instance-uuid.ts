/**
 * Encodes a meeting instance UUID (or a meeting number) for use as one path segment. Zoom requires
 * UUIDs that start with `/` or contain `//` to be URL-encoded **twice** (its gateway decodes once
 * before routing; zoom-facts §3, moodle-mod_zoom `encode_uuid`); every other value is encoded once.
 * So `/ajR4Ow==` becomes `%252FajR4Ow%253D%253D`, and `ab+c/d==` becomes `ab%2Bc%2Fd%3D%3D`.
 */
export function encodeInstanceUuid(uuid: string): string {
  const once = encodeURIComponent(uuid);
  return uuid.startsWith("/") || uuid.includes("//") ? encodeURIComponent(once) : once;
}
