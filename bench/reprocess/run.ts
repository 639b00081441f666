/**
 * `npm run bench:reprocess`: `rollcall reprocess` end to end. Fills an inbox with several
 * 10,000-attendee webinars' webhook streams (duplicates counted as deliveries, as ingest stores
 * them), on SQLite and on PostgreSQL, processes it, then runs `reprocess` (each instance rebuilt
 * from every inbox row it has, its stored rows compared and only what differs written) and reports
 * events per second, two ways:
 * - `reprocess`: the stored rows are what the engine says (an upgrade that changed nothing): the
 *   rebuild reads and compares them and writes no derived row;
 * - `rewrite`: the derived tables emptied first (not timed), so every row is written: what a
 *   rebuild costs when everything changed.
 * Target: >= 100,000 events/s on SQLite.
 *
 * Baselines in the same run, to say where the time goes:
 * - `readParse`: reading every inbox body back in id order and `JSON.parse`-ing it (the I/O floor);
 * - `compute`: read + normalise + the engine over all events in memory, one result per instance
 *   (what reprocess would cost with free writes);
 * and for reprocess itself the CPU time of this process beside the wall time (the rest is waiting
 * for the database server, or for the disk).
 * Last line: one JSON object of figures.
 *
 *   npm run bench:reprocess
 *   BENCH_INSTANCES=2 BENCH_PARTICIPANTS=2000 BENCH_DIALECTS=sqlite npm run bench:reprocess
 */
import type { Link } from "../../src/core/index.js";
import { createInstanceState, EventColumnsBuilder, type InstanceState } from "../../src/core/index.js";
import { createPipeline, reprocess } from "../../src/pipeline/index.js";
import { openDatabase, migrateToLatest, type RollcallDatabase } from "../../src/store/index.js";
import { storableDedupeKey, insertInboxEvents, type NewInboxEvent } from "../../src/store/inbox/index.js";
import { contentKey } from "../../src/zoom/events/index.js";
import { normaliseInboxBodyInto } from "../../src/zoom/events/normalise-inbox-body.js";
import { webinarStream } from "../pipeline/webinar-stream.js";
import { withBenchDatabase, type BenchDialect } from "../support/bench-database.js";
import { median } from "../support/bench-helpers.js";
import { postgresCpuMs } from "../support/server-cpu.js";

const participants = Number(process.env["BENCH_PARTICIPANTS"] ?? 10_000);
const instances = Number(process.env["BENCH_INSTANCES"] ?? 4);
const rounds = Number(process.env["BENCH_ROUNDS"] ?? 3);
const dialects = (process.env["BENCH_DIALECTS"] ?? "sqlite,postgres").split(",") as BenchDialect[];

/** Inbox rows as ingest writes them: one per distinct event, redeliveries counted. */
function inboxRows(): { rows: Array<{ event: NewInboxEvent; deliveries: number }>; links: Map<string, Link[]>; deliveries: number } {
  const byKey = new Map<string, { event: NewInboxEvent; deliveries: number }>();
  const links = new Map<string, Link[]>();
  let deliveries = 0;
  let receivedAt = Date.UTC(2026, 2, 3, 16, 0, 0);
  for (let i = 0; i < instances; i++) {
    const stream = webinarStream({ participants, seed: 2026 + i, instance: i, accountId: `BENCHacct${i % 2}` });
    links.set(stream.accountId, [...(links.get(stream.accountId) ?? []), ...stream.links]);
    for (const body of stream.bodies) {
      deliveries++;
      const key = storableDedupeKey(contentKey(body));
      const known = byKey.get(key);
      if (known !== undefined) {
        known.deliveries++;
        continue;
      }
      const b = body as { event: string; event_ts: number; payload: { account_id: string; object: { uuid: string } } };
      byKey.set(key, {
        deliveries: 1,
        event: { dedupeKey: key, event: b.event, accountId: b.payload.account_id, instanceUuid: b.payload.object.uuid, body: JSON.stringify(body), headers: { "x-zm-request-timestamp": "0" }, receivedAt: receivedAt++, eventTs: b.event_ts },
      });
    }
  }
  return { rows: [...byKey.values()], links, deliveries };
}

async function fill(store: RollcallDatabase, rows: Array<{ event: NewInboxEvent; deliveries: number }>): Promise<void> {
  for (let i = 0; i < rows.length; i += 10_000) {
    await store.db.transaction().execute((trx) => insertInboxEvents(trx, rows.slice(i, i + 10_000)));
  }
}

/** Every inbox body in id order, in pages. */
async function* bodies(store: RollcallDatabase): AsyncGenerator<string> {
  let after = 0;
  for (;;) {
    const page = await store.db.selectFrom("inbox_events").select(["id", "body"]).where("id", ">", after).orderBy("id").limit(5000).execute();
    if (page.length === 0) return;
    for (const row of page) yield row.body;
    after = page[page.length - 1]!.id;
  }
}

interface Timing {
  wallMs: number;
  cpuMs: number;
  /** CPU of the local PostgreSQL server's processes meanwhile (0 for SQLite, which runs in this process). */
  serverCpuMs: number;
}

async function timed(fn: () => Promise<unknown>): Promise<Timing> {
  const s0 = postgresCpuMs();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000, serverCpuMs: postgresCpuMs() - s0 };
}

const best = (xs: number[]) => Math.min(...xs);
const round1 = (n: number) => Math.round(n * 10) / 10;

async function measure(dialect: BenchDialect, rows: Array<{ event: NewInboxEvent; deliveries: number }>, links: Map<string, Link[]>) {
  return withBenchDatabase(dialect, async (url) => {
    const store = await openDatabase(url);
    try {
      await migrateToLatest(store);
      await fill(store, rows);
      const options = { loadLinks: async (_db: unknown, accountId: string) => links.get(accountId) ?? [] };
      // Reprocess rebuilds what a running service already processed: the inbox starts as it leaves it.
      await createPipeline(store, options).runUntilIdle();
      const readParse: Timing[] = [];
      const compute: Timing[] = [];
      const whole: Timing[] = [];
      const rewrite: Timing[] = [];
      let sink = 0;
      for (let round = 0; round < rounds; round++) {
        readParse.push(
          await timed(async () => {
            for await (const body of bodies(store)) sink += (JSON.parse(body) as { event: string }).event.length;
          }),
        );
        compute.push(
          await timed(async () => {
            // As the pipeline does it: participant events as columns per instance, the rest as objects.
            const states = new Map<string, { state: InstanceState; columns: EventColumnsBuilder }>();
            const of = (accountId: string, instanceUuid: string) => {
              const key = `${accountId}\u001f${instanceUuid}`;
              let entry = states.get(key);
              if (entry === undefined) states.set(key, (entry = { state: createInstanceState(), columns: new EventColumnsBuilder(1024) }));
              return entry;
            };
            for await (const body of bodies(store)) {
              const r = normaliseInboxBodyInto(JSON.parse(body), (a, i) => of(a, i).columns, {});
              if (r.status !== "event" || r.event.type === "registration") continue;
              of(r.event.accountId, r.event.instanceUuid).state.apply(r.event);
            }
            for (const [key, { state, columns }] of states) {
              state.applyColumns(columns);
              sink += state.result(links.get(key.split("\u001f")[0]!) ?? [], {}).sessions.length;
            }
          }),
        );
        let summary: Awaited<ReturnType<typeof reprocess>> | undefined;
        whole.push(
          await timed(async () => {
            summary = await reprocess(store, options);
          }),
        );
        if (summary!.done !== rows.length) throw new Error(`reprocess: expected ${rows.length} rows done, got ${JSON.stringify(summary)}`);
        for (const table of ["attendance", "session_resolutions", "session_identifiers", "participant_sessions"] as const) await store.db.deleteFrom(table).execute();
        rewrite.push(
          await timed(async () => {
            summary = await reprocess(store, options);
          }),
        );
        if (summary!.rowsWritten === 0) throw new Error("rewrite: expected every derived row written");
      }
      const events = rows.length;
      const perSecond = (t: Timing[]) => Math.round(events / (median(t.map((x) => x.wallMs)) / 1000));
      const counts = await store.db.selectFrom("participant_sessions").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
      if (sink === -1) console.log("");
      return {
        events,
        sessionRows: Number(counts.n),
        reprocessPerSecond: perSecond(whole),
        reprocessBestPerSecond: Math.round(events / (best(whole.map((x) => x.wallMs)) / 1000)),
        reprocessWallMs: round1(median(whole.map((x) => x.wallMs))),
        reprocessCpuMs: round1(median(whole.map((x) => x.cpuMs))),
        reprocessServerCpuMs: round1(median(whole.map((x) => x.serverCpuMs))),
        rewritePerSecond: perSecond(rewrite),
        rewriteWallMs: round1(median(rewrite.map((x) => x.wallMs))),
        rewriteCpuMs: round1(median(rewrite.map((x) => x.cpuMs))),
        rewriteServerCpuMs: round1(median(rewrite.map((x) => x.serverCpuMs))),
        computeWallMs: round1(median(compute.map((x) => x.wallMs))),
        computePerSecond: perSecond(compute),
        readParseWallMs: round1(median(readParse.map((x) => x.wallMs))),
        readParsePerSecond: perSecond(readParse),
      };
    } finally {
      await store.close();
    }
  });
}

const serverCpu = (ms: number) => (ms > 0 ? `, ${ms} ms CPU in PostgreSQL` : "");

const { rows, links, deliveries } = inboxRows();
const result: Record<string, unknown> = { participants, instances, deliveries, inboxRows: rows.length, rounds };
console.log(`${instances} webinars of ${participants} attendees: ${deliveries} deliveries, ${rows.length} inbox rows; ${rounds} rounds per database (medians; the machine may be shared)`);
for (const dialect of dialects) {
  try {
    const f = await measure(dialect, rows, links);
    result[dialect] = f;
    console.log(
      `${dialect}: reprocess ${f.reprocessPerSecond} events/s (best ${f.reprocessBestPerSecond}/s; ${f.reprocessWallMs} ms wall, ${f.reprocessCpuMs} ms CPU in this process${serverCpu(f.reprocessServerCpuMs)}, ${f.sessionRows} session rows); ` +
        `rewriting every row ${f.rewritePerSecond} events/s (${f.rewriteWallMs} ms wall, ${f.rewriteCpuMs} ms CPU in this process${serverCpu(f.rewriteServerCpuMs)}); ` +
        `baselines: read+parse ${f.readParseWallMs} ms (${f.readParsePerSecond}/s), read+normalise+engine in memory ${f.computeWallMs} ms (${f.computePerSecond}/s)`,
    );
  } catch (error) {
    result[dialect] = { error: (error as Error).message };
    console.log(`${dialect}: failed (${(error as Error).message})`);
  }
}
console.log(`target: SQLite reprocess >= 100,000 events/s ${((result["sqlite"] as { reprocessPerSecond?: number })?.reprocessPerSecond ?? 0) >= 100_000 ? "met" : "MISSED"}`);
console.log(JSON.stringify(result));
