import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import type * as z from "zod";
import { configSchema, type ConfigInput, type ParsedConfig } from "./config-schema.js";
import { ConfigError, configFromEnvironment, environmentVariables } from "./environment.js";
import { isRecord } from "../json/index.js";

/** Validated configuration with every default filled in (the database URL included). */
export type Config = ParsedConfig & { databaseUrl: string };

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Values from CLI flags; they win over the file and the environment. */
  overrides?: ConfigInput;
  /** A JSON or YAML file with config keys (camelCase, as in `config-schema.ts`). */
  file?: string;
}

/**
 * Reads configuration from the environment, an optional file and flags (in rising precedence) and
 * validates it. A bad value throws a {@link ConfigError} whose message is one line naming the
 * variable (or key) and what was expected.
 *
 * @example
 * const config = loadConfig({ env: { PORT: "8080" } });
 * config.port; // 8080
 * config.databaseUrl; // "sqlite:/…/data/rollcall.db" (the default: rollcall.db in ./data, made absolute)
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const fromFile = options.file ? readConfigFile(options.file) : {};
  const merged = deepMerge(deepMerge(configFromEnvironment(env), fromFile), options.overrides ?? {});
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(describeIssue(parsed.error.issues[0]!));
  const config = parsed.data;
  return { ...config, databaseUrl: config.databaseUrl ?? `sqlite:${resolve(config.dataDir, "rollcall.db")}` };
}

function readConfigFile(path: string): ConfigInput {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`config file ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    const value: unknown = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not an object");
    return value as ConfigInput;
  } catch {
    throw new ConfigError(`config file ${path}: expected a JSON or YAML object of config keys`);
  }
}

/** "PORT: expected an integer from 0 to 65535 (got "abc")" — names the variable the user set. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.join(".");
  const variable = Object.entries(environmentVariables).find(([, k]) => k === key || key.startsWith(`${k}.`))?.[0];
  const name = variable ? `${variable} (${key})` : key || "config";
  return `${name}: ${issue.message}`;
}

function deepMerge<T extends object>(base: T, over: object): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] = isRecord(prev) && isRecord(v) ? deepMerge(prev, v) : v;
  }
  return out as T;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The YAML parser, loaded only when a YAML config file is read (it costs every start otherwise). */
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)("yaml") as typeof import("yaml");
  return yaml.parse(text);
}
