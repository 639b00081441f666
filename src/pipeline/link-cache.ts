import type { Kysely } from "kysely";
import { buildLinkIndex, type LinkIndex } from "../core/index.js";
import type { Database } from "../store/index.js";
import type { LinksRevision, LoadLinks } from "./pipeline-options.js";

/** The links a batch resolves with, and whether they are the directory as it is now. */
export interface BatchLinks {
  index: LinkIndex;
  /**
   * False: an index of an earlier revision, kept because reloading costs too much to do on every
   * change (a large directory while an import runs). Instances computed with it are marked for
   * re-resolution, which loads only the links their sessions can match.
   */
  current: boolean;
}

interface CachedLinks {
  revision: number;
  index: LinkIndex;
  loadedAt: number;
  loadMs: number;
}

/** A directory whose links load this fast is reloaded on every change. */
const cheapLoadMs = 25;
/** Otherwise at most one reload per this many load times (and per second): under a running import, a tenth of the time at most. */
const reloadSpacing = 10;

/**
 * Each account's links, indexed, kept between batches while the directory's revision (bumped by
 * the database on every link change: migration 0014) stays the same. Loading and indexing 200,000
 * links takes most of a second: doing it in every batch, or for every re-resolved instance, is
 * what froze a service whose users were being imported.
 */
export class LinkCache {
  private readonly entries = new Map<string, CachedLinks>();

  /** Without `revision` links are loaded for every batch (a `loadLinks` that does not read the directory's tables). */
  constructor(
    private readonly load: LoadLinks,
    private readonly revision: LinksRevision | undefined,
  ) {}

  /** The links of `accountId` for a batch running in `trx`. */
  async forBatch(trx: Kysely<Database>, accountId: string): Promise<BatchLinks> {
    if (!this.revision) return { index: buildLinkIndex(await this.load(trx, accountId)), current: true };
    const revision = await this.revision(trx);
    const cached = this.entries.get(accountId);
    if (cached?.revision === revision) return { index: cached.index, current: true };
    if (cached && cached.loadMs > cheapLoadMs && performance.now() - cached.loadedAt < Math.max(1000, reloadSpacing * cached.loadMs)) {
      return { index: cached.index, current: false };
    }
    const started = performance.now();
    const index = buildLinkIndex(await this.load(trx, accountId));
    const now = performance.now();
    this.entries.set(accountId, { revision, index, loadedAt: now, loadMs: now - started });
    return { index, current: true };
  }

  clear(): void {
    this.entries.clear();
  }
}
