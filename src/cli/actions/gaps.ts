import { listGaps } from "../../reports/index.js";
import { withConfiguredStore } from "../configured-store.js";
import { parseDateFlag } from "../date-flag.js";
import type { StoreFlags } from "../store-options.js";

export interface GapsFlags extends StoreFlags {
  from?: string;
  limit: string;
  json?: boolean;
}

/** `rollcall gaps`: the WebSocket gaps, newest first, one line each (or JSON). */
export async function runGaps(flags: GapsFlags): Promise<void> {
  const limit = Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit: expected a whole number from 1, got "${flags.limit}"`);
  const from = flags.from !== undefined ? parseDateFlag("--from", flags.from) : undefined;
  const gaps = await withConfiguredStore(flags, (store) => listGaps(store.db, { limit, ...(from !== undefined ? { from } : {}) }));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(gaps, null, 2)}\n`);
    return;
  }
  if (gaps.length === 0) {
    process.stdout.write("no gaps: no WebSocket subscription has been without a connection (or none is configured)\n");
    return;
  }
  for (const g of gaps) {
    process.stdout.write(`${g.start} → ${g.end ?? "now (open)"}  ${g.subscriptionId}  account ${g.accountId}  ${g.reason}\n`);
  }
}
