import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { DuckDbHistoryStore } from './duckdbHistoryStore.ts';
import { describeHistoryStore } from './historyStoreSuite.ts';

const dir = mkdtempSync(join(tmpdir(), 'citytwin-history-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeHistoryStore('DuckDB', {
  newLocation: () => join(dir, `store-${++n}`, 'history.duckdb'),
  open: (file, options) => DuckDbHistoryStore.open({ file, threads: 2, ...options }),
});
