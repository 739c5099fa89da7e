import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../../scripts/fixtures/fixturesDir.ts';
import { itWithFixtures } from '../../../../scripts/fixtures/withFixtures.ts';
import {
  normalizeGoldbeckOccupancies,
  normalizeParkApiV3,
  normalizeParkenDd,
  parseFeedTime,
  type ParkingLotMapping,
} from './parkingFeeds.ts';

/** A real ParkAPI sample, read when a test asks for it (the tests that do are skipped without it). */
function sample(name: string): () => string {
  return () => readFileSync(fixture(`parkapi/${name}`), 'utf8');
}

function lotMap(...mappings: ParkingLotMapping[]): ReadonlyMap<string, ParkingLotMapping> {
  return new Map(mappings.map((m) => [m.sourceId, m]));
}

const RECEIVED = Date.UTC(2026, 0, 2, 3, 4, 5);

describe('parseFeedTime', () => {
  it('reads zone-less Europe/Berlin times in winter (+01:00) and summer (+02:00)', () => {
    expect(parseFeedTime('2025-12-03T13:35:01.906', 'Europe/Berlin')).toBe(
      Date.UTC(2025, 11, 3, 12, 35, 1, 906),
    );
    expect(parseFeedTime('2025-07-17T17:05:25.127952', 'Europe/Berlin')).toBe(
      Date.UTC(2025, 6, 17, 15, 5, 25, 127),
    );
  });

  it('handles the DST switches of Europe/Berlin', () => {
    // Last minute of winter time and first of summer time, 30 March 2025.
    expect(parseFeedTime('2025-03-30T01:59:00', 'Europe/Berlin')).toBe(Date.UTC(2025, 2, 30, 0, 59));
    expect(parseFeedTime('2025-03-30T03:00:00', 'Europe/Berlin')).toBe(Date.UTC(2025, 2, 30, 1, 0));
    // 02:30 never happened: one hour later on the clock.
    expect(parseFeedTime('2025-03-30T02:30:00', 'Europe/Berlin')).toBe(Date.UTC(2025, 2, 30, 1, 30));
    // 02:30 on 26 October 2025 happened twice: the later (standard time) one.
    expect(parseFeedTime('2025-10-26T02:30:00', 'Europe/Berlin')).toBe(Date.UTC(2025, 9, 26, 1, 30));
  });

  it('reads zone-less times as UTC when asked, and zoned times by their zone', () => {
    expect(parseFeedTime('2025-02-25T12:20:03.588839', 'UTC')).toBe(Date.UTC(2025, 1, 25, 12, 20, 3, 588));
    expect(parseFeedTime('2025-06-24T13:54:45+02:00', 'Europe/Berlin')).toBe(
      Date.UTC(2025, 5, 24, 11, 54, 45),
    );
    expect(parseFeedTime('2025-06-24T13:54', 'Europe/Berlin')).toBe(Date.UTC(2025, 5, 24, 11, 54));
  });

  it('turns away what is not a time', () => {
    for (const bad of [undefined, null, 1_700_000_000_000, '', 'yesterday', '2025-02-31T10:00:00']) {
      expect(parseFeedTime(bad, 'Europe/Berlin')).toBeUndefined();
    }
    expect(parseFeedTime('2025-13-01T10:00:00', 'UTC')).toBeUndefined();
    expect(parseFeedTime('2025-01-01T24:00:00', 'UTC')).toBeUndefined();
  });
});

describe('normalizeParkApiV3', () => {
  const raw = sample('park-api-v3-tests-parking-site-list-with-invalid-item.json');

  itWithFixtures('keeps the valid first item and rejects the second, which has no uid', () => {
    const result = normalizeParkApiV3(
      raw(),
      lotMap({ sourceId: '12717250', sensorId: 'parking-elbenplatz' }),
      RECEIVED,
    );
    expect(result.observations).toEqual([
      {
        sensorId: 'parking-elbenplatz',
        observedAt: Date.UTC(2025, 5, 24, 11, 54, 45),
        values: { freeSpaces: 15, occupiedSpaces: 143 },
        quality: 'good',
      },
    ]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]?.reason).toBe('invalid-payload');
    expect(result.rejected[0]?.message).toContain('items[1]');
    expect(result.rejected[0]?.message).toContain('Bülow Carre');
    expect(result.rejected[0]?.message).toContain('"uid"');
    expect(result.health).toEqual([]);
  });

  itWithFixtures('accepts an already decoded document and reports an unmapped lot as unknown-device', () => {
    const result = normalizeParkApiV3(JSON.parse(raw()), lotMap(), RECEIVED);
    expect(result.observations).toEqual([]);
    expect(result.rejected.map((r) => [r.reason, r.sourceId])).toEqual([
      ['unknown-device', '12717250'],
      ['invalid-payload', undefined],
    ]);
  });

  const mapped = lotMap({ sourceId: 'p1', sensorId: 'parking-mercaden', capacity: 880 });
  const one = (item: Record<string, unknown>) =>
    normalizeParkApiV3({ items: [{ uid: 'p1', has_realtime_data: true, ...item }] }, mapped, RECEIVED);

  it('looks up original_uid and numeric id, and falls back to capacity and the mapping', () => {
    const byOriginal = normalizeParkApiV3(
      { items: [{ id: 7, original_uid: 'p1', realtime_free_capacity: 80, capacity: 100 }] },
      mapped,
      RECEIVED,
    );
    expect(byOriginal.observations).toEqual([
      {
        sensorId: 'parking-mercaden',
        observedAt: RECEIVED,
        values: { freeSpaces: 80, occupiedSpaces: 20 },
        quality: 'good',
      },
    ]);
    const byId = normalizeParkApiV3(
      { items: [{ id: 42, realtime_free_capacity: 800 }] },
      lotMap({ sourceId: '42', sensorId: 'parking-mercaden', capacity: 880 }),
      RECEIVED,
    );
    expect(byId.observations[0]?.values).toEqual({ freeSpaces: 800, occupiedSpaces: 80 });
  });

  it('marks a closed lot uncertain', () => {
    const result = one({ realtime_free_capacity: 880, realtime_opening_status: 'CLOSED' });
    expect(result.observations[0]?.quality).toBe('uncertain');
    expect(result.observations[0]?.values).toEqual({ freeSpaces: 880, occupiedSpaces: 0 });
  });

  it('turns a lot without realtime data away as not-a-reading', () => {
    const result = one({ has_realtime_data: false, realtime_free_capacity: 3 });
    expect(result.observations).toEqual([]);
    expect(result.rejected.map((r) => [r.reason, r.sourceId])).toEqual([['not-a-reading', 'p1']]);
    const absent = normalizeParkApiV3({ items: [{ uid: 'p1' }] }, mapped, RECEIVED);
    expect(absent.rejected.map((r) => r.reason)).toEqual(['not-a-reading']);
  });

  it('rejects free > capacity as impossible, naming lot and numbers', () => {
    const result = one({ realtime_free_capacity: 200, realtime_capacity: 158 });
    expect(result.observations).toEqual([]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]?.reason).toBe('invalid-payload');
    expect(result.rejected[0]?.sourceId).toBe('p1');
    expect(result.rejected[0]?.message).toMatch(/"p1".*200 free of a capacity of 158/);
  });

  it('rejects negative, fractional and string counts, and a non-boolean realtime flag', () => {
    for (const item of [
      { realtime_free_capacity: -1 },
      { realtime_free_capacity: 1.5 },
      { realtime_free_capacity: '15' },
      { realtime_free_capacity: 15, realtime_capacity: -3 },
      { realtime_free_capacity: 15, has_realtime_data: 'yes' },
    ]) {
      const result = one(item);
      expect(result.observations).toEqual([]);
      expect(result.rejected.map((r) => r.reason)).toEqual(['invalid-payload']);
    }
  });

  it('reports a missing free count and a missing capacity as missing-value', () => {
    expect(one({}).rejected.map((r) => r.reason)).toEqual(['missing-value']);
    const noCapacity = normalizeParkApiV3(
      { items: [{ uid: 'x', has_realtime_data: true, realtime_free_capacity: 3 }] },
      lotMap({ sourceId: 'x', sensorId: 'parking-flugfeld' }),
      RECEIVED,
    );
    expect(noCapacity.rejected.map((r) => r.reason)).toEqual(['missing-value']);
    expect(noCapacity.rejected[0]?.message).toContain('capacity');
  });

  it('rejects invalid JSON, a wrong envelope and non-object items without throwing', () => {
    for (const bad of ['{"items": [', 'null', '[]', { items: 'x' }, 42, undefined]) {
      const result = normalizeParkApiV3(bad, mapped, RECEIVED);
      expect(result.observations).toEqual([]);
      expect(result.rejected.map((r) => r.reason)).toEqual(['invalid-payload']);
    }
    const items = normalizeParkApiV3({ items: [null, 'p1', { uid: '' }] }, mapped, RECEIVED);
    expect(items.rejected.map((r) => r.message)).toEqual([
      expect.stringContaining('items[0]'),
      expect.stringContaining('items[1]'),
      expect.stringContaining('items[2]'),
    ]);
    expect(items.rejected.every((r) => r.reason === 'invalid-payload')).toBe(true);
  });
});

describe('normalizeParkenDd', () => {
  const raw = sample('herrenberg-parkendd-v1-lots.json');
  const FEED_TIME = Date.UTC(2025, 1, 25, 12, 20, 3, 588);
  const mapping = lotMap(
    { sourceId: 'herrenbergaltstadtgarage', sensorId: 'parking-elbenplatz' },
    { sourceId: 'herrenbergbronntor', sensorId: 'parking-bahnhofstrasse' },
    { sourceId: 'herrenbergvolksbank', sensorId: 'parking-mercaden' },
    { sourceId: 'herrenbergwohnmobilhafenherrenberg', sensorId: 'parking-postplatz' },
    { sourceId: 'herrenbergnufringertor', sensorId: 'parking-kongresshalle' },
  );

  itWithFixtures('gives the four lots with data, in feed order, at the feed time', () => {
    const result = normalizeParkenDd(raw(), mapping, RECEIVED);
    expect(result.observations).toEqual(
      [
        ['parking-elbenplatz', 60, 37],
        ['parking-bahnhofstrasse', 82, 8],
        ['parking-mercaden', 16, 31],
        ['parking-postplatz', 5, 5],
      ].map(([sensorId, free, occupied]) => ({
        sensorId,
        observedAt: FEED_TIME,
        values: { freeSpaces: free, occupiedSpaces: occupied },
        quality: 'good',
      })),
    );
  });

  itWithFixtures('rejects the 21 unmapped lots as unknown-device and the nodata lot as not-a-reading', () => {
    const { rejected } = normalizeParkenDd(raw(), mapping, RECEIVED);
    expect(rejected).toHaveLength(22);
    expect(rejected.filter((r) => r.reason === 'unknown-device')).toHaveLength(21);
    expect(rejected.filter((r) => r.reason === 'not-a-reading')).toEqual([
      {
        reason: 'not-a-reading',
        message: expect.stringContaining('nodata') as unknown as string,
        sourceId: 'herrenbergnufringertor',
      },
    ]);
    expect(rejected[0]?.sourceId).toBe('herrenbergaischbachstrasse');
  });

  const mapped = lotMap({ sourceId: 'a', sensorId: 'parking-flugfeld', capacity: 750 });
  const one = (lot: Record<string, unknown>, top: Record<string, unknown> = {}) =>
    normalizeParkenDd({ ...top, lots: [{ id: 'a', state: 'many', ...lot }] }, mapped, RECEIVED);

  it('uses the lot time, else last_downloaded, else receivedAtMs; capacity from the mapping', () => {
    expect(one({ free: 50, last_updated: '2025-02-25T10:00:00Z' }).observations[0]).toEqual({
      sensorId: 'parking-flugfeld',
      observedAt: Date.UTC(2025, 1, 25, 10),
      values: { freeSpaces: 50, occupiedSpaces: 700 },
      quality: 'good',
    });
    expect(one({ free: 50 }, { last_downloaded: '2025-02-25T11:00:00' }).observations[0]?.observedAt).toBe(
      Date.UTC(2025, 1, 25, 11),
    );
    expect(one({ free: 50 }, { last_updated: 'soon' }).observations[0]?.observedAt).toBe(RECEIVED);
  });

  it('marks a closed lot uncertain', () => {
    const result = one({ state: 'closed', free: 0, total: 10 });
    expect(result.observations[0]).toMatchObject({
      quality: 'uncertain',
      values: { freeSpaces: 0, occupiedSpaces: 10 },
    });
  });

  it('rejects negative free, free > total, wrong types and missing values', () => {
    expect(one({ free: -2, total: 10 }).rejected.map((r) => r.reason)).toEqual(['invalid-payload']);
    const tooMany = one({ free: 11, total: 10 });
    expect(tooMany.observations).toEqual([]);
    expect(tooMany.rejected[0]?.reason).toBe('invalid-payload');
    expect(tooMany.rejected[0]?.message).toContain('11 free of a capacity of 10');
    expect(one({ free: '3', total: 10 }).rejected.map((r) => r.reason)).toEqual(['invalid-payload']);
    expect(one({ free: 3, total: '10' }).rejected.map((r) => r.reason)).toEqual(['invalid-payload']);
    expect(one({ free: 3, state: 7 }).rejected.map((r) => r.reason)).toEqual(['invalid-payload']);
    expect(one({ total: 10 }).rejected.map((r) => r.reason)).toEqual(['missing-value']);
  });

  it('rejects lots without an id, invalid JSON and a wrong envelope', () => {
    const noIds = normalizeParkenDd(
      { lots: [{ name: 'Ohne', free: 1 }, { id: '', free: 1 }, { id: null }, 5] },
      mapped,
      RECEIVED,
    );
    expect(noIds.observations).toEqual([]);
    expect(noIds.rejected.map((r) => r.reason)).toEqual([
      'invalid-payload',
      'invalid-payload',
      'invalid-payload',
      'invalid-payload',
    ]);
    expect(noIds.rejected[0]?.message).toMatch(/lots\[0\] \("Ohne"\): no lot id/);
    for (const bad of ['{', '"lots"', { lots: {} }, []]) {
      expect(normalizeParkenDd(bad, mapped, RECEIVED).rejected.map((r) => r.reason)).toEqual([
        'invalid-payload',
      ]);
    }
  });
});

describe('normalizeGoldbeckOccupancies', () => {
  const raw = sample('heilbronn-goldbeck-occupancies.json');
  const ids = [2066, 2068, 2076, 2141, 2607, 2608, 2609, 2610, 2409, 2483];
  const everything = lotMap(...ids.map((id) => ({ sourceId: String(id), sensorId: `parking-hn-${id}` })));

  itWithFixtures('reads the TOTAL counter of every facility with valuesFrom as Berlin time', () => {
    const result = normalizeGoldbeckOccupancies(raw(), everything, RECEIVED);
    const at = (s: number, ms: number) => Date.UTC(2025, 11, 3, 12, 35, s, ms);
    expect(result.observations).toEqual(
      (
        [
          [2068, 251, 441, at(1, 623)],
          [2076, 3, 73, at(1, 144)],
          [2141, 173, 207, at(0, 470)],
          [2607, 140, 349, at(3, 144)],
          [2608, 202, 548, at(1, 525)],
          [2609, 0, 160, at(2, 221)],
          [2610, 0, 249, at(2, 689)],
          [2409, 321, 84, at(0, 440)],
          [2483, 438, 205, at(6, 436)],
        ] as const
      ).map(([id, free, occupied, observedAt]) => ({
        sensorId: `parking-hn-${id}`,
        observedAt,
        values: { freeSpaces: free, occupiedSpaces: occupied },
        quality: 'good',
      })),
    );
    expect(result.rejected).toEqual([
      {
        reason: 'not-a-reading',
        message: expect.stringContaining('no TOTAL counter') as unknown as string,
        sourceId: '2066',
      },
    ]);
  });

  itWithFixtures('reports unmapped facilities as unknown-device', () => {
    const result = normalizeGoldbeckOccupancies(
      raw(),
      lotMap({ sourceId: '2609', sensorId: 'parking-diezenhalde' }),
      RECEIVED,
    );
    expect(result.observations.map((o) => o.sensorId)).toEqual(['parking-diezenhalde']);
    expect(result.rejected.map((r) => r.reason)).toEqual(Array(9).fill('unknown-device'));
    expect(result.rejected.map((r) => r.sourceId)).not.toContain('2609');
  });

  const mapped = lotMap({ sourceId: '1', sensorId: 'parking-unterer-see', capacity: 340 });
  const total = (counter: Record<string, unknown>, facility: Record<string, unknown> = {}) =>
    normalizeGoldbeckOccupancies(
      [
        {
          facilityId: 1,
          valuesFrom: '2025-07-01T08:00:00.5',
          counters: [
            { type: { type: 'SHORT_TERM_PARKER', reservationStatus: 'NO_RESERVATIONS' }, freePlaces: 1 },
            { type: { type: 'TOTAL', reservationStatus: 'NO_RESERVATIONS' }, ...counter },
          ],
          ...facility,
        },
      ],
      mapped,
      RECEIVED,
    );

  it('takes a summer valuesFrom as +02:00 and the mapping capacity when maxPlaces is absent', () => {
    expect(total({ freePlaces: 40 }).observations).toEqual([
      {
        sensorId: 'parking-unterer-see',
        observedAt: Date.UTC(2025, 6, 1, 6, 0, 0, 500),
        values: { freeSpaces: 40, occupiedSpaces: 300 },
        quality: 'good',
      },
    ]);
    expect(total({ freePlaces: 40 }, { valuesFrom: 42 }).observations[0]?.observedAt).toBe(RECEIVED);
  });

  it('marks a CLOSED counter uncertain', () => {
    expect(total({ freePlaces: 0, maxPlaces: 10, status: 'CLOSED' }).observations[0]).toMatchObject({
      quality: 'uncertain',
      values: { freeSpaces: 0, occupiedSpaces: 10 },
    });
  });

  it('rejects negative free, free > max, wrong types and missing values', () => {
    expect(total({ freePlaces: -4, maxPlaces: 0 }).rejected.map((r) => r.reason)).toEqual([
      'invalid-payload',
    ]);
    const tooMany = total({ freePlaces: 12, maxPlaces: 10 });
    expect(tooMany.observations).toEqual([]);
    expect(tooMany.rejected[0]?.message).toContain('12 free of a capacity of 10');
    expect(tooMany.rejected[0]?.message).toContain('facility 1');
    expect(total({ freePlaces: NaN }).rejected.map((r) => r.reason)).toEqual(['invalid-payload']);
    expect(total({ occupiedPlaces: 3 }).rejected.map((r) => r.reason)).toEqual(['missing-value']);
    expect(total({ freePlaces: 1 }, { counters: {} }).rejected.map((r) => r.reason)).toEqual([
      'invalid-payload',
    ]);
  });

  it('rejects missing facility ids, invalid JSON and a wrong envelope', () => {
    const noIds = normalizeGoldbeckOccupancies(
      [{ counters: [] }, { facilityId: 1.5, counters: [] }, 'x'],
      mapped,
      RECEIVED,
    );
    expect(noIds.rejected.map((r) => r.reason)).toEqual([
      'invalid-payload',
      'invalid-payload',
      'invalid-payload',
    ]);
    expect(noIds.rejected[1]?.message).toContain('1.5');
    for (const bad of ['[{', '{}', { facilityId: 1 }, null]) {
      expect(normalizeGoldbeckOccupancies(bad, mapped, RECEIVED).rejected.map((r) => r.reason)).toEqual([
        'invalid-payload',
      ]);
    }
  });
});
