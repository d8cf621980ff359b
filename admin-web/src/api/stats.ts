import { apiRequest } from './client';
import type { operations } from './schema';
import type { ResponseBody, Stats } from './types';

// GET /api/stats/timeseries (http/openapi.yaml, operationId getStatsTimeseries): the Overview's
// charts. Shapes come from the generated schema, like the rest of the API.
type TimeseriesQuery = NonNullable<operations['getStatsTimeseries']['parameters']['query']>;
export type ChartSeriesName = TimeseriesQuery['series'];
export type ChartRange = TimeseriesQuery['range'];
export type Timeseries = ResponseBody<'getStatsTimeseries', 200>;
/** One line: one value per entry of `times`; null where there is no data (a latency without calls). */
export type TimeseriesLine = Timeseries['lines'][number];

/** GET /api/stats: the counts shown above the charts. */
export type StatsCounts = Stats;

type Token = string | null;

export const getTimeseries = (token: Token, series: ChartSeriesName, range: ChartRange) =>
  apiRequest<Timeseries>(`/api/stats/timeseries?${new URLSearchParams({ series, range })}`, { token });

export const getStatsCounts = (token: Token) => apiRequest<StatsCounts>('/api/stats', { token });
