/**
 * `POST /api/v1/cities/:cityId/scenario-imports`: a planner's file (CityGML, CityJSON, GLB or
 * glTF, as the request body) read into proposed buildings for a variant. Nothing is stored: the
 * answer's buildings go into the planner's draft and are saved with the scenario.
 *
 * Query: `name` (the file's name), and where they apply `lon`, `lat` (where a glTF model stands, or
 * the origin of a city model without a CRS), `heading` (degrees), `scale`, `crs` (`EPSG:25832`),
 * `use`, `storeys`. Planners and admins only (`Authorization: Bearer <key>`). The file is read in a
 * worker thread within the limits of `scenarioImports`: over its time the import is refused with 422,
 * over its memory with 413, and while the server is busy with other imports with 503 and Retry-After.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express from 'express';
import type { Router } from 'express';
import type { BuildingUse } from '../../../protocol/index.ts';
import { BUILDING_USES } from '../../../protocol/index.ts';
import type { Logger } from '../logger.ts';
import { ImportLimitError, type ImportLimit } from '../scenarios/importLimits.ts';
import { ScenarioImportError, type ImportRequest } from '../scenarios/importProposed.ts';
import type { ImportRunner } from '../scenarios/importRunner.ts';

/** The largest file taken: 32 MiB of CityJSON needs about 450 MiB of heap to read. */
export const MAX_IMPORT_BYTES = 32 * 1024 * 1024;

/** The answer to an import a limit refused: too slow is the file's fault, too busy the server's. */
const LIMIT_STATUS: Record<ImportLimit, number> = { time: 422, memory: 413, busy: 503, startup: 503 };

export interface ScenarioImportRouteOptions {
  readonly cityIds: readonly string[];
  /** Keys of the planners and admins. */
  readonly plannerKeys: readonly string[];
  /** Keys of everyone else with a key (operators): told they may not, rather than that the key is wrong. */
  readonly otherKeys: readonly string[];
  readonly logger: Logger;
  /** Reads the files, each in a worker thread within the import limits. */
  readonly importRunner: ImportRunner;
}

class BadRequest extends Error {}

const digest = (key: string) => createHash('sha256').update(key).digest();

function numberParam(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isFinite(parsed) || parsed < min || parsed > max)
    throw new BadRequest(`${name} must be a number from ${min} to ${max}, not ${String(value)}`);
  return parsed;
}

export function createScenarioImportRouter(options: ScenarioImportRouteOptions): Router {
  const router = express.Router();
  const planners = options.plannerKeys.map(digest);
  const others = options.otherKeys.map(digest);
  const matches = (keys: readonly Buffer[], presented: Buffer) =>
    keys.some((k) => timingSafeEqual(k, presented));

  router.post(
    '/api/v1/cities/:cityId/scenario-imports',
    (req, res, next) => {
      const header = req.get('authorization');
      const key = header ? /^Bearer\s+(.+)$/i.exec(header)?.[1] : undefined;
      if (key === undefined) {
        res
          .status(401)
          .json({ error: 'importing needs a planner’s access key (Authorization: Bearer <key>)' });
        return;
      }
      const presented = digest(key);
      if (matches(planners, presented)) {
        next();
        return;
      }
      res.status(matches(others, presented) ? 403 : 401).json({
        error: matches(others, presented) ? 'only planners and admins import' : 'unknown access key',
      });
    },
    express.raw({ type: () => true, limit: MAX_IMPORT_BYTES }),
    (req, res) => {
      const cityId = req.params.cityId ?? '';
      if (!options.cityIds.includes(cityId)) {
        res.status(404).json({ error: `no city "${cityId}"; this server has ${options.cityIds.join(', ')}` });
        return;
      }
      let request: ImportRequest;
      try {
        const name = typeof req.query.name === 'string' ? req.query.name.trim() : '';
        if (name === '') throw new BadRequest('name (the file’s name) is missing');
        const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        if (bytes.byteLength === 0) throw new BadRequest(`${name} is empty`);
        const lon = numberParam(req.query.lon, 'lon', -180, 180);
        const lat = numberParam(req.query.lat, 'lat', -90, 90);
        if ((lon === undefined) !== (lat === undefined)) throw new BadRequest('give lon and lat together');
        const heading = numberParam(req.query.heading, 'heading', -360, 360);
        const scale = numberParam(req.query.scale, 'scale', 1e-6, 1e6);
        const storeys = numberParam(req.query.storeys, 'storeys', 1, 200);
        if (storeys !== undefined && !Number.isInteger(storeys))
          throw new BadRequest('storeys must be a whole number');
        const use = typeof req.query.use === 'string' && req.query.use !== '' ? req.query.use : undefined;
        if (use !== undefined && !(BUILDING_USES as readonly string[]).includes(use))
          throw new BadRequest(`use must be one of ${BUILDING_USES.join(', ')}, not ${use}`);
        const crs =
          typeof req.query.crs === 'string' && req.query.crs.trim() !== '' ? req.query.crs.trim() : undefined;
        request = {
          bytes,
          fileName: name.slice(0, 200),
          ...(lon !== undefined && lat !== undefined ? { place: { lon, lat } } : {}),
          ...(heading !== undefined ? { headingDeg: heading } : {}),
          ...(scale !== undefined ? { scale } : {}),
          ...(storeys !== undefined ? { storeys } : {}),
          ...(use !== undefined ? { use: use as BuildingUse } : {}),
          ...(crs !== undefined ? { crs } : {}),
        };
      } catch (error) {
        if (!(error instanceof BadRequest)) throw error;
        res.status(400).json({ error: error.message });
        return;
      }
      // A planner who gives up (closes the tab) frees the worker: the import is ended, not finished.
      const gone = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) gone.abort();
      });
      options.importRunner.run(request, gone.signal).then(
        (result) => {
          options.logger.info(`scenario import ${request.fileName}: ${result.buildings.length} buildings`, {
            city: cityId,
            format: result.format,
            notes: result.notes.length,
          });
          res.json(result);
        },
        (error: unknown) => {
          if (gone.signal.aborted) return;
          if (error instanceof ScenarioImportError) {
            res.status(400).json({ error: error.message });
            return;
          }
          if (error instanceof ImportLimitError) {
            options.logger.warn(`scenario import ${request.fileName} refused: ${error.limit} limit`, {
              city: cityId,
            });
            if (error.retryAfterS !== undefined) res.set('Retry-After', String(error.retryAfterS));
            res.status(LIMIT_STATUS[error.limit]).json({ error: error.message });
            return;
          }
          options.logger.error(`scenario import ${request.fileName} failed`, { error: String(error) });
          res.status(500).json({ error: `the import failed: ${(error as Error).message}` });
        },
      );
    },
  );
  // A body over the limit: say how large it may be.
  router.use((error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    const typed = error as { type?: string; status?: number };
    if (typed?.type === 'entity.too.large') {
      res.status(413).json({ error: `the file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB` });
      return;
    }
    next(error);
  });
  return router;
}
