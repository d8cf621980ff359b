import { useCallback, useEffect, useState } from 'react';
import { ApiError, API_BASE } from '../api/client';
import { getHealth, getReady, getStats } from '../api/endpoints';
import { useErrorReporter } from '../api/useErrorReporter';
import { useAuth } from '../auth/AuthProvider';
import { useI18n } from '../i18n/I18nProvider';
import { DataView } from '../ui/DataView';
import { NotAvailable } from '../ui/NotAvailable';
import { Spinner } from '../ui/Spinner';

type Probe = { state: 'loading' } | { state: 'up' } | { state: 'down'; reason: string };
type Stats = { state: 'loading' } | { state: 'ok'; body: unknown } | { state: 'unavailable' } | { state: 'failed' };

async function probe(call: () => Promise<{ data: unknown }>): Promise<Probe> {
  try {
    await call();
    return { state: 'up' };
  } catch (error) {
    return { state: 'down', reason: error instanceof Error ? error.message : String(error) };
  }
}

export function Overview() {
  const { t } = useI18n();
  const { token } = useAuth();
  const report = useErrorReporter();
  const [health, setHealth] = useState<Probe>({ state: 'loading' });
  const [ready, setReady] = useState<Probe>({ state: 'loading' });
  const [stats, setStats] = useState<Stats>({ state: 'loading' });

  const load = useCallback(async () => {
    setHealth({ state: 'loading' });
    setReady({ state: 'loading' });
    setStats({ state: 'loading' });
    const [h, r] = await Promise.all([probe(getHealth), probe(getReady)]);
    setHealth(h);
    setReady(r);
    try {
      setStats({ state: 'ok', body: (await getStats(token)).data });
    } catch (error) {
      if (error instanceof ApiError && error.isMissingEndpoint) {
        setStats({ state: 'unavailable' });
      } else {
        setStats({ state: 'failed' });
        report(t('overview.statsFailed'), error);
      }
    }
  }, [token, report, t]);

  useEffect(() => {
    void load();
    // Load on entry only; a language switch must not refetch, Refresh does on demand.
  }, [token]);

  return (
    <main id="main">
      <div className="row between">
        <h1>{t('overview.title')}</h1>
        <button type="button" onClick={() => void load()}>
          {t('overview.refresh')}
        </button>
      </div>
      <p className="hint">{t('overview.apiBase', { base: API_BASE || t('overview.sameOrigin') })}</p>

      <section className="card" aria-labelledby="health-title">
        <h2 id="health-title">{t('overview.health')}</h2>
        <dl className="data-view">
          <ProbeRow label={t('overview.alive')} probe={health} upText={t('overview.up')} downText={t('overview.down')} testId="healthz" />
          <ProbeRow label={t('overview.ready')} probe={ready} upText={t('overview.up')} downText={t('overview.notReady')} testId="readyz" />
        </dl>
      </section>

      <section className="card" aria-labelledby="stats-title" data-testid="stats-section">
        <h2 id="stats-title">{t('overview.stats')}</h2>
        {stats.state === 'loading' && <Spinner />}
        {stats.state === 'unavailable' && <NotAvailable />}
        {stats.state === 'failed' && <p className="empty">—</p>}
        {stats.state === 'ok' && <DataView value={stats.body} />}
      </section>
    </main>
  );
}

function ProbeRow(props: { label: string; probe: Probe; upText: string; downText: string; testId: string }) {
  const { label, probe: p, upText, downText, testId } = props;
  return (
    <div className="data-row" data-testid={testId}>
      <dt>{label}</dt>
      <dd>
        {p.state === 'loading' && <Spinner />}
        {p.state === 'up' && <span className="badge on">{upText}</span>}
        {p.state === 'down' && (
          <>
            <span className="badge off">{downText}</span> <span className="hint">{p.reason}</span>
          </>
        )}
      </dd>
    </div>
  );
}
