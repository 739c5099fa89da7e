/**
 * The control room's source health: server-wide warnings (a damaged history replaced at start),
 * every source's state, readings per second and rejections by reason, what was rejected last, and the sensors that are stale or offline with their battery and
 * when they were last heard from. Asked of the server (`ops:health`) every five seconds while open.
 */
import { useEffect, useState } from 'react';
import type { HealthReport, Sensor, SourceHealth } from '../../../protocol/index.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import { formatAge, formatNumber, formatTime } from '../i18n/format.ts';
import type { Translator } from '../i18n/messages.ts';

export interface SourceHealthPanelProps {
  /** Asks the server for the report; rejects with the reason when it cannot. */
  readonly load: () => Promise<HealthReport>;
  readonly sensorOf: (sensorId: string) => Sensor | undefined;
  readonly timeZone: string;
}

const REFRESH_MS = 5000;
const FRESHNESS_ORDER = { offline: 0, stale: 1, live: 2 } as const;

/** "verbunden", "getrennt" or "läuft" from an adapter's own report, when it says so. */
function stateText(source: SourceHealth, translator: Translator): string {
  const state = source.state as { connected?: unknown } | null;
  if (state && typeof state === 'object' && typeof state.connected === 'boolean')
    return translator.t(state.connected ? 'health.connected' : 'health.disconnected');
  return source.readingsPerS > 0 ? translator.t('health.running') : '–';
}

export function SourceHealthPanel({ load, sensorOf, timeZone }: SourceHealthPanelProps) {
  const translator = useTranslator();
  const [open, setOpen] = useState(false);
  const [report, setReport] = useState<HealthReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    let stopped = false;
    const ask = () =>
      load().then(
        (next) => {
          if (stopped) return;
          setReport(next);
          setError(null);
        },
        (problem: unknown) => {
          if (!stopped) setError(problem instanceof Error ? problem.message : String(problem));
        },
      );
    void ask();
    const timer = setInterval(() => void ask(), REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [open, load]);

  const sensors = report
    ? [...report.sensors].sort((a, b) => FRESHNESS_ORDER[a.freshness] - FRESHNESS_ORDER[b.freshness])
    : [];
  const count = (f: 'live' | 'stale' | 'offline') => sensors.filter((s) => s.freshness === f).length;
  const notLive = sensors.filter((s) => s.freshness !== 'live').slice(0, 40);

  return (
    <details
      className="health-panel"
      data-testid="source-health"
      onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}
    >
      <summary className="panel-heading">{translator.t('health.title')}</summary>
      {!report && !error && <p className="muted">{translator.t('health.loading')}</p>}
      {error && <p className="quality-note">{translator.t('health.error', { message: error })}</p>}
      {report && (
        <>
          {report.warnings.length > 0 && (
            <ul className="health-warnings" data-testid="health-warnings" role="alert">
              {report.warnings.map((warning, i) => (
                <li key={`${warning.code}-${i}`} className="quality-note">
                  <span className="muted">{formatTime(warning.atMs, translator.intlLocale, timeZone)}</span>{' '}
                  {translator.t(`health.warning.${warning.code}`, { detail: warning.detail })}
                </li>
              ))}
            </ul>
          )}
          <h3 className="subheading">{translator.t('health.sources')}</h3>
          <table className="health-table" data-testid="health-sources">
            <thead>
              <tr>
                <th scope="col">{translator.t('health.source')}</th>
                <th scope="col">{translator.t('health.state')}</th>
                <th scope="col">{translator.t('health.rate')}</th>
                <th scope="col">{translator.t('health.rejected')}</th>
              </tr>
            </thead>
            <tbody>
              {report.sources.map((source) => {
                const rejections = Object.entries(source.rejections);
                const rejected = rejections.reduce((sum, [, n]) => sum + n, 0);
                return (
                  <tr key={source.id} data-source-id={source.id}>
                    <th scope="row">
                      {source.id}
                      <span className="muted"> ({source.type})</span>
                    </th>
                    <td>{stateText(source, translator)}</td>
                    <td>{formatNumber(source.readingsPerS, translator.intlLocale, 1)}</td>
                    <td title={rejections.map(([reason, n]) => `${reason}: ${n}`).join(', ')}>
                      {formatNumber(rejected, translator.intlLocale)}
                      {rejections.length > 0 && (
                        <span className="health-reasons">
                          {rejections.map(([reason, n]) => `${reason} ${n}`).join(', ')}
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <h3 className="subheading">{translator.t('health.deadLetters')}</h3>
          {report.deadLetters.length === 0 ? (
            <p className="muted">{translator.t('health.noDeadLetters')}</p>
          ) : (
            <ul className="health-letters" data-testid="health-dead-letters">
              {report.deadLetters.slice(0, 10).map((letter, i) => (
                <li key={`${letter.atMs}-${i}`}>
                  <span className="muted">{formatTime(letter.atMs, translator.intlLocale, timeZone)}</span>{' '}
                  <strong>{letter.source}</strong> · {letter.reason}: {letter.message}
                </li>
              ))}
            </ul>
          )}
          <h3 className="subheading">{translator.t('health.sensors')}</h3>
          <p className="health-counts">
            {translator.t('health.sensorCounts', {
              total: sensors.length,
              live: count('live'),
              stale: count('stale'),
              offline: count('offline'),
            })}
          </p>
          {notLive.length === 0 ? (
            <p className="muted">{translator.t('health.allLive')}</p>
          ) : (
            <table className="health-table" data-testid="health-sensors">
              <thead>
                <tr>
                  <th scope="col">{translator.t('health.sensor')}</th>
                  <th scope="col">{translator.t('info.freshness')}</th>
                  <th scope="col">{translator.t('health.battery')}</th>
                  <th scope="col">{translator.t('health.lastSeen')}</th>
                </tr>
              </thead>
              <tbody>
                {notLive.map((row) => (
                  <tr key={row.sensorId} data-sensor-id={row.sensorId} data-freshness={row.freshness}>
                    <th scope="row">{sensorOf(row.sensorId)?.name ?? row.sensorId}</th>
                    <td>{translator.t(`freshness.${row.freshness}`)}</td>
                    <td>
                      {row.batteryPercent === null
                        ? '–'
                        : `${formatNumber(row.batteryPercent, translator.intlLocale)} %`}
                    </td>
                    <td>
                      {row.lastSeenMs === null ? '–' : formatAge(report.atMs - row.lastSeenMs, translator)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </details>
  );
}
