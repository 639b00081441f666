import ts from "typescript";

/** One `@example` block as written in a doc comment. */
export interface DocExample {
  /** The source file, as named to {@link docExamples}. */
  file: string;
  /** 1-based line of the `@example` tag. */
  line: number;
  /** 1-based line of the example's first code line (the tag's own line when the code follows the tag). */
  codeLine: number;
  /** The example's code, comment markers removed, indentation kept. */
  code: string;
  /** The node the doc comment belongs to, or undefined when the comment documents nothing. */
  host: ts.Node | undefined;
}

const exampleTagLine = /^\s*\*?\s*@example\b/;
const otherTagLine = /^\s*@\w+/;
const fenceLine = /^\s*```/;

/**
 * Every `@example` block of one source file. A block runs from its tag to the next tag or the end of
 * the comment. Tags are also counted in the raw text, so an `@example` in a comment that documents
 * nothing (a detached or plain block comment) still comes back, with no host.
 */
export function docExamples(file: string, text: string): DocExample[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: DocExample[] = [];
  const visit = (node: ts.Node): void => {
    for (const doc of (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? []) found.push(...examplesInComment(source, doc.pos, doc.end, node));
    ts.forEachChild(node, visit);
  };
  visit(source);
  const tagLines = new Set(found.map((example) => example.line));
  text.split("\n").forEach((content, index) => {
    if (content.includes("@example") && exampleTagLine.test(content) && !tagLines.has(index + 1)) {
      found.push({ file, line: index + 1, codeLine: index + 1, code: "", host: undefined });
    }
  });
  return found.sort((a, b) => a.line - b.line);
}

function examplesInComment(source: ts.SourceFile, pos: number, end: number, host: ts.Node): DocExample[] {
  const firstLine = source.getLineAndCharacterOfPosition(pos).line + 1;
  const lines = source.text
    .slice(pos, end)
    .replace(/^\/\*\*/, "")
    .replace(/\*\/$/, "")
    .split("\n")
    .map((content) => content.replace(/^\s*\* ?/, ""));
  const examples: DocExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const tag = /^\s*@example\b(.*)$/.exec(lines[i]!);
    if (!tag) continue;
    const code: string[] = [];
    const sameLine = tag[1]!.trim();
    if (sameLine !== "") code.push(sameLine);
    let j = i + 1;
    for (; j < lines.length && !otherTagLine.test(lines[j]!); j++) code.push(fenceLine.test(lines[j]!) ? "" : lines[j]!);
    while (code.length > 0 && code[code.length - 1]!.trim() === "") code.pop();
    examples.push({
      file: source.fileName,
      line: firstLine + i,
      codeLine: sameLine !== "" ? firstLine + i : firstLine + i + 1,
      code: code.join("\n"),
      host,
    });
    i = j - 1;
  }
  return examples;
}
