/**
 * Scenario times are offsets from the meeting's scheduled start, written either as whole seconds
 * (`90`, `-30`) or as a short duration (`"5m"`, `"1h30m"`, `"-2m30s"`, `"45s"`).
 */
const DURATION = /^([+-])?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** What a valid duration looks like, for error messages. */
export const DURATION_HINT = 'whole seconds or a duration like "90s", "5m", "1h30m" or "-2m"';

/**
 * Parses a scenario duration into whole seconds.
 *
 * @returns the number of seconds, or `undefined` when the value is not a duration.
 */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) ? value : undefined;
  if (/^[+-]?\d+$/.test(value.trim())) return Number(value.trim()); // plain seconds written as text
  const match = DURATION.exec(value.trim());
  // The regex also matches "" and a lone sign; neither is a duration.
  if (!match || (match[2] === undefined && match[3] === undefined && match[4] === undefined)) {
    return undefined;
  }
  const seconds = Number(match[2] ?? 0) * 3600 + Number(match[3] ?? 0) * 60 + Number(match[4] ?? 0);
  return match[1] === "-" ? -seconds : seconds;
}
