import type { DocExample } from "./doc-examples.js";

/** An example turned into a module the compiler can check, with a way back to the doc comment's lines. */
export interface ExampleModule {
  text: string;
  /** For each line of `text` (0-based), the source line it came from, or undefined for added lines. */
  sourceLines: (number | undefined)[];
}

const hoisted = /^\s*(import|declare)\b/;

/**
 * Wraps an example the way a reader would run it: its `import` and `declare` lines at the top, the
 * exported names it uses imported from "rollcall" (types with `import type`), the rest inside an
 * async function so it may `await`. `label` (where the example is written) heads the file.
 */
export function exampleModule(example: DocExample, exported: Map<string, { isValue: boolean }>, label: string): ExampleModule {
  const lines = example.code.split("\n").map((content, index) => ({ content, sourceLine: example.codeLine + index }));
  const top = lines.filter((line) => hoisted.test(line.content));
  const body = lines.filter((line) => !hoisted.test(line.content));
  const isImport = (line: { content: string }) => /^\s*import\b/.test(line.content);
  const ownImports = lines.filter(isImport).map((line) => line.content).join("\n");
  const code = lines.filter((line) => !isImport(line)).map((line) => line.content).join("\n");
  const mentions = (text: string, name: string) => new RegExp(`\\b${name}\\b`).test(text);
  const used = [...exported].filter(([name]) => mentions(code, name) && !mentions(ownImports, name));
  const imports = used.map(([name, { isValue }]) => (isValue ? name : `type ${name}`));
  const out: { content: string; sourceLine?: number }[] = [
    { content: `// ${label}` },
    ...(imports.length > 0 ? [{ content: `import { ${imports.join(", ")} } from "rollcall";` }] : []),
    ...top,
    { content: "export async function example(): Promise<void> {" },
    ...body,
    { content: "}" },
  ];
  return { text: out.map((line) => line.content).join("\n") + "\n", sourceLines: out.map((line) => line.sourceLine) };
}
