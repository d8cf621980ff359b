import { describe, expect, it } from 'vitest';
import { lineDiff, sideBySide, splitLines } from './lineDiff';

describe('lineDiff', () => {
  it('finds nothing to change in equal texts', () => {
    expect(lineDiff('a\nb', 'a\nb').map((op) => op.kind)).toEqual(['same', 'same']);
  });

  it('marks removed and added lines with their line numbers', () => {
    expect(lineDiff('a\nb\nc', 'a\nc\nd')).toEqual([
      { kind: 'same', left: 1, right: 1, text: 'a' },
      { kind: 'removed', left: 2, text: 'b' },
      { kind: 'same', left: 3, right: 2, text: 'c' },
      { kind: 'added', right: 3, text: 'd' },
    ]);
  });

  it('keeps the longest common run of lines, Chinese too', () => {
    const ops = lineDiff('从前\n有一只猫\n结束', '从前\n有一只狗\n结束');
    expect(ops.filter((op) => op.kind === 'same').map((op) => op.text)).toEqual(['从前', '结束']);
  });

  it('handles empty sides and Windows line ends', () => {
    expect(lineDiff('', 'x')).toEqual([{ kind: 'added', right: 1, text: 'x' }]);
    expect(lineDiff('x', '')).toEqual([{ kind: 'removed', left: 1, text: 'x' }]);
    expect(lineDiff('', '')).toEqual([]);
    expect(splitLines('a\r\nb')).toEqual(['a', 'b']);
  });
});

describe('sideBySide', () => {
  it('puts a changed line beside its new form and leaves the rest alone', () => {
    const rows = sideBySide(lineDiff('a\nold\nc', 'a\nnew\nc\nd'));
    expect(rows.map((row) => row.kind)).toEqual(['same', 'changed', 'same', 'added']);
    expect(rows[1]).toEqual({ kind: 'changed', left: { line: 2, text: 'old' }, right: { line: 2, text: 'new' } });
    expect(rows[3].left).toBeUndefined();
  });

  it('shows surplus removals alone on the left', () => {
    const rows = sideBySide(lineDiff('x\ny\nz', 'q'));
    expect(rows.map((row) => row.kind)).toEqual(['changed', 'removed', 'removed']);
  });
});
