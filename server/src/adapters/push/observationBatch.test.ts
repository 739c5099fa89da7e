import { describe, expect, it } from 'vitest';
import { parseObservationBatch } from './observationBatch.ts';

const T = Date.UTC(2026, 10, 18, 9);
const good = (sensorId: string, free: number) => ({ sensorId, observedAt: T, values: { freeSpaces: free } });

describe('parseObservationBatch', () => {
  it('reads NDJSON line by line, naming each bad line and keeping the good ones', () => {
    const body = [
      JSON.stringify(good('parking-01', 120)),
      '{"sensorId": "parking-02", "observedAt": ',
      '',
      JSON.stringify({ ...good('parking-03', 5), values: { freeSpaces: 'viele' } }),
      JSON.stringify(good('parking-04', 80)),
    ].join('\n');
    const result = parseObservationBatch(body, 'application/x-ndjson; charset=utf-8');
    if (!result.ok) throw new Error(result.rejection.message);
    expect(result.items.filter((i) => i.ok).map((i) => (i.ok ? i.observation.sensorId : ''))).toEqual([
      'parking-01',
      'parking-04',
    ]);
    const bad = result.items.filter((i) => !i.ok);
    expect(bad.map((i) => i.line)).toEqual([2, 4]);
    expect(bad.map((i) => (i.ok ? '' : i.rejection.message))).toEqual([
      expect.stringMatching(/^line 2: not JSON/),
      expect.stringMatching(/^line 4: values\.freeSpaces: /),
    ]);
    const third = bad[1];
    expect(third && !third.ok ? third.rejection.sourceId : undefined).toBe('parking-03');
  });

  it('reads one JSON observation or an array, defaulting quality to good', () => {
    const one = parseObservationBatch(JSON.stringify(good('p', 1)), 'application/json');
    expect(one.ok && one.items[0]?.ok && one.items[0].observation.quality).toBe('good');
    const many = parseObservationBatch(
      JSON.stringify([good('a', 1), { ...good('b', 2), observedAt: -5 }]),
      'application/json',
    );
    if (!many.ok) throw new Error('not ok');
    expect(many.items.map((i) => i.ok)).toEqual([true, false]);
    const second = many.items[1];
    expect(second && !second.ok ? second.rejection.message : '').toMatch(/^item 1: observedAt/);
  });

  it('refuses a body that is not JSON, an unknown content type and oversized items or batches', () => {
    const notJson = parseObservationBatch('{oops', 'application/json');
    expect(!notJson.ok && notJson.rejection.reason).toBe('invalid-payload');
    const xml = parseObservationBatch('<x/>', 'text/xml');
    expect(!xml.ok && xml.rejection.message).toContain('"text/xml" is not accepted');

    const huge = { ...good('p', 1), note: 'x'.repeat(5000) };
    const big = parseObservationBatch(
      `${JSON.stringify(huge)}\n${JSON.stringify(good('q', 2))}`,
      'application/x-ndjson',
    );
    if (!big.ok) throw new Error('not ok');
    expect(big.items.map((i) => (i.ok ? 'ok' : i.rejection.reason))).toEqual(['too-large', 'ok']);

    const limits = { maxItems: 2, maxItemBytes: 4096 };
    const tooMany = parseObservationBatch(
      JSON.stringify([good('a', 1), good('b', 1), good('c', 1)]),
      'application/json',
      limits,
    );
    expect(!tooMany.ok && tooMany.rejection.message).toContain('3 observations in one request; at most 2');
    const tooManyLines = parseObservationBatch(
      [good('a', 1), good('b', 1), good('c', 1)].map((o) => JSON.stringify(o)).join('\n'),
      'application/x-ndjson',
      limits,
    );
    expect(!tooManyLines.ok && tooManyLines.rejection.reason).toBe('too-large');
  });

  it('rejects NaN-like values that JSON cannot carry and non-finite numbers', () => {
    const result = parseObservationBatch(
      '{"sensorId":"p","observedAt":1,"values":{"x":NaN}}\n{"sensorId":"p","observedAt":1,"values":{"x":1e999}}',
      'application/x-ndjson',
    );
    if (!result.ok) throw new Error('not ok');
    expect(result.items.map((i) => (i.ok ? 'ok' : i.rejection.reason))).toEqual([
      'invalid-payload',
      'invalid-payload',
    ]);
  });
});
