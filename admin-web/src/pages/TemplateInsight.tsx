import { useMemo } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { parseTemplate, type TemplateError } from '../template/parseTemplate';

/** Live list of the template's variables, or where its syntax breaks. */
export function TemplateInsight({ content, id }: { content: string; id: string }) {
  const { t } = useI18n();
  const parsed = useMemo(() => parseTemplate(content), [content]);

  return (
    <div id={id} className="template-insight" aria-live="polite">
      {parsed.error && <TemplateErrorView content={content} error={parsed.error} />}
      <h2 className="small-heading">{t('editor.variables')}</h2>
      {parsed.variables.length === 0 ? (
        <p className="hint">{t('editor.noVariables')}</p>
      ) : (
        <ul className="chips" aria-label={t('editor.variables')}>
          {parsed.variables.map((variable) => (
            <li key={variable.name} className="chip">
              <code>{variable.name}</code>
              {variable.fallback !== undefined && (
                <span className="hint"> · {t('editor.fallback', { value: variable.fallback })}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function TemplateErrorView({ content, error }: { content: string; error: TemplateError }) {
  const { t } = useI18n();
  const reason = t(`template.${error.kind}`, { name: error.name ?? '' });
  const lineText = Array.from(content.split('\n')[error.line - 1] ?? '');
  // Show at most 40 code points around the spot so long lines stay readable.
  const start = Math.max(0, error.column - 1 - 20);
  const excerpt = lineText.slice(start, start + 40).join('');
  // The caret sits after an invisible copy of the text before it, so it lines up
  // even with double-width (CJK) characters.
  const beforeCaret = lineText.slice(start, error.column - 1).join('');

  return (
    <div className="template-error" role="alert" data-testid="template-error">
      <p>{t('template.error', { character: error.character, line: error.line, column: error.column, reason })}</p>
      <pre aria-hidden="true" className="caret-excerpt">
        {excerpt}
        {'\n'}
        <span className="caret-pad">{beforeCaret}</span>^
      </pre>
    </div>
  );
}
