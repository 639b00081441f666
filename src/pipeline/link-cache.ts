import type { Kysely } from "kysely";
import { buildLinkIndex, LinkIndexBuilder, type LinkIndex } from "../core/index.js";
import type { Database } from "../store/index.js";
import type { LinksRevision, LoadLinkPages, LoadLinks, PipelineLogger } from "./pipeline-options.js";

/** The links a batch resolves with, and whether they are the directory as it is now. */
export interface BatchLinks {
  index: LinkIndex;
  /**
   * False: an index of an earlier revision, kept while a fresh one is read in the background (a
   * large directory that changes, as during an import). Instances computed with it are marked for
   * re-resolution, which reads only the links their sessions can match.
   */
  current: boolean;
}

interface CachedLinks {
  revision: number;
  index: LinkIndex;
  loadMs: number;
}

/** A directory whose links load this fast is reloaded inside the batch on every change. */
const cheapLoadMs = 25;
/** After a background refresh, the next waits at least this many times as long (and a second): an import changes the directory all the time. */
const refreshSpacing = 4;

/** Where a {@link LinkCache} reads links from. */
export interface LinkSources {
  /** Outside any batch: the database a background refresh reads. */
  db: Kysely<Database>;
  load: LoadLinks;
  /** Without it links are loaded in every batch (a `loadLinks` that does not read the directory's tables). */
  revision: LinksRevision | undefined;
  /** Pages for a background refresh (default: `load` at once). */
  pages: LoadLinkPages | undefined;
  logger: PipelineLogger | undefined;
}

/**
 * Each account's links, indexed, kept between batches while the directory's revision (bumped by
 * the database on every link change: migration 0014) stays the same. Loading and indexing 200,000
 * links takes most of a second: doing it in every batch, or for every re-resolved instance, on the
 * event loop, is what froze a service whose users were being imported. A large directory that
 * changed is read again in the background, a page at a time, while batches go on with the index
 * they have.
 */
export class LinkCache {
  private readonly entries = new Map<string, CachedLinks>();
  private readonly refreshing = new Map<string, Promise<void>>();
  /** When each account's last background refresh may be followed by the next. */
  private readonly nextRefresh = new Map<string, number>();

  constructor(private readonly sources: LinkSources) {}

  /** The links of `accountId` for a batch running in `trx`. */
  async forBatch(trx: Kysely<Database>, accountId: string): Promise<BatchLinks> {
    const { load, revision: revisionOf } = this.sources;
    if (!revisionOf) return { index: buildLinkIndex(await load(trx, accountId)), current: true };
    const revision = await revisionOf(trx);
    const cached = this.entries.get(accountId);
    if (cached?.revision === revision) return { index: cached.index, current: true };
    if (cached && cached.loadMs > cheapLoadMs) {
      this.refresh(accountId);
      return { index: cached.index, current: false };
    }
    const started = performance.now();
    const index = buildLinkIndex(await load(trx, accountId));
    this.entries.set(accountId, { revision, index, loadMs: performance.now() - started });
    return { index, current: true };
  }

  /** Resolves once no background refresh is running (tests). */
  async settled(): Promise<void> {
    while (this.refreshing.size > 0) await Promise.all(this.refreshing.values());
  }

  clear(): void {
    this.entries.clear();
  }

  private refresh(accountId: string): void {
    if (this.refreshing.has(accountId) || performance.now() < (this.nextRefresh.get(accountId) ?? 0)) return;
    const started = performance.now();
    const running = this.readInPages(accountId)
      .catch((error: unknown) => {
        // The next batch that finds the index stale tries again.
        this.sources.logger?.warn({ errorCode: (error as { code?: string }).code ?? "error" }, "pipeline: links could not be read again");
      })
      .finally(() => {
        this.refreshing.delete(accountId);
        const took = performance.now() - started;
        this.nextRefresh.set(accountId, performance.now() + Math.max(1000, refreshSpacing * took));
      });
    this.refreshing.set(accountId, running);
  }

  private async readInPages(accountId: string): Promise<void> {
    const { db, load, pages, revision: revisionOf } = this.sources;
    // Read before the first page: whatever changes while the pages are read counts as not in them.
    const revision = await revisionOf!(db);
    let loadMs = 0;
    const builder = new LinkIndexBuilder();
    const source = pages ? pages(db, accountId) : once(load(db, accountId));
    for await (const page of source) {
      const started = performance.now();
      builder.add(page);
      loadMs += performance.now() - started;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const cached = this.entries.get(accountId);
    if (!cached || cached.revision < revision) this.entries.set(accountId, { revision, index: builder.index, loadMs: Math.max(loadMs, cached?.loadMs ?? 0) });
  }
}

async function* once<T>(value: Promise<T>): AsyncGenerator<T> {
  yield await value;
}
