import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Timeseries } from '../../api/stats';
import { useI18n } from '../../i18n/I18nProvider';
import { formatHour, lineLabel, plottedLines, toDataTable, toPlotData, type ChartSpec } from './chartData';

// Colours with at least 3:1 contrast on the white card (WCAG non-text contrast).
const COLOURS = ['#1f5fbf', '#b3261e', '#2e7d32', '#8a4b00', '#6a1b9a', '#00695c'];
const HEIGHT = 220;

/** One uPlot chart on a canvas, named for screen readers, with its data as a table. */
export function Chart({ spec, chart }: { spec: ChartSpec; chart: Timeseries }) {
  const { t, language } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const title = t(spec.title);
  const table = toDataTable(chart, t, language);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const lines = plottedLines(chart, spec);
    const yLabel = spec.unit === 'ms' ? t('chart.axis.ms') : spec.unit === 'percent' ? t('chart.axis.percent') : t('chart.axis.count');
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 280),
      height: HEIGHT,
      series: [
        { value: (_u, v) => (v == null ? '—' : formatHour(v, language)) },
        ...lines.map((line, i) => ({
          label: lineLabel(line.label, t),
          stroke: COLOURS[i % COLOURS.length],
          width: 2,
          spanGaps: false,
          // A lone hour with data (the rest null) is a point, not an invisible one-point line.
          points: { show: true, size: 5 },
        })),
      ],
      // From 0, so an empty chart still has an axis and small changes do not look dramatic.
      scales: { y: { range: (_u, _min, max) => (spec.unit === 'percent' ? [0, 100] : [0, max != null && max > 0 ? max * 1.1 : 1]) } },
      // Hour labels are long ("2 Dec, 14:00"): keep them apart so they never overlap on a phone.
      axes: [{ space: 100, values: (_u, splits) => splits.map((v) => formatHour(v, language)) }, { label: yLabel }],
      legend: { show: false }, // our own legend below: translated and plain HTML
    };
    const plot = new uPlot(options, toPlotData(chart, spec), element);
    // Charts follow their container's width (phones: 375 px).
    const observer =
      typeof ResizeObserver === 'undefined'
        ? undefined
        : new ResizeObserver(() => plot.setSize({ width: Math.max(element.clientWidth, 280), height: HEIGHT }));
    observer?.observe(element);
    return () => {
      observer?.disconnect();
      plot.destroy();
    };
  }, [chart, spec, t, language]);

  const headingId = `chart-${spec.id}-title`;
  return (
    <figure className="chart card" aria-labelledby={headingId} data-testid={`chart-${spec.id}`}>
      <h3 id={headingId} className="chart-title">
        {title}
      </h3>
      <div ref={box} className="chart-canvas" role="img" aria-label={t('chart.canvasLabel', { title })} />
      <ul className="chart-legend">
        {plottedLines(chart, spec).map((line, i) => (
          <li key={line.label}>
            <span className="swatch" style={{ background: COLOURS[i % COLOURS.length] }} aria-hidden="true" />
            {lineLabel(line.label, t)}
          </li>
        ))}
      </ul>
      <details className="chart-data">
        <summary>{t('chart.showData')}</summary>
        {table.rows.length === 0 ? (
          <p className="empty">{t('chart.noData')}</p>
        ) : (
          <div className="table-scroll" role="region" aria-label={t('chart.tableLabel', { title })} tabIndex={0}>
            <table>
              <caption className="visually-hidden">{title}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('chart.hour')}</th>
                  {table.columns.map((column) => (
                    <th scope="col" key={column}>
                      {column}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.rows.map((row) => (
                  <tr key={row.hour}>
                    <th scope="row">{row.hour}</th>
                    {row.cells.map((cell, i) => (
                      <td key={i}>{cell}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </details>
    </figure>
  );
}
