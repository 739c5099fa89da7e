/**
 * The history over HTTP, for export and for other tools:
 *
 * - `GET /api/v1/history/:cityId/range`: what the store holds and the retention per kind;
 * - `GET /api/v1/history/:cityId/sensors/:sensorId/series?from=&to=&step=&quantity=&format=csv|json`;
 * - `GET /api/v1/history/:cityId/state?at=&kinds=&bbox=&format=csv|json`: a layer at one time;
 * - `GET /api/v1/history/:cityId/sensors/:sensorId/profile?quantity=&weeks=`: weekday × hour means.
 *
 * Times are ISO 8601 or ms since the epoch; steps are ms or `30s`, `5m`, `1h`, `1d`, `raw`. Without an
 * access key (`Authorization: Bearer <key>`) only public sensors are answered; with one, the sensors
 * its role may see (`visibilitiesOf`).
 */
import express from 'express';
import type { Request, Response, Router } from 'express';
import type { Series, StateAt } from '../../../protocol/history.ts';
import type { Sensor, Visibility } from '../../../protocol/index.ts';
import { visibilitiesOf } from '../../../protocol/roles.ts';
import type { HttpAccess } from '../http/httpKeys.ts';
import type { RouteAccess } from '../http/routeAccess.ts';
import { ROUTE_ACCESS } from '../http/routeAccess.ts';
import type { Logger } from '../logger.ts';
import type { BucketRate } from '../limits/tokenBucket.ts';
import { KeyedBuckets } from '../limits/tokenBucket.ts';
import { DEFAULT_DOOR_LIMITS } from '../live/door.ts';
import type { HistoryService } from './historyService.ts';
import { HistoryRequestError } from './historyService.ts';

export interface HistoryRouteOptions {
  /** Requests per address (the socket door's history rate per address by default). */
  readonly rate?: BucketRate | undefined;
  /** Undefined when the history is off: the routes say so. */
  readonly service: HistoryService | undefined;
  /** The app's staff keys on HTTP: the caller's role decides which sensors it sees. */
  readonly access: HttpAccess;
  readonly sensorsOf: (cityId: string) => readonly Sensor[] | undefined;
  readonly logger: Logger;
}

/** A time given as ms or ISO 8601; undefined when absent; throws when unreadable. */
export function parseTime(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new HistoryRequestError('bad-request', `${name}: give one time`);
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms) || ms < 0)
    throw new HistoryRequestError(
      'bad-request',
      `${name}: not a time (use ISO 8601, e.g. 2026-12-03T14:00:00Z, or ms since 1970)`,
    );
  return ms;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A step given as ms, `raw`, or a number with s/m/h/d. */
export function parseStep(value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'raw') return 0;
  const match = typeof value === 'string' ? /^(\d+)(s|m|h|d)?$/.exec(value) : null;
  if (!match)
    throw new HistoryRequestError('bad-request', 'step: not a step (use raw, 30s, 5m, 1h, 1d or ms)');
  return Number(match[1]) * (match[2] ? (UNIT_MS[match[2]] as number) : 1);
}

function list(value: unknown): string[] | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

/** A CSV field, quoted when it needs to be. */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function seriesCsv(series: Series): string {
  const lines = ['time,sensor,quantity,mean,min,max,count'];
  for (const [quantity, columns] of Object.entries(series.quantities)) {
    for (let i = 0; i < columns.t.length; i += 1) {
      lines.push(
        [
          new Date(columns.t[i] as number).toISOString(),
          series.sensorId,
          quantity,
          columns.mean[i] as number,
          columns.min[i] as number,
          columns.max[i] as number,
          columns.count[i] as number,
        ]
          .map(csvField)
          .join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export function stateCsv(state: StateAt, sensors: ReadonlyMap<string, Sensor>): string {
  const lines = ['sensor,kind,name,freshness,observed_at,quantity,value'];
  for (const s of state.states) {
    const sensor = sensors.get(s.sensorId);
    const base = [s.sensorId, sensor?.kind ?? '', sensor?.name ?? '', s.freshness];
    if (!s.observation) {
      lines.push([...base, '', '', ''].map(csvField).join(','));
      continue;
    }
    const at = new Date(s.observation.observedAt).toISOString();
    for (const [quantity, value] of Object.entries(s.observation.values))
      lines.push([...base, at, quantity, value].map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

const STATUS: Record<string, number> = {
  'bad-request': 400,
  forbidden: 403,
  'not-found': 404,
  'version-mismatch': 400,
  internal: 500,
};

/** History answers one address may have in flight over HTTP. */
export const HISTORY_IN_FLIGHT_PER_ADDRESS = 4;

export function createHistoryRouter(options: HistoryRouteOptions): Router {
  const router = express.Router();
  const rates = new KeyedBuckets(options.rate ?? DEFAULT_DOOR_LIMITS.rates.history.address);
  const inFlight = new Map<string, number>();

  /** Runs a handler with the caller's visibilities, answering errors as JSON with a reason. */
  const handle =
    (
      route: RouteAccess,
      run: (
        req: Request,
        res: Response,
        service: HistoryService,
        visibilities: Visibility[],
      ) => Promise<void>,
    ) =>
    async (req: Request, res: Response) => {
      res.setHeader('Cache-Control', 'no-store');
      // The key first, like on every route: a wrong one is counted even where the history is off.
      const caller = options.access.authorize(route, req, res);
      if (!caller) return;
      const service = options.service;
      if (!service) {
        res.status(404).json({ error: 'the history is off on this server (config "history.enabled")' });
        return;
      }
      // The same bounds as the history's socket requests: a rate per address, and a few answers
      // in flight per address, so a flood over HTTP cannot make every viewer's timeline wait.
      const address = req.ip ?? 'unknown';
      const taken = rates.take(address, performance.now());
      if (!taken.ok) {
        res.setHeader('Retry-After', String(Math.ceil(taken.retryAfterMs / 1000)));
        res.status(429).json({ error: 'too many history requests from this address; try again shortly' });
        return;
      }
      const running = inFlight.get(address) ?? 0;
      if (running >= HISTORY_IN_FLIGHT_PER_ADDRESS) {
        res.setHeader('Retry-After', '1');
        res
          .status(503)
          .json({ error: 'the history is answering many requests from this address; try again shortly' });
        return;
      }
      inFlight.set(address, running + 1);
      const visibilities = visibilitiesOf(caller.role);
      try {
        await run(req, res, service, visibilities);
      } catch (error) {
        if (error instanceof HistoryRequestError) {
          res.status(STATUS[error.code] ?? 400).json({ error: error.message });
          return;
        }
        options.logger.error('history request failed', { path: req.path, error: (error as Error).stack });
        res.status(500).json({ error: 'the history store could not answer; see the server log' });
      } finally {
        const left = (inFlight.get(address) ?? 1) - 1;
        if (left > 0) inFlight.set(address, left);
        else inFlight.delete(address);
      }
    };

  const format = (req: Request): 'json' | 'csv' => {
    const value = req.query.format ?? 'json';
    if (value === 'json' || value === 'csv') return value;
    throw new HistoryRequestError('bad-request', 'format: give json or csv');
  };

  router.get(
    ROUTE_ACCESS.historyRange.path,
    handle(ROUTE_ACCESS.historyRange, async (req, res, service) => {
      res.json(await service.range(String(req.params.cityId)));
    }),
  );

  router.get(
    ROUTE_ACCESS.historySeries.path,
    handle(ROUTE_ACCESS.historySeries, async (req, res, service, visibilities) => {
      const as = format(req);
      const toMs = parseTime(req.query.to, 'to') ?? service.nowMs();
      const fromMs = parseTime(req.query.from, 'from') ?? toMs - 86_400_000;
      const stepMs = parseStep(req.query.step);
      const quantities = list(req.query.quantity);
      const series = await service.series(
        String(req.params.cityId),
        {
          sensorId: String(req.params.sensorId),
          fromMs,
          toMs,
          ...(stepMs === undefined ? {} : { stepMs }),
          ...(quantities ? { quantities } : {}),
        },
        visibilities,
      );
      if (as === 'csv') {
        res
          .type('text/csv; charset=utf-8')
          .attachment(`${series.sensorId}_${new Date(fromMs).toISOString().slice(0, 10)}.csv`)
          .send(seriesCsv(series));
        return;
      }
      res.json(series);
    }),
  );

  router.get(
    ROUTE_ACCESS.historyState.path,
    handle(ROUTE_ACCESS.historyState, async (req, res, service, visibilities) => {
      const as = format(req);
      const cityId = String(req.params.cityId);
      const atMs = parseTime(req.query.at, 'at');
      if (atMs === undefined)
        throw new HistoryRequestError('bad-request', 'at: give the time of the state (ISO 8601 or ms)');
      const kinds = list(req.query.kinds) ?? ['parking', 'traffic', 'environment', 'water'];
      const bbox = list(req.query.bbox)?.map(Number);
      const state = await service.stateAt(cityId, { atMs, kinds, ...(bbox ? { bbox } : {}) }, visibilities);
      if (as === 'csv') {
        const sensors = new Map((options.sensorsOf(cityId) ?? []).map((s) => [s.id, s]));
        res
          .type('text/csv; charset=utf-8')
          .attachment(`${cityId}_${new Date(atMs).toISOString().replaceAll(':', '-')}.csv`)
          .send(stateCsv(state, sensors));
        return;
      }
      res.json(state);
    }),
  );

  router.get(
    ROUTE_ACCESS.historyProfile.path,
    handle(ROUTE_ACCESS.historyProfile, async (req, res, service, visibilities) => {
      const weeks = req.query.weeks === undefined ? undefined : Number(req.query.weeks);
      const toMs = parseTime(req.query.to, 'to');
      res.json(
        await service.profile(
          String(req.params.cityId),
          {
            sensorId: String(req.params.sensorId),
            quantity: String(req.query.quantity ?? ''),
            ...(weeks === undefined ? {} : { weeks }),
            ...(toMs === undefined ? {} : { toMs }),
          },
          visibilities,
        ),
      );
    }),
  );

  return router;
}
