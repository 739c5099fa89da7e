/**
 * The control room's source health report: the operator API's source states with the readings per
 * second and rejections by reason of each source (from the app's counters, sampled once a second),
 * the city's newest dead letters, and every sensor's freshness, battery and last contact.
 */
import type { HealthReport, HealthWarning, SensorHealthRow, SourceHealth } from '../../../protocol/health.ts';
import type { SourceStatus } from '../adapters/liveSources.ts';
import type { Hub } from '../hub/hub.ts';
import type { AppMetrics } from '../metrics.ts';

/** Samples kept for the rates: ten seconds. */
const SAMPLES = 10;
const DEAD_LETTERS_SHOWN = 50;

export class SourceHealthReporter {
  private readonly samples: { atMs: number; accepted: Map<string, number> }[] = [];
  private readonly warnings: HealthWarning[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly metrics: AppMetrics,
    private readonly statuses: () => SourceStatus[],
    private readonly now: () => number = Date.now,
  ) {}

  /** Samples the counters once a second. */
  start(): void {
    this.sample();
    this.timer ??= setInterval(() => this.sample(), 1000);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Adds a server-wide warning every report carries from now on (e.g. the history was replaced). */
  warn(warning: HealthWarning): void {
    this.warnings.push(warning);
  }

  /** Takes one sample of the accepted counters (the timer calls it; tests may too). */
  sample(): void {
    this.samples.push({ atMs: this.now(), accepted: new Map(this.metrics.acceptedBySource) });
    if (this.samples.length > SAMPLES + 1) this.samples.shift();
  }

  private rate(source: string): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.atMs <= first.atMs) return 0;
    const delta = (last.accepted.get(source) ?? 0) - (first.accepted.get(source) ?? 0);
    return delta / ((last.atMs - first.atMs) / 1000);
  }

  report(cityId: string, hub: Hub, nowMs: number): HealthReport {
    const statuses = this.statuses().filter((s) => s.cityId === cityId);
    const ids = new Set(statuses.map((s) => s.id));
    const extra = new Set([...this.metrics.acceptedBySource.keys(), ...this.metrics.rejectedBySource.keys()]);
    const sources: SourceHealth[] = [
      ...statuses.map((status) => this.source(status.id, status.type, status.cityId, status.state ?? null)),
      ...[...extra]
        .filter((id) => !ids.has(id))
        .sort()
        .map((id) => this.source(id, id === 'simulator' ? 'simulator' : 'other', null, null)),
    ];
    const deadLetters = hub
      .deadLetters()
      .slice(-DEAD_LETTERS_SHOWN)
      .reverse()
      .map((letter) => ({
        atMs: letter.atMs,
        source: letter.source,
        reason: letter.reason,
        message: letter.message,
      }));
    const sensors: SensorHealthRow[] = [...hub.sensors.values()].map((sensor) => {
      const state = hub.state(sensor.id);
      return {
        sensorId: sensor.id,
        freshness: state?.freshness ?? 'offline',
        observedAtMs: state?.observation?.observedAt ?? null,
        lastSeenMs: state?.health?.lastSeenMs ?? state?.observation?.observedAt ?? null,
        batteryPercent: state?.health?.batteryPercent ?? null,
      };
    });
    return { atMs: nowMs, warnings: [...this.warnings], sources, deadLetters, sensors };
  }

  private source(id: string, type: string, cityId: string | null, state: unknown): SourceHealth {
    return {
      id,
      type,
      cityId,
      state,
      accepted: this.metrics.acceptedBySource.get(id) ?? 0,
      readingsPerS: Math.round(this.rate(id) * 10) / 10,
      rejections: Object.fromEntries(this.metrics.rejectedBySource.get(id) ?? []),
    };
  }
}
