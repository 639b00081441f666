// Writes examples/scenario.schema.json from the scenario's zod schema (`npm run scenario-schema`);
// test/emulator/scenario-json-schema.test.ts fails while the shipped file is out of date.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { scenarioJsonSchema } from "../src/emulator/scenarios/scenario-json-schema.js";

const target = join(import.meta.dirname, "..", "examples", "scenario.schema.json");
writeFileSync(target, `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
