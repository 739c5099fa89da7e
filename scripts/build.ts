/** `npm run build`: the client bundle and the city's tiles, each only when out of date (`--force`: always). */
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../server/src/config.ts';
import { ensureBuilt, packsToBuild } from './ensureBuilt.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const config = loadConfig();
await ensureBuilt({
  repoRoot,
  cityIds: packsToBuild(repoRoot, config.city),
  force: process.argv.includes('--force'),
});
