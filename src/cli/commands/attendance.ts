import type { Command } from "commander";
import { attendanceText, rollupText } from "../attendance-text.js";
import { attendanceCsv, attendanceReport, meetingRollup, rollupCsv } from "../../reports/index.js";
import { withConfiguredStore, type StoreFlags, withStoreOptions } from "../configured-store.js";

interface AttendanceFlags extends StoreFlags {
  instance?: string;
  meeting?: string;
  format?: string;
  account?: string;
}

/**
 * `rollcall attendance --instance UUID | --meeting ID [--format table|json|csv]`: prints one instance's
 * attendance (attendees with statuses, expected users who missed it, unresolved sessions) or a
 * recurring meeting's per-user roll-up, from the database `rollcall serve` uses.
 */
export function registerAttendanceCommand(program: Command): void {
  withStoreOptions(
    program
      .command("attendance")
      .description("print attendance of one instance (--instance) or a per-user roll-up of a meeting's instances (--meeting)")
      .option("--instance <uuid>", "instance uuid (payload.object.uuid)")
      .option("--meeting <id>", "meeting number: roll-up across its instances")
      .option("--format <format>", "table, json or csv (default: table on a terminal, json otherwise)")
      .option("--account <id>", "Zoom account id, when the database holds several"),
  )
    .action(async (flags: AttendanceFlags) => {
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
    });
}
