import { sql } from "kysely";
import type { RollcallDatabase } from "../../store/index.js";

/** This process's hold on one subscription: Zoom allows one connection per subscription. */
export interface HolderLock {
  /** Settles if the hold is lost (its database session died): the connection must close then. */
  readonly lost: Promise<void>;
  /** Gives the hold back, so another process may take the subscription over. */
  release(): Promise<void>;
}

/** First key of the two-key advisory locks that elect a subscription's holder (`'RCZ'`). */
const holderLockClass = 0x52435a;
/** How often the held session is checked: a dead session means the lock is someone else's now. */
const sessionCheckMs = 2000;

/**
 * Tries to become the one process connected to `subscriptionId`. On PostgreSQL that is a session
 * advisory lock held on a connection of its own, as worker slots are: a process that dies (its
 * session closes) frees the subscription at once and a standby takes it over at its next try.
 * SQLite serves one process, which always holds it.
 *
 * @returns the hold, or undefined while another process holds it.
 */
export async function tryHoldSubscription(store: RollcallDatabase, subscriptionId: string): Promise<HolderLock | undefined> {
  if (store.dialect !== "postgres") return { lost: new Promise<void>(() => {}), release: async () => {} };
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let markLost!: () => void;
  const lost = new Promise<void>((resolve) => (markLost = resolve));
  let taken!: (held: boolean) => void;
  const outcome = new Promise<boolean>((resolve) => (taken = resolve));
  const holding: Promise<void> = store.db.connection().execute(async (connection) => {
    const { rows } = await sql<{ held: boolean }>`select pg_try_advisory_lock(${holderLockClass}, hashtext(${subscriptionId})) as held`.execute(connection);
    const held = rows[0]?.held === true;
    taken(held);
    if (!held) return;
    let done = false;
    void released.then(() => (done = true));
    while (!done) {
      await Promise.race([released, new Promise((resolve) => setTimeout(resolve, sessionCheckMs).unref())]);
      if (done) break;
      try {
        await sql`select 1`.execute(connection);
      } catch {
        markLost();
        return;
      }
    }
    await sql`select pg_advisory_unlock(${holderLockClass}, hashtext(${subscriptionId}))`.execute(connection).catch(() => {});
  });
  holding.catch(() => markLost());
  // A connection that fails before the lock is tried rejects here: the caller tries again later.
  if (!(await Promise.race([outcome, holding.then(() => false)]))) {
    await holding.catch(() => {});
    return undefined;
  }
  return {
    lost,
    async release() {
      release();
      await holding.catch(() => {});
    },
  };
}
