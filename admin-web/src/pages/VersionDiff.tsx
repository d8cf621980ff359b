import { useMemo, useState } from 'react';
import type { PromptVersion } from '../api/types';
import { lineDiff, sideBySide, type DiffRow } from '../diff/lineDiff';
import { useI18n } from '../i18n/I18nProvider';

/** Two versions of a prompt side by side, with the lines that differ marked. */
export function VersionDiff({ versions }: { versions: PromptVersion[] }) {
  const { t } = useI18n();
  // Newest first: by default the previous version against the newest.
  const [left, setLeft] = useState(versions[1]?.version ?? versions[0].version);
  const [right, setRight] = useState(versions[0].version);
  const before = versions.find((v) => v.version === left) ?? versions[0];
  const after = versions.find((v) => v.version === right) ?? versions[0];
  const rows = useMemo(() => sideBySide(lineDiff(before.content, after.content)), [before, after]);
  const changes = rows.filter((row) => row.kind !== 'same').length;

  const picker = (id: string, label: string, value: number, onChange: (n: number) => void) => (
    <div>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            {t('versions.version', { n: v.version })}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <section aria-labelledby="diff-title" className="card" data-testid="version-diff">
      <h2 id="diff-title">{t('diff.title')}</h2>
      <div className="filters">
        {picker('diff-left', t('diff.from'), left, setLeft)}
        {picker('diff-right', t('diff.to'), right, setRight)}
      </div>
      <p className="hint" role="status">
        {changes === 0 ? t('diff.same') : changes === 1 ? t('diff.oneChange') : t('diff.changes', { n: changes })}
        {before.title !== after.title && ` ${t('diff.titleChanged', { from: before.title, to: after.title })}`}
      </p>
      <table className="diff">
        <caption className="visually-hidden">
          {t('diff.caption', { from: before.version, to: after.version })}
        </caption>
        <thead>
          <tr>
            <th scope="col" colSpan={2}>
              {t('versions.version', { n: before.version })}
            </th>
            <th scope="col" colSpan={2}>
              {t('versions.version', { n: after.version })}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <DiffLine key={index} row={row} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function DiffLine({ row }: { row: DiffRow }) {
  const { t } = useI18n();
  const leftMark = row.kind === 'removed' || row.kind === 'changed' ? t('diff.removed') : '';
  const rightMark = row.kind === 'added' || row.kind === 'changed' ? t('diff.added') : '';
  return (
    <tr className={`diff-${row.kind}`}>
      <td className="diff-line">{row.left?.line ?? ''}</td>
      <td className={row.left && leftMark ? 'diff-text diff-old' : 'diff-text'}>
        {leftMark && row.left && <span className="visually-hidden">{leftMark}: </span>}
        {row.left?.text ?? ''}
      </td>
      <td className="diff-line">{row.right?.line ?? ''}</td>
      <td className={row.right && rightMark ? 'diff-text diff-new' : 'diff-text'}>
        {rightMark && row.right && <span className="visually-hidden">{rightMark}: </span>}
        {row.right?.text ?? ''}
      </td>
    </tr>
  );
}
