/**
 * The operator API: what a control room needs to keep the live data honest. `GET
 * /api/v1/operator/sources` says how each source is doing (connected, last poll, counts; never its
 * URL or credentials) and `GET /api/v1/operator/dead-letters` lists what every source had turned
 * away, newest last, with the reason. Both need the operator API key or a staff key whose role has
 * `ops:health`; without any such key configured the API is off, so a default install exposes nothing.
 */
import express from 'express';
import type { Router } from 'express';
import type { SourceStatus } from '../adapters/liveSources.ts';
import type { DeadLetter, Hub } from '../hub/hub.ts';
import type { HttpAccess } from './httpKeys.ts';
import { ROUTE_ACCESS } from './routeAccess.ts';

export interface OperatorRouteOptions {
  /** The app's staff keys and operator API key on HTTP. */
  readonly access: HttpAccess;
  readonly hubs: ReadonlyMap<string, Hub>;
  readonly sources: () => SourceStatus[];
}

/** The most dead letters one answer carries. */
export const MAX_DEAD_LETTERS_PER_ANSWER = 5000;

/** One dead letter as the API answers it: with its city. */
export interface CityDeadLetter extends DeadLetter {
  readonly cityId: string;
}

function queryText(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function createOperatorRouter(options: OperatorRouteOptions): Router {
  const router = express.Router();
  const sourcesRoute = ROUTE_ACCESS.operatorSources;
  const deadLettersRoute = ROUTE_ACCESS.operatorDeadLetters;

  router.use('/api/v1/operator', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!options.access.anyKeyOpens(sourcesRoute)) {
      res.status(404).json({
        error:
          'the operator API is off: set "operatorApiKey" / "operatorApiKeyEnv" in the config or CITYTWIN_OPERATOR_API_KEY, or give an operator an access key',
      });
      return;
    }
    next();
  });

  router.get(sourcesRoute.path, options.access.guard(sourcesRoute), (_req, res) => {
    res.json({ sources: options.sources() });
  });

  router.get(deadLettersRoute.path, options.access.guard(deadLettersRoute), (req, res) => {
    const city = queryText(req.query.city);
    const source = queryText(req.query.source);
    const reason = queryText(req.query.reason);
    const limitText = queryText(req.query.limit);
    const limit = limitText === undefined ? 500 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DEAD_LETTERS_PER_ANSWER) {
      res
        .status(400)
        .json({ error: `limit must be a whole number from 1 to ${MAX_DEAD_LETTERS_PER_ANSWER}` });
      return;
    }
    if (city !== undefined && !options.hubs.has(city)) {
      res.status(404).json({ error: `no such city pack; served: ${[...options.hubs.keys()].join(', ')}` });
      return;
    }
    const letters: CityDeadLetter[] = [];
    for (const [cityId, hub] of options.hubs) {
      if (city !== undefined && cityId !== city) continue;
      for (const letter of hub.deadLetters()) {
        if (source !== undefined && letter.source !== source) continue;
        if (reason !== undefined && letter.reason !== reason) continue;
        letters.push({ ...letter, cityId });
      }
    }
    letters.sort((a, b) => a.atMs - b.atMs);
    res.json({ total: letters.length, deadLetters: letters.slice(-limit) });
  });
  return router;
}
