import type { Command } from "commander";
import { withConfiguredStore, type StoreFlags, withStoreOptions } from "../configured-store.js";
import { createPipeline } from "../../pipeline/index.js";
import {
  reconcileContextFromConfig,
  reconcileInstances,
  reconcileSettingsFromConfig,
  reconciliationReport,
  type ReconcileResult,
  type ReconciliationView,
} from "../../reconcile/index.js";
import { notifyWriterFromConfig, pipelineOptionsFromConfig } from "../../service/index.js";
import { parseDateFlag } from "./date-flag.js";

interface ReconcileFlags extends StoreFlags {
  instance?: string;
  from?: string;
  to?: string;
  force?: boolean;
  json?: boolean;
}

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
      .option("--to <date>", "instances that ended before this date")
      .option("--force", "fetch the report again for instances already finalized")
      .option("--json", "print the reconciliations as JSON (each with its result: finalized, skipped, not_ready, rate_limited, unavailable or failed)"),
  )
    .action(async (flags: ReconcileFlags) => {
      const from = flags.from === undefined ? undefined : parseDateFlag("--from", flags.from);
      const to = flags.to === undefined ? undefined : parseDateFlag("--to", flags.to);
      if (from !== undefined && to !== undefined && to <= from) throw new Error(`--to: expected a date after --from ${flags.from}, got ${flags.to}`);
      let failed: string[] = [];
      const output = await withConfiguredStore(flags, async (store, config) => {
        const settings = reconcileSettingsFromConfig(config);
        const resolved = reconcileContextFromConfig(config);
        if (!resolved.ok) throw new Error(`rollcall reconcile needs Zoom's Server-to-Server OAuth credentials. ${resolved.error.message}`);
        const results = await reconcileInstances(
          store,
          resolved.context,
          { accountId: resolved.accountId, ...(flags.instance !== undefined ? { instanceUuid: flags.instance } : {}), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), force: flags.force === true },
          settings,
        );
        // Apply the stored report rows now, so `rollcall attendance` shows the result at once.
        // They are announced (outbound webhooks, live stream) as when `rollcall serve` applies them.
        await createPipeline(store, { ...pipelineOptionsFromConfig(config), onRowChanges: notifyWriterFromConfig(config).onRowChanges }).runUntilIdle();
        failed = results.filter((r) => r.status === "failed").map((r) => r.instanceUuid);
        const views = new Map<string, ReconciliationView>();
        for (const r of results) {
          const view = await reconciliationReport(store.db, r.instanceUuid, resolved.accountId);
          if (view) views.set(r.instanceUuid, view);
        }
        return flags.json ? `${JSON.stringify(results.map((r) => ({ instanceUuid: r.instanceUuid, result: r.status, ...("reason" in r ? { reason: r.reason } : {}), reconciliation: views.get(r.instanceUuid) ?? null })), null, 2)}\n` : describe(results, views);
      });
      process.stdout.write(output);
      if (failed.length > 0) {
        // Scripts and cron jobs read the exit status: a refused reconciliation is a failure.
        process.stderr.write(`rollcall: reconcile: ${failed.length} instance(s) failed: ${failed.join(", ")}\n`);
        process.exitCode = 1;
      }
    });
}

/** Human-readable lines: one per instance, then one per difference (user ids and session keys only). */
function describe(results: ReconcileResult[], views: Map<string, ReconciliationView>): string {
  if (results.length === 0) return "no ended instances match\n";
  const lines: string[] = [];
  for (const r of results) {
    if (r.status !== "finalized") {
      lines.push(`${r.instanceUuid}  ${r.status}: ${r.reason}`);
      continue;
    }
    const s = r.outcome.summary;
    lines.push(
      `${r.instanceUuid}  finalized from ${r.outcome.endpoint}: ${r.outcome.reportRows} rows (${r.outcome.newRows} new); ${s.attendanceChanged} users changed, ${s.sessionsAdded} sessions added, ${s.resolutionsChanged} resolutions changed; ${s.webhookSeconds}s by webhooks -> ${s.reconciledSeconds}s reconciled`,
    );
    for (const d of views.get(r.instanceUuid)?.differences ?? []) {
      if (d.kind === "attendance") lines.push(`  attendance  ${d.subject}: ${d.webhookSeconds ?? "absent"} -> ${d.reconciledSeconds ?? "absent"} s (report alone: ${d.reportSeconds ?? "absent"})`);
      else if (d.kind === "session_added") lines.push(`  session added  ${d.subject}: ${d.reconciledSeconds}s, ${d.userId ? `resolved to ${d.userId} by ${String(d.detail["method"])}` : "unresolved"}`);
      else lines.push(`  resolution changed  ${d.subject}: ${JSON.stringify(d.detail["before"])} -> ${JSON.stringify(d.detail["after"])}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
