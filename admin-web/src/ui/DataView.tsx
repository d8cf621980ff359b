import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/messages';

// The stats body is only loosely specified ("counts: prompts, conversations,
// messages by channel, jobs pending/failed"), so it is shown as nested
// label/value lists, with friendly labels for the keys we know.
const KNOWN_LABELS: Record<string, MessageKey> = {
  prompts: 'stat.prompts',
  conversations: 'stat.conversations',
  messages: 'stat.messages',
  jobs: 'stat.jobs',
  pending: 'stat.pending',
  failed: 'stat.failed',
  dead: 'stat.dead',
  dead_lettered: 'stat.dead',
  channels: 'stat.channels',
  telegram: 'stat.telegram',
  slack: 'stat.slack',
  discord: 'stat.discord',
  webhook: 'stat.webhook',
  webhooks: 'stat.webhook',
  enabled: 'stat.enabled',
};

export function DataView({ value }: { value: unknown }) {
  const { t } = useI18n();
  const label = (key: string) => (KNOWN_LABELS[key] ? t(KNOWN_LABELS[key]) : key);

  if (value === null || value === undefined) return <span>—</span>;
  if (typeof value === 'boolean') {
    return <span className={value ? 'badge on' : 'badge off'}>{value ? t('stat.on') : t('stat.off')}</span>;
  }
  if (typeof value !== 'object') return <span className="value">{String(value)}</span>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span>—</span>;
    return (
      <ul className="plain-list">
        {value.map((item, index) => (
          <li key={index}>
            <DataView value={item} />
          </li>
        ))}
      </ul>
    );
  }
  return (
    <dl className="data-view">
      {Object.entries(value as Record<string, unknown>).map(([key, item]) => (
        <div key={key} className="data-row">
          <dt>{label(key)}</dt>
          <dd>
            <DataView value={item} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
