/**
 * CPU time used so far by the local database server's processes (every process named `postgres`),
 * read from /proc: with the server on this machine, the difference over a timed block says how much
 * of a benchmark's wall time the server spent computing. Zero where /proc is missing.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Linux reports process times in clock ticks of 1/100 s (`getconf CLK_TCK`). */
const ticksPerSecond = 100;

/** Milliseconds of user + system CPU of all `postgres` processes now alive (including their reaped children's time). */
export function postgresCpuMs(): number {
  let ticks = 0;
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return 0;
  }
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    const close = stat.lastIndexOf(")");
    if (stat.slice(stat.indexOf("(") + 1, close) !== "postgres") continue;
    // Fields after the command: state is field 3; utime, stime, cutime, cstime are fields 14–17.
    const fields = stat.slice(close + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return (ticks * 1000) / ticksPerSecond;
}
