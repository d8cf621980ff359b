import type { StatsCounts } from '../../api/stats';
import { useI18n } from '../../i18n/I18nProvider';
import { lineLabel } from './chartData';

/** GET /api/stats as labelled rows: every label translated, one row per kind of job end. */
export function Summary({ counts }: { counts: StatsCounts }) {
  const { t } = useI18n();
  const { jobs } = counts;
  const rows: [string, string | number][] = [
    [t('summary.prompts'), t('summary.promptsValue', { enabled: counts.prompts_enabled, total: counts.prompts })],
    [t('summary.conversations'), counts.conversations],
    [t('summary.messages'), counts.messages],
    ...Object.entries(counts.messages_by_channel).map(
      ([channel, n]): [string, number] => [t('summary.messagesIn', { channel: lineLabel(channel, t) }), n],
    ),
    [t('summary.jobsWaiting'), jobs.pending],
    // "failed" counts dead letters too: shown once each, as dead-lettered and refused.
    [t('summary.jobsDead'), jobs.dead],
    [t('summary.jobsRefused'), Math.max(jobs.failed - jobs.dead, 0)],
    [t('summary.jobsDone'), jobs.done],
    [t('summary.channelsOn'), counts.channels.length ? counts.channels.map((c) => lineLabel(c, t)).join(', ') : t('summary.none')],
  ];
  return (
    <dl className="data-view" data-testid="summary">
      {rows.map(([label, value]) => (
        <div className="data-row" key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
