import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { checkScenario } from "./check-scenario.js";
import { formatPath, ScenarioError } from "./scenario-error.js";
import { scenarioSchema, type Scenario } from "./scenario-schema.js";
import { webinarAtScale } from "./webinar-at-scale.js";
import { FILE_SCENARIOS, SHIPPED_SCENARIOS, type GENERATED_SCENARIOS } from "./shipped-scenarios.js";

export { SHIPPED_SCENARIOS } from "./shipped-scenarios.js";

/** The generator of each generated scenario. */
const generators: Record<(typeof GENERATED_SCENARIOS)[number], (params: Record<string, string>) => unknown> = {
  "webinar-at-scale": webinarAtScale,
};

/**
 * Validates a scenario document (already parsed from JSON or YAML).
 *
 * @param source how to name the document in errors (a file path or a scenario name)
 * @throws ScenarioError listing every issue, each with its field path
 */
export function parseScenario(document: unknown, source = "document"): Scenario {
  const result = scenarioSchema.safeParse(document);
  if (!result.success) {
    throw new ScenarioError(
      source,
      result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
    );
  }
  const issues = checkScenario(result.data);
  if (issues.length > 0) throw new ScenarioError(source, issues);
  return result.data;
}

/**
 * Loads a shipped scenario by name (`classroom`, `webinar-at-scale`, …) or a scenario file by path
 * (`.json`, `.yaml`, `.yml`).
 *
 * `params` tune it: for a generated scenario they are its parameters (`attendees=200`); for a file
 * they override fields by dotted path before validation (`account.hipaa=false`,
 * `participants.0.name=Ana`), values read as JSON when they parse, else as strings.
 */
export function loadScenario(nameOrPath: string, params: Record<string, string> = {}): Scenario {
  const generate = Object.hasOwn(generators, nameOrPath) ? generators[nameOrPath as keyof typeof generators] : undefined;
  if (generate) return parseScenario(generate(params), nameOrPath);

  let path: string;
  if ((FILE_SCENARIOS as readonly string[]).includes(nameOrPath)) {
    path = fileURLToPath(new URL(`./${nameOrPath}.yaml`, import.meta.url));
  } else if (existsSync(nameOrPath)) {
    path = nameOrPath;
  } else {
    throw new Error(
      `scenario "${nameOrPath}" not found: expected a shipped scenario (${SHIPPED_SCENARIOS.join(", ")}) or the path of a .json/.yaml file`,
    );
  }
  const text = readFileSync(path, "utf8");
  let document: unknown;
  try {
    document = extname(path) === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new Error(`scenario ${path} is not valid ${extname(path) === ".json" ? "JSON" : "YAML"}: ${(error as Error).message}`);
  }
  for (const [key, value] of Object.entries(params)) setPath(document, key, value, path);
  return parseScenario(document, path);
}

/** Sets `a.b.0.c` in a parsed document, creating objects on the way. */
function setPath(document: unknown, dotted: string, raw: string, source: string): void {
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // not JSON: keep the string as given
  }
  const keys = dotted.split(".");
  let node = document as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === undefined) node[key] = {};
    if (typeof node[key] !== "object" || node[key] === null) {
      throw new ScenarioError(source, [{ path: dotted, message: `cannot override: "${key}" is not an object or list in this scenario` }]);
    }
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/** The YAML parser, loaded when a scenario is read rather than at every start of the CLI. */
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)("yaml") as typeof import("yaml");
  return yaml.parse(text);
}
