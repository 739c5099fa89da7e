/**
 * Imports in worker threads: the shared fixtures read there exactly as on the event loop, a file the
 * importer refuses is refused by name across the thread, a large file's bytes are moved rather than
 * copied, one import reads at a time while the next waits and one more is refused as busy, and an
 * import whose caller gave up is dropped. The time and memory limits are tested over HTTP, in
 * `http/scenarioImportRoutes.test.ts`.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture } from '../../../scripts/fixtures/fixturesDir.ts';
import { itWithFixtures } from '../../../scripts/fixtures/withFixtures.ts';
import { generatedCityJson } from '../testing/generatedCityModels.ts';
import { ImportLimitError } from './importLimits.ts';
import { importProposedBuildings, ScenarioImportError, type ImportRequest } from './importProposed.ts';
import { createImportRunner, type ImportRunner, type ImportRunnerOptions } from './importRunner.ts';

const ELBENPLATZ = { lon: 9.0154, lat: 48.6848 };

let runner: ImportRunner | undefined;
afterEach(async () => {
  await runner?.close();
  runner = undefined;
});

function start(options: ImportRunnerOptions = {}): ImportRunner {
  runner = createImportRunner(options);
  return runner;
}

/** One generated house: a CityJSON file read in a few milliseconds. */
const oneHouse = (): ImportRequest => ({
  bytes: Buffer.from(generatedCityJson(1)),
  fileName: 'haus.city.json',
});

describe('importing in a worker thread', () => {
  itWithFixtures(
    'reads the shared CityGML and CityJSON fixtures exactly as on the event loop',
    async () => {
      const imports = start();
      const requests = [
        { path: 'citygml/fzk-iai-testcases-LOD2_Buildings_v200.gml', fileName: 'fzk.gml', place: ELBENPLATZ },
        {
          path: 'citygml/lgln-niedersachsen-lorup-LoD1_24065860_2_2021-01-25.citygml1.0.gml',
          fileName: 'lorup.gml',
        },
        {
          path: 'cityjson/fzk-iai-testcases-lod2_buildings.cityjsonseq2.0.jsonl',
          fileName: 'fzk.city.jsonl',
          place: ELBENPLATZ,
        },
      ];
      for (const { path, ...request } of requests) {
        const inThread = await importProposedBuildings({ ...request, bytes: readFileSync(fixture(path)) });
        const inWorker = await imports.run({ ...request, bytes: readFileSync(fixture(path)) });
        expect(inWorker.buildings.length).toBeGreaterThan(0);
        expect(inWorker).toEqual(inThread);
      }
    },
    60_000,
  );

  itWithFixtures('refuses a file the importer cannot read with the importer’s own error', async () => {
    const imports = start();
    const rotterdam = {
      bytes: readFileSync(fixture('cityjson/rotterdam_subset_textured.cityjson2.0.json')),
      fileName: 'rotterdam.json',
    };
    const refused = imports.run(rotterdam);
    await expect(refused).rejects.toThrow(ScenarioImportError);
    await expect(refused).rejects.toThrow(/names no CRS/);
  });

  it('moves a large file’s bytes into the worker, and copies a small one that shares Node’s buffer pool', async () => {
    const reading: string[] = [];
    const imports = start({ concurrency: 2, onReading: (request) => reading.push(request.fileName) });
    const large: ImportRequest = { bytes: Buffer.from(generatedCityJson(64 * 1024)), fileName: 'gross.json' };
    const small = Buffer.from('{"type":"CityJSON","version":"2.0","CityObjects":{},"vertices":[]}');
    expect(small.byteLength).toBeLessThan(small.buffer.byteLength);
    const results = Promise.allSettled([
      imports.run(large),
      imports.run({ bytes: small, fileName: 'leer.city.json' }),
    ]);
    const [read, empty] = await results;
    // Moved: the sender's view is left empty.
    expect(large.bytes.byteLength).toBe(0);
    expect(read.status === 'fulfilled' && read.value.buildings.length).toBeGreaterThan(0);
    expect(empty.status === 'rejected' && (empty.reason as Error).message).toMatch(
      /no building could be imported/,
    );
    expect(reading.sort()).toEqual(['gross.json', 'leer.city.json']);
    // Copied: the pooled bytes are still the sender's.
    expect(small.toString()).toContain('"CityObjects"');
  });

  it('reads one file at a time, lets the next wait its turn, and refuses one more as busy', async () => {
    const events: string[] = [];
    const imports = start({
      concurrency: 1,
      maxWaiting: 1,
      timeLimitS: 45,
      onReading: (request) => events.push(`reading ${request.fileName}`),
    });
    const first = imports.run({ ...oneHouse(), fileName: 'a.city.json' }).then(() => events.push('done a'));
    const second = imports.run({ ...oneHouse(), fileName: 'b.city.json' }).then(() => events.push('done b'));
    const third = imports.run({ ...oneHouse(), fileName: 'c.city.json' });
    await expect(third).rejects.toThrow(ImportLimitError);
    await expect(third).rejects.toMatchObject({
      limit: 'busy',
      retryAfterS: 45,
      message: expect.stringMatching(/busy with other imports \(1 at a time, 1 waiting\); try again in 45 s/),
    });
    await Promise.all([first, second]);
    expect(events).toEqual(['reading a.city.json', 'done a', 'reading b.city.json', 'done b']);
  });

  it('drops a waiting import whose caller gave up, ends a reading one, and reads the next', async () => {
    const reading = new AbortController();
    const waiting = new AbortController();
    const imports = start({
      concurrency: 1,
      // The reading import's caller gives up as soon as its worker starts reading.
      onReading: (request) => {
        if (request.fileName === 'a.city.json') reading.abort(new Error('gave up reading'));
      },
    });
    const first = imports.run({ ...oneHouse(), fileName: 'a.city.json' }, reading.signal);
    const second = imports.run({ ...oneHouse(), fileName: 'b.city.json' }, waiting.signal);
    waiting.abort(new Error('gave up waiting'));
    await expect(second).rejects.toThrow('gave up waiting');
    await expect(first).rejects.toThrow('gave up reading');
    const third = await imports.run({ ...oneHouse(), fileName: 'c.city.json' });
    expect(third.buildings).toHaveLength(1);
  });
});
