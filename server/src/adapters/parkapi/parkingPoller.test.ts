import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Sensor } from '../../../../protocol/index.ts';
import { fixture } from '../../../../scripts/fixtures/fixturesDir.ts';
import { describeWithFixtures } from '../../../../scripts/fixtures/withFixtures.ts';
import { createManualClock } from '../../clock.ts';
import { Hub } from '../../hub/hub.ts';
import type { RejectionReason } from '../../hub/hub.ts';
import type { Logger } from '../../logger.ts';
import { createParkingPoller } from './parkingPoller.ts';
import type { ParkingPoller, ParkingSource } from './parkingPoller.ts';
import { ParkingSourceSchema } from './parkingSourceConfig.ts';

/**
 * The real sample bytes, read in place (never copied into the repo) when a feed answers with them,
 * so a clone without the samples still collects this file and skips the tests that serve them.
 */
function sample(name: string): () => Buffer {
  return () => readFileSync(fixture(`parkapi/${name}`));
}

const PARKAPI_V3 = sample('park-api-v3-tests-parking-site-list-with-invalid-item.json');
const HERRENBERG = sample('herrenberg-parkendd-v1-lots.json');
const HEILBRONN = sample('heilbronn-goldbeck-occupancies.json');

/**
 * The hub's clock per format: a few minutes after its sample's readings, as when polling live (the
 * hub turns away readings from the future and from long ago).
 */
const NOW_MS: Record<ParkingSource['format'], number> = {
  'parkapi-v3': Date.UTC(2025, 5, 24, 12, 0, 0),
  parkendd: Date.UTC(2025, 1, 25, 12, 25, 0),
  goldbeck: Date.UTC(2025, 11, 3, 12, 40, 0),
};

// ---------------------------------------------------------------------------------------------------
// A stand-in feed server on 127.0.0.1, port 0: each test says how it answers.

interface Reply {
  readonly status?: number;
  readonly body?: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

interface SeenRequest {
  readonly headers: IncomingHttpHeaders;
  /** performance.now() when the request arrived and when its answer ended. */
  readonly startMs: number;
  endMs: number | undefined;
}

interface FeedServer {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** The most requests that were open at once. */
  maxConcurrent(): number;
  close(): Promise<void>;
}

const servers: FeedServer[] = [];

async function startFeed(
  answer: (index: number, headers: IncomingHttpHeaders) => Reply | Promise<Reply>,
): Promise<FeedServer> {
  const requests: SeenRequest[] = [];
  let open = 0;
  let maxOpen = 0;
  const server: Server = createServer((req, res) => {
    const seen: SeenRequest = { headers: req.headers, startMs: performance.now(), endMs: undefined };
    const index = requests.push(seen) - 1;
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    res.on('close', () => {
      open -= 1;
      seen.endMs = performance.now();
    });
    void Promise.resolve(answer(index, req.headers)).then(({ status = 200, body, headers }) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const feed: FeedServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed`,
    requests,
    maxConcurrent: () => maxOpen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  servers.push(feed);
  return feed;
}

/** An answer that never comes (the poller's timeout must end it). */
const never = (): Promise<Reply> => new Promise<Reply>(() => undefined);

// ---------------------------------------------------------------------------------------------------
// A real hub with parking sensors, a recording logger, and a poller under test.

function parkingSensor(id: string): Sensor {
  return {
    id,
    kind: 'parking',
    name: id,
    position: [9.0, 48.6, 0],
    object: { type: 'building', id: `building-${id}` },
    quantities: ['freeSpaces', 'occupiedSpaces'],
    intervalMs: 60_000,
    thresholds: {},
    visibility: 'public',
    attributes: {},
  };
}

interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
}

const pollers: ParkingPoller[] = [];

function setup(options: {
  feed: FeedServer;
  format: ParkingSource['format'];
  lots: { sourceId: string; sensorId: string; capacity?: number }[];
  pollIntervalMs?: number;
  config?: Record<string, unknown>;
  apiKey?: string;
}) {
  const clock = createManualClock(NOW_MS[options.format]);
  const accepted: string[] = [];
  const rejected: RejectionReason[] = [];
  const hub = new Hub({
    sensors: [...new Set(options.lots.map((lot) => lot.sensorId))].map(parkingSensor),
    clock,
    metrics: {
      readingAccepted: (source) => accepted.push(source),
      readingRejected: (reason) => rejected.push(reason),
    },
  });
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, fields });
    };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  const parsed = ParkingSourceSchema.parse({
    type: 'parking',
    id: 'test-feed',
    format: options.format,
    url: options.feed.url,
    lots: options.lots,
    ...options.config,
  });
  const source: ParkingSource = {
    ...parsed,
    // Far below the schema's minimum, so the tests stay fast; minPollIntervalMs lets it through.
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
  };
  const poller = createParkingPoller({ source, hub, logger, now: clock.now, minPollIntervalMs: 1 });
  pollers.push(poller);
  const warnings = () => lines.filter((l) => l.level === 'warn');
  return { clock, hub, poller, lines, warnings, accepted, rejected };
}

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Waits (real time) until `check` passes. */
async function until(check: () => void, timeout = 3_000): Promise<void> {
  await vi.waitFor(check, { timeout, interval: 5 });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------

describeWithFixtures('parking poller on the real feeds', () => {
  it('ParkAPI v3: delivers the valid lot and makes the invalid item one dead letter, once', async () => {
    const feed = await startFeed(() => ({ body: PARKAPI_V3() }));
    const { hub, poller, accepted, rejected } = setup({
      feed,
      format: 'parkapi-v3',
      lots: [{ sourceId: '12717250', sensorId: 'parking-hofdiener' }],
    });

    await poller.pollNow();

    expect(hub.state('parking-hofdiener')?.observation).toEqual({
      sensorId: 'parking-hofdiener',
      observedAt: Date.UTC(2025, 5, 24, 11, 54, 45),
      values: { freeSpaces: 15, occupiedSpaces: 143 },
      quality: 'good',
    });
    const letters = hub.deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]?.source).toBe('test-feed');
    expect(letters[0]?.reason).toBe('invalid-payload');
    expect(letters[0]?.message).toContain('items[1]');
    expect(letters[0]?.message).toContain('Bülow Carre');
    // The body as it arrived is kept beside the rejection.
    expect(letters[0]?.input).toContain('Parkhaus Hofdiener');
    expect(accepted).toEqual(['test-feed']);
    expect(rejected).toEqual(['invalid-payload']);
    expect(poller.status()).toMatchObject({ lastOutcome: 'delivered', lotsDelivered: 1, polls: 1 });

    // The same document again (this feed sends no validators): nothing new is delivered or counted.
    await poller.pollNow();
    expect(feed.requests).toHaveLength(2);
    expect(hub.deadLetters()).toHaveLength(1);
    expect(accepted).toEqual(['test-feed']);
    expect(rejected).toEqual(['invalid-payload']);
    expect(poller.status()).toMatchObject({
      lastOutcome: 'delivered',
      lotsDelivered: 0,
      unchangedReadings: 1,
      repeatedRejections: 1,
    });
  });

  it('ParkenDD Herrenberg: mapped lots arrive at the feed time; unmapped lots are logged, not dead letters', async () => {
    const feed = await startFeed(() => ({ body: HERRENBERG() }));
    const { hub, poller, lines, warnings, rejected } = setup({
      feed,
      format: 'parkendd',
      lots: [
        { sourceId: 'herrenbergaltstadtgarage', sensorId: 'parking-altstadtgarage' },
        { sourceId: 'herrenbergbronntor', sensorId: 'parking-bronntor' },
        { sourceId: 'herrenbergnufringertor', sensorId: 'parking-nufringer-tor' },
        { sourceId: 'herrenberg-typo', sensorId: 'parking-typo' },
      ],
    });

    await poller.pollNow();

    const feedTime = Date.UTC(2025, 1, 25, 12, 20, 3, 588);
    expect(hub.state('parking-altstadtgarage')?.observation).toEqual({
      sensorId: 'parking-altstadtgarage',
      observedAt: feedTime,
      values: { freeSpaces: 60, occupiedSpaces: 37 },
      quality: 'good',
    });
    expect(hub.state('parking-bronntor')?.observation?.values).toEqual({ freeSpaces: 82, occupiedSpaces: 8 });
    expect(hub.state('parking-bronntor')?.observation?.observedAt).toBe(feedTime);
    // "nodata" is counted, not kept; the unmapped lots are neither.
    expect(hub.state('parking-nufringer-tor')?.observation).toBeNull();
    expect(hub.deadLetters()).toEqual([]);
    expect(rejected).toEqual(['not-a-reading']);
    const status = poller.status();
    expect(status.lotsDelivered).toBe(2);
    // 26 lots in the feed, 3 of them mapped.
    expect(status.unmappedLots).toHaveLength(23);
    expect(status.unmappedLots).toContain('herrenbergaischbachstrasse');
    expect(status.missingLots).toEqual(['herrenberg-typo']);
    const coverage = lines.filter((l) => l.message.includes('have no mapping'));
    expect(coverage).toHaveLength(1);
    expect(coverage[0]?.message).toContain('23 lot(s)');
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]?.message).toContain('herrenberg-typo');

    // Polling the same feed again says nothing new: no log lines, no dead letters, no counts.
    const linesBefore = lines.length;
    await poller.pollNow();
    await poller.pollNow();
    expect(lines.slice(linesBefore).filter((l) => l.level !== 'debug')).toEqual([]);
    expect(hub.deadLetters()).toEqual([]);
    expect(rejected).toEqual(['not-a-reading']);
    expect(poller.status().unmappedLots).toHaveLength(23);
  });

  it('Goldbeck Heilbronn: TOTAL counters arrive with valuesFrom read as Berlin time', async () => {
    const feed = await startFeed(() => ({ body: HEILBRONN() }));
    const { hub, poller, rejected } = setup({
      feed,
      format: 'goldbeck',
      lots: [
        { sourceId: '2068', sensorId: 'parking-hn-2068' },
        { sourceId: '2609', sensorId: 'parking-hn-2609' },
        { sourceId: '2066', sensorId: 'parking-hn-2066' },
      ],
    });

    await poller.pollNow();

    // 2025-12-03T13:35:01.623 in Heilbronn is 12:35:01.623 UTC (winter time, +01:00).
    expect(hub.state('parking-hn-2068')?.observation).toEqual({
      sensorId: 'parking-hn-2068',
      observedAt: Date.UTC(2025, 11, 3, 12, 35, 1, 623),
      values: { freeSpaces: 251, occupiedSpaces: 441 },
      quality: 'good',
    });
    expect(hub.state('parking-hn-2609')?.observation).toEqual({
      sensorId: 'parking-hn-2609',
      observedAt: Date.UTC(2025, 11, 3, 12, 35, 2, 221),
      values: { freeSpaces: 0, occupiedSpaces: 160 },
      quality: 'good',
    });
    // Facility 2066 has no TOTAL counter: counted as not-a-reading, no dead letter.
    expect(hub.state('parking-hn-2066')?.observation).toBeNull();
    expect(hub.deadLetters()).toEqual([]);
    expect(rejected).toEqual(['not-a-reading']);
    expect(poller.status()).toMatchObject({ lotsDelivered: 2, missingLots: [] });
    expect(poller.status().unmappedLots).toEqual(['2076', '2141', '2409', '2483', '2607', '2608', '2610']);
  });
});

describeWithFixtures('parking poller HTTP behaviour', () => {
  it('asks conditionally; a 304 delivers nothing and is counted', async () => {
    const feed = await startFeed((_index, headers) =>
      headers['if-none-match'] === '"herrenberg-1"'
        ? { status: 304 }
        : {
            body: HERRENBERG(),
            headers: { etag: '"herrenberg-1"', 'last-modified': 'Tue, 25 Feb 2025 12:20:03 GMT' },
          },
    );
    const { hub, poller, accepted, rejected } = setup({
      feed,
      format: 'parkendd',
      lots: [{ sourceId: 'herrenbergaltstadtgarage', sensorId: 'parking-altstadtgarage' }],
    });

    await poller.pollNow();
    expect(accepted).toHaveLength(1);
    const held = hub.state('parking-altstadtgarage')?.observation;

    await poller.pollNow();
    await poller.pollNow();
    expect(feed.requests[0]?.headers['if-none-match']).toBeUndefined();
    expect(feed.requests[1]?.headers['if-none-match']).toBe('"herrenberg-1"');
    expect(feed.requests[1]?.headers['if-modified-since']).toBe('Tue, 25 Feb 2025 12:20:03 GMT');
    expect(accepted).toHaveLength(1);
    expect(rejected).toEqual([]);
    expect(hub.deadLetters()).toEqual([]);
    expect(hub.state('parking-altstadtgarage')?.observation).toBe(held);
    expect(poller.status()).toMatchObject({
      lastOutcome: 'not-modified',
      notModified: 2,
      lotsDelivered: 0,
      consecutiveFailures: 0,
      polls: 3,
    });
  });

  it('survives a 500, a timeout and a garbage body: logs each kind once, backs off, then delivers', async () => {
    const answers: (() => Reply | Promise<Reply>)[] = [
      () => ({ status: 500, body: 'upstream broke' }),
      () => ({ status: 500, body: 'upstream broke' }),
      never,
      () => ({ body: '<html><body>Wartungsarbeiten</body></html>', headers: { etag: '"maint"' } }),
      () => ({ body: PARKAPI_V3() }),
    ];
    const feed = await startFeed((index) => (answers[index] ?? (() => ({ body: PARKAPI_V3() })))());
    const { hub, poller, warnings, lines } = setup({
      feed,
      format: 'parkapi-v3',
      lots: [{ sourceId: '12717250', sensorId: 'parking-hofdiener' }],
      pollIntervalMs: 1_000,
      config: { timeoutMs: 150 },
    });

    await expect(poller.pollNow()).resolves.toBeUndefined();
    expect(poller.status()).toMatchObject({
      lastOutcome: 'failed',
      lastFailure: { failure: 'http-status' },
      consecutiveFailures: 1,
      nextDelayMs: 2_000,
    });
    await poller.pollNow();
    expect(poller.status()).toMatchObject({ consecutiveFailures: 2, nextDelayMs: 4_000 });
    // Two 500s in a row: one warning.
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]?.message).toContain('500');

    await poller.pollNow();
    expect(poller.status()).toMatchObject({
      lastFailure: { failure: 'timeout' },
      consecutiveFailures: 3,
      nextDelayMs: 8_000,
    });

    await poller.pollNow();
    expect(poller.status()).toMatchObject({
      lastFailure: { failure: 'invalid-body' },
      consecutiveFailures: 4,
      // Capped at ten intervals.
      nextDelayMs: 10_000,
      failures: 4,
    });
    expect(warnings().map((w) => w.fields?.failure)).toEqual(['http-status', 'timeout', 'invalid-body']);
    expect(hub.deadLetters().map((l) => [l.reason, l.input.includes('Wartungsarbeiten')])).toEqual([
      ['invalid-payload', true],
    ]);
    expect(hub.state('parking-hofdiener')?.observation).toBeNull();

    await poller.pollNow();
    // The garbage body's ETag was not kept, so the feed was asked unconditionally.
    expect(feed.requests[4]?.headers['if-none-match']).toBeUndefined();
    expect(hub.state('parking-hofdiener')?.observation?.values).toEqual({
      freeSpaces: 15,
      occupiedSpaces: 143,
    });
    expect(poller.status()).toMatchObject({
      lastOutcome: 'delivered',
      lastFailure: null,
      consecutiveFailures: 0,
      nextDelayMs: 1_000,
      lotsDelivered: 1,
      failures: 4,
    });
    expect(lines.some((l) => l.level === 'info' && l.message.includes('recovered after 4'))).toBe(true);
  });

  it('waits longer after each failure while running', async () => {
    const feed = await startFeed((index) => (index < 3 ? { status: 503 } : { body: HERRENBERG() }));
    const { hub, poller } = setup({
      feed,
      format: 'parkendd',
      lots: [{ sourceId: 'herrenbergbronntor', sensorId: 'parking-bronntor' }],
      pollIntervalMs: 20,
    });

    poller.start();
    await until(() => expect(hub.state('parking-bronntor')?.observation).not.toBeNull());

    const starts = feed.requests.map((r) => r.startMs);
    const gaps = starts.slice(1).map((start, i) => start - (starts[i] ?? 0));
    // After 1, 2, 3 failures: 40, 80, 160 ms (twice the last, from an interval of 20 ms).
    expect(gaps).toHaveLength(3);
    [40, 80, 160].forEach((least, i) => expect(gaps[i]).toBeGreaterThanOrEqual(least - 3));
    expect(poller.status().consecutiveFailures).toBe(0);
  });

  it('sends the API key as a bearer token by default, or as is in the configured header', async () => {
    const feed = await startFeed(() => ({ body: HEILBRONN() }));
    const lots = [{ sourceId: '2068', sensorId: 'parking-hn-2068' }];
    const bearer = setup({
      feed,
      format: 'goldbeck',
      lots,
      config: { apiKeyEnv: 'HN_PARKING_KEY' },
      apiKey: 'k-123456789',
    });
    const custom = setup({
      feed,
      format: 'goldbeck',
      lots,
      config: { apiKeyEnv: 'HN_PARKING_KEY', apiKeyHeader: 'X-API-Key' },
      apiKey: 'k-987654321',
    });
    const none = setup({ feed, format: 'goldbeck', lots });

    await bearer.poller.pollNow();
    await custom.poller.pollNow();
    await none.poller.pollNow();

    expect(feed.requests[0]?.headers.authorization).toBe('Bearer k-123456789');
    expect(feed.requests[0]?.headers['x-api-key']).toBeUndefined();
    expect(feed.requests[1]?.headers['x-api-key']).toBe('k-987654321');
    expect(feed.requests[1]?.headers.authorization).toBeUndefined();
    expect(feed.requests[2]?.headers.authorization).toBeUndefined();
    expect(feed.requests[2]?.headers['x-api-key']).toBeUndefined();
    expect(custom.hub.state('parking-hn-2068')?.observation?.values).toEqual({
      freeSpaces: 251,
      occupiedSpaces: 441,
    });
  });

  it('never overlaps polls, even when the feed is slower than the interval', async () => {
    const feed = await startFeed(async () => {
      await sleep(40);
      return { body: HERRENBERG() };
    });
    const { poller } = setup({
      feed,
      format: 'parkendd',
      lots: [{ sourceId: 'herrenbergbronntor', sensorId: 'parking-bronntor' }],
      pollIntervalMs: 5,
    });

    poller.start();
    poller.start();
    // A manual poll while one is in flight joins it.
    const joined = poller.pollNow();
    expect(poller.pollNow()).toBe(joined);
    await until(() => expect(feed.requests.length).toBeGreaterThanOrEqual(4));
    await poller.stop();

    expect(feed.maxConcurrent()).toBe(1);
    feed.requests.slice(1).forEach((request, i) => {
      const previousEnd = feed.requests[i]?.endMs;
      expect(previousEnd).toBeDefined();
      expect(request.startMs).toBeGreaterThanOrEqual(previousEnd ?? Infinity);
    });
    expect(poller.status().polls).toBe(feed.requests.length);
  });

  it('stop() cancels a poll in flight at once and then polls no more', async () => {
    const feed = await startFeed((index) =>
      index === 0 ? new Promise<Reply>(() => undefined) : { body: HERRENBERG() },
    );
    const { hub, poller, warnings } = setup({
      feed,
      format: 'parkendd',
      lots: [{ sourceId: 'herrenbergbronntor', sensorId: 'parking-bronntor' }],
      pollIntervalMs: 10,
      config: { timeoutMs: 60_000 },
    });

    poller.start();
    await until(() => expect(feed.requests).toHaveLength(1));
    const startedAt = Date.now();
    await poller.stop();
    // The feed never answers and the timeout is a minute: stop() did not wait for either.
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(hub.state('parking-bronntor')?.observation).toBeNull();
    await sleep(80);
    expect(feed.requests).toHaveLength(1);
    expect(poller.status()).toMatchObject({ running: false, polls: 1, failures: 0 });
    expect(warnings()).toEqual([]);
  });
});

describe('ParkingSourceSchema', () => {
  const base = {
    type: 'parking',
    id: 'herrenberg-parken',
    format: 'parkendd',
    url: 'https://api.example.org/herrenberg/lots.json',
    lots: [{ sourceId: 'herrenbergbronntor', sensorId: 'parking-bronntor', capacity: 90 }],
  };

  it('fills the poll interval and leaves the key header to the poller', () => {
    const parsed = ParkingSourceSchema.parse(base);
    expect(parsed.pollIntervalMs).toBe(60_000);
    expect(parsed.apiKeyHeader).toBeUndefined();
  });

  it('names each wrong field', () => {
    const paths = (input: Record<string, unknown>) =>
      ParkingSourceSchema.safeParse({ ...base, ...input }).error?.issues.map((i) => i.path.join('.'));
    expect(paths({ url: 'ftp://api.example.org/lots' })).toEqual(['url']);
    expect(paths({ pollIntervalMs: 1_000 })).toEqual(['pollIntervalMs']);
    expect(paths({ format: 'datex2' })).toEqual(['format']);
    expect(paths({ id: 'Herrenberg' })).toEqual(['id']);
    expect(paths({ apiKey: 'secret-in-the-file' })).toEqual(['']);
    expect(paths({ apiKeyHeader: 'X-API-Key' })).toEqual(['apiKeyHeader']);
    expect(paths({ lots: [] })).toEqual(['lots']);
    expect(paths({ lots: [{ sourceId: 'a', sensorId: 's', capacity: 0 }] })).toEqual(['lots.0.capacity']);
    expect(
      paths({
        lots: [
          { sourceId: 'a', sensorId: 's1' },
          { sourceId: 'a', sensorId: 's2' },
        ],
      }),
    ).toEqual(['lots.1.sourceId']);
  });
});
