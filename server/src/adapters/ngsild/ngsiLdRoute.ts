/**
 * NGSI-LD notifications: `POST /api/v1/ngsi-ld/notify` is the endpoint a context broker's
 * subscription (`notification.endpoint.uri`) calls with the entities that changed, one API key per
 * source, sent by the broker as a notification header (`receiverInfo`: `Authorization: Bearer <key>`
 * or `X-API-Key`). Every entity is answered on its own: the good ones reach the hub even when others
 * in the same notification are turned away.
 */
import express from 'express';
import type { Request, Response, Router } from 'express';
import type { Observation } from '../../../../protocol/index.ts';
import type { WrongKeyThrottle } from '../../auth/accessKeys.ts';
import { KeySet } from '../../auth/accessKeys.ts';
import type { Hub } from '../../hub/hub.ts';
import { declaredTooLarge } from '../../http/bodyLimit.ts';
import { httpErrorAnswer } from '../../http/errors.ts';
import { sourceOf } from '../../http/httpKeys.ts';
import { ROUTE_ACCESS } from '../../http/routeAccess.ts';
import type { Logger } from '../../logger.ts';
import type { DeviceMapping, RejectedInput } from '../normalize.ts';
import { ngsiLdEntitiesOf, ngsiLdEntityId, normalizeNgsiLdEntity } from './ngsiLdEntity.ts';

/** The path brokers notify. */
export const NGSI_LD_NOTIFY_PATH = ROUTE_ACCESS.ngsiLdNotify.path;

/** An NGSI-LD source with its key resolved and its entity mappings keyed by entity id. */
export interface NgsiLdSource {
  readonly id: string;
  readonly cityId: string;
  readonly apiKey: string;
  readonly mappings: ReadonlyMap<string, DeviceMapping>;
}

/** What {@link createNgsiLdRouter} needs. */
export interface NgsiLdRouteOptions {
  readonly sources: readonly NgsiLdSource[];
  readonly hubFor: (cityId: string) => Hub | undefined;
  readonly logger: Logger;
  /** The app's one throttle on wrong keys. */
  readonly throttle: WrongKeyThrottle;
  /** Largest request body; bigger ones get 413. The route table's (10 MiB) when left out. */
  readonly maxBodyBytes?: number;
  /**
   * The twin's time in ms epoch, used as the time of attributes the broker gives none for. Pass the
   * hub's clock so a scaled or frozen clock holds here too; `Date.now` when left out.
   */
  readonly now?: () => number;
  /**
   * Resolves once the readings accepted so far are written durably (the history's group commit);
   * the answer waits for it, so a 2xx means "stored", not only "taken". None: answered at once.
   */
  readonly durable?: (() => Promise<void>) | undefined;
}

/** One entity (or one of its attributes) turned away, in the answer. */
export interface NgsiLdEntityRejection {
  /** Position of the entity in the notification's `data` (or the posted array; 0 for one entity). */
  readonly index: number;
  readonly entityId?: string;
  readonly reason: string;
  readonly message: string;
}

/** The content types brokers notify with: `application/json` (context in a Link header) or JSON-LD. */
const BODY_TYPES = ['application/json', 'application/ld+json'];
/** How much of an unreadable body is kept beside its dead letter. */
const MAX_KEPT_BODY_CHARS = 2048;

/** Builds the router serving {@link NGSI_LD_NOTIFY_PATH}. */
export function createNgsiLdRouter(options: NgsiLdRouteOptions): Router {
  const maxBodyBytes = options.maxBodyBytes ?? ROUTE_ACCESS.ngsiLdNotify.maxBodyBytes;
  const now = options.now ?? Date.now;
  const keys = new KeySet(
    options.sources.map((source) => ({ key: source.apiKey, holder: source })),
    options.throttle,
  );
  const readBody = express.text({ type: BODY_TYPES, limit: maxBodyBytes });
  const router = express.Router();

  /** Answers a request refused as a whole, and keeps it as a dead letter of the source. */
  const refuse = (
    res: Response,
    hub: Hub,
    source: NgsiLdSource,
    status: number,
    rejection: RejectedInput,
    input: string,
  ): void => {
    hub.rejectInput(rejection, source.id, input);
    res.status(status).json({ accepted: 0, error: rejection.message, reason: rejection.reason });
  };

  const handle = (req: Request, res: Response, source: NgsiLdSource, hub: Hub): void => {
    const receivedAtMs = now();
    const body = typeof req.body === 'string' ? req.body : '';
    const found = ngsiLdEntitiesOf(body);
    if (!found.ok) {
      refuse(res, hub, source, 400, found.rejection, body.slice(0, MAX_KEPT_BODY_CHARS));
      return;
    }

    const rejected: NgsiLdEntityRejection[] = [];
    const pending: { index: number; entityId: string | undefined; observation: Observation }[] = [];
    found.entities.forEach(({ where, entity }, index) => {
      const entityId = ngsiLdEntityId(entity);
      const at = { index, ...(entityId === undefined ? {} : { entityId }) };
      const result = normalizeNgsiLdEntity(entity, source.mappings, receivedAtMs, where);
      for (const rejection of result.rejected) {
        hub.rejectInput(rejection, source.id, entity);
        rejected.push({ ...at, reason: rejection.reason, message: rejection.message });
      }
      for (const observation of result.observations) pending.push({ index, entityId, observation });
      for (const fact of result.health) hub.reportHealth(fact, source.id);
    });
    // Oldest first across the whole notification, so two entities (or two states of one entity)
    // feeding one sensor reach the hub in time order; the sort is stable for equal times.
    pending.sort((a, b) => a.observation.observedAt - b.observation.observedAt);
    let accepted = 0;
    let unchanged = 0;
    for (const { index, entityId, observation } of pending) {
      const at = { index, ...(entityId === undefined ? {} : { entityId }) };
      // A notification carries the whole entity, so attributes that did not change come again with
      // the time already held. That is the broker working as meant, not bad input: skipped and
      // counted, so it neither fails the notification nor floods the dead-letter list.
      if (hub.holds(observation)) {
        unchanged += 1;
        continue;
      }
      const result = hub.ingest(observation, source.id);
      if (result.accepted) {
        accepted += 1;
        for (const warning of result.warnings)
          rejected.push({ ...at, reason: warning.reason, message: warning.message });
      } else {
        rejected.push({ ...at, reason: result.rejection.reason, message: result.rejection.message });
      }
    }
    rejected.sort((a, b) => a.index - b.index);
    if (rejected.length > 0)
      options.logger.debug('ngsi-ld entities rejected', {
        source: source.id,
        rejected: rejected.length,
        accepted,
      });
    // 200 when everything was taken; 422 when anything was turned away (the accepted ones stay in).
    const answer = () =>
      res.status(rejected.length === 0 ? 200 : 422).json({ accepted, unchanged, rejected });
    if (accepted === 0 || !options.durable) {
      answer();
      return;
    }
    options.durable().then(answer, () => {
      // Live in the twin but not in its history: the broker should notify again later.
      res.status(503).json({
        accepted,
        error: 'the readings were taken but could not be stored in the history; notify again later',
      });
    });
  };

  router.post(NGSI_LD_NOTIFY_PATH, (req, res) => {
    // The key is checked before the body is read, so a caller without one cannot make us read 10 MiB.
    const source = sourceOf(keys, ROUTE_ACCESS.ngsiLdNotify, req, res);
    if (!source) return;
    const hub = options.hubFor(source.cityId);
    if (!hub) {
      res.status(503).json({ error: `city ${source.cityId} of source ${source.id} is not served` });
      return;
    }
    const contentType = req.get('content-type') ?? '(none)';
    // `false` is a body of another type; `null` is no body at all, answered 400 as not JSON below.
    if (req.is(BODY_TYPES) === false) {
      const message = `content type ${contentType} is not accepted; send ${BODY_TYPES.join(' or ')}`;
      refuse(res, hub, source, 415, { reason: 'invalid-payload', message }, `(${contentType} body)`);
      return;
    }
    const onBody = (error?: unknown) => {
      if (error === undefined || error === null) {
        // This runs in body-parser's callback, outside express's error handling: a throw here would
        // be uncaught and end the process, so it becomes a 500 instead.
        try {
          handle(req, res, source, hub);
        } catch (thrown) {
          options.logger.error(`ngsi-ld source ${source.id}: notification failed`, {
            error: thrown instanceof Error ? thrown.message : String(thrown),
          });
          if (!res.headersSent)
            res.status(500).json({ accepted: 0, error: 'the notification could not be handled' });
        }
        return;
      }
      // body-parser's errors carry a `type` naming the failure; the answer names it without
      // repeating what the broker sent.
      const answer = httpErrorAnswer(error, maxBodyBytes);
      if (answer.status === 413) {
        const message = `${answer.error}; lower the subscription's batch size`;
        refuse(res, hub, source, 413, { reason: 'too-large', message }, `(${contentType} body)`);
        return;
      }
      const message = `the request body could not be read (${answer.error})`;
      refuse(
        res,
        hub,
        source,
        answer.status,
        { reason: 'invalid-payload', message },
        `(${contentType} body)`,
      );
    };
    // A declared length over the limit is refused before reading, not after the whole body came in.
    const tooLarge = declaredTooLarge(req, maxBodyBytes);
    if (tooLarge) onBody(tooLarge);
    else readBody(req, res, onBody);
  });
  return router;
}
