/** Milliseconds in a minute, for tests that write meetings in minutes. */
export const minute = 60_000;

/**
 * A meeting's clock in minutes: `const at = minutesFrom(t0); at(5)` is five minutes after `t0`
 * (epoch ms). One helper instead of a local `at` in every test.
 */
export function minutesFrom(t0: number): (minutes: number) => number {
  return (minutes) => t0 + minutes * minute;
}
