import { randomInt } from "node:crypto";

const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LOWER_ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A random token of `length` characters from `alphabet`, drawn with `crypto.randomInt` (uniform,
 * unpredictable). Random, not derived from the user, so it reveals nothing about who it maps to.
 */
export function opaqueToken(length: number, alphabet: "alphanumeric" | "lower" = "alphanumeric"): string {
  const chars = alphabet === "lower" ? LOWER_ALPHANUMERIC : ALPHANUMERIC;
  let token = "";
  for (let i = 0; i < length; i++) token += chars[randomInt(chars.length)];
  return token;
}
