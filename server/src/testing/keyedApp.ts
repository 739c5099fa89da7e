/**
 * The real app on port 0 with every kind of key configured: a push source, an NGSI-LD source, a
 * staff key per staff role and the operator API key. For the HTTP tests of keys, headers and
 * origins; what it logs is kept to be read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StaffRole } from '../../../protocol/roles.ts';
import type { App } from '../app.ts';
import { createApp } from '../app.ts';
import type { Config, SecurityConfig } from '../config.ts';
import { loadConfig } from '../config.ts';
import { DuckDbHistoryStore } from '../history/duckdbHistoryStore.ts';
import { createLogger } from '../logger.ts';

export const PUSH_KEY = 'push-source-key-0123456789abcdef';
export const NGSI_LD_KEY = 'ngsi-ld-source-key-0123456789abc';
export const OPERATOR_API_KEY = 'operator-api-key-0123456789abcdef';
/** One access key per staff role. */
export const STAFF_KEYS: Readonly<Record<StaffRole, string>> = {
  planner: 'planner-access-key-0123456789abcd',
  operator: 'operator-access-key-0123456789abc',
  admin: 'admin-access-key-0123456789abcdef',
};

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** A started app, its base URL, its log lines, and how to stop it. */
export interface KeyedApp {
  readonly app: App;
  readonly baseUrl: string;
  readonly port: number;
  readonly logLines: string[];
  close(): Promise<void>;
}

/**
 * Starts the app on 127.0.0.1 with the keys above, `security` over the defaults and, with
 * `withHistory`, a DuckDB history in a folder of its own (none otherwise).
 */
export async function startKeyedApp(
  security: Partial<SecurityConfig> = {},
  options: { readonly extra?: Partial<Config>; readonly withHistory?: boolean } = {},
): Promise<KeyedApp> {
  const varDir = mkdtempSync(join(tmpdir(), 'citytwin-keyed-'));
  const history = options.withHistory
    ? await DuckDbHistoryStore.open({ file: join(varDir, 'history.duckdb'), now: Date.now })
    : null;
  const config = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'debug' } });
  const logLines: string[] = [];
  const app = await createApp(
    {
      ...config,
      incidentsFile: join(varDir, 'incidents.json'),
      scenariosDir: join(varDir, 'scenarios'),
      operatorApiKey: OPERATOR_API_KEY,
      accessKeys: Object.entries(STAFF_KEYS).map(([role, apiKey]) => ({
        id: `${role}-1`,
        role: role as StaffRole,
        apiKey,
      })),
      sources: [
        { type: 'push', id: 'stadtwerke', apiKey: PUSH_KEY },
        {
          type: 'ngsi-ld',
          id: 'fiware',
          apiKey: NGSI_LD_KEY,
          entities: [
            {
              entityId: 'urn:ngsi-ld:OffStreetParking:elbenplatz',
              sensorId: 'parking-elbenplatz',
              attributes: [{ field: 'availableSpotNumber', quantity: 'freeSpaces' }],
            },
          ],
        },
      ],
      security: { ...config.security, ...security },
      ...options.extra,
    },
    {
      rootDir: repoRoot,
      history,
      autoTick: false,
      logger: createLogger('debug', (line) => logLines.push(line)),
    },
  );
  const port = await app.listen();
  return {
    app,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    logLines,
    async close() {
      await app.close();
      rmSync(varDir, { recursive: true, force: true });
    },
  };
}
