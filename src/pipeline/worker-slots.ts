import { sql } from "kysely";
import type { RollcallDatabase } from "../store/index.js";

/** This worker's share of the inbox: instances whose hash modulo `count` is `index`. */
export interface Partition {
  index: number;
  count: number;
}

/** Membership of the pipeline workers sharing one PostgreSQL database. */
export interface WorkerSlots {
  /** This worker's partition among the workers holding a slot now (re-read at most once a second). */
  partition(): Promise<Partition>;
  /** Gives the slot back (its connection returns to the pool). */
  release(): Promise<void>;
}

/** First key of the two-key advisory locks that mark a worker's slot (`'RCW'`); the second is the slot number. */
const slotLockClass = 0x524357;
const maxSlots = 64;

/**
 * Takes the lowest free worker slot: a session advisory lock held on a connection of its own for
 * as long as the worker runs, so a worker that dies (its connection closes) frees its slot without
 * anyone cleaning up. Workers split the inbox by instance among the slots held: each instance's
 * events then go to one worker, whose cached engine state stays current, instead of every worker
 * rebuilding every instance after the others wrote it. SQLite has one writer: undefined there.
 */
export async function joinWorkerSlots(store: RollcallDatabase): Promise<WorkerSlots | undefined> {
  if (store.dialect !== "postgres") return undefined;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let slot = -1;
  let backendPid = -1;
  let holding!: Promise<void>;
  const joined = new Promise<void>((resolve, reject) => {
    holding = store.db
      .connection()
      .execute(async (connection) => {
        const { rows: me } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(connection);
        backendPid = Number(me[0]?.pid);
        for (let i = 0; i < maxSlots && slot < 0; i++) {
          const { rows } = await sql<{ taken: boolean }>`select pg_try_advisory_lock(${slotLockClass}, ${i}) as taken`.execute(connection);
          if (rows[0]?.taken === true) slot = i;
        }
        resolve();
        if (slot < 0) return; // more workers than slots: this one takes no share (see partition)
        await released;
        await sql`select pg_advisory_unlock(${slotLockClass}, ${slot})`.execute(connection);
      })
      .catch(reject);
  });
  await joined;
  let cached: { at: number; partition: Partition } | undefined;
  return {
    async partition() {
      if (slot < 0) return { index: 0, count: 1 };
      if (cached && Date.now() - cached.at < 1000) return cached.partition;
      const { rows } = await sql<{ slot: number; pid: number }>`select objid::int as slot, pid from pg_locks
        where locktype = 'advisory' and granted and classid = ${slotLockClass} and objsubid = 2
          and database = (select oid from pg_database where datname = current_database())
        order by objid`.execute(store.db);
      // Ours only if our own session still holds it: after a failover the slot may be someone else's.
      const index = rows.findIndex((r) => Number(r.slot) === slot && Number(r.pid) === backendPid);
      // Without a slot of its own a worker takes rows of every instance: slower, never stranded.
      const partition = index < 0 ? { index: 0, count: 1 } : { index, count: rows.length };
      cached = { at: Date.now(), partition };
      return partition;
    },
    async release() {
      release();
      await holding.catch(() => {});
    },
  };
}
