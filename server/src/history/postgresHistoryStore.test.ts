/**
 * The PostgreSQL store against the machine's server on 127.0.0.1:5432 (`PGHOST`/`PGPORT`/`PGUSER`
 * and friends override it), each test in a schema of its own that is dropped afterwards. Without a
 * server the suite skips with a message; with CI=true that is a failure.
 */
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { describeHistoryStore } from './historyStoreSuite.ts';
import { PostgresHistoryStore } from './postgresHistoryStore.ts';

const connectionString =
  process.env.CITYTWIN_TEST_POSTGRES_URL ??
  `postgres://${process.env.PGUSER ?? 'postgres'}@${process.env.PGHOST ?? '127.0.0.1'}:${process.env.PGPORT ?? '5432'}/${process.env.PGDATABASE ?? 'postgres'}`;

async function reachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const problem = await reachable();
if (problem !== undefined) {
  const message = `no PostgreSQL at ${connectionString} (${problem}); install and start Debian's postgresql`;
  if (/^(1|true)$/i.test(process.env.CI ?? '')) throw new Error(`${message}; CI=true: this test must run`);
  console.warn(`Skipping the PostgreSQL history store tests: ${message}.`);
}

const run = `citytwin_test_${process.pid}_${Date.now()}`;
const schemas: string[] = [];
afterAll(async () => {
  if (problem !== undefined) return;
  const client = new pg.Client({ connectionString });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

// Without a server the suite is skipped (with the warning above); with CI=true the file fails instead.
describe.skipIf(problem !== undefined)('against the machine’s PostgreSQL', () => {
  describeHistoryStore('PostgreSQL', {
    newLocation: () => {
      const schema = `${run}_${schemas.length + 1}`;
      schemas.push(schema);
      return schema;
    },
    open: (schema, options) => PostgresHistoryStore.open({ connectionString, schema, ...options }),
  });
});
