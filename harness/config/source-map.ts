// Where a key path sits in the YAML text, so a problem can be reported as file:line:col.
import { type Document, type LineCounter, isAlias, isCollection, isMap, isNode, isScalar, isSeq } from 'yaml';
import type { Problem } from './problem.js';

export interface Position {
  line: number;
  col: number;
  /** offset that decides which of several problems a reader meets first */
  order: number;
}

function range(node: unknown): readonly [number, number] {
  return isNode(node) && node.range ? [node.range[0], node.range[1]] : [0, 0];
}

export class SourceMap {
  constructor(
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  position(offset: number, order = offset): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, col, order };
  }

  locate(problem: Problem): Position {
    const { path, at } = problem;
    let node: unknown = this.doc.contents;
    for (const [i, segment] of path.entries()) {
      if (isAlias(node)) node = node.resolve(this.doc);
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        if (pair === undefined) return this.whole(node);
        if ((i === path.length - 1 && at === 'key') || !isNode(pair.value)) return this.start(pair.key);
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number' && isNode(node.items[segment])) {
        node = node.items[segment];
      } else {
        return this.whole(node);
      }
    }
    return isCollection(node) ? this.whole(node) : this.start(node);
  }

  private start(node: unknown): Position {
    return this.position(range(node)[0]);
  }

  /**
   * A complaint about a whole mapping or list (a missing key, a check across its keys) is shown
   * at its start but ordered at its end: whatever is wrong inside it, a misspelt key say, is the
   * better explanation and should be the one reported.
   */
  private whole(node: unknown): Position {
    const [start, end] = range(node);
    return this.position(start, end);
  }
}
