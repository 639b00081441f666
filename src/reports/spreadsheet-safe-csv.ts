import { stringify, type Options } from "csv-stringify/sync";

// C0 controls (but tab, line feed and carriage return, which CSV quotes) and DEL.
const controlCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
// What a spreadsheet reads as the start of a formula (OWASP "CSV injection").
const formulaStart = /^[=+\-@\t\r]/;

/**
 * One CSV cell made safe to open in a spreadsheet: control characters (NUL and the like) are
 * removed, and a cell a spreadsheet would run as a formula (one beginning with `=`, `+`, `-`, `@`,
 * tab or carriage return) gets a leading `'`, so a participant's display name such as
 * `=HYPERLINK(…)` shows as text. Numbers are written as they are (a negative number is not text).
 */
export function spreadsheetSafeCell(value: string): string {
  const clean = value.replace(controlCharacters, "");
  return formulaStart.test(clean) ? `'${clean}` : clean;
}

/**
 * CSV text (csv-stringify) whose every string cell went through {@link spreadsheetSafeCell}. Every
 * CSV Rollcall writes goes through here.
 */
export function spreadsheetSafeCsv(rows: ReadonlyArray<Record<string, unknown>>, options: Options = {}): string {
  return stringify([...rows], { ...options, cast: { ...options.cast, string: (value) => spreadsheetSafeCell(value) } });
}
