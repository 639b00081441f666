import * as z from "zod";
import { scenarioSchema } from "./scenario-schema.js";

/**
 * The scenario format as a JSON Schema (draft 2020-12) of what a file may say (durations as
 * strings or numbers, defaults optional): shipped as `examples/scenario.schema.json`, so an editor
 * completes and checks a scenario (`# yaml-language-server: $schema=./scenario.schema.json`).
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(scenarioSchema, { io: "input", unrepresentable: "any", reused: "ref" }),
    $id: "https://github.com/rollcall/rollcall/examples/scenario.schema.json",
    title: "Rollcall simulate scenario",
  };
}
