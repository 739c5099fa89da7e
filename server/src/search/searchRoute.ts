/**
 * `GET /api/v1/search?q=<text>&city=<id>`: the search box's one route. The caller's key is checked
 * first (route table `search`), then the rate per address, then the query; the answer is a
 * {@link SearchAnswer} with only the sensors the caller's role may see. `city` defaults to the
 * server's default city.
 */
import express from 'express';
import type { Router } from 'express';
import { MAX_SEARCH_QUERY_CHARS, visibilitiesOf } from '../../../protocol/index.ts';
import type { HttpAccess } from '../http/httpKeys.ts';
import { clientAddress } from '../http/httpKeys.ts';
import { ROUTE_ACCESS } from '../http/routeAccess.ts';
import type { BucketRate } from '../limits/tokenBucket.ts';
import { KeyedBuckets } from '../limits/tokenBucket.ts';
import type { SearchService } from './searchService.ts';

export interface SearchRouteOptions {
  readonly access: HttpAccess;
  readonly service: SearchService;
  readonly defaultCityId: string;
  /** Searches per address. */
  readonly rate: BucketRate;
}

/** The router of the search route. */
export function createSearchRouter(options: SearchRouteOptions): Router {
  const router = express.Router();
  const route = ROUTE_ACCESS.search;
  const rates = new KeyedBuckets(options.rate);
  router.get(route.path, async (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    const caller = options.access.authorize(route, req, res);
    if (!caller) return;
    const taken = rates.take(clientAddress(req), performance.now());
    if (!taken.ok) {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(taken.retryAfterMs / 1000))));
      res.status(429).json({ error: 'too many searches from this address; try again shortly' });
      return;
    }
    const { q, city } = req.query;
    if (typeof q !== 'string' || q.trim() === '') {
      res.status(400).json({ error: 'q: give the text to search for, once' });
      return;
    }
    const query = q.trim();
    if (query.length > MAX_SEARCH_QUERY_CHARS) {
      res.status(400).json({ error: `q: at most ${MAX_SEARCH_QUERY_CHARS} characters` });
      return;
    }
    if (city !== undefined && typeof city !== 'string') {
      res.status(400).json({ error: 'city: give one city id' });
      return;
    }
    const cityId = city === undefined || city === '' ? options.defaultCityId : city;
    if (!options.service.has(cityId)) {
      res.status(404).json({ error: 'no such city pack on this server' });
      return;
    }
    try {
      res.json(await options.service.search({ cityId, query, visibilities: visibilitiesOf(caller.role) }));
    } catch (error) {
      // The final error handler answers 500 and logs why.
      next(error);
    }
  });
  return router;
}
