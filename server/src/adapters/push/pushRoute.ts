/**
 * HTTP push: `POST /api/v1/observations` for systems that send their readings themselves, one API
 * key per source, and `GET /api/v1/dead-letters`, where a source reads back what was turned away
 * from it. Every item of a batch is answered on its own: the good ones reach the hub even when others
 * in the same request are rejected.
 */
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import type { WrongKeyThrottle } from '../../auth/accessKeys.ts';
import { KeySet } from '../../auth/accessKeys.ts';
import type { Hub } from '../../hub/hub.ts';
import { declaredBodyLimit } from '../../http/bodyLimit.ts';
import { httpErrorAnswer } from '../../http/errors.ts';
import { sourceOf } from '../../http/httpKeys.ts';
import { ROUTE_ACCESS } from '../../http/routeAccess.ts';
import type { Logger } from '../../logger.ts';
import type { BatchLimits } from './observationBatch.ts';
import { DEFAULT_BATCH_LIMITS, parseObservationBatch } from './observationBatch.ts';

/** A push source with its key resolved. */
export interface PushSource {
  readonly id: string;
  readonly cityId: string;
  readonly apiKey: string;
}

export interface PushRouteOptions {
  readonly sources: readonly PushSource[];
  readonly hubFor: (cityId: string) => Hub | undefined;
  readonly logger: Logger;
  /** The app's one throttle on wrong keys. */
  readonly throttle: WrongKeyThrottle;
  readonly limits?: BatchLimits;
  /** Largest request body (the route table's by default); bigger ones get 413. */
  readonly maxBodyBytes?: number;
  /**
   * Resolves once the readings accepted so far are written durably (the history's group commit);
   * the answer waits for it, so a 2xx means "stored", not only "taken". None: answered at once.
   */
  readonly durable?: (() => Promise<void>) | undefined;
}

/** One rejected item in the answer. */
export interface PushItemRejection {
  readonly index: number;
  readonly line?: number;
  readonly reason: string;
  readonly message: string;
}

/**
 * True once the accepted readings are stored; when storing fails, answers 503 (they are live in the
 * twin but not in its history: the source should send them again later) and returns false.
 */
async function awaitStored(durable: () => Promise<void>, res: Response, accepted: number): Promise<boolean> {
  try {
    await durable();
    return true;
  } catch {
    res.status(503).json({
      accepted,
      error: 'the readings were taken but could not be stored in the history; send them again later',
    });
    return false;
  }
}

const BODY_TYPES = ['application/json', 'application/x-ndjson', 'application/ndjson', 'application/jsonl'];

export function createPushRouter(options: PushRouteOptions): Router {
  const limits = options.limits ?? DEFAULT_BATCH_LIMITS;
  const push = ROUTE_ACCESS.pushObservations;
  const maxBodyBytes = options.maxBodyBytes ?? push.maxBodyBytes;
  const router = express.Router();
  const keys = new KeySet(
    options.sources.map((source) => ({ key: source.apiKey, holder: source })),
    options.throttle,
  );

  router.post(
    push.path,
    // The key first: a caller without one is answered before a byte of its body is read.
    (req, res, next) => {
      const source = sourceOf(keys, push, req, res);
      if (!source) return;
      res.locals.source = source;
      next();
    },
    declaredBodyLimit(maxBodyBytes),
    express.text({ type: BODY_TYPES, limit: maxBodyBytes }),
    async (req, res) => {
      // Set by the key check above, which ends the request when there is no source.
      const source = res.locals.source as PushSource;
      const hub = options.hubFor(source.cityId);
      if (!hub) {
        res.status(503).json({ error: `city ${source.cityId} of source ${source.id} is not served` });
        return;
      }
      const body = typeof req.body === 'string' ? req.body : '';
      const parsed = parseObservationBatch(body, req.get('content-type'), limits);
      if (!parsed.ok) {
        hub.rejectInput(parsed.rejection, source.id, body.slice(0, 2048));
        const status = parsed.rejection.message.includes('is not accepted')
          ? 415
          : parsed.rejection.reason === 'too-large'
            ? 413
            : 400;
        res
          .status(status)
          .json({ accepted: 0, error: parsed.rejection.message, reason: parsed.rejection.reason });
        return;
      }
      let accepted = 0;
      const rejected: PushItemRejection[] = [];
      for (const item of parsed.items) {
        const where = { index: item.index, ...(item.line === undefined ? {} : { line: item.line }) };
        if (!item.ok) {
          hub.rejectInput(item.rejection, source.id, item.rejection.message);
          rejected.push({ ...where, reason: item.rejection.reason, message: item.rejection.message });
          continue;
        }
        const result = hub.ingestObservation(item.observation, source.id);
        if (result.accepted) {
          accepted += 1;
          for (const warning of result.warnings)
            rejected.push({ ...where, reason: warning.reason, message: warning.message });
        } else {
          rejected.push({ ...where, reason: result.rejection.reason, message: result.rejection.message });
        }
      }
      if (rejected.length > 0)
        options.logger.debug('push items rejected', {
          source: source.id,
          rejected: rejected.length,
          accepted,
        });
      if (accepted > 0 && options.durable && !(await awaitStored(options.durable, res, accepted))) return;
      // 200 when everything was taken; 422 when anything was turned away (the accepted ones stay in).
      res.status(rejected.length === 0 ? 200 : 422).json({ accepted, rejected });
    },
  );

  router.get(ROUTE_ACCESS.pushDeadLetters.path, (req, res) => {
    const source = sourceOf(keys, ROUTE_ACCESS.pushDeadLetters, req, res);
    if (!source) return;
    const letters = options.hubFor(source.cityId)?.deadLetters() ?? [];
    res.setHeader('Cache-Control', 'no-store');
    res.json({ source: source.id, deadLetters: letters.filter((letter) => letter.source === source.id) });
  });

  // Body errors (too large, unreadable) answer in JSON like everything else on this route; errors
  // that are not the body's, and errors of other routes, go on to the app's error handler.
  router.use(push.path, (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const answer = httpErrorAnswer(error, maxBodyBytes);
    if (res.headersSent || answer.status >= 500) {
      next(error);
      return;
    }
    const hint = answer.status === 413 ? '; split the batch' : '';
    res.status(answer.status).json({ accepted: 0, error: `${answer.error}${hint}` });
  });
  return router;
}
