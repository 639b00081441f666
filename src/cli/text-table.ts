/**
 * Lays rows out as a plain-text table for a terminal: a header, a rule, columns padded to their
 * widest cell (numbers right-aligned). Control characters in cells are shown as spaces so a
 * participant's chosen name cannot move the cursor or ring the bell.
 */
export function textTable(header: string[], rows: Array<Array<string | number | null>>): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null ? "" : String(cell).replace(/[\u0000-\u001f\u007f]/g, " "))));
  const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === "number" || row[column] === null));
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((row) => row[column]!.length)));
  const line = (values: string[]) =>
    values
      .map((value, column) => (numeric[column] ? value.padStart(widths[column]!) : value.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n") + "\n";
}
