import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { expect, it } from "vitest";
import { docExamples, type DocExample } from "./support/doc-examples.js";
import { exampleModule, type ExampleModule } from "./support/example-module.js";
import { publicSurface } from "./support/public-surface.js";

/**
 * Doc examples are for the package's users: they sit only on what `src/index.ts` exports, and each
 * compiles, strict, as a user's file importing from "rollcall". One compiler program checks them all.
 */
const root = join(import.meta.dirname, "..", "..");
const entryFile = join(root, "src", "index.ts");
// Gitignored; the generated files stay there after a run, to read when one fails.
const outDir = join(root, "test-artifacts", "doc-examples");

const sourceFiles = readdirSync(join(root, "src"), { recursive: true, encoding: "utf8" })
  .filter((name) => name.endsWith(".ts"))
  .map((name) => join(root, "src", name))
  .sort();
const examples = sourceFiles.flatMap((file) => docExamples(file, readFileSync(file, "utf8")));
const where = (example: DocExample, line = example.line) => `${relative(root, example.file)}:${line}`;

/** The project's own options (strict, NodeNext), with "rollcall" meaning the sources, not a build in dist/. */
function compilerOptions(): ts.CompilerOptions {
  const tsconfig = ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile);
  if (tsconfig.error) throw new Error(ts.flattenDiagnosticMessageText(tsconfig.error.messageText, "\n"));
  const { compilerOptions } = tsconfig.config as { compilerOptions: Record<string, unknown> };
  const json = { compilerOptions: { ...compilerOptions, paths: { rollcall: ["./src/index.ts"] } }, files: ["src/index.ts"] };
  const parsed = ts.parseJsonConfigFileContent(json, ts.sys, root);
  if (parsed.errors.length > 0) throw new Error(parsed.errors.map((error) => ts.flattenDiagnosticMessageText(error.messageText, "\n")).join("\n"));
  return parsed.options;
}

it("finds the doc examples, the library entry's module doc among them", () => {
  expect(examples.map((example) => where(example))).toContain("src/index.ts:4");
});

it("keeps @example on the public surface only, and every example compiles", () => {
  const options = compilerOptions();
  expect(ts.resolveModuleName("rollcall", join(outDir, "probe.ts"), options, ts.sys).resolvedModule?.resolvedFileName).toBe(entryFile);

  // The entry alone first: which names are public decides both the check and each example's imports.
  const entryProgram = ts.createProgram([entryFile], options);
  const surface = publicSurface(entryProgram, entryFile);
  const misplaced = examples.filter((example) => !example.host || !surface.documents(example.host)).map((example) => where(example));
  expect(misplaced, "@example on something src/index.ts does not export: say it in the doc comment's prose instead").toEqual([]);

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const modules = new Map<string, { example: DocExample; module: ExampleModule }>();
  examples.forEach((example, index) => {
    const file = join(outDir, `${String(index).padStart(3, "0")}-${where(example).replace(/[\\/.:]/g, "_")}.ts`);
    const module = exampleModule(example, surface.names, where(example));
    writeFileSync(file, module.text);
    modules.set(file, { example, module });
  });

  // Reuses the entry program's parsed files: one type-check over every example.
  const program = ts.createProgram([...modules.keys()], options, undefined, entryProgram);
  const problems = [...modules].flatMap(([file, { example, module }]) => {
    const source = program.getSourceFile(file)!;
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((diagnostic) => {
      const line = diagnostic.start === undefined ? undefined : module.sourceLines[source.getLineAndCharacterOfPosition(diagnostic.start).line];
      const at = line === undefined ? `${where(example)} (in the wrapper, ${relative(root, file)})` : where(example, line);
      return `${at}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, " ")}`;
    });
  });
  expect(problems, "doc examples that do not compile").toEqual([]);
});
