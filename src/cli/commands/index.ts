import type { Command } from "commander";
import { registerEmulatorCommand } from "./emulator.js";
import { registerMigrateCommand } from "./migrate.js";
import { registerServeCommand } from "./serve.js";
import { registerSimulateCommand } from "./simulate.js";

/** Adds one sub-command (with its options and action) to the `rollcall` program. */
export type RegisterCommand = (program: Command) => void;

/** Every `rollcall` sub-command. Each lives in its own file beside this one; add new ones here. */
export const commands: RegisterCommand[] = [
  registerServeCommand,
  registerMigrateCommand,
  registerEmulatorCommand,
  registerSimulateCommand,
];
