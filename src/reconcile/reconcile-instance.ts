import type { Kysely } from "kysely";
import type { EngineOptions, NormalisedEvent, Product } from "../core/index.js";
import { insertNewInboxEvents, type NewInboxEvent } from "../store/inbox/index.js";
import type { Database, RollcallDatabase } from "../store/index.js";
import type { ZoomApiClient } from "../zoom/api/index.js";
import { createBodyPreparer, normaliseOptionsForStoredBody, type PrivacySettings } from "../zoom/privacy/index.js";
import type { LoadLinks } from "../pipeline/pipeline-options.js";
import { withWriteTransaction } from "../pipeline/write-transaction.js";
import { attendanceDifferences, type ReconcileDifference, type ReconcileSummary } from "./attendance-differences.js";
import { fetchParticipantReport } from "./fetch-participant-report.js";
import { normaliseInboxBody } from "../zoom/events/normalise-inbox-body.js";
import { finalizeReconciliation } from "./reconciliation-repository.js";
import { reportInboxEvent, type ReportEndpoint } from "./report-participant-event.js";

/** The instance to reconcile. */
export interface ReconcileTarget {
  accountId: string;
  instanceUuid: string;
  meetingId: string;
  product: Product;
}

/** What reconciliation needs besides the Zoom client: the pipeline's view of links, privacy and identity. */
export interface ReconcileContext {
  zoom: ZoomApiClient;
  loadLinks: LoadLinks;
  privacy: PrivacySettings;
  /** Identity options, as the pipeline uses them (name pattern, methods). */
  engine?: Omit<EngineOptions, "now" | "privacy">;
  now?: () => number;
  /** Told, inside the finalizing transaction, that the instance is reconciled (outbound webhooks announce it). */
  onFinalized?: (db: Kysely<Database>, instance: { accountId: string; instanceUuid: string }) => Promise<unknown>;
}

/** What one reconciliation did. */
export interface ReconcileOutcome {
  target: ReconcileTarget;
  endpoint: ReportEndpoint;
  reportRows: number;
  /** Rows not in the inbox before (0 when the same report is fetched again). */
  newRows: number;
  summary: ReconcileSummary;
  differences: ReconcileDifference[];
}

/**
 * Fetches the instance's participant report from Zoom and merges it: every row goes into the inbox
 * as a `rollcall.report_participant` event (content-keyed, so a re-run adds nothing), the
 * differences between webhook-derived and reconciled attendance are recorded, and the instance is
 * marked `finalized` — all in one transaction. The pipeline then applies the new inbox rows like
 * any event (open sessions get their real leave, missed sessions appear, report identifiers resolve).
 * Zoom's errors (`ZoomReportNotReadyError`, `ZoomRateLimitError`, …) propagate: the caller decides
 * whether to retry.
 */
export async function reconcileInstance(store: RollcallDatabase, target: ReconcileTarget, context: ReconcileContext): Promise<ReconcileOutcome> {
  const now = context.now ?? Date.now;
  const report = await fetchParticipantReport(context.zoom, target.instanceUuid);
  const fetchedAt = now();
  const rowContext = { ...target, endpoint: report.endpoint, fetchedAt };
  const prepare = createBodyPreparer(context.privacy);
  // Keys must be distinct per statement; Zoom repeating one row verbatim is one fact anyway.
  const events = new Map<string, NewInboxEvent>();
  for (const row of report.rows) {
    const stored = reportInboxEvent(row, row, rowContext);
    if (context.privacy.privacy !== "store") {
      // The inbox keeps what the privacy mode allows, marked as stripped like webhook bodies;
      // the dedupe key was taken from Zoom's row first, so it does not depend on the mode.
      const body = JSON.parse(stored.body) as unknown;
      stored.body = prepare(stored.body, body);
    }
    events.set(stored.dedupeKey, stored);
  }
  const engineOptions: EngineOptions = { ...context.engine, privacy: context.privacy.privacy };

  return withWriteTransaction(store, async (trx) => {
    const newRows = await insertNewInboxEvents(trx, target.instanceUuid, [...events.values()]);
    const instanceEvents = await storedEvents(trx, target, context.privacy);
    const links = await context.loadLinks(trx, target.accountId);
    const { differences, summary } = attendanceDifferences(instanceEvents, links, engineOptions);
    await finalizeReconciliation(trx, {
      accountId: target.accountId,
      instanceUuid: target.instanceUuid,
      endpoint: report.endpoint,
      reportRows: report.rows.length,
      newRows,
      fetchedAt,
      summary,
      differences,
    });
    if (context.onFinalized) await context.onFinalized(trx, { accountId: target.accountId, instanceUuid: target.instanceUuid });
    return { target, endpoint: report.endpoint, reportRows: report.rows.length, newRows, summary, differences };
  });
}

/** Every event of the instance in the inbox (webhooks and report rows, applied or still pending), normalised. */
async function storedEvents(db: Kysely<Database>, target: ReconcileTarget, privacy: PrivacySettings): Promise<NormalisedEvent[]> {
  const rows = await db
    .selectFrom("inbox_events")
    .select(["body"])
    .where("instance_uuid", "=", target.instanceUuid)
    .where("status", "in", ["pending", "done"])
    .orderBy("id")
    .execute();
  const events: NormalisedEvent[] = [];
  for (const row of rows) {
    let body: unknown;
    try {
      body = JSON.parse(row.body);
    } catch {
      continue; // the pipeline parks it; it is no attendance either way
    }
    const result = normaliseInboxBody(body, normaliseOptionsForStoredBody(body, privacy));
    if (result.status === "event" && result.event.type !== "registration" && result.event.accountId === target.accountId) events.push(result.event);
  }
  return events;
}
