/**
 * When the next attempt of a message may start. `schedule[n]` is the wait in seconds before
 * attempt n+1 (`schedule[0]` before the first); after `schedule.length` failed attempts the message
 * is dead-lettered (undefined). Waits get ±20 % jitter so endpoints that failed together do not
 * all retry in the same instant.
 */
export function nextAttemptDelayMs(schedule: readonly number[], attemptsMade: number, random: () => number = Math.random): number | undefined {
  const seconds = schedule[attemptsMade];
  if (seconds === undefined) return undefined;
  return Math.round(seconds * 1000 * (0.8 + 0.4 * random()));
}
