// The first thing that keeps a text from being a YAML document, with yaml's own position for it.
import { type Alias, type Document, isScalar, visit } from 'yaml';

export interface SyntaxProblem {
  offset: number;
  message: string;
}

/** The text of the mapping key starting at `offset`, for naming a duplicated key. */
function keyAt(doc: Document.Parsed, offset: number): string | undefined {
  let key: string | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || pair.key.range?.[0] !== offset) return undefined;
      key = String(pair.key.value);
      return visit.BREAK;
    },
  });
  return key;
}

export function firstSyntaxProblem(doc: Document.Parsed): SyntaxProblem | undefined {
  const problems: SyntaxProblem[] = doc.errors.map((error) => {
    const offset = error.pos[0];
    const key = error.code === 'DUPLICATE_KEY' ? keyAt(doc, offset) : undefined;
    const message = key === undefined ? error.message : `key '${key}' given twice, expected each key once per mapping`;
    return { offset, message };
  });
  // yaml reports an alias without an anchor only when converting; say so here, with its place
  const dangling: Alias[] = [];
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) !== undefined) return undefined;
      dangling.push(alias);
      return visit.BREAK;
    },
  });
  for (const alias of dangling) {
    problems.push({ offset: alias.range?.[0] ?? 0, message: `alias *${alias.source} has no anchor &${alias.source} before it` });
  }
  return problems.sort((a, b) => a.offset - b.offset)[0];
}
