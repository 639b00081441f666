import { expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { serviceWorkers } from "../../src/service/index.js";

const configFor = (role: "all" | "ingest" | "worker" | undefined) => loadConfig({ env: {}, overrides: role ? { role } : {} });

it("the role decides which workers a service runs: all and worker run every one, ingest none", () => {
  expect(configFor(undefined).role).toBe("all");
  const names = (role: "all" | "ingest" | "worker") => serviceWorkers(configFor(role)).map((worker) => worker.name);
  expect(names("all").length).toBeGreaterThanOrEqual(2);
  expect(names("worker")).toEqual(names("all"));
  expect(names("ingest")).toEqual([]);
});

it("ROLLCALL_ROLE sets the role, and a wrong one names the variable and the choices", () => {
  expect(loadConfig({ env: { ROLLCALL_ROLE: "ingest" } }).role).toBe("ingest");
  expect(() => loadConfig({ env: { ROLLCALL_ROLE: "both" } })).toThrow(/ROLLCALL_ROLE \(role\).*"all"\|"ingest"\|"worker"/);
});
