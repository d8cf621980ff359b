import { describe, expect, it } from 'vitest';
import { parseTemplate } from './parseTemplate';

describe('parseTemplate', () => {
  it('lists variables once, in order, with fallbacks', () => {
    const parsed = parseTemplate('从前，{{user_name}}遇见了一只会说话的猫。{{request}} {{user_name}} {{language|中文}}');
    expect(parsed.error).toBeNull();
    expect(parsed.variables).toEqual([
      { name: 'user_name' },
      { name: 'request' },
      { name: 'language', fallback: '中文' },
    ]);
  });

  it('accepts text without placeholders and lone closing braces', () => {
    expect(parseTemplate('plain }} text')).toEqual({ variables: [], error: null });
  });

  it('reports an unclosed {{ at its line and column in code points', () => {
    const parsed = parseTemplate('第一行\n猫说{{name');
    expect(parsed.error).toMatchObject({ kind: 'unclosed', line: 2, column: 3, character: 7 });
  });

  it('reports an empty name', () => {
    expect(parseTemplate('a {{}} b').error).toMatchObject({ kind: 'empty_name', line: 1, column: 3 });
    expect(parseTemplate('{{|x}}').error).toMatchObject({ kind: 'empty_name', column: 1 });
  });

  it('reports a bad name with the name', () => {
    expect(parseTemplate('x {{1abc}}').error).toMatchObject({ kind: 'bad_name', name: '1abc', column: 3 });
    expect(parseTemplate('{{a-b}}').error).toMatchObject({ kind: 'bad_name', name: 'a-b' });
    expect(parseTemplate('{{名字}}').error).toMatchObject({ kind: 'bad_name' });
  });

  it('ignores spaces and tabs around names and fallbacks, like the server', () => {
    expect(parseTemplate('{{ user_name }} {{\tlang | 中文 }}')).toEqual({
      variables: [{ name: 'user_name' }, { name: 'lang', fallback: '中文' }],
      error: null,
    });
    expect(parseTemplate('{{   }}').error?.kind).toBe('empty_name');
  });

  it('reports a {{ opened again before it closes', () => {
    expect(parseTemplate('猫{{a {{b}}').error).toMatchObject({ kind: 'nested', character: 2 });
  });

  it('keeps variables found before the error', () => {
    const parsed = parseTemplate('{{a}} {{b');
    expect(parsed.variables).toEqual([{ name: 'a' }]);
    expect(parsed.error?.kind).toBe('unclosed');
  });
});
