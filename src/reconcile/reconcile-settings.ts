import { reconcileTimingSchema, type Config } from "../config/index.js";

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

/** Longest wait between two attempts (not configurable). */
const MAX_RETRY_MS = 30 * 60_000;

/**
 * The timing of reconciliation from the configuration (`ROLLCALL_RECONCILE_DELAY_SECONDS`,
 * `…_RETRY_SECONDS`, `…_DEADLINE_SECONDS`, `…_IDLE_SECONDS`, read and validated by the config
 * loader), in milliseconds. A retry wait of 0 is taken as 1 ms and an idle time of 0 as 1 s, so a
 * live instance is never tried at once.
 */
export function reconcileSettingsFromConfig(config: Pick<Config, "reconcile">): ReconcileSettings {
  const t = config.reconcile;
  return {
    delayMs: t.delaySeconds * 1000,
    retryMs: Math.max(1, t.retrySeconds * 1000),
    maxRetryMs: MAX_RETRY_MS,
    deadlineMs: t.deadlineSeconds * 1000,
    idleMs: Math.max(1000, t.idleSeconds * 1000),
  };
}

/** Defaults: first try 5 min after the end, retries from 1 min doubling up to 30 min, give up after 24 h; live instances idle for 12 h are tried too. */
export const DEFAULT_RECONCILE_SETTINGS: ReconcileSettings = reconcileSettingsFromConfig({ reconcile: reconcileTimingSchema.parse({}) });

/**
 * The wait before attempt `attempts + 1` after a "not ready" answer: `retryMs · 2^(attempts-1)`,
 * capped at `maxRetryMs`.
 */
export function retryDelayMs(attempts: number, settings: Pick<ReconcileSettings, "retryMs" | "maxRetryMs">): number {
  const exponent = Math.max(0, Math.min(30, attempts - 1));
  return Math.min(settings.maxRetryMs, settings.retryMs * 2 ** exponent);
}
