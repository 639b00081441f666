import ts from "typescript";

/** What the package exports, as the compiler sees it through `src/index.ts` and its re-exports. */
export interface PublicSurface {
  /** Exported names, each with whether it can be imported as a value (else `import type`). */
  names: Map<string, { isValue: boolean }>;
  /** Says whether a doc comment on this node documents the public surface. */
  documents(node: ts.Node): boolean;
}

/**
 * The public surface of the entry module: its exports resolved through every re-export, the members
 * of exported classes, interfaces and object types, and the entry file's module doc (the comment on
 * its first import). Nodes are matched by file and position, so they may come from another parse.
 */
export function publicSurface(program: ts.Program, entryFile: string): PublicSurface {
  const checker = program.getTypeChecker();
  const entry = program.getSourceFile(entryFile);
  if (!entry) throw new Error(`${entryFile} is not part of the program`);
  const entrySymbol = checker.getSymbolAtLocation(entry);
  if (!entrySymbol) throw new Error(`${entryFile} is not a module`);
  const names = new Map<string, { isValue: boolean }>();
  const keys = new Set<string>();
  const add = (node: ts.Node): void => {
    keys.add(nodeKey(node));
  };
  for (const exported of checker.getExportsOfModule(entrySymbol)) {
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    names.set(exported.name, { isValue: (target.flags & ts.SymbolFlags.Value) !== 0 && !isTypeOnlyExport(exported) });
    for (const declaration of target.declarations ?? []) {
      add(declaration);
      if (ts.isVariableDeclaration(declaration)) add(declaration.parent.parent);
      const members = membersOf(declaration);
      for (const member of members) add(member);
    }
  }
  const moduleDoc = entry.statements[0];
  if (moduleDoc && ts.isImportDeclaration(moduleDoc)) add(moduleDoc);
  return { names, documents: (node) => keys.has(nodeKey(node)) };
}

function membersOf(declaration: ts.Declaration): readonly ts.Node[] {
  if (ts.isInterfaceDeclaration(declaration) || ts.isClassDeclaration(declaration)) return declaration.members;
  if (ts.isTypeAliasDeclaration(declaration) && ts.isTypeLiteralNode(declaration.type)) return declaration.type.members;
  return [];
}

function isTypeOnlyExport(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some((declaration) => ts.isExportSpecifier(declaration) && (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly));
}

function nodeKey(node: ts.Node): string {
  return `${node.getSourceFile().fileName}:${node.getStart()}`;
}
