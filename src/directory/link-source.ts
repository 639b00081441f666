/**
 * Who made a link: `api` (the app through Rollcall's API or `links issue`), `import`
 * (`rollcall users import`), `learned` (a `registration_created` event whose e-mail matched a user),
 * `manual` (an operator, e.g. `rollcall links add`).
 */
export type LinkSource = "api" | "import" | "learned" | "manual";

export const linkSources: readonly LinkSource[] = ["api", "import", "learned", "manual"];
