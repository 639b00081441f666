/** Scenarios written as YAML files next to `load-scenario.ts`. */
export const FILE_SCENARIOS = ["classroom", "interpreter-sdk-hipaa", "flaky-network"] as const;

/** Scenarios generated from parameters (too large, or too regular, to write out). */
export const GENERATED_SCENARIOS = ["webinar-at-scale"] as const;

/** Names of every scenario shipped with Rollcall (a list of names only: the CLI's help shows it without loading a scenario). */
export const SHIPPED_SCENARIOS: readonly string[] = [...FILE_SCENARIOS, ...GENERATED_SCENARIOS];
