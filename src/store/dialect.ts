/** The two databases Rollcall runs on: embedded SQLite (default) and PostgreSQL (several instances). */
export type DialectName = "sqlite" | "postgres";

/** Which dialect a `DATABASE_URL` names. */
export function dialectOf(url: string): DialectName {
  if (url.startsWith("sqlite:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  throw new Error(`DATABASE_URL: expected sqlite:<path> or postgres://…, got "${url.split(":")[0]}:…"`);
}
