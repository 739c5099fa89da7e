/**
 * Vite config for the browser app in `client/`.
 *
 * Why cesium 1.145 on Node 20: the cesium package declares `engines.node >= 22`, but it is a browser
 * library; Node only runs the bundler. It installs with an engine warning (`.npmrc` has
 * `engine-strict=false`) and builds with Vite 8 on Node 20 (checked: about 4 s, ~1.2 MB gzip JS).
 *
 * Cesium needs its static files (web workers, WASM decoders, textures, widget images) at run time,
 * below `CESIUM_BASE_URL`. `vite-plugin-static-copy` needs Node 22, so the small `cesiumStatic`
 * plugin below serves them in dev and copies them on build.
 */
import { cpSync, createReadStream, existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const repoRoot = path.dirname(fileURLToPath(import.meta.url));
const cesiumBuildDir = path.join(repoRoot, 'node_modules/cesium/Build/Cesium');
const outDir = path.join(repoRoot, 'client/dist');

/** Where Cesium finds its workers and assets, in dev and in the production build alike. */
const CESIUM_BASE_PATH = '/cesium/';

/** The folders of Cesium's build that it loads at run time (Cesium.js itself comes from the bundle). */
const CESIUM_STATIC_DIRS = ['Workers', 'ThirdParty', 'Assets', 'Widgets'] as const;

/**
 * Left out of the copy because nothing in citytwin loads them: `maki` icons are only used by
 * `PinBuilder`, and the lens-flare textures only by the lens-flare post-process stage.
 */
const CESIUM_SKIPPED = [
  path.join('Assets', 'Textures', 'maki'),
  path.join('Assets', 'Textures', 'LensFlare'),
];

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

function isCopied(relativePath: string): boolean {
  const first = relativePath.split(path.sep)[0];
  if (!CESIUM_STATIC_DIRS.some((dir) => dir === first)) return false;
  return !CESIUM_SKIPPED.some(
    (skipped) => relativePath === skipped || relativePath.startsWith(skipped + path.sep),
  );
}

/** Serves Cesium's static folders under `/cesium/` in dev and copies them to `client/dist/cesium/` on build. */
function cesiumStatic(): Plugin {
  return {
    name: 'citytwin:cesium-static',
    configureServer(server) {
      server.middlewares.use(CESIUM_BASE_PATH, (req, res, next) => {
        const urlPath = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
        const relativePath = path.normalize(urlPath).replace(/^[/\\]+/, '');
        const filePath = path.join(cesiumBuildDir, relativePath);
        // normalize() already folded `..`; the prefix check keeps requests inside Cesium's build.
        if (!filePath.startsWith(cesiumBuildDir + path.sep) || !isCopied(relativePath)) return next();
        if (!existsSync(filePath) || !statSync(filePath).isFile()) return next();
        res.setHeader('Content-Type', CONTENT_TYPES[path.extname(filePath)] ?? 'application/octet-stream');
        res.setHeader('Cache-Control', 'no-cache');
        createReadStream(filePath).pipe(res);
      });
    },
    writeBundle() {
      const target = path.join(outDir, 'cesium');
      rmSync(target, { recursive: true, force: true });
      for (const dir of CESIUM_STATIC_DIRS) {
        cpSync(path.join(cesiumBuildDir, dir), path.join(target, dir), {
          recursive: true,
          filter: (source) => {
            const relativePath = path.relative(cesiumBuildDir, source);
            return relativePath === dir || isCopied(relativePath);
          },
        });
      }
    },
  };
}

/**
 * Lets the browser fetch and compile the map's chunks (Cesium, about 4 MB, and the viewer) while it
 * still runs the app's entry: `<link rel="modulepreload">` for every chunk the entry imports
 * dynamically. Without it the map's bytes are only asked for once the entry has run, one after the
 * other, and the first frame comes that much later (`npm run bench:viewer`, cold start).
 */
function preloadMapChunks(): Plugin {
  return {
    name: 'citytwin:preload-map-chunks',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        const bundle = context.bundle;
        if (!bundle) return [];
        const entry = Object.values(bundle).find((chunk) => chunk.type === 'chunk' && chunk.isEntry);
        if (!entry || entry.type !== 'chunk') return [];
        const files = new Set<string>();
        const add = (fileName: string) => {
          const chunk = bundle[fileName];
          if (!chunk || chunk.type !== 'chunk' || files.has(fileName) || fileName === entry.fileName) return;
          files.add(fileName);
          for (const imported of chunk.imports) add(imported);
        };
        for (const name of entry.dynamicImports) add(name);
        return [...files].map((fileName) => ({
          tag: 'link',
          attrs: { rel: 'modulepreload', crossorigin: true, href: `/${fileName}` },
          injectTo: 'head' as const,
        }));
      },
    },
  };
}

/**
 * Lets the viewer run under a Content-Security-Policy without `'unsafe-eval'` (the server sends one,
 * `server/src/http/security.ts`). Knockout, which Cesium's widgets bundle, finds the global object
 * with `(0,eval)("this")` as soon as the Cesium chunk runs, so the policy would stop Cesium from
 * loading at all. `globalThis` is the same object. Knockout's other `new Function` calls only run
 * when a widget with knockout bindings is created, and the viewer turns all of those off
 * (`createCesiumViewer.ts`). A Cesium upgrade that changes the line fails the build here.
 */
export function knockoutWithoutEval(): Plugin {
  const file = /[\\/]@cesium[\\/]widgets[\\/]Source[\\/]ThirdParty[\\/]knockout-[\d.]+\.js$/;
  const globalLookup = 'this||(0,eval)("this")';
  return {
    name: 'citytwin:knockout-without-eval',
    transform(code, id) {
      if (!file.test(id)) return null;
      if (!code.includes(globalLookup))
        throw new Error(`${id}: knockout no longer looks up its global with ${globalLookup}; check the CSP`);
      return { code: code.replace(globalLookup, 'this||globalThis'), map: null };
    },
  };
}

const apiTarget = 'http://localhost:8080';

export default defineConfig({
  root: path.join(repoRoot, 'client'),
  base: '/',
  plugins: [react(), cesiumStatic(), preloadMapChunks(), knockoutWithoutEval()],
  define: {
    // Cesium reads the free identifier CESIUM_BASE_URL (buildModuleUrl.js); `define` replaces it in
    // Cesium's own modules, so the base URL is fixed at build time and no global is needed.
    CESIUM_BASE_URL: JSON.stringify(CESIUM_BASE_PATH),
  },
  build: {
    outDir,
    emptyOutDir: true,
    // Cesium alone is a ~4 MB minified chunk; the budget that matters is gzip size (DESIGN.md).
    chunkSizeWarningLimit: 6000,
    rolldownOptions: {
      output: {
        // Cesium in a chunk of its own: the app's share of the JavaScript can be told apart (and
        // budgeted, `npm run bench:viewer`), and a new app version leaves Cesium's chunk cached.
        codeSplitting: {
          groups: [
            {
              debugName: 'cesium',
              name: (id) => (/[\\/]node_modules[\\/]@?cesium[\\/]/.test(id) ? 'cesium' : null),
            },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: apiTarget },
      '/data': { target: apiTarget },
      '/tiles': { target: apiTarget },
      '/socket.io': { target: apiTarget, ws: true },
    },
  },
  preview: { port: 4173 },
});
