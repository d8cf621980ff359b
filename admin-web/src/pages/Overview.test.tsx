import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Timeseries } from '../api/stats';
import { mockFetch, renderApp, type Call } from '../test/helpers';

// uPlot draws on a canvas jsdom does not have: record what it is given instead.
const plots = vi.hoisted(() => ({ made: [] as { options: any; data: any }[], destroyed: 0 }));
vi.mock('uplot', () => ({
  default: class {
    constructor(options: unknown, data: unknown) {
      plots.made.push({ options, data });
    }
    setSize() {}
    destroy() {
      plots.destroyed += 1;
    }
  },
}));

const HOUR = 3600;
const T0 = 1764669600;

function series(name: string, range: string): Timeseries {
  const hours = range === '7d' ? 168 : 24;
  const times = Array.from({ length: hours }, (_, i) => T0 + i * HOUR);
  const last = (v: number) => times.map((_, i) => (i === hours - 1 ? v : 0));
  const lines: Record<string, Timeseries['lines']> = {
    stories: [
      { label: 'telegram', unit: 'count', values: last(3) },
      { label: 'webhook', unit: 'count', values: last(1) },
    ],
    llm_latency: [
      { label: 'p50', unit: 'ms', values: times.map((_, i) => (i === hours - 1 ? 750 : null)) },
      { label: 'p95', unit: 'ms', values: times.map((_, i) => (i === hours - 1 ? 975 : null)) },
    ],
    llm_fallback_rate: [
      { label: 'calls', unit: 'count', values: last(4) },
      { label: 'fallbacks', unit: 'count', values: last(1) },
      { label: 'rate', unit: 'ratio', values: times.map((_, i) => (i === hours - 1 ? 0.25 : null)) },
    ],
    jobs: [
      { label: 'waiting', unit: 'count', values: last(2) },
      { label: 'dead_lettered', unit: 'count', values: last(0) },
    ],
    feedback: [
      { label: 'up', unit: 'count', values: last(0) },
      { label: 'down', unit: 'count', values: last(0) },
      { label: 'ratio', unit: 'ratio', values: times.map(() => null) },
    ],
  };
  return { series: name as Timeseries['series'], range: range as Timeseries['range'], step_s: HOUR, times, lines: lines[name] };
}

const STATS = {
  channels: ['telegram', 'webhook'],
  prompts: 3,
  prompts_enabled: 2,
  conversations: 5,
  messages: 12,
  messages_by_channel: { telegram: 8, webhook: 4 },
  jobs: { pending: 2, failed: 3, dead: 1, done: 9 },
};

function serve(overrides: (call: Call) => { status?: number; body?: unknown } | undefined = () => undefined) {
  return mockFetch((call) => {
    const special = overrides(call);
    if (special) return special;
    if (call.path === '/api/stats') return { body: STATS };
    if (call.path.startsWith('/api/stats/timeseries')) {
      const query = new URLSearchParams(call.path.split('?')[1]);
      return { body: series(query.get('series')!, query.get('range')!) };
    }
    return { body: { status: 'ok' } };
  });
}

beforeEach(() => {
  plots.made = [];
  plots.destroyed = 0;
});

// jsdom renders five charts with their tables slowly on a busy machine.
describe('overview', { timeout: 20_000 }, () => {
  it('shows the counts with translated labels and one row per kind of job end', async () => {
    serve();
    renderApp('/');
    const summary = await screen.findByTestId('summary');
    const value = (label: string) => within(summary).getByText(label).nextElementSibling;
    expect(value('Prompts')).toHaveTextContent('2 enabled of 3');
    expect(value('Messages in Telegram')).toHaveTextContent('8');
    expect(value('Jobs waiting')).toHaveTextContent('2');
    expect(value('Jobs dead-lettered')).toHaveTextContent('1');
    expect(value('Jobs refused by the channel')).toHaveTextContent('2');
    expect(within(summary).getAllByText(/dead-lettered/i)).toHaveLength(1);
    expect(summary).not.toHaveTextContent(/prompts_enabled|messages_by_channel/);
  });

  it('draws five named charts with data tables from the 24 h series', async () => {
    const calls = serve();
    renderApp('/');
    await waitFor(() => expect(plots.made).toHaveLength(5));
    const canvas = screen.getByTestId('chart-stories').querySelector('[role="img"]');
    expect(canvas).toHaveAccessibleName('Chart: Stories per hour by channel. The same data is in the table below.');
    for (const name of ['stories', 'llm_latency', 'llm_fallback_rate', 'jobs', 'feedback']) {
      expect(calls.some((c) => c.path === `/api/stats/timeseries?series=${name}&range=24h`)).toBe(true);
    }
    const stories = plots.made[0];
    expect(stories.data[0]).toHaveLength(24);
    expect(stories.data[1][23]).toBe(3);
    expect(stories.options.series.slice(1).map((s: { label: string }) => s.label)).toEqual(['Telegram', 'Webhooks']);
    expect(plots.made[2].data[1][23]).toBe(25); // fallback rate in percent
    for (const title of ['LLM latency (p50 and p95)', 'LLM fallback rate', 'Jobs waiting and dead-lettered', 'Feedback: share of thumbs up']) {
      expect(screen.getByText(title, { selector: 'h3' })).toBeInTheDocument();
    }
    const table = screen.getByTestId('chart-stories').querySelector('table')!;
    expect(table.querySelector('caption')).toHaveTextContent('Stories per hour by channel');
    expect([...table.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual(['Hour', 'Telegram', 'Webhooks']);
    expect(table.querySelectorAll('tbody tr')).toHaveLength(1); // the one hour with stories
    expect(within(screen.getByTestId('chart-feedback')).getByText('No data in this time range.')).toBeInTheDocument();
  });

  it('switches to 7 days', async () => {
    const calls = serve();
    renderApp('/');
    await waitFor(() => expect(plots.made).toHaveLength(5));
    const week = screen.getByRole('button', { name: 'Last 7 days' });
    expect(week).toHaveAttribute('aria-pressed', 'false');
    await userEvent.click(week);
    await waitFor(() => expect(plots.made).toHaveLength(10));
    expect(week).toHaveAttribute('aria-pressed', 'true');
    expect(calls.filter((c) => c.path.endsWith('range=7d'))).toHaveLength(5);
    expect(plots.made[5].data[0]).toHaveLength(168);
    expect(plots.destroyed).toBeGreaterThanOrEqual(5);
  });

  it('is translated in Chinese', async () => {
    localStorage.setItem('storybot.admin.language', 'zh');
    serve();
    renderApp('/');
    await waitFor(() => expect(plots.made).toHaveLength(5));
    expect(screen.getByText('各渠道每小时故事数', { selector: 'h3' })).toBeInTheDocument();
    expect(plots.made[3].options.series.slice(1).map((s: { label: string }) => s.label)).toEqual(['等待中（峰值）', '死信']);
    expect(screen.getByRole('button', { name: '最近 7 天' })).toBeInTheDocument();
    expect(within(await screen.findByTestId('summary')).getByText('死信任务')).toBeInTheDocument();
  });

  it('shows a failed chart load with its trace id, not a fallback', async () => {
    serve((call) =>
      call.path.startsWith('/api/stats/timeseries')
        ? { status: 500, body: { error: { code: 'internal', message: 'disk on fire' }, trace_id: 't' } }
        : undefined,
    );
    renderApp('/');
    const section = await screen.findByTestId('charts-section');
    expect(await within(section).findByRole('alert')).toHaveTextContent('disk on fire');
    expect(plots.made).toHaveLength(0);
  });

  it('shows health', async () => {
    serve((call) =>
      call.path === '/readyz' ? { status: 503, body: { error: { code: 'unavailable', message: 'database down' } } } : undefined,
    );
    renderApp('/');
    await waitFor(() => expect(screen.getByTestId('readyz')).toHaveTextContent('not ready'));
    expect(screen.getByTestId('healthz')).toHaveTextContent('up');
    expect(screen.getByTestId('readyz')).toHaveTextContent('database down');
  });
});
