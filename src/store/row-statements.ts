import { CompiledQuery, PostgresAdapter, type Kysely } from "kysely";

/**
 * Multi-row statements compiled by hand for the pipeline's hot writes. Kysely's builder makes an
 * operation node per value, which made writing a batch's derived rows cost more than computing
 * them; these build the SQL text once per shape (so SQLite's prepared-statement cache hits) and
 * pass the values as parameters. Everything else goes through Kysely.
 */

// Both databases take at least 32766 bind parameters per statement.
export const maxParameters = 30_000;

/** `?` (SQLite) or `$n` (PostgreSQL) placeholders for the dialect of `db`. */
function placeholders(db: Kysely<any>): (index: number) => string {
  return db.getExecutor().adapter instanceof PostgresAdapter ? (i) => `$${i + 1}` : () => "?";
}

/** `(p, p, …), (p, p, …)` for `rows` rows of `width` values, numbering from `first`. */
function tuples(mark: (index: number) => string, rows: number, width: number, first = 0): string {
  const out: string[] = new Array(rows);
  let n = first;
  for (let r = 0; r < rows; r++) {
    const row: string[] = new Array(width);
    for (let c = 0; c < width; c++) row[c] = mark(n++);
    out[r] = `(${row.join(", ")})`;
  }
  return out.join(", ");
}

export interface InsertRowsOptions {
  /** `on conflict (key) do update set` every other column to the new value (unless `update` says otherwise). */
  conflictKey?: readonly string[];
  /** Column → SQL expression for the update (default `excluded.<column>` for every non-key column). */
  update?: Readonly<Record<string, string>>;
}

/**
 * Inserts `rows` (objects with the same keys in the same order, as one mapper makes them) into
 * `table`, as few statements as the parameter limit allows; upserts with `conflictKey`. Returns how
 * many rows it sent.
 */
export async function insertRows(db: Kysely<any>, table: string, rows: readonly object[], options: InsertRowsOptions = {}): Promise<number> {
  if (rows.length === 0) return 0;
  const columns = Object.keys(rows[0]!);
  const mark = placeholders(db);
  let conflict = "";
  if (options.conflictKey) {
    const set = options.update ?? Object.fromEntries(columns.filter((c) => !options.conflictKey!.includes(c)).map((c) => [c, `excluded.${c}`]));
    conflict = ` on conflict (${options.conflictKey.join(", ")}) do update set ${Object.entries(set).map(([c, e]) => `${c} = ${e}`).join(", ")}`;
  }
  const perStatement = Math.max(1, Math.floor(maxParameters / columns.length));
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const parameters: unknown[] = new Array(chunk.length * columns.length);
    let p = 0;
    for (const row of chunk) {
      const record = row as Record<string, unknown>;
      for (const column of columns) parameters[p++] = record[column];
    }
    const text = `insert into ${table} (${columns.join(", ")}) values ${tuples(mark, chunk.length, columns.length)}${conflict}`;
    await db.executeQuery(CompiledQuery.raw(text, parameters));
  }
  return rows.length;
}

/**
 * Runs `statement(valuesList)` for `tupleRows` in chunks, where `valuesList` is `(p, …), (p, …)`
 * with one placeholder per value. Returns the rows and the affected-row count summed over the chunks.
 */
export async function forTuples<Row = unknown>(
  db: Kysely<any>,
  tupleRows: readonly (readonly unknown[])[],
  statement: (valuesList: string) => string,
): Promise<{ rows: Row[]; affected: number }> {
  const out: { rows: Row[]; affected: number } = { rows: [], affected: 0 };
  if (tupleRows.length === 0) return out;
  const width = tupleRows[0]!.length;
  const mark = placeholders(db);
  const perStatement = Math.max(1, Math.floor(maxParameters / width));
  for (let i = 0; i < tupleRows.length; i += perStatement) {
    const chunk = tupleRows.slice(i, i + perStatement);
    const parameters: unknown[] = [];
    for (const t of chunk) for (const v of t) parameters.push(v);
    const result = await db.executeQuery<Row>(CompiledQuery.raw(statement(tuples(mark, chunk.length, width)), parameters));
    for (const row of result.rows) out.rows.push(row);
    out.affected += Number(result.numAffectedRows ?? 0n);
  }
  return out;
}
