// A line diff for comparing two prompt versions in the browser: the longest common subsequence
// of lines (prompts are at most 8,000 characters, so the O(n·m) table stays small).

export type DiffOp =
  | { kind: 'same'; left: number; right: number; text: string }
  | { kind: 'removed'; left: number; text: string }
  | { kind: 'added'; right: number; text: string };

/** One row of a side-by-side view; line numbers are 1-based. */
export interface DiffRow {
  kind: 'same' | 'changed' | 'removed' | 'added';
  left?: { line: number; text: string };
  right?: { line: number; text: string };
}

export function splitLines(text: string): string[] {
  return text === '' ? [] : text.replace(/\r\n?/g, '\n').split('\n');
}

/** The edit script turning `before` into `after`, in order; removals before additions. */
export function lineDiff(before: string, after: string): DiffOp[] {
  const a = splitLines(before);
  const b = splitLines(after);
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops: DiffOp[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: 'same', left: i + 1, right: j + 1, text: a[i] });
      i++;
      j++;
    } else if (j >= b.length || (i < a.length && lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push({ kind: 'removed', left: i + 1, text: a[i] });
      i++;
    } else {
      ops.push({ kind: 'added', right: j + 1, text: b[j] });
      j++;
    }
  }
  return ops;
}

/** Pairs each run of removed lines with the added lines after it, so a changed line sits beside its new form. */
export function sideBySide(ops: DiffOp[]): DiffRow[] {
  const rows: DiffRow[] = [];
  let k = 0;
  while (k < ops.length) {
    const op = ops[k];
    if (op.kind === 'same') {
      rows.push({ kind: 'same', left: { line: op.left, text: op.text }, right: { line: op.right, text: op.text } });
      k++;
      continue;
    }
    const removed: { line: number; text: string }[] = [];
    const added: { line: number; text: string }[] = [];
    while (k < ops.length && ops[k].kind === 'removed') {
      const r = ops[k] as Extract<DiffOp, { kind: 'removed' }>;
      removed.push({ line: r.left, text: r.text });
      k++;
    }
    while (k < ops.length && ops[k].kind === 'added') {
      const r = ops[k] as Extract<DiffOp, { kind: 'added' }>;
      added.push({ line: r.right, text: r.text });
      k++;
    }
    for (let n = 0; n < Math.max(removed.length, added.length); n++) {
      const left = removed[n];
      const right = added[n];
      rows.push({ kind: left && right ? 'changed' : left ? 'removed' : 'added', left, right });
    }
  }
  return rows;
}
