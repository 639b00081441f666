import { listInstances } from "../../reports/index.js";
import { withConfiguredStore } from "../configured-store.js";
import { parseDateFlag, parseRangeEndFlag } from "../date-flag.js";
import type { StoreFlags } from "../store-options.js";

export interface InstancesFlags extends StoreFlags {
  meeting?: string;
  account?: string;
  from?: string;
  to?: string;
  limit: string;
  json?: boolean;
}

/** `rollcall instances`: the meeting instances seen, newest first, one line each (or JSON). */
export async function runInstances(flags: InstancesFlags): Promise<void> {
  const limit = Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit: expected a whole number from 1, got "${flags.limit}"`);
  const instances = await withConfiguredStore(flags, (store) =>
    listInstances(store.db, {
      limit,
      ...(flags.meeting !== undefined ? { meetingId: flags.meeting } : {}),
      ...(flags.account !== undefined ? { accountId: flags.account } : {}),
      ...(flags.from !== undefined ? { from: parseDateFlag("--from", flags.from) } : {}),
      ...(flags.to !== undefined ? { to: parseRangeEndFlag("--to", flags.to) } : {}),
    }),
  );
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(instances, null, 2)}\n`);
    return;
  }
  if (instances.length === 0) {
    process.stdout.write("no instances yet: Rollcall has not processed a meeting event\n");
    return;
  }
  for (const i of instances) {
    const incomplete = i.possiblyIncomplete ? "  (may be incomplete: a WebSocket gap, until Zoom's report is merged)" : "";
    process.stdout.write(`${i.uuid}  ${i.meetingId}  ${i.startTime ?? "?"}  ${i.status.padEnd(9)}  ${String(i.sessions).padStart(5)} sessions  ${i.topic ?? ""}${incomplete}\n`);
  }
}
