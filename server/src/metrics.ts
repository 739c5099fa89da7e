/**
 * Prometheus metrics, one registry per app so that tests can run several apps in one process.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HubMetrics, RejectionReason } from './hub/hub.ts';

export interface AppMetrics extends HubMetrics {
  registry: Registry;
  /** Readings accepted so far per source (for rates in the source health panel). */
  readonly acceptedBySource: ReadonlyMap<string, number>;
  /** Inputs rejected so far per source and reason. */
  readonly rejectedBySource: ReadonlyMap<string, ReadonlyMap<string, number>>;
  connectedClients: Gauge;
  tickDuration: Histogram;
  diffsSent: Counter;
  /** Socket requests refused at the door, by event and code. */
  socketRefusals: Counter<'event' | 'code'>;
  /** Sockets the server closed because they kept sending refused requests. */
  offendersDisconnected: Counter;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): AppMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'citytwin_' });
  const connectedClients = new Gauge({
    name: 'citytwin_connected_clients',
    help: 'Socket.io clients connected now.',
    registers: [registry],
  });
  const readingsIn = new Counter({
    name: 'citytwin_readings_in_total',
    help: 'Readings accepted by the hub, by source.',
    labelNames: ['source'],
    registers: [registry],
  });
  const rejections = new Counter({
    name: 'citytwin_rejections_total',
    help: 'Inputs rejected, by reason and source.',
    labelNames: ['reason', 'source'],
    registers: [registry],
  });
  const tickDuration = new Histogram({
    name: 'citytwin_tick_duration_seconds',
    help: 'Time to compute and send one tick of diffs to all subscribers.',
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [registry],
  });
  const diffsSent = new Counter({
    name: 'citytwin_diffs_sent_total',
    help: 'Diff messages sent to subscribers.',
    registers: [registry],
  });
  const socketRefusals = new Counter({
    name: 'citytwin_socket_refusals_total',
    help: 'Socket requests refused at the door (too large, binary, forbidden, rate-limited, malformed), by event and code.',
    labelNames: ['event', 'code'] as const,
    registers: [registry],
  });
  const offendersDisconnected = new Counter({
    name: 'citytwin_socket_offenders_disconnected_total',
    help: 'Sockets closed by the server because they kept sending refused requests.',
    registers: [registry],
  });
  const acceptedBySource = new Map<string, ReturnType<typeof readingsIn.labels>>();
  const acceptedTotals = new Map<string, number>();
  const rejectedTotals = new Map<string, Map<string, number>>();
  return {
    registry,
    connectedClients,
    tickDuration,
    diffsSent,
    socketRefusals,
    offendersDisconnected,
    // Every accepted reading counts: the labelled child is looked up once per source, not hashed
    // from a label object each time.
    readingAccepted: (source: string) => {
      let child = acceptedBySource.get(source);
      if (!child) acceptedBySource.set(source, (child = readingsIn.labels(source)));
      child.inc();
      acceptedTotals.set(source, (acceptedTotals.get(source) ?? 0) + 1);
    },
    readingRejected: (reason: RejectionReason, source: string) => {
      rejections.inc({ reason, source });
      let reasons = rejectedTotals.get(source);
      if (!reasons) rejectedTotals.set(source, (reasons = new Map()));
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    },
    acceptedBySource: acceptedTotals,
    rejectedBySource: rejectedTotals,
  };
}

/**
 * A counter whose value is read from elsewhere when `/metrics` is scraped (a service's own count),
 * registered in `registry`.
 */
export function collectedCounter(
  registry: Registry,
  name: string,
  help: string,
  read: () => number,
): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}
