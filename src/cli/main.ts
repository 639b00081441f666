import { Command } from "commander";
import { packageVersion } from "../runtime/package-files.js";
import { commands } from "./commands/index.js";

const program = new Command("rollcall")
  .description("Which of your own users attended a Zoom meeting, when, and for how long.")
  .version(packageVersion(), "-V, --version", "print Rollcall's version")
  .showHelpAfterError();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // A command failed in a way it already explained; print one clear line, not a stack trace.
  process.stderr.write(`rollcall: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
