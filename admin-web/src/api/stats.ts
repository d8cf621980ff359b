import { apiRequest } from './client';

// GET /api/stats/timeseries (http/openapi.yaml, operationId getStatsTimeseries).
export type ChartSeriesName = 'stories' | 'llm_latency' | 'llm_fallback_rate' | 'jobs' | 'feedback';
export type ChartRange = '24h' | '7d';

export interface TimeseriesLine {
  label: string;
  unit: 'count' | 'ms' | 'ratio';
  /** One per entry of `times`; null where there is no data (a latency without calls). */
  values: (number | null)[];
}

export interface Timeseries {
  series: ChartSeriesName;
  range: ChartRange;
  step_s: number;
  /** Unix seconds of each hour's start, oldest first. */
  times: number[];
  lines: TimeseriesLine[];
}

/** GET /api/stats: counts shown above the charts. */
export interface StatsCounts {
  channels: string[];
  prompts: number;
  prompts_enabled: number;
  conversations: number;
  messages: number;
  messages_by_channel: Record<string, number>;
  jobs: { pending: number; failed: number; dead: number; done: number };
}

type Token = string | null;

export const getTimeseries = (token: Token, series: ChartSeriesName, range: ChartRange) =>
  apiRequest<Timeseries>(`/api/stats/timeseries?${new URLSearchParams({ series, range })}`, { token });

export const getStatsCounts = (token: Token) => apiRequest<StatsCounts>('/api/stats', { token });
