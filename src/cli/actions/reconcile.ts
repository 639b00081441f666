import { createPipeline } from "../../pipeline/index.js";
import {
  reconcileInstances,
  reconcileSettingsFromConfig,
  reconciliationReport,
  type ReconcileResult,
  type ReconciliationView,
} from "../../reconcile/index.js";
import { notifyWriterFromConfig, pipelineOptionsFromConfig, reconcileContextFromConfig } from "../../service/index.js";
import { withConfiguredStore } from "../configured-store.js";
import { parseDateFlag, parseRangeEndFlag } from "../date-flag.js";
import type { StoreFlags } from "../store-options.js";

export interface ReconcileFlags extends StoreFlags {
  instance?: string;
  from?: string;
  to?: string;
  force?: boolean;
  json?: boolean;
}

/**
 * `rollcall reconcile`: fetches Zoom's participant reports of the selected ended instances, applies
 * them and prints what changed; exit status 1 when Zoom refused any instance.
 */
export async function runReconcile(flags: ReconcileFlags): Promise<void> {
  const from = flags.from === undefined ? undefined : parseDateFlag("--from", flags.from);
  const to = flags.to === undefined ? undefined : parseRangeEndFlag("--to", flags.to);
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
