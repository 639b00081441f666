import type { Command } from "commander";
import { registerAttendanceCommand } from "./attendance.js";
import { registerEmulatorCommand } from "./emulator.js";
import { registerExportCommand } from "./export.js";
import { registerGapsCommand } from "./gaps.js";
import { registerInstancesCommand } from "./instances.js";
import { registerKeysCommand } from "./keys.js";
import { registerLinksCommand } from "./links.js";
import { registerLinksIssueCommand } from "./links-issue.js";
import { registerMigrateCommand } from "./migrate.js";
import { registerReconcileCommand } from "./reconcile.js";
import { registerReprocessCommand } from "./reprocess.js";
import { registerServeCommand } from "./serve.js";
import { registerSimulateCommand } from "./simulate.js";
import { registerUsersCommand } from "./users.js";
import { registerWebhooksCommand } from "./webhooks.js";

/** Adds one sub-command (with its options and action) to the `rollcall` program. */
export type RegisterCommand = (program: Command) => void;

/**
 * Every `rollcall` sub-command. Each lives in its own file beside this one (name, options, help)
 * and imports what it does (`../actions/`) only when it runs, so a start loads one command's code,
 * not every command's. Add new ones here.
 */
export const commands: RegisterCommand[] = [
  registerServeCommand,
  registerMigrateCommand,
  registerEmulatorCommand,
  registerSimulateCommand,
  registerUsersCommand,
  registerKeysCommand,
  registerLinksCommand,
  // After registerLinksCommand: adds `issue` to its `links` command.
  registerLinksIssueCommand,
  registerInstancesCommand,
  registerAttendanceCommand,
  registerExportCommand,
  registerReprocessCommand,
  registerReconcileCommand,
  registerGapsCommand,
  registerWebhooksCommand,
];
