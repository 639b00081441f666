import type { Command } from "commander";
import type { ReconcileFlags } from "../actions/reconcile.js";
import { withStoreOptions } from "../store-options.js";

/**
 * `rollcall reconcile [--instance UUID] [--from DATE --to DATE] [--force] [--json]`: fetches Zoom's
 * participant report of the selected ended instances now, merges it (the rows go into the inbox,
 * the pipeline applies them), and prints what changed per user and session. Needs the
 * Server-to-Server OAuth variables; says which are missing otherwise. Exits 1 when Zoom refused any
 * instance (`failed`, e.g. bad credentials), naming them on stderr (with `--json` each has
 * `result: "failed"` and the reason); instances left scheduled for a retry (`not_ready`,
 * `rate_limited`, `unavailable`) are not failures.
 */
export function registerReconcileCommand(program: Command): void {
  withStoreOptions(
    program
      .command("reconcile")
      .description("merge Zoom's participant reports into attendance for ended instances (one, a date range, or every one not yet finalized)")
      .option("--instance <uuid>", "one instance (payload.object.uuid)")
      .option("--from <date>", "instances that ended at or after this date (ISO-8601, e.g. 2026-01-01)")
      .option("--to <date>", "instances that ended before this (ISO-8601; a date: through that day)")
      .option("--force", "fetch the report again for instances already finalized")
      .option("--json", "print the reconciliations as JSON (each with its result: finalized, skipped, not_ready, rate_limited, unavailable or failed)"),
  ).action(async (flags: ReconcileFlags) => (await import("../actions/reconcile.js")).runReconcile(flags));
}
