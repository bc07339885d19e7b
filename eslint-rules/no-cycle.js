import { parseForESLint as parseTypeScript } from '@typescript-eslint/parser';
import { importX } from 'eslint-plugin-import-x';

/*
 * import-x/no-cycle, counting type imports: a circle of modules is a knot
 * whether or not the compiler erases it (a shared part wants its own file).
 * import-x 4.18 skips `import type` (and imports whose every name is a type)
 * with no option to count them, in two places: the file being linted (its
 * import declarations) and the files it reaches (parsed through the
 * `import-x/parsers` setting). This rule hands the first the declarations
 * as value imports, and `parseForESLint` below is the parser for the second.
 */

/** Marks a module's imports and re-exports (`export … from`) as importing values. */
function countingTypes(program) {
  for (const node of program.body) {
    if (node.type === 'ImportDeclaration' || node.type === 'TSImportEqualsDeclaration')
      node.importKind = 'value';
    else if (
      (node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration') &&
      node.source
    )
      node.exportKind = 'value';
    else continue;
    for (const specifier of node.specifiers ?? []) {
      if ('importKind' in specifier) specifier.importKind = 'value';
      if ('exportKind' in specifier) specifier.exportKind = 'value';
    }
  }
}

/** TypeScript's parser, for the files the cycle check reaches: type imports count. */
export function parseForESLint(code, options) {
  const result = parseTypeScript(code, options);
  countingTypes(result.ast);
  return result;
}

const base = importX.rules['no-cycle'];

/** A copy of a declaration that imports values (the linted file's own AST stays as it is). */
const asValueImport = (node) => ({
  ...node,
  importKind: 'value',
  ...(node.specifiers && {
    specifiers: node.specifiers.map((specifier) => ({ ...specifier, importKind: 'value' })),
  }),
});

export const noCycle = {
  meta: { ...base.meta, docs: { ...base.meta.docs, url: undefined } },
  create(context) {
    const visitors = base.create(context);
    return {
      ...visitors,
      ImportDeclaration: (node) => visitors.ImportDeclaration?.(asValueImport(node)),
      TSImportEqualsDeclaration: (node) =>
        visitors.TSImportEqualsDeclaration?.(asValueImport(node)),
    };
  },
};
