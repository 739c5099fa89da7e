/**
 * `npm run dev`: the server with reload (tsx watch) on :8080 and Vite's dev server on :5173, which
 * proxies the API, data, tiles and Socket.io to the server. Open http://localhost:5173.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildCityTiles } from '../tiles/src/buildCityTiles.ts';
import { loadConfig } from '../server/src/config.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const config = loadConfig();
await buildCityTiles(config.city, { repoRoot, force: false });

const children: ChildProcess[] = [
  spawn('npx', ['tsx', 'watch', 'server/src/index.ts'], { cwd: repoRoot, stdio: 'inherit' }),
  spawn('npx', ['vite'], { cwd: repoRoot, stdio: 'inherit' }),
];
const stop = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
for (const child of children)
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) process.stderr.write(`a dev process exited with code ${code}\n`);
    stop();
  });
