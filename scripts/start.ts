/**
 * `npm start`: builds whatever is missing (viewer bundle, the city's 3D tiles), then serves the twin
 * with the simulator on http://localhost:8080 (or $PORT).
 */
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../server/src/config.ts';
import { ensureBuilt, packsToBuild } from './ensureBuilt.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
process.chdir(repoRoot);
try {
  const config = loadConfig();
  await ensureBuilt({ repoRoot, cityIds: packsToBuild(repoRoot, config.city), clientDir: config.clientDir });
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
await import('../server/src/index.ts');
