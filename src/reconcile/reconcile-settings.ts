import { z } from "zod";

/** How reconciliation is timed. Durations in milliseconds. */
export interface ReconcileSettings {
  /** Wait after the meeting's end before the first fetch (Zoom needs a few minutes to build reports). */
  delayMs: number;
  /** First wait after Zoom says "not ready"; doubled on every further "not ready". */
  retryMs: number;
  /** Longest wait between two attempts. */
  maxRetryMs: number;
  /** Give up ("expired") when the report is still not ready this long after the first attempt was due. */
  deadlineMs: number;
  /**
   * A `live` instance whose latest inbox event is older than this is scheduled too: its
   * `meeting.ended` may never have arrived. Zoom answers "not ready" while it really is still on.
   */
  idleMs: number;
}

/** Defaults: first try 5 min after the end, retries from 1 min doubling up to 30 min, give up after 24 h; live instances idle for 12 h are tried too. */
export const DEFAULT_RECONCILE_SETTINGS: ReconcileSettings = {
  delayMs: 5 * 60_000,
  retryMs: 60_000,
  maxRetryMs: 30 * 60_000,
  deadlineMs: 24 * 3_600_000,
  idleMs: 12 * 3_600_000,
};

const seconds = (name: string) =>
  z.coerce.number({ error: `${name}: expected a number of seconds` }).nonnegative({ error: `${name}: expected zero or more seconds` }).optional();

const envSchema = z.object({
  ROLLCALL_RECONCILE_DELAY_SECONDS: seconds("ROLLCALL_RECONCILE_DELAY_SECONDS"),
  ROLLCALL_RECONCILE_RETRY_SECONDS: seconds("ROLLCALL_RECONCILE_RETRY_SECONDS"),
  ROLLCALL_RECONCILE_DEADLINE_SECONDS: seconds("ROLLCALL_RECONCILE_DEADLINE_SECONDS"),
  ROLLCALL_RECONCILE_IDLE_SECONDS: seconds("ROLLCALL_RECONCILE_IDLE_SECONDS"),
});

/**
 * Reads `ROLLCALL_RECONCILE_DELAY_SECONDS`, `ROLLCALL_RECONCILE_RETRY_SECONDS`,
 * `ROLLCALL_RECONCILE_DEADLINE_SECONDS` and `ROLLCALL_RECONCILE_IDLE_SECONDS` (each optional; empty
 * counts as unset; an idle time of 0 is taken as 1 s, so a live instance is never tried at once). Throws an error that
 * names the variable when one is not a number of seconds.
 *
 * @example
 * reconcileSettingsFromEnv({ ROLLCALL_RECONCILE_DELAY_SECONDS: "120" }).delayMs // 120000
 */
export function reconcileSettingsFromEnv(env: Record<string, string | undefined>): ReconcileSettings {
  const present = Object.fromEntries(Object.keys(envSchema.shape).flatMap((k) => (env[k]?.trim() ? [[k, env[k]!.trim()]] : [])));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join("; "));
  const v = parsed.data;
  return {
    delayMs: v.ROLLCALL_RECONCILE_DELAY_SECONDS !== undefined ? v.ROLLCALL_RECONCILE_DELAY_SECONDS * 1000 : DEFAULT_RECONCILE_SETTINGS.delayMs,
    retryMs: v.ROLLCALL_RECONCILE_RETRY_SECONDS !== undefined ? Math.max(1, v.ROLLCALL_RECONCILE_RETRY_SECONDS * 1000) : DEFAULT_RECONCILE_SETTINGS.retryMs,
    maxRetryMs: DEFAULT_RECONCILE_SETTINGS.maxRetryMs,
    deadlineMs: v.ROLLCALL_RECONCILE_DEADLINE_SECONDS !== undefined ? v.ROLLCALL_RECONCILE_DEADLINE_SECONDS * 1000 : DEFAULT_RECONCILE_SETTINGS.deadlineMs,
    idleMs: v.ROLLCALL_RECONCILE_IDLE_SECONDS !== undefined ? Math.max(1000, v.ROLLCALL_RECONCILE_IDLE_SECONDS * 1000) : DEFAULT_RECONCILE_SETTINGS.idleMs,
  };
}

/**
 * The wait before attempt `attempts + 1` after a "not ready" answer: `retryMs · 2^(attempts-1)`,
 * capped at `maxRetryMs`.
 *
 * @example
 * retryDelayMs(3, DEFAULT_RECONCILE_SETTINGS) // 240000 (1 min, 2 min, then 4 min)
 */
export function retryDelayMs(attempts: number, settings: Pick<ReconcileSettings, "retryMs" | "maxRetryMs">): number {
  const exponent = Math.max(0, Math.min(30, attempts - 1));
  return Math.min(settings.maxRetryMs, settings.retryMs * 2 ** exponent);
}
