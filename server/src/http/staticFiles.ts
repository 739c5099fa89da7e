/**
 * Static files with cache headers suited to each kind: content-hashed bundles are immutable, the
 * page itself always revalidates, data and tiles are cached briefly and revalidated by ETag.
 */
import express from 'express';
import type { RequestHandler } from 'express';
import { basename } from 'node:path';

export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
export const CACHE_REVALIDATE = 'no-cache';
export const CACHE_SHORT = 'public, max-age=300, must-revalidate';
export const CACHE_LIBRARY = 'public, max-age=604800';

/** The built client: `assets/` are content-hashed by Vite; `cesium/` is versioned by the package. */
export function clientStatic(clientDir: string): RequestHandler {
  return express.static(clientDir, {
    index: 'index.html',
    setHeaders(res, filePath) {
      if (/[\\/]assets[\\/]/.test(filePath)) res.setHeader('Cache-Control', CACHE_IMMUTABLE);
      else if (/[\\/]cesium[\\/]/.test(filePath)) res.setHeader('Cache-Control', CACHE_LIBRARY);
      else res.setHeader('Cache-Control', CACHE_REVALIDATE);
    },
  });
}

/**
 * City-pack data and tiles. The sensor registry is left out on purpose: it can hold internal sensors,
 * and viewers get it through `/api/v1/city`, filtered by role. So is the pack's `sources.json`.
 */
export function dataStatic(dir: string): RequestHandler {
  const serve = express.static(dir, {
    index: false,
    setHeaders(res, filePath) {
      res.setHeader('Cache-Control', CACHE_SHORT);
      if (filePath.endsWith('.geojson')) res.setHeader('Content-Type', 'application/geo+json');
      if (filePath.endsWith('.glb')) res.setHeader('Content-Type', 'model/gltf-binary');
      // Cesium quantized-mesh-1.0 terrain tiles: stored raw, so the only gzip is compression()'s on the
      // wire, which the browser undoes before Cesium reads the bytes.
      if (filePath.endsWith('.terrain')) res.setHeader('Content-Type', 'application/octet-stream');
      // Basemap vector tiles (IANA's type for Mapbox Vector Tiles).
      if (filePath.endsWith('.pbf')) res.setHeader('Content-Type', 'application/vnd.mapbox-vector-tile');
    },
  });
  return (req, res, next) => {
    // express.static decodes the path, so the check must too: `sources%2Ejson` is `sources.json`.
    let file: string;
    try {
      file = basename(decodeURIComponent(req.path)).toLowerCase();
    } catch {
      res.status(400).json({ error: 'the path is not valid percent-encoding' });
      return;
    }
    if (file === 'sensors.json') {
      res.status(404).json({ error: 'the sensor registry is served by /api/v1/city' });
      return;
    }
    // A pack's live sources name brokers, feeds and users: server business only.
    if (file === 'sources.json') {
      res.status(404).json({ error: 'not served' });
      return;
    }
    serve(req, res, () => {
      // A basemap tile that was not written holds nothing of the map: an empty answer, not an error
      // (browsers log every 404 of a page as an error, and most tiles of a town's region are empty).
      if (/\/basemap\/\d+\/\d+\/\d+\.pbf$/.test(req.path)) {
        res.setHeader('Cache-Control', CACHE_SHORT);
        res.status(204).end();
        return;
      }
      next();
    });
  };
}
