import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { RollcallDatabase } from "../database.js";
import { sqliteInboxAddDeliveries, sqliteInboxAddToOwner, sqliteInboxInsert, sqliteInboxRow, type InboxBatchWriter } from "./inbox-repository.js";
import { keyHash } from "./key-hash.js";
import type { InboxWritten } from "./new-inbox-event.js";

// Plain JavaScript, evaluated as the thread's code: it must load whatever loader runs the sources
// (tsx, vitest, a build), so it imports nothing of Rollcall's and only requires better-sqlite3.
const threadSource = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma("synchronous = " + workerData.synchronous);
let busyTimeout = workerData.busyTimeout;
db.pragma("busy_timeout = " + busyTimeout);
let insert;
let add;
let addToOwner;
// inboxBatchWriter's loop (inbox-repository.ts), on this thread's connection. A message row is
// [knownId or null, deliveries, keyHash(key), ...the insert's values (the key first)]; an answer
// row [id, 1 if counted on the row holding the event already, 0 if a new row].
const commit = db.transaction((rows) => {
  insert ??= db.prepare(workerData.insert);
  add ??= db.prepare(workerData.add);
  addToOwner ??= db.prepare(workerData.addToOwner);
  const out = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row[0] !== null) {
      const id = add.run(row[1], row[0], row[3]).changes === 1 ? row[0] : addToOwner.get(row[1], row[2], row[3])?.id;
      if (id !== undefined) {
        out[i] = [id, 1];
        continue;
      }
    }
    out[i] = [Number(insert.run(row.slice(3)).lastInsertRowid), 0];
  }
  return out;
}).immediate;
// A commit that changes no data (see inboxCommitProbe): the write lock, one page to the WAL, COMMIT.
const probe = db.transaction(() => db.pragma("user_version = " + Number(db.pragma("user_version", { simple: true })))).immediate;
parentPort.on("message", (message) => {
  if (message.type === "close") {
    db.close();
    parentPort.close();
    return;
  }
  if (message.busyTimeout !== busyTimeout) {
    busyTimeout = message.busyTimeout;
    db.pragma("busy_timeout = " + busyTimeout);
  }
  try {
    parentPort.postMessage({ id: message.id, ok: true, rows: message.type === "probe" ? (probe(), []) : commit(message.rows) });
  } catch (error) {
    parentPort.postMessage({ id: message.id, ok: false, code: typeof error?.code === "string" ? error.code : error?.name ?? "unknown", message: String(error?.message ?? error) });
  }
});
`;

/** The event loop's connection checkpoints only past this many WAL pages (~40 MB) while the thread runs. */
const mainCheckpointPages = 10_000;

/** An inbox writer whose transactions run on a thread of their own. */
export interface SqliteCommitThread {
  write: InboxBatchWriter;
  /** A commit that changes no data, on the thread's connection (see `inboxCommitProbe`). */
  probe(): Promise<void>;
  /** Lets the current commit finish, then closes the thread's connection and ends the thread. */
  close(): Promise<void>;
}

/** A commit the thread refused; `code` is SQLite's (`SQLITE_BUSY`, …). */
class CommitThreadError extends Error {
  override name = "CommitThreadError";
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

type Reply = { id: number; ok: true; rows: Array<[number, number]> } | { id: number; ok: false; code: string; message: string };

/**
 * Runs the inbox's group commits on a worker thread with its own connection to the same SQLite file,
 * so the commit (the insert, the `fsync` of `synchronous=FULL`, the occasional WAL checkpoint) no
 * longer blocks the event loop: HTTP requests keep being read, verified and queued while the disk
 * syncs, and the next batch takes everything that arrived meanwhile. Durability is SQLite's own:
 * the thread answers after `COMMIT` returned, with the store's `synchronous` setting.
 *
 * Returns `undefined` where a second connection cannot see the same data (`:memory:`).
 * The thread's connection waits `lockWaitMs` for a lock, or else follows the store connection's
 * `busy_timeout` (read at each batch).
 */
export function startSqliteCommitThread(store: RollcallDatabase, lockWaitMs?: number): SqliteCommitThread | undefined {
  const main = store.sqlite;
  if (store.dialect !== "sqlite" || !main || main.memory) return undefined;
  const sqlite = main;
  const busyTimeout = (): number => lockWaitMs ?? Number(sqlite.pragma("busy_timeout", { simple: true }));
  const synchronous = Number(sqlite.pragma("synchronous", { simple: true })) === 1 ? "NORMAL" : "FULL";
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");

  let thread: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve(rows: Array<[number, number]>): void; reject(error: Error): void }>();

  // WAL checkpoints (copying the log into the database file, and its fsync) run in the commit that
  // crosses the threshold: on the event loop's connection that was a pipeline batch's commit, which
  // then blocked every request for tens of milliseconds. While the thread runs it checkpoints (its
  // connection keeps SQLite's default); the event loop's connection only past a far larger log.
  let restoreCheckpoints: number | undefined;
  function moveCheckpoints(): void {
    restoreCheckpoints ??= Number(sqlite.pragma("wal_autocheckpoint", { simple: true }));
    sqlite.pragma(`wal_autocheckpoint = ${mainCheckpointPages}`);
  }

  function failAll(error: Error): void {
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  }

  // Started on first use and again after a crash, so one broken thread does not break the service.
  function ensureThread(): Worker {
    if (thread) return thread;
    const started = new Worker(threadSource, {
      eval: true,
      workerData: { driver, path: sqlite.name, synchronous, busyTimeout: busyTimeout(), insert: sqliteInboxInsert, add: sqliteInboxAddDeliveries, addToOwner: sqliteInboxAddToOwner },
    });
    // Idle, it must not keep the process alive; pending commits keep their callers' timers.
    started.unref();
    moveCheckpoints();
    started.on("message", (reply: Reply) => {
      const waiting = pending.get(reply.id);
      if (!waiting) return;
      pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.rows);
      else waiting.reject(new CommitThreadError(reply.message, reply.code));
    });
    started.on("error", (error) => {
      if (thread === started) thread = undefined;
      failAll(new CommitThreadError(`inbox commit thread failed: ${error.message}`, "thread_error"));
    });
    started.on("exit", () => {
      if (thread === started) thread = undefined;
      failAll(new CommitThreadError("inbox commit thread exited", "thread_exit"));
    });
    thread = started;
    return started;
  }

  function send(message: { type?: "probe"; rows?: unknown[][] }): Promise<Array<[number, number]>> {
    const id = nextId++;
    return new Promise<Array<[number, number]>>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      ensureThread().postMessage({ ...message, id, busyTimeout: busyTimeout() });
    });
  }

  const write: InboxBatchWriter = async (writes) => {
    const rows = writes.map(({ event, deliveries, knownId }) =>
      knownId === undefined ? [null, deliveries, null, ...sqliteInboxRow(event, deliveries)] : [knownId, deliveries, keyHash(event.dedupeKey), ...sqliteInboxRow(event, deliveries)],
    );
    const result = await send({ rows });
    return result.map(([id, counted]): InboxWritten => ({ id, counted: counted === 1 }));
  };

  return {
    write,
    probe: async () => void (await send({ type: "probe" })),
    async close() {
      const current = thread;
      if (!current) return;
      thread = undefined;
      if (restoreCheckpoints !== undefined && sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${restoreCheckpoints}`);
      restoreCheckpoints = undefined;
      const exited = new Promise<void>((resolve) => current.once("exit", () => resolve()));
      // Unreferenced, the thread would not keep the process alive until it exits: with nothing
      // else left (role ingest), Node would end with this stop still unsettled (exit code 13).
      current.ref();
      // Messages are handled in order: any commit posted before this one finishes first.
      current.postMessage({ type: "close" });
      await exited;
    },
  };
}
