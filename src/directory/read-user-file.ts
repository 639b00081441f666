import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { finished } from "node:stream/promises";
import { parse as parseCsvStream } from "csv-parse";
import { parse as parseCsv } from "csv-parse/sync";
import { UserImportError, validateUserRows, validateUserRowsInSlices, type UserImportRow } from "./user-import-schema.js";

/** Columns of a CSV user file (the JSON fields); array columns are `;`-separated or a JSON array. */
export const userCsvColumns = ["externalId", "email", "name", "zoomUserIds", "customerKeys", "nameTokens", "registrants"] as const;

const ARRAY_COLUMNS = new Set(["zoomUserIds", "customerKeys", "nameTokens"]);

/**
 * Reads and validates a user file: a JSON array, or CSV (by the `.csv` extension) with a header of
 * {@link userCsvColumns}. In CSV an empty cell means "not given"; `zoomUserIds`, `customerKeys`
 * and `nameTokens` are `a;b;c` or a JSON array; `registrants` is `meetingId:registrantId;…` or a JSON
 * array of `{meetingId, registrantId}`.
 */
export function readUserFile(path: string): UserImportRow[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UserImportError([`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`]);
  }
  const label = basename(path);
  return /\.csv$/i.test(path) ? parseUserCsv(text, label) : parseUserJson(text, label);
}

/** Validates the text of a JSON user file. */
export function parseUserJson(text: string, label: string): UserImportRow[] {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch (error) {
    throw new UserImportError([`${label}: expected a JSON array of users (${(error as Error).message})`]);
  }
  return validateUserRows(rows, label);
}

/** Validates the text of a CSV user file; rows are numbered from 0 like JSON rows (the header is not a row). */
export function parseUserCsv(text: string, label: string): UserImportRow[] {
  let records: Record<string, string>[];
  try {
    records = parseCsv(text, csvOptions) as Record<string, string>[];
  } catch (error) {
    throw new UserImportError([`${label}: expected CSV with a header row (${(error as Error).message})`]);
  }
  return validateUserRows(rowsOfRecords(records, label), label);
}

/** Text fed to the CSV parser between turns of the event loop. */
const charactersPerSlice = 256 * 1024;

/**
 * {@link parseUserCsv} for a server: the text parsed and validated a slice at a time, letting other
 * requests in between (a 100,000-user file takes seconds of work).
 */
export async function parseUserCsvInSlices(text: string, label: string): Promise<UserImportRow[]> {
  const records: Record<string, string>[] = [];
  const parser = parseCsvStream(csvOptions);
  parser.on("readable", () => {
    for (let record = parser.read() as Record<string, string> | null; record !== null; record = parser.read() as Record<string, string> | null) records.push(record);
  });
  const failed = new Promise<never>((_, reject) => parser.once("error", reject));
  failed.catch(() => {}); // observed below
  try {
    for (let start = 0; start < text.length; start += charactersPerSlice) {
      parser.write(text.slice(start, start + charactersPerSlice));
      await Promise.race([new Promise((resolve) => setImmediate(resolve)), failed]);
    }
    parser.end();
    await Promise.race([finished(parser), failed]);
  } catch (error) {
    throw new UserImportError([`${label}: expected CSV with a header row (${(error as Error).message})`]);
  }
  return validateUserRowsInSlices(rowsOfRecords(records, label), label);
}

const csvOptions = { columns: true, skip_empty_lines: true, trim: true, bom: true } as const;

/** CSV records as import rows: empty cells left out, list columns split. Throws every cell it cannot read. */
function rowsOfRecords(records: ReadonlyArray<Record<string, string>>, label: string): Record<string, unknown>[] {
  const issues: string[] = [];
  const header = records.length > 0 ? Object.keys(records[0]!) : [];
  const unknown = header.filter((c) => !(userCsvColumns as readonly string[]).includes(c));
  if (unknown.length > 0) issues.push(`${label}: unknown column${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")} (expected ${userCsvColumns.join(", ")})`);
  const rows = records.map((record, index) => {
    const row: Record<string, unknown> = {};
    for (const [column, cell] of Object.entries(record)) {
      if (cell === "" || unknown.includes(column)) continue;
      try {
        row[column] = column === "registrants" ? registrantsCell(cell) : ARRAY_COLUMNS.has(column) ? arrayCell(cell) : cell;
      } catch (error) {
        issues.push(`${label}[${index}].${column}: ${(error as Error).message}`);
      }
    }
    return row;
  });
  if (issues.length > 0) throw new UserImportError(issues);
  return rows;
}

function arrayCell(cell: string): unknown {
  if (cell.startsWith("[")) return jsonCell(cell);
  return cell.split(";").map((s) => s.trim()).filter((s) => s !== "");
}

function registrantsCell(cell: string): unknown {
  if (cell.startsWith("[")) return jsonCell(cell);
  return cell
    .split(";")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((pair) => {
      const colon = pair.indexOf(":");
      if (colon < 0) throw new Error(`expected meetingId:registrantId pairs separated by ";", got "${pair}"`);
      return { meetingId: pair.slice(0, colon).trim(), registrantId: pair.slice(colon + 1).trim() };
    });
}

function jsonCell(cell: string): unknown {
  try {
    return JSON.parse(cell);
  } catch {
    throw new Error("expected a JSON array");
  }
}
