import type { ChartSeriesName, Timeseries, TimeseriesLine } from '../../api/stats';
import type { Language, MessageKey } from '../../i18n/messages';
import type { Translate } from '../../i18n/I18nProvider';

// Pure shaping of /api/stats/timeseries answers for uPlot and for the data tables.

/** One chart of the Overview: which series, which of its lines are drawn, and their titles. */
export interface ChartSpec {
  id: string;
  series: ChartSeriesName;
  title: MessageKey;
  /** Lines drawn; undefined draws every line. The data table always lists every line. */
  plotted?: string[];
  /** The y axis' unit. */
  unit: 'count' | 'ms' | 'percent';
}

export const CHARTS: ChartSpec[] = [
  { id: 'stories', series: 'stories', title: 'chart.stories', unit: 'count' },
  { id: 'latency', series: 'llm_latency', title: 'chart.latency', unit: 'ms' },
  { id: 'fallback', series: 'llm_fallback_rate', title: 'chart.fallback', plotted: ['rate'], unit: 'percent' },
  { id: 'jobs', series: 'jobs', title: 'chart.jobs', unit: 'count' },
  { id: 'feedback', series: 'feedback', title: 'chart.feedback', plotted: ['ratio'], unit: 'percent' },
];

const LINE_LABELS: Record<string, MessageKey> = {
  telegram: 'stat.telegram',
  slack: 'stat.slack',
  webhook: 'stat.webhook',
  discord: 'chart.line.discord',
  p50: 'chart.line.p50',
  p95: 'chart.line.p95',
  calls: 'chart.line.calls',
  fallbacks: 'chart.line.fallbacks',
  rate: 'chart.line.rate',
  waiting: 'chart.line.waiting',
  dead_lettered: 'chart.line.deadLettered',
  up: 'chart.line.up',
  down: 'chart.line.down',
  ratio: 'chart.line.ratio',
};

/** A line's translated name; an unknown channel keeps its own name. */
export function lineLabel(label: string, t: Translate): string {
  return LINE_LABELS[label] ? t(LINE_LABELS[label]) : label;
}

/** Ratios are shown as percentages. */
function shown(line: TimeseriesLine, value: number | null): number | null {
  if (value === null) return null;
  return line.unit === 'ratio' ? Math.round(value * 1000) / 10 : value;
}

export function plottedLines(chart: Timeseries, spec: ChartSpec): TimeseriesLine[] {
  return spec.plotted ? chart.lines.filter((line) => spec.plotted!.includes(line.label)) : chart.lines;
}

/** uPlot's columnar data: the x values (Unix seconds), then one array per drawn line. */
export function toPlotData(chart: Timeseries, spec: ChartSpec): [number[], ...(number | null)[][]] {
  return [chart.times, ...plottedLines(chart, spec).map((line) => line.values.map((v) => shown(line, v)))];
}

/** True when any drawn line has a value other than 0 (the e2e checks charts are not empty). */
export function hasData(chart: Timeseries, spec: ChartSpec): boolean {
  return plottedLines(chart, spec).some((line) => line.values.some((v) => v !== null && v !== 0));
}

export function formatHour(unixSeconds: number, language: Language): string {
  return new Date(unixSeconds * 1000).toLocaleString(language === 'zh' ? 'zh-CN' : 'en-GB', {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export interface DataTable {
  columns: string[];
  rows: { hour: string; cells: string[] }[];
}

/** The accessible alternative to the canvas: one row per hour with data, newest first. */
export function toDataTable(chart: Timeseries, t: Translate, language: Language): DataTable {
  const columns = chart.lines.map((line) => {
    const name = lineLabel(line.label, t);
    if (line.unit === 'ms') return t('chart.unit.ms', { name });
    if (line.unit === 'ratio') return t('chart.unit.percent', { name });
    return name;
  });
  const rows: DataTable['rows'] = [];
  chart.times.forEach((time, i) => {
    const values = chart.lines.map((line) => shown(line, line.values[i] ?? null));
    if (values.every((v) => v === null || v === 0)) return; // quiet hours make the table long, not clearer
    rows.push({ hour: formatHour(time, language), cells: values.map((v) => (v === null ? '—' : String(Math.round(v * 10) / 10))) });
  });
  return { columns, rows: rows.reverse() };
}
