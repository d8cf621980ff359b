import { useCallback, useEffect, useState } from 'react';
import { ApiError, API_BASE } from '../api/client';
import { getHealth, getReady } from '../api/endpoints';
import { getStatsCounts, getTimeseries, type ChartRange, type StatsCounts, type Timeseries } from '../api/stats';
import { useErrorReporter } from '../api/useErrorReporter';
import { useAuth } from '../auth/AuthProvider';
import { useI18n } from '../i18n/I18nProvider';
import { Spinner } from '../ui/Spinner';
import { Chart } from './overview/Chart';
import { CHARTS } from './overview/chartData';
import { Summary } from './overview/Summary';

type Probe = { state: 'loading' } | { state: 'up' } | { state: 'down'; reason: string };
type Loaded<T> = { state: 'loading' } | { state: 'ok'; value: T } | { state: 'failed'; message: string; traceId: string };

async function probe(call: () => Promise<{ data: unknown }>): Promise<Probe> {
  try {
    await call();
    return { state: 'up' };
  } catch (error) {
    return { state: 'down', reason: error instanceof Error ? error.message : String(error) };
  }
}

function failed(error: unknown): { state: 'failed'; message: string; traceId: string } {
  return {
    state: 'failed',
    message: error instanceof Error ? error.message : String(error),
    traceId: error instanceof ApiError ? error.traceId : '',
  };
}

export function Overview() {
  const { t } = useI18n();
  const { token } = useAuth();
  const report = useErrorReporter();
  const [health, setHealth] = useState<Probe>({ state: 'loading' });
  const [ready, setReady] = useState<Probe>({ state: 'loading' });
  const [counts, setCounts] = useState<Loaded<StatsCounts>>({ state: 'loading' });
  const [range, setRange] = useState<ChartRange>('24h');
  const [charts, setCharts] = useState<Loaded<Timeseries[]>>({ state: 'loading' });

  const loadCharts = useCallback(
    async (which: ChartRange) => {
      setCharts({ state: 'loading' });
      try {
        const answers = await Promise.all(CHARTS.map((spec) => getTimeseries(token, spec.series, which)));
        setCharts({ state: 'ok', value: answers.map((a) => a.data) });
      } catch (error) {
        setCharts(failed(error));
        report(t('overview.chartsFailed'), error);
      }
    },
    [token, report, t],
  );

  const load = useCallback(async () => {
    setHealth({ state: 'loading' });
    setReady({ state: 'loading' });
    setCounts({ state: 'loading' });
    const charted = loadCharts(range);
    const [h, r] = await Promise.all([probe(getHealth), probe(getReady)]);
    setHealth(h);
    setReady(r);
    try {
      setCounts({ state: 'ok', value: (await getStatsCounts(token)).data });
    } catch (error) {
      setCounts(failed(error));
      report(t('overview.statsFailed'), error);
    }
    await charted;
  }, [token, report, t, range, loadCharts]);

  useEffect(() => {
    void load();
    // Load on entry only; a language switch must not refetch, Refresh does on demand.
  }, [token]);

  const switchRange = (next: ChartRange) => {
    if (next === range) return;
    setRange(next);
    void loadCharts(next);
  };

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
        {counts.state === 'loading' && <Spinner />}
        {counts.state === 'failed' && <LoadError what={t('overview.statsFailed')} error={counts} />}
        {counts.state === 'ok' && <Summary counts={counts.value} />}
      </section>

      <section aria-labelledby="charts-title" data-testid="charts-section">
        <div className="row between">
          <h2 id="charts-title">{t('overview.charts')}</h2>
          <div role="group" aria-label={t('overview.range')} className="range-switch">
            {(['24h', '7d'] as const).map((option) => (
              <button key={option} type="button" aria-pressed={range === option} onClick={() => switchRange(option)}>
                {option === '24h' ? t('overview.range24h') : t('overview.range7d')}
              </button>
            ))}
          </div>
        </div>
        <p className="hint">{t('overview.chartsHint')}</p>
        {charts.state === 'loading' && <Spinner />}
        {charts.state === 'failed' && <LoadError what={t('overview.chartsFailed')} error={charts} />}
        {charts.state === 'ok' && (
          <div className="chart-grid">
            {CHARTS.map((spec, i) => (
              <Chart key={spec.id} spec={spec} chart={charts.value[i]} />
            ))}
          </div>
        )}
      </section>
    </main>
  );
}

function LoadError({ what, error }: { what: string; error: { message: string; traceId: string } }) {
  const { t } = useI18n();
  return (
    <p className="field-error" role="alert">
      {t('common.requestFailed', { what, message: error.message })}
      {error.traceId && <> {t('common.traceId', { id: error.traceId })}</>}
    </p>
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
