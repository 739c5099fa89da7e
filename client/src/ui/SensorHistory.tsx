/**
 * The history section of a sensor's info panel: its last 24 hours and last 7 days as uPlot charts
 * (mean line, min–max band, warn and alarm lines, a CSV link for export) and, for a road, the
 * weekday × hour heatmap of its speed. Times come from the server's clock (or the past the timeline
 * shows), rounded to the minute, so the charts ask again at most once a minute. What to draw is
 * computed in `history/chartModel.ts`; this file only fetches, lays out and hands arrays to uPlot.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Series, WeekdayHourProfile } from '../../../protocol/history.ts';
import type { Sensor } from '../../../protocol/index.ts';
import type { FetchLike } from '../api/cityApi.ts';
import {
  chartQuantities,
  chartWindow,
  historyChartModel,
  isolatedIndices,
  uplotData,
  valueRuns,
  type ChartWindow,
  type HistoryChartModel,
  type HistoryRangeId,
  type ThresholdLine,
} from '../history/chartModel.ts';
import { fetchProfile, fetchSeries, seriesUrl } from '../history/historyApi.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import { formatNumber } from '../i18n/format.ts';
import type { MessageKey, Translator } from '../i18n/messages.ts';
import { formatQuantity, QUANTITIES, quantityLabel } from '../sensors/quantities.ts';
import { WeekdayHeatmap } from './WeekdayHeatmap.tsx';

/** Props of {@link SensorHistory}. */
export interface SensorHistoryProps {
  readonly cityId: string;
  readonly sensor: Sensor;
  /** The server's time now, or the past time the timeline shows; null before the first server time. */
  readonly nowMs: number | null;
  /** The city's time zone, for the time axis and the tooltips. */
  readonly timeZone: string;
  /** `fetch`, injectable for tests. */
  readonly fetchFn?: FetchLike;
}

const CHART_HEIGHT_PX = 140;
const DEFAULT_WIDTH_PX = 300;
/** How many weeks the weekday × hour profile averages. */
const PROFILE_WEEKS = 4;
const HOUR_MS = 3_600_000;
/** A scrubbing timeline moves `nowMs` many times a second; only the minute it rests on is fetched. */
const FETCH_DELAY_MS = 150;

const RANGE_TEXT: Readonly<Record<HistoryRangeId, { title: MessageKey; over: MessageKey }>> = {
  '24h': { title: 'history.last24h', over: 'history.over24h' },
  '7d': { title: 'history.last7d', over: 'history.over7d' },
};

/** Line colours of the charted quantities (CSS custom properties with fallbacks for the canvas). */
const SERIES_COLORS = [
  ['--accent', '#58c4ff'],
  ['--history-second', '#c792ea'],
] as const;

type Fetched<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly value: T }
  | { readonly status: 'error'; readonly message: string };

const LOADING = { status: 'loading' } as const;

/**
 * Runs `load` whenever `request` changes (after a short pause, aborting the one before) and keeps
 * the last answer while a newer one loads. An answer for another `subject` (another sensor) is never
 * shown: until the new one arrives the state is `loading`.
 */
function useFetched<T>(
  subject: string,
  request: string | null,
  load: ((signal: AbortSignal) => Promise<T>) | null,
): Fetched<T> {
  const [result, setResult] = useState<{ subject: string; fetched: Fetched<T> } | null>(null);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  useEffect(() => {
    if (request === null) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      const run = loadRef.current;
      if (!run) return;
      run(controller.signal).then(
        (value) => {
          if (!controller.signal.aborted) setResult({ subject, fetched: { status: 'ready', value } });
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          const message = error instanceof Error ? error.message : String(error);
          setResult({ subject, fetched: { status: 'error', message } });
        },
      );
    }, FETCH_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [subject, request]);
  return result && result.subject === subject ? result.fetched : LOADING;
}

function cssColor(element: Element, property: string, fallback: string): string {
  return getComputedStyle(element).getPropertyValue(property).trim() || fallback;
}

/** `#rrggbb` with an alpha, for the min–max band. */
function withAlpha(color: string, alpha: number): string {
  if (!/^#[0-9a-f]{6}$/i.test(color)) return color;
  return `${color}${Math.round(alpha * 255)
    .toString(16)
    .padStart(2, '0')}`;
}

function valueWithUnit(quantity: string, value: number, translator: Translator): string {
  const formatted = formatQuantity(quantity, value, translator);
  return [formatted.value, formatted.unit].filter((part) => part !== '').join(' ');
}

function unitOf(quantity: string, translator: Translator): string {
  const unitKey = QUANTITIES[quantity]?.unitKey;
  return unitKey ? translator.t(unitKey) : '';
}

function thresholdText(line: ThresholdLine, withQuantity: boolean, translator: Translator): string {
  const t = translator.t;
  const text = t(line.direction === 'below' ? 'history.thresholdBelow' : 'history.thresholdAbove', {
    level: t(line.level === 'alarm' ? 'history.alarm' : 'history.warn'),
    value: valueWithUnit(line.quantity, line.value, translator),
  });
  return withQuantity ? `${quantityLabel(line.quantity, translator)} ${text}` : text;
}

/** The short label drawn at a threshold line ("Alarm 200"); the legend below says it in full. */
function canvasLabel(line: ThresholdLine, withQuantity: boolean, translator: Translator): string {
  const level = translator.t(line.level === 'alarm' ? 'history.alarm' : 'history.warn');
  const text = `${level} ${formatQuantity(line.quantity, line.value, translator).value}`;
  return withQuantity ? `${quantityLabel(line.quantity, translator)} ${text}` : text;
}

/** Colours the canvas needs, read from the page's CSS so the chart follows the theme. */
interface ChartColors {
  readonly axis: string;
  readonly grid: string;
  readonly warn: string;
  readonly alarm: string;
  readonly series: readonly string[];
}

function chartColors(element: Element): ChartColors {
  return {
    axis: cssColor(element, '--muted', '#a3b0bd'),
    grid: cssColor(element, '--border', '#2a3746'),
    warn: cssColor(element, '--warn', '#f0c419'),
    alarm: cssColor(element, '--bad', '#ff5a6a'),
    series: SERIES_COLORS.map(([property, fallback]) => cssColor(element, property, fallback)),
  };
}

/** Fills each quantity's min–max band along its runs of values, behind the lines. */
function drawBands(u: uPlot, model: HistoryChartModel, colors: ChartColors): void {
  const { ctx, bbox } = u;
  const xs = model.aligned.xSec;
  ctx.save();
  ctx.beginPath();
  ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
  ctx.clip();
  model.aligned.quantities.forEach((q, i) => {
    ctx.fillStyle = withAlpha(colors.series[i] ?? colors.axis, 0.22);
    for (const [first, last] of valueRuns(q.mean)) {
      if (first === last) continue;
      ctx.beginPath();
      for (let k = first; k <= last; k += 1)
        ctx.lineTo(u.valToPos(xs[k] as number, 'x', true), u.valToPos(q.max[k] ?? 0, 'y', true));
      for (let k = last; k >= first; k -= 1)
        ctx.lineTo(u.valToPos(xs[k] as number, 'x', true), u.valToPos(q.min[k] ?? 0, 'y', true));
      ctx.closePath();
      ctx.fill();
    }
  });
  ctx.restore();
}

/**
 * Draws the threshold lines dashed across the plot with their label. A warn label sits on the safe
 * side of its line and an alarm label on the bad side, so the two labels of a quantity never overlap;
 * a second quantity's labels go to the left end.
 */
function drawThresholds(
  u: uPlot,
  model: HistoryChartModel,
  colors: ChartColors,
  labelOf: (line: ThresholdLine) => string,
): void {
  const { ctx, bbox } = u;
  const px = uPlot.pxRatio;
  const firstQuantity = model.aligned.quantities[0]?.quantity;
  ctx.save();
  ctx.font = `${Math.round(10 * px)}px system-ui, sans-serif`;
  ctx.lineWidth = Math.max(1, px);
  for (const line of model.lines) {
    const y = Math.round(u.valToPos(line.value, 'y', true)) + 0.5;
    const color = line.level === 'alarm' ? colors.alarm : colors.warn;
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.setLineDash([5 * px, 4 * px]);
    ctx.beginPath();
    ctx.moveTo(bbox.left, y);
    ctx.lineTo(bbox.left + bbox.width, y);
    ctx.stroke();
    const badIsUp = line.direction !== 'below';
    const labelUp = line.level === 'alarm' ? badIsUp : !badIsUp;
    const atRight = line.quantity === firstQuantity;
    ctx.textAlign = atRight ? 'right' : 'left';
    ctx.textBaseline = labelUp ? 'bottom' : 'top';
    ctx.fillText(
      labelOf(line),
      atRight ? bbox.left + bbox.width - 3 * px : bbox.left + 3 * px,
      labelUp ? y - 2 * px : y + 2 * px,
    );
  }
  ctx.restore();
}

/** Formatters of the time axis and the hover readout, in the city's time zone. */
function timeFormats(range: HistoryRangeId, intlLocale: string, timeZone: string) {
  const tick = new Intl.DateTimeFormat(
    intlLocale,
    range === '24h'
      ? { hour: '2-digit', minute: '2-digit', timeZone }
      : { weekday: 'short', day: 'numeric', timeZone },
  );
  const point = new Intl.DateTimeFormat(intlLocale, {
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  });
  return { tick: (sec: number) => tick.format(sec * 1000), point: (sec: number) => point.format(sec * 1000) };
}

interface UPlotChartProps {
  readonly model: HistoryChartModel;
  readonly range: HistoryRangeId;
  readonly timeZone: string;
  readonly translator: Translator;
  /** Called with the bucket under the pointer, or null when it leaves the chart. */
  readonly onHover: (index: number | null) => void;
}

/** The uPlot canvas, created for each model and width and destroyed when either changes. */
function UPlotChart({ model, range, timeZone, translator, onHover }: UPlotChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [widthPx, setWidthPx] = useState(DEFAULT_WIDTH_PX);
  const onHoverRef = useRef(onHover);
  useEffect(() => {
    onHoverRef.current = onHover;
  });

  useEffect(() => {
    const element = containerRef.current;
    if (!element) return;
    const measure = () => {
      const width = Math.floor(element.clientWidth);
      if (width > 0) setWidthPx(width);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const element = containerRef.current;
    if (!element) return;
    const colors = chartColors(element);
    const formats = timeFormats(range, translator.intlLocale, timeZone);
    const several = model.aligned.quantities.length > 1;
    const fractionDigits = QUANTITIES[model.aligned.quantities[0]?.quantity ?? '']?.fractionDigits ?? 0;
    const isolated = model.aligned.quantities.map((q) => isolatedIndices(q.mean));
    const axis = {
      stroke: colors.axis,
      grid: { stroke: colors.grid, width: 1 },
      ticks: { stroke: colors.grid, width: 1, size: 4 },
      font: '11px system-ui, sans-serif',
    };
    const options: uPlot.Options = {
      width: widthPx,
      height: CHART_HEIGHT_PX,
      tzDate: (sec) => uPlot.tzDate(new Date(sec * 1000), timeZone),
      legend: { show: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      cursor: { drag: { x: false, y: false, setScale: false }, points: { size: 6 } },
      scales: {
        x: { time: true, range: [model.window.fromMs / 1000, model.window.toMs / 1000] },
        y: { range: model.yRange },
      },
      axes: [
        { ...axis, space: 56, size: 26, values: (_u, splits) => splits.map(formats.tick) },
        {
          ...axis,
          size: 40,
          space: 24,
          values: (_u, splits) => splits.map((v) => formatNumber(v, translator.intlLocale, fractionDigits)),
        },
      ],
      series: [
        {},
        ...model.aligned.quantities.map((q, i) => ({
          label: quantityLabel(q.quantity, translator),
          stroke: colors.series[i] ?? colors.axis,
          width: 1.5,
          points: {
            show: false,
            size: 4,
            fill: colors.series[i] ?? colors.axis,
            filter: () => {
              const indices = isolated[i] ?? [];
              return indices.length > 0 ? indices : null;
            },
          },
        })),
      ],
      hooks: {
        drawAxes: [(u) => drawBands(u, model, colors)],
        draw: [(u) => drawThresholds(u, model, colors, (line) => canvasLabel(line, several, translator))],
        setCursor: [(u) => onHoverRef.current(u.cursor.idx ?? null)],
      },
    };
    const chart = new uPlot(options, uplotData(model.aligned), element);
    return () => chart.destroy();
  }, [model, widthPx, range, timeZone, translator]);

  return <div ref={containerRef} className="history-canvas" aria-hidden="true" />;
}

/** Props of {@link HistoryChart}. */
interface HistoryChartProps {
  readonly range: HistoryRangeId;
  readonly cityId: string;
  readonly sensor: Sensor;
  readonly quantities: readonly string[];
  readonly nowMs: number | null;
  readonly timeZone: string;
  readonly fetchFn: FetchLike;
}

/** One chart: title and CSV link, the canvas with its legend, and a text summary for screen readers. */
function HistoryChart({ range, cityId, sensor, quantities, nowMs, timeZone, fetchFn }: HistoryChartProps) {
  const translator = useTranslator();
  const t = translator.t;
  const headingId = useId();
  const [hoverIndex, setHoverIndex] = useState<number | null>(null);
  const span = nowMs === null ? null : chartWindow(range, nowMs);
  const query = span && { ...span, quantities };
  const fetched = useFetched<{ series: Series; window: ChartWindow }>(
    `${cityId}/${sensor.id}/${quantities.join(',')}`,
    span && `${span.fromMs}-${span.toMs}`,
    query &&
      ((signal) =>
        fetchSeries(fetchFn, cityId, sensor.id, query, signal).then((series) => ({ series, window: query }))),
  );
  const value = fetched.status === 'ready' ? fetched.value : null;
  const model = useMemo(
    () => value && historyChartModel(sensor, quantities, value.series.quantities, value.window),
    [value, sensor, quantities],
  );
  const state = fetched.status === 'ready' ? (model?.aligned.empty ? 'empty' : 'ready') : fetched.status;
  const over = t(RANGE_TEXT[range].over);
  const formats = timeFormats(range, translator.intlLocale, timeZone);
  const several = quantities.length > 1;

  return (
    <section
      className="history-chart"
      data-testid={`history-chart-${range}`}
      data-state={state}
      aria-labelledby={headingId}
    >
      <div className="history-head">
        <h4 id={headingId}>{t(RANGE_TEXT[range].title)}</h4>
        {query && (
          <a
            className="history-csv"
            href={seriesUrl(cityId, sensor.id, query, 'csv')}
            download
            aria-label={t('history.csvLabel', { range: over })}
          >
            {t('history.csv')}
          </a>
        )}
      </div>
      <FetchStatus fetched={fetched} empty={state === 'empty'} />
      {state === 'ready' && model && (
        <>
          <UPlotChart
            model={model}
            range={range}
            timeZone={timeZone}
            translator={translator}
            onHover={setHoverIndex}
          />
          <p className="history-readout" aria-hidden="true">
            {hoverIndex !== null && model.aligned.xSec[hoverIndex] !== undefined
              ? [
                  formats.point(model.aligned.xSec[hoverIndex] as number),
                  ...model.aligned.quantities.map((q) => {
                    const v = q.mean[hoverIndex];
                    const text =
                      v === null || v === undefined ? '–' : valueWithUnit(q.quantity, v, translator);
                    return several ? `${quantityLabel(q.quantity, translator)} ${text}` : text;
                  }),
                ].join(' · ')
              : '\u00a0'}
          </p>
          <ul className="history-legend" aria-hidden="true">
            {model.aligned.quantities.map((q, i) => {
              const unit = unitOf(q.quantity, translator);
              return (
                <li key={q.quantity}>
                  <span className={`history-swatch history-swatch-${i}`} />
                  {quantityLabel(q.quantity, translator)}
                  {unit && ` (${unit})`}
                </li>
              );
            })}
            <li>
              <span className="history-swatch history-swatch-band" />
              {t('history.band')}
            </li>
            {model.lines.map((line) => (
              <li key={`${line.quantity}-${line.level}`}>
                <span className={`history-swatch history-swatch-${line.level}`} />
                {thresholdText(line, several, translator)}
              </li>
            ))}
          </ul>
          <p className="visually-hidden">
            {model.stats
              .map(({ quantity, stats }) => {
                const label = quantityLabel(quantity, translator);
                if (!stats) return t('history.summaryNone', { quantity: label, range: over });
                return t('history.summary', {
                  quantity: label,
                  range: over,
                  min: valueWithUnit(quantity, stats.min, translator),
                  max: valueWithUnit(quantity, stats.max, translator),
                  mean: valueWithUnit(quantity, stats.mean, translator),
                });
              })
              .concat(model.lines.map((line) => `${thresholdText(line, true, translator)}.`))
              .join(' ')}
          </p>
        </>
      )}
    </section>
  );
}

/** Props of {@link ProfileSection}. */
interface ProfileSectionProps {
  readonly cityId: string;
  readonly sensor: Sensor;
  readonly quantity: string;
  readonly nowMs: number | null;
  readonly fetchFn: FetchLike;
}

/** The weekday × hour profile of a road; asked again at most once an hour, as it moves slowly. */
function ProfileSection({ cityId, sensor, quantity, nowMs, fetchFn }: ProfileSectionProps) {
  const t = useTranslator().t;
  const headingId = useId();
  const toMs = nowMs === null ? null : Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const fetched = useFetched<WeekdayHourProfile>(
    `${cityId}/${sensor.id}/${quantity}`,
    toMs === null ? null : String(toMs),
    toMs === null
      ? null
      : (signal) =>
          fetchProfile(fetchFn, cityId, sensor.id, { quantity, weeks: PROFILE_WEEKS, toMs }, signal),
  );
  const empty =
    fetched.status === 'ready' && fetched.value.mean.every((row) => row.every((value) => value === null));
  return (
    <section
      className="history-chart"
      data-testid="history-heatmap"
      data-state={empty ? 'empty' : fetched.status}
      aria-labelledby={headingId}
    >
      <div className="history-head">
        <h4 id={headingId}>{t('history.heatmapTitle')}</h4>
      </div>
      <FetchStatus fetched={fetched} empty={empty} />
      {fetched.status === 'ready' && !empty && (
        <WeekdayHeatmap profile={fetched.value} weeks={PROFILE_WEEKS} />
      )}
    </section>
  );
}

/** What a section says while its data loads, when it failed, or when there is none. */
function FetchStatus({ fetched, empty }: { fetched: Fetched<unknown>; empty: boolean }) {
  const t = useTranslator().t;
  if (fetched.status === 'loading')
    return (
      <p className="muted history-status" role="status">
        {t('history.loading')}
      </p>
    );
  if (fetched.status === 'error')
    return (
      <p className="quality-note history-status" role="alert">
        {t('history.error', { message: fetched.message })}
      </p>
    );
  return empty ? <p className="muted history-status">{t('history.empty')}</p> : null;
}

/** The history of `sensor`: 24-hour and 7-day charts, and a road's weekday × hour heatmap. */
export function SensorHistory({ cityId, sensor, nowMs, timeZone, fetchFn = fetch }: SensorHistoryProps) {
  const t = useTranslator().t;
  const headingId = useId();
  const quantities = useMemo(() => chartQuantities(sensor), [sensor]);
  if (quantities.length === 0) return null;
  const props = { cityId, sensor, quantities, nowMs, timeZone, fetchFn };
  return (
    <section className="sensor-history" data-testid="sensor-history" aria-labelledby={headingId}>
      <h3 className="subheading" id={headingId}>
        {t('history.title')}
      </h3>
      <HistoryChart range="24h" {...props} />
      <HistoryChart range="7d" {...props} />
      {sensor.kind === 'traffic' && sensor.quantities.includes('speedKmh') && (
        <ProfileSection cityId={cityId} sensor={sensor} quantity="speedKmh" nowMs={nowMs} fetchFn={fetchFn} />
      )}
    </section>
  );
}
