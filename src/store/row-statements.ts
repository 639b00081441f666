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

/**
 * How many rows each statement takes for `total` rows, at most `max` a statement: powers of two
 * only (the largest that fits, then the remainder's binary digits), so a statement's text is one of
 * a few per shape. SQLite keeps prepared statements by text (`withStatementCache`), and preparing a
 * statement of a new row count (thousands of placeholders) cost more than running it: most of a
 * pipeline batch's statement time went to preparing texts seen once. 1234 rows at most 15 000 a
 * statement are statements of 1024, 128, 64, 16 and 2 rows.
 */
export function statementSizes(total: number, max: number): number[] {
  const top = 2 ** Math.floor(Math.log2(Math.max(1, max)));
  const sizes: number[] = [];
  let left = total;
  for (; left >= top; left -= top) sizes.push(top);
  for (let size = top >> 1; left > 0; size >>= 1) {
    if (left >= size) {
      sizes.push(size);
      left -= size;
    }
  }
  return sizes;
}

/**
 * `values` made as long as the next power of two by repeating its last value, for an `in (…)` list:
 * the same answer, from one of a few statement texts (see {@link statementSizes}).
 */
export function paddedList<T>(values: readonly T[]): T[] {
  if (values.length === 0) return [];
  const length = 2 ** Math.ceil(Math.log2(values.length));
  const out = values.slice();
  while (out.length < length) out.push(values[values.length - 1]!);
  return out;
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
  let i = 0;
  for (const size of statementSizes(rows.length, Math.floor(maxParameters / columns.length))) {
    const chunk = rows.slice(i, (i += size));
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
  let i = 0;
  for (const size of statementSizes(tupleRows.length, Math.floor(maxParameters / width))) {
    const chunk = tupleRows.slice(i, (i += size));
    const parameters: unknown[] = [];
    for (const t of chunk) for (const v of t) parameters.push(v);
    const result = await db.executeQuery<Row>(CompiledQuery.raw(statement(tuples(mark, chunk.length, width)), parameters));
    for (const row of result.rows) out.rows.push(row);
    out.affected += Number(result.numAffectedRows ?? 0n);
  }
  return out;
}
