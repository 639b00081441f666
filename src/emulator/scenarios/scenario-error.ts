/** One problem in a scenario: where (a field path such as `participants[2].timeline[0].at`) and what. */
export interface ScenarioIssue {
  path: string;
  message: string;
}

/** A scenario that cannot be simulated; the message lists every issue, each naming its field. */
export class ScenarioError extends Error {
  readonly issues: readonly ScenarioIssue[];

  constructor(source: string, issues: readonly ScenarioIssue[]) {
    super(
      `invalid scenario ${source}:\n` +
        issues.map((issue) => `  - ${issue.path || "(document)"}: ${issue.message}`).join("\n"),
    );
    this.name = "ScenarioError";
    this.issues = issues;
  }
}

/** Renders a zod-style path (`["participants", 2, "kind"]`) as `participants[2].kind`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}
