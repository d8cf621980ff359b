import { describe, expect, it } from 'vitest';
import type { Timeseries } from '../../api/stats';
import { dictionaries, type MessageKey } from '../../i18n/messages';
import { CHARTS, hasData, lineLabel, toDataTable, toPlotData } from './chartData';

const en = (key: MessageKey, values?: Record<string, string | number>) =>
  dictionaries.en[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values?.[name] ?? ''));
const zh = (key: MessageKey) => dictionaries.zh[key];

const HOUR = 3600;
const T0 = 1764669600; // 2025-12-02T10:00:00Z

const fallback: Timeseries = {
  series: 'llm_fallback_rate',
  range: '24h',
  step_s: HOUR,
  times: [T0, T0 + HOUR, T0 + 2 * HOUR],
  lines: [
    { label: 'calls', unit: 'count', values: [0, 4, 2] },
    { label: 'fallbacks', unit: 'count', values: [0, 1, 0] },
    { label: 'rate', unit: 'ratio', values: [null, 0.25, 0] },
  ],
};
const spec = (id: string) => CHARTS.find((c) => c.id === id)!;

describe('chart data shaping', () => {
  it('gives uPlot the hours and only the drawn lines, ratios as percentages', () => {
    expect(toPlotData(fallback, spec('fallback'))).toEqual([
      [T0, T0 + HOUR, T0 + 2 * HOUR],
      [null, 25, 0],
    ]);
  });

  it('draws every line of a chart without a choice', () => {
    const stories: Timeseries = {
      ...fallback,
      series: 'stories',
      lines: [
        { label: 'telegram', unit: 'count', values: [1, 0, 3] },
        { label: 'webhook', unit: 'count', values: [0, 0, 0] },
      ],
    };
    expect(toPlotData(stories, spec('stories'))).toEqual([stories.times, [1, 0, 3], [0, 0, 0]]);
    expect(hasData(stories, spec('stories'))).toBe(true);
  });

  it('knows an empty chart (all zeros or no data)', () => {
    const feedback: Timeseries = {
      ...fallback,
      series: 'feedback',
      lines: [
        { label: 'up', unit: 'count', values: [0, 0, 0] },
        { label: 'down', unit: 'count', values: [0, 0, 0] },
        { label: 'ratio', unit: 'ratio', values: [null, null, null] },
      ],
    };
    expect(hasData(feedback, spec('feedback'))).toBe(false);
    expect(toDataTable(feedback, en, 'en').rows).toEqual([]);
  });

  it('tables every line with translated, unit-bearing headings, newest hour first, quiet hours left out', () => {
    const table = toDataTable(fallback, en, 'en');
    expect(table.columns).toEqual(['LLM calls', 'Fallbacks', 'Fallback rate (%)']);
    expect(table.rows.map((r) => r.cells)).toEqual([
      ['2', '0', '0'],
      ['4', '1', '25'],
    ]);
    expect(table.rows[0].hour).toMatch(/12:00|12/);
  });

  it('translates line labels in both languages and keeps unknown channels', () => {
    expect(lineLabel('telegram', en)).toBe('Telegram');
    expect(lineLabel('dead_lettered', en)).toBe('Dead-lettered');
    expect(lineLabel('dead_lettered', zh)).toBe('死信');
    expect(lineLabel('waiting', zh)).toBe('等待中（峰值）');
    expect(lineLabel('matrix', en)).toBe('matrix');
  });

  it('has a title in both languages for every chart, and no raw key shows', () => {
    for (const chart of CHARTS) {
      expect(dictionaries.en[chart.title]).toBeTruthy();
      expect(dictionaries.zh[chart.title]).toBeTruthy();
      expect(dictionaries.zh[chart.title]).not.toBe(dictionaries.en[chart.title]);
    }
  });
});
