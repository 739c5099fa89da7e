/**
 * Load generator of `ingest.push`, run by `ingestBench.ts` in a child process of its own: POSTs the
 * readings of one run as NDJSON batches to `POST /api/v1/observations` over loopback, `concurrency`
 * requests in flight. Each in-flight stream carries its own slice of the sensors and sends its
 * batches one after another, so every sensor's readings arrive in order (as from one pushing system
 * per slice) and none is turned away as out of order. Bodies are built in `prepare`, untimed.
 */
import type { PushLoadConfig } from './ingestLoad.ts';
import { pushStreams } from './ingestLoad.ts';
import { serveLoadRequests } from './loadChild.ts';

const config = JSON.parse(process.argv[2] ?? '{}') as PushLoadConfig;
let streams: string[][] = [];
let readings = 0;

async function postAll(bodies: readonly string[]): Promise<{ accepted: number; errors: string[] }> {
  let accepted = 0;
  const errors: string[] = [];
  for (const body of bodies) {
    try {
      const response = await fetch(config.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${config.apiKey}` },
        body,
      });
      const answer = (await response.json()) as { accepted?: number; rejected?: unknown[]; error?: string };
      accepted += answer.accepted ?? 0;
      if (response.status !== 200)
        errors.push(`HTTP ${response.status}: ${JSON.stringify(answer).slice(0, 500)}`);
    } catch (error) {
      errors.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { accepted, errors };
}

serveLoadRequests({
  prepare(baseMs) {
    const load = pushStreams(
      config.sensors,
      config.readingsPerRun,
      config.concurrency,
      config.batchSize,
      baseMs,
    );
    streams = load.bodies;
    readings = load.readings;
    return {
      type: 'prepared',
      items: readings,
      bytes: streams.flat().reduce((sum, body) => sum + Buffer.byteLength(body), 0),
    };
  },
  async go() {
    const startMs = performance.now();
    const results = await Promise.all(streams.map((bodies) => postAll(bodies)));
    return {
      type: 'done',
      sent: readings,
      accepted: results.reduce((sum, r) => sum + r.accepted, 0),
      requests: streams.reduce((sum, bodies) => sum + bodies.length, 0),
      wallMs: performance.now() - startMs,
      errors: results.flatMap((r) => r.errors),
    };
  },
});
