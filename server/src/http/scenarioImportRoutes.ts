/**
 * `POST /api/v1/cities/:cityId/scenario-imports`: a planner's file (CityGML, CityJSON, GLB or
 * glTF, as the request body) read into proposed buildings for a variant. Nothing is stored: the
 * answer's buildings go into the planner's draft and are saved with the scenario.
 *
 * Query: `name` (the file's name), and where they apply `lon`, `lat` (where a glTF model stands, or
 * the origin of a city model without a CRS), `heading` (degrees), `scale`, `crs` (`EPSG:25832`),
 * `use`, `storeys`. Only keys whose role has `scenarios:write` (`Authorization: Bearer <key>`); the key
 * is checked before the body is read. The file is read in a worker thread within the limits of
 * `scenarioImports`: over its time the import is refused with 422, over its memory with 413, and while
 * the server is busy with other imports with 503 and Retry-After.
 */
import express from 'express';
import type { Router } from 'express';
import type { BuildingUse } from '../../../protocol/index.ts';
import { BUILDING_USES } from '../../../protocol/index.ts';
import type { Logger } from '../logger.ts';
import { declaredBodyLimit } from './bodyLimit.ts';
import type { HttpAccess } from './httpKeys.ts';
import { ROUTE_ACCESS } from './routeAccess.ts';
import { ImportLimitError, type ImportLimit } from '../scenarios/importLimits.ts';
import { ScenarioImportError, type ImportRequest } from '../scenarios/importProposed.ts';
import type { ImportRunner } from '../scenarios/importRunner.ts';

/** The largest file taken: 32 MiB of CityJSON needs about 450 MiB of heap to read. */
export const MAX_IMPORT_BYTES = ROUTE_ACCESS.scenarioImport.maxBodyBytes;

/** The answer to an import a limit refused: too slow is the file's fault, too busy the server's. */
const LIMIT_STATUS: Record<ImportLimit, number> = { time: 422, memory: 413, busy: 503, startup: 503 };

export interface ScenarioImportRouteOptions {
  readonly cityIds: readonly string[];
  /** The app's staff keys on HTTP. */
  readonly access: HttpAccess;
  readonly logger: Logger;
  /** Reads the files, each in a worker thread within the import limits. */
  readonly importRunner: ImportRunner;
}

class BadRequest extends Error {}

function numberParam(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isFinite(parsed) || parsed < min || parsed > max)
    throw new BadRequest(`${name} must be a number from ${min} to ${max}`);
  return parsed;
}

export function createScenarioImportRouter(options: ScenarioImportRouteOptions): Router {
  const router = express.Router();
  const route = ROUTE_ACCESS.scenarioImport;

  router.post(
    route.path,
    options.access.guard(route),
    // The city too is checked before the file is read.
    (req, res, next) => {
      const cityId = req.params.cityId;
      if (typeof cityId === 'string' && options.cityIds.includes(cityId)) {
        next();
        return;
      }
      res.status(404).json({ error: `no such city; this server has ${options.cityIds.join(', ')}` });
    },
    declaredBodyLimit(MAX_IMPORT_BYTES),
    express.raw({ type: () => true, limit: MAX_IMPORT_BYTES }),
    (req, res) => {
      const cityId = req.params.cityId ?? '';
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
          throw new BadRequest(`use must be one of ${BUILDING_USES.join(', ')}`);
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
          options.logger.error(`scenario import ${request.fileName} failed`, {
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          });
          res.status(500).json({ error: 'the import failed; the server log says why' });
        },
      );
    },
  );
  // A body over the limit: say how large it may be.
  router.use(
    route.path,
    (error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
      const typed = error as { type?: string; status?: number };
      if (typed?.type === 'entity.too.large') {
        res.status(413).json({ error: `the file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB` });
        return;
      }
      next(error);
    },
  );
  return router;
}
