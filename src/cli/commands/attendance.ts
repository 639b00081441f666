import type { Command } from "commander";
import type { AttendanceFlags } from "../actions/attendance.js";
import { withStoreOptions } from "../store-options.js";

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
  ).action(async (flags: AttendanceFlags) => (await import("../actions/attendance.js")).runAttendance(flags));
}
