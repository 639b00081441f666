import { attendanceCsv, attendanceReport, listInstances, type AttendanceReport } from "../../reports/index.js";
import { withConfiguredStore } from "../configured-store.js";
import type { StoreFlags } from "../store-options.js";
import { parseDateFlag, parseRangeEndFlag } from "../date-flag.js";

export interface ExportFlags extends StoreFlags {
  from?: string;
  to?: string;
  meeting?: string;
  account?: string;
  format: string;
}

export const exportFormats = ["json", "ndjson", "csv"] as const;

/** `rollcall export`: the attendance of every instance in a range, in the shape of `rollcall attendance`. */
export async function runExport(flags: ExportFlags): Promise<void> {
  if (!(exportFormats as readonly string[]).includes(flags.format)) throw new Error(`--format: expected one of ${exportFormats.join(", ")}, got "${flags.format}"`);
  const reports = await withConfiguredStore(flags, async (store, config) => {
    const instances = await listInstances(store.db, {
      limit: Number.MAX_SAFE_INTEGER,
      ...(flags.meeting !== undefined ? { meetingId: flags.meeting } : {}),
      ...(flags.account !== undefined ? { accountId: flags.account } : {}),
      ...(flags.from !== undefined ? { from: parseDateFlag("--from", flags.from) } : {}),
      ...(flags.to !== undefined ? { to: parseRangeEndFlag("--to", flags.to) } : {}),
    });
    const out: AttendanceReport[] = [];
    // Oldest first reads naturally in a spreadsheet.
    for (const instance of instances.reverse()) {
      const report = await attendanceReport(store.db, instance.uuid, { policy: config.statusPolicy, accountId: instance.accountId });
      if (report) out.push(report);
    }
    return out;
  });
  process.stdout.write(render(reports, flags.format as (typeof exportFormats)[number]));
}

function render(reports: AttendanceReport[], format: (typeof exportFormats)[number]): string {
  if (format === "json") return `${JSON.stringify(reports, null, 2)}\n`;
  if (format === "ndjson") return reports.map((r) => `${JSON.stringify(r)}\n`).join("");
  // One header for the whole file: each per-instance CSV starts with the same header line.
  return reports.map((r, i) => (i === 0 ? attendanceCsv(r) : attendanceCsv(r).split("\n").slice(1).join("\n"))).join("");
}
