// Mirrors the server's template rules (core/template.cpp) so
// the editor can show variables and errors while typing; the server stays the
// judge on save.
//   {{name}}  or  {{name|fallback}},  name = [A-Za-z_][A-Za-z0-9_]*
// Spaces and tabs around the name and the fallback are ignored, like the server.

export type TemplateErrorKind = 'unclosed' | 'nested' | 'empty_name' | 'bad_name';

export interface TemplateError {
  kind: TemplateErrorKind;
  /** 1-based position of the offending `{{` in code points, as the server counts. */
  character: number;
  line: number; // 1-based
  column: number; // 1-based, in code points
  name?: string;
}

export interface TemplateVariable {
  name: string;
  fallback?: string;
}

export interface ParsedTemplate {
  variables: TemplateVariable[]; // unique by name, in order of first use
  error: TemplateError | null;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseTemplate(template: string): ParsedTemplate {
  const variables: TemplateVariable[] = [];
  const seen = new Set<string>();
  let index = 0;

  for (;;) {
    const open = template.indexOf('{{', index);
    if (open < 0) return { variables, error: null };
    const close = template.indexOf('}}', open + 2);
    if (close < 0) return { variables, error: errorAt(template, open, 'unclosed') };

    const inner = template.slice(open + 2, close);
    if (inner.includes('{{')) return { variables, error: errorAt(template, open, 'nested') };
    const bar = inner.indexOf('|');
    const name = trim(bar < 0 ? inner : inner.slice(0, bar));
    if (name === '') return { variables, error: errorAt(template, open, 'empty_name') };
    if (!NAME.test(name)) return { variables, error: { ...errorAt(template, open, 'bad_name'), name } };

    if (!seen.has(name)) {
      seen.add(name);
      variables.push(bar < 0 ? { name } : { name, fallback: trim(inner.slice(bar + 1)) });
    }
    index = close + 2;
  }
}

function errorAt(template: string, utf16Offset: number, kind: TemplateErrorKind): TemplateError {
  const before = Array.from(template.slice(0, utf16Offset));
  let line = 1;
  let column = 1;
  for (const ch of before) {
    if (ch === '\n') {
      line += 1;
      column = 1;
    } else {
      column += 1;
    }
  }
  return { kind, character: before.length + 1, line, column };
}

const trim = (text: string) => text.replace(/^[ \t]+|[ \t]+$/g, '');
