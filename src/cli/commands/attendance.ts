import type { Command } from "commander";
import { attendanceCsv, attendanceReport, meetingRollup, rollupCsv, withConfiguredStore, type StoreFlags } from "../../pipeline/directory/index.js";

interface AttendanceFlags extends StoreFlags {
  instance?: string;
  meeting?: string;
  format: string;
  account?: string;
}

/**
 * `rollcall attendance --instance UUID | --meeting ID [--format json|csv]`: prints one instance's
 * attendance (attendees with statuses, expected users who missed it, unresolved sessions) or a
 * recurring meeting's per-user roll-up, from the database `rollcall serve` uses.
 *
 * @example
 * registerAttendanceCommand(program); // rollcall attendance --instance 'FaKe==' --format csv
 */
export function registerAttendanceCommand(program: Command): void {
  program
    .command("attendance")
    .description("print attendance of one instance (--instance) or a per-user roll-up of a meeting's instances (--meeting)")
    .option("--instance <uuid>", "instance uuid (payload.object.uuid)")
    .option("--meeting <id>", "meeting number: roll-up across its instances")
    .option("--format <format>", "json or csv", "json")
    .option("--account <id>", "Zoom account id, when the database holds several")
    .option("--database-url <url>", "sqlite:<path> or postgres://… (DATABASE_URL)")
    .option("--data-dir <dir>", "data directory (ROLLCALL_DATA_DIR, default ./data)")
    .option("-c, --config <file>", "JSON or YAML file of config keys")
    .action(async (flags: AttendanceFlags) => {
      if (flags.format !== "json" && flags.format !== "csv") throw new Error(`--format: expected json or csv, got "${flags.format}"`);
      if ((flags.instance === undefined) === (flags.meeting === undefined)) throw new Error("expected exactly one of --instance UUID or --meeting ID");
      const output = await withConfiguredStore(flags, async (store, config) => {
        const options = { policy: config.statusPolicy, ...(flags.account !== undefined ? { accountId: flags.account } : {}) };
        if (flags.instance !== undefined) {
          const report = await attendanceReport(store.db, flags.instance, options);
          if (!report) throw new Error(`--instance: no instance "${flags.instance}" has been seen`);
          return flags.format === "csv" ? attendanceCsv(report) : `${JSON.stringify(report, null, 2)}\n`;
        }
        const rollup = await meetingRollup(store.db, flags.meeting!, options);
        if (!rollup) throw new Error(`--meeting: no instance of meeting "${flags.meeting}" has been seen`);
        return flags.format === "csv" ? rollupCsv(rollup) : `${JSON.stringify(rollup, null, 2)}\n`;
      });
      process.stdout.write(output);
    });
}
