import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { scenarioJsonSchema } from "../../src/emulator/scenarios/scenario-json-schema.js";

const root = join(import.meta.dirname, "..", "..");
const shipped = JSON.parse(readFileSync(join(root, "examples", "scenario.schema.json"), "utf8")) as Record<string, unknown>;
const scenarioFiles = [
  ...readdirSync(join(root, "src", "emulator", "scenarios")).filter((f) => f.endsWith(".yaml")).map((f) => join(root, "src", "emulator", "scenarios", f)),
  ...readdirSync(join(root, "examples")).filter((f) => f.endsWith(".yaml")).map((f) => join(root, "examples", f)),
];

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(shipped);
}

it("ships the scenario format's JSON Schema as the code defines it (npm run scenario-schema writes it)", () => {
  expect(shipped).toEqual(scenarioJsonSchema());
});

it.each(scenarioFiles.map((file) => [file.slice(root.length + 1), file]))("%s is valid against the shipped JSON Schema", (_name, file) => {
  const validate = validator();
  const ok = validate(parseYaml(readFileSync(file, "utf8")));
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
});

it("refuses what the simulator refuses: an unknown step, a participant without a timeline", () => {
  const validate = validator();
  const base = { meeting: { number: "81234567890", topic: "t", start: "2026-01-01T09:00:00Z", duration: 30 }, end: { at: "30m" } };
  expect(validate({ ...base, participants: [{ id: "a", kind: "anonymous_guest", name: "A", timeline: [{ do: "dance", at: 0 }] }] })).toBe(false);
  expect(validate({ ...base, participants: [{ id: "a", kind: "anonymous_guest", name: "A" }] })).toBe(false);
  expect(validate({ ...base, participants: [{ id: "a", kind: "anonymous_guest", name: "A", timeline: [{ do: "join", at: "2m" }] }] })).toBe(true);
});
