import { attendanceText, rollupText } from "../attendance-text.js";
import { attendanceCsv, attendanceReport, meetingRollup, rollupCsv } from "../../reports/index.js";
import { withConfiguredStore } from "../configured-store.js";
import type { StoreFlags } from "../store-options.js";

export interface AttendanceFlags extends StoreFlags {
  instance?: string;
  meeting?: string;
  format?: string;
  account?: string;
}

/** `rollcall attendance`: one instance's attendance (`--instance`) or a meeting's per-user roll-up (`--meeting`), as table, JSON or CSV. */
export async function runAttendance(flags: AttendanceFlags): Promise<void> {
  const format = flags.format ?? (process.stdout.isTTY ? "table" : "json");
  if (format !== "table" && format !== "json" && format !== "csv") throw new Error(`--format: expected table, json or csv, got "${format}"`);
  if ((flags.instance === undefined) === (flags.meeting === undefined)) throw new Error("expected exactly one of --instance UUID or --meeting ID");
  const output = await withConfiguredStore(flags, async (store, config) => {
    const options = { policy: config.statusPolicy, ...(flags.account !== undefined ? { accountId: flags.account } : {}) };
    if (flags.instance !== undefined) {
      const report = await attendanceReport(store.db, flags.instance, options);
      if (!report) throw new Error(`--instance: no instance "${flags.instance}" has been seen`);
      return format === "csv" ? attendanceCsv(report) : format === "table" ? attendanceText(report) : `${JSON.stringify(report, null, 2)}\n`;
    }
    const rollup = await meetingRollup(store.db, flags.meeting!, options);
    if (!rollup) throw new Error(`--meeting: no instance of meeting "${flags.meeting}" has been seen`);
    return format === "csv" ? rollupCsv(rollup) : format === "table" ? rollupText(rollup) : `${JSON.stringify(rollup, null, 2)}\n`;
  });
  process.stdout.write(output);
}
