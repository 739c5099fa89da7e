/**
 * The one test suite every `HistoryStore` passes (`duckdbHistoryStore.test.ts`,
 * `postgresHistoryStore.test.ts`). Expected answers are computed here in plain JavaScript from the
 * readings written, never taken from a store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Observation, Quality } from '../../../protocol/index.ts';
import type { HistorySensor, HistoryStore, RetentionPolicy } from './historyStore.ts';
import { DAY_MS, HOUR_MS, HistoryQueryError, MINUTE_MS } from './historyStore.ts';

/** Opens a store at `location` (the same location again after a restart). */
export type OpenStore = (
  location: string,
  options: { now: () => number; retention?: RetentionPolicy },
) => Promise<HistoryStore>;

export interface SuiteSetup {
  /** A fresh location for one test. */
  newLocation(): string;
  open: OpenStore;
}

const T0 = Date.UTC(2026, 10, 2, 6, 0, 0); // a Monday morning

const GARAGE: HistorySensor = {
  id: 'garage-1',
  kind: 'parking',
  intervalMs: 60_000,
  quantities: ['occupiedSpaces'],
};
const STATION: HistorySensor = {
  id: 'air-1',
  kind: 'environment',
  intervalMs: 300_000,
  quantities: ['no2UgM3', 'pm10UgM3', 'temperatureC'],
};
const ROAD: HistorySensor = { id: 'road-1', kind: 'traffic', intervalMs: 10_000, quantities: ['speedKmh'] };
const SILENT: HistorySensor = { id: 'basin-1', kind: 'water', intervalMs: 60_000, quantities: ['levelCm'] };
const SENSORS = [GARAGE, STATION, ROAD, SILENT];

/** A seeded pseudo-random generator (mulberry32), so failures repeat. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function obs(
  sensorId: string,
  observedAt: number,
  values: Record<string, number>,
  quality: Quality = 'good',
): Observation {
  return { sensorId, observedAt, values, quality };
}

/** What the store was given, to compute expectations from. */
interface Written {
  sensor: HistorySensor;
  observation: Observation;
}

/** Per sensor, each quantity's last value at or before `atMs` (the definition the store must meet). */
function expectedStateAt(written: readonly Written[], atMs: number) {
  const result = new Map<string, { observedAt: number; values: Record<string, number> }>();
  const lastPerQuantity = new Map<string, { t: number; value: number }>();
  for (const { sensor, observation } of written) {
    if (observation.observedAt > atMs) continue;
    for (const [quantity, value] of Object.entries(observation.values)) {
      const key = `${sensor.id}\u0000${quantity}`;
      const held = lastPerQuantity.get(key);
      if (!held || observation.observedAt > held.t)
        lastPerQuantity.set(key, { t: observation.observedAt, value });
    }
  }
  for (const [key, { t, value }] of lastPerQuantity) {
    const [sensorId = '', quantity = ''] = key.split('\u0000');
    const held = result.get(sensorId) ?? { observedAt: t, values: {} };
    held.values[quantity] = value;
    held.observedAt = Math.max(held.observedAt, t);
    result.set(sensorId, held);
  }
  return result;
}

/** Mean/min/max/count per bucket of one quantity, from the readings written. */
function expectedBuckets(
  written: readonly Written[],
  sensorId: string,
  quantity: string,
  from: number,
  to: number,
  step: number,
) {
  const buckets = new Map<number, number[]>();
  for (const { observation } of written) {
    const value = observation.values[quantity];
    if (observation.sensorId !== sensorId || value === undefined) continue;
    if (observation.observedAt < from || observation.observedAt >= to) continue;
    const b = observation.observedAt - (observation.observedAt % step);
    const list = buckets.get(b) ?? [];
    list.push(value);
    buckets.set(b, list);
  }
  const t = [...buckets.keys()].sort((a, b) => a - b);
  const lists = t.map((b) => buckets.get(b) ?? []);
  return {
    t,
    mean: lists.map((l) => l.reduce((s, v) => s + v, 0) / l.length),
    min: lists.map((l) => Math.min(...l)),
    max: lists.map((l) => Math.max(...l)),
    count: lists.map((l) => l.length),
  };
}

function closeTo(actual: readonly number[], expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i] as number, 9));
}

/** Six hours of readings from the four sensors, some out of order across sensors, one partial. */
function sampleReadings(seed: number): Written[] {
  const rnd = random(seed);
  const written: Written[] = [];
  for (let t = T0; t < T0 + 6 * HOUR_MS; t += 10_000) {
    written.push({
      sensor: ROAD,
      observation: obs(ROAD.id, t + Math.floor(rnd() * 900), { speedKmh: 20 + rnd() * 40 }),
    });
    if ((t - T0) % 60_000 === 0)
      written.push({
        sensor: GARAGE,
        observation: obs(
          GARAGE.id,
          t + 250,
          { occupiedSpaces: Math.floor(rnd() * 400) },
          rnd() < 0.1 ? 'uncertain' : 'good',
        ),
      });
    if ((t - T0) % 300_000 === 0) {
      // Now and then only some of the station's quantities arrive.
      const values: Record<string, number> =
        rnd() < 0.3
          ? { no2UgM3: 10 + rnd() * 60 }
          : { no2UgM3: 10 + rnd() * 60, pm10UgM3: 5 + rnd() * 40, temperatureC: -5 + rnd() * 20 };
      written.push({ sensor: STATION, observation: obs(STATION.id, t + 1_000, values) });
    }
  }
  // The basin reported twice, early on, then fell silent.
  written.push({ sensor: SILENT, observation: obs(SILENT.id, T0 + 120_000, { levelCm: 41 }) });
  written.push({ sensor: SILENT, observation: obs(SILENT.id, T0 + 180_000, { levelCm: 43.5 }) });
  return written;
}

export function describeHistoryStore(name: string, setup: SuiteSetup): void {
  describe(`${name} history store`, () => {
    const open: HistoryStore[] = [];
    let nowMs = T0 + 6 * HOUR_MS;
    const now = () => nowMs;
    const openStore = async (location: string, retention?: RetentionPolicy) => {
      const store = await setup.open(location, retention ? { now, retention } : { now });
      open.push(store);
      return store;
    };
    const filled = async (location: string, written: readonly Written[]) => {
      const store = await openStore(location);
      await store.registerCity('town', SENSORS);
      for (const { sensor, observation } of written)
        expect(store.append('town', sensor, observation)).toBe(true);
      await store.flush();
      return store;
    };

    afterEach(async () => {
      nowMs = T0 + 6 * HOUR_MS;
      for (const store of open.splice(0)) await store.close().catch(() => undefined);
    });

    it('gives back every raw reading of a sensor in a range, in time order', async () => {
      const written = sampleReadings(1);
      const store = await filled(setup.newLocation(), written);
      const from = T0 + HOUR_MS;
      const to = from + 10 * MINUTE_MS;
      const series = await store.series('town', ROAD, { fromMs: from, toMs: to, stepMs: 0 });
      const expected = expectedBuckets(written, ROAD.id, 'speedKmh', from, to, 1);
      expect(series.source).toBe('raw');
      expect(series.quantities.speedKmh?.t).toEqual(expected.t);
      closeTo(series.quantities.speedKmh?.mean ?? [], expected.mean);
      expect(series.quantities.speedKmh?.count.every((c) => c === 1)).toBe(true);
    });

    it('buckets by any step, and answers minute and hour steps from the aggregates with the same figures', async () => {
      const written = sampleReadings(2);
      const store = await filled(setup.newLocation(), written);
      for (const [step, source] of [
        [30_000, 'raw'],
        [5 * MINUTE_MS, 'minute'],
        [HOUR_MS, 'hour'],
        [2 * HOUR_MS, 'hour'],
      ] as const) {
        for (const sensor of [ROAD, STATION]) {
          const quantity = sensor.quantities[0] as string;
          const series = await store.series('town', sensor, {
            fromMs: T0,
            toMs: T0 + 6 * HOUR_MS,
            stepMs: step,
          });
          expect(series.source).toBe(source);
          const expected = expectedBuckets(written, sensor.id, quantity, T0, T0 + 6 * HOUR_MS, step);
          const got = series.quantities[quantity];
          expect(got?.t).toEqual(expected.t);
          expect(got?.count).toEqual(expected.count);
          closeTo(got?.mean ?? [], expected.mean);
          closeTo(got?.min ?? [], expected.min);
          closeTo(got?.max ?? [], expected.max);
        }
      }
      const counts = await store.counts();
      expect(counts.raw).toBe(written.reduce((n, w) => n + Object.keys(w.observation.values).length, 0));
      expect(counts.minute).toBeGreaterThan(0);
      expect(counts.hour).toBeGreaterThan(0);
    });

    it('gives the state at T as, per sensor, the last reading at or before T', async () => {
      const written = sampleReadings(3);
      const store = await filled(setup.newLocation(), written);
      const rnd = random(99);
      const times = [
        T0 - 1, // before anything
        T0 + 250, // exactly at a reading
        T0 + 179_999, // a millisecond before the basin's second reading
        T0 + 6 * HOUR_MS + MINUTE_MS, // after everything
        ...Array.from({ length: 25 }, () => T0 + Math.floor(rnd() * 6 * HOUR_MS)),
      ];
      for (const atMs of times) {
        const state = await store.stateAt('town', SENSORS, atMs);
        const expected = expectedStateAt(written, atMs);
        expect(new Set(state.keys()), `sensors at ${new Date(atMs).toISOString()}`).toEqual(
          new Set(expected.keys()),
        );
        for (const [sensorId, want] of expected) {
          const got = state.get(sensorId);
          expect(got?.observedAt, `${sensorId} at ${atMs}`).toBe(want.observedAt);
          expect(got?.values).toEqual(want.values);
          expect(Math.max(...Object.values(got?.times ?? {}))).toBe(want.observedAt);
        }
      }
      // The silent basin, hours after its last reading, still has it (found beyond the first window).
      expect((await store.stateAt('town', [SILENT], T0 + 5 * HOUR_MS)).get(SILENT.id)?.values).toEqual({
        levelCm: 43.5,
      });
    });

    it('keeps the quality of the newest value', async () => {
      const store = await openStore(setup.newLocation());
      await store.registerCity('town', SENSORS);
      store.append('town', GARAGE, obs(GARAGE.id, T0, { occupiedSpaces: 10 }, 'good'));
      store.append('town', GARAGE, obs(GARAGE.id, T0 + 60_000, { occupiedSpaces: 12 }, 'bad'));
      await store.flush();
      expect((await store.stateAt('town', [GARAGE], T0 + 30_000)).get(GARAGE.id)?.quality).toBe('good');
      expect((await store.stateAt('town', [GARAGE], T0 + 60_000)).get(GARAGE.id)?.quality).toBe('bad');
    });

    it('keeps the readings of two cities with the same sensor ids apart', async () => {
      const store = await openStore(setup.newLocation());
      await store.registerCity('north', [GARAGE]);
      await store.registerCity('south', [GARAGE]);
      store.append('north', GARAGE, obs(GARAGE.id, T0, { occupiedSpaces: 1 }));
      store.append('south', GARAGE, obs(GARAGE.id, T0, { occupiedSpaces: 2 }));
      expect(store.append('west', GARAGE, obs(GARAGE.id, T0, { occupiedSpaces: 3 }))).toBe(false);
      await store.flush();
      expect((await store.stateAt('north', [GARAGE], T0)).get(GARAGE.id)?.values).toEqual({
        occupiedSpaces: 1,
      });
      expect((await store.stateAt('south', [GARAGE], T0)).get(GARAGE.id)?.values).toEqual({
        occupiedSpaces: 2,
      });
      expect((await store.range('south')).earliestMs).toBe(T0);
    });

    it('folds a late reading into minute and hour aggregates already computed', async () => {
      const store = await openStore(setup.newLocation());
      await store.registerCity('town', SENSORS);
      for (let t = T0; t < T0 + 2 * HOUR_MS; t += 10_000)
        store.append('town', ROAD, obs(ROAD.id, t, { speedKmh: 50 }));
      await store.flush();
      const before = await store.series('town', ROAD, { fromMs: T0, toMs: T0 + HOUR_MS, stepMs: HOUR_MS });
      expect(before.quantities.speedKmh?.count).toEqual([360]);
      store.append('town', ROAD, obs(ROAD.id, T0 + 5_000, { speedKmh: 20 }));
      await store.flush();
      const minute = await store.series('town', ROAD, {
        fromMs: T0,
        toMs: T0 + MINUTE_MS,
        stepMs: MINUTE_MS,
      });
      expect(minute.quantities.speedKmh?.count).toEqual([7]);
      expect(minute.quantities.speedKmh?.min).toEqual([20]);
      const hour = await store.series('town', ROAD, { fromMs: T0, toMs: T0 + HOUR_MS, stepMs: HOUR_MS });
      expect(hour.quantities.speedKmh?.count).toEqual([361]);
      expect(hour.quantities.speedKmh?.mean[0]).toBeCloseTo((360 * 50 + 20) / 361, 9);
    });

    it('keeps its data across a restart', async () => {
      const location = setup.newLocation();
      const written = sampleReadings(4);
      const first = await filled(location, written);
      const countsBefore = await first.counts();
      const stateBefore = await first.stateAt('town', SENSORS, T0 + 3 * HOUR_MS);
      await first.close();
      open.splice(open.indexOf(first), 1);

      const second = await openStore(location);
      await second.registerCity('town', SENSORS);
      expect(await second.counts()).toEqual(countsBefore);
      expect(await second.stateAt('town', SENSORS, T0 + 3 * HOUR_MS)).toEqual(stateBefore);
      const hours = await second.series('town', STATION, {
        fromMs: T0,
        toMs: T0 + 6 * HOUR_MS,
        stepMs: HOUR_MS,
      });
      expect(hours.quantities.no2UgM3?.t).toHaveLength(6);
      // Writing goes on where it stopped.
      expect(second.append('town', GARAGE, obs(GARAGE.id, T0 + 6 * HOUR_MS, { occupiedSpaces: 7 }))).toBe(
        true,
      );
      await second.flush();
      expect((await second.stateAt('town', [GARAGE], T0 + 6 * HOUR_MS)).get(GARAGE.id)?.values).toEqual({
        occupiedSpaces: 7,
      });
    });

    it('deletes what the retention of each kind no longer keeps, and nothing else', async () => {
      nowMs = T0 + 40 * DAY_MS;
      const retention: RetentionPolicy = {
        default: { rawMs: 30 * DAY_MS, minuteMs: 60 * DAY_MS, hourMs: 400 * DAY_MS },
        byKind: { traffic: { rawMs: 2 * DAY_MS, minuteMs: 10 * DAY_MS, hourMs: 20 * DAY_MS } },
      };
      const store = await openStore(setup.newLocation(), retention);
      await store.registerCity('town', SENSORS);
      // One reading a day for 39 days, from garage (default retention) and road (traffic retention).
      const written: Written[] = [];
      for (let day = 1; day <= 39; day += 1) {
        for (const sensor of [GARAGE, ROAD]) {
          const t = T0 + day * DAY_MS + 7 * MINUTE_MS;
          const observation = obs(sensor.id, t, { [sensor.quantities[0] as string]: day });
          const kept = store.append('town', sensor, observation);
          // Readings already past their raw retention are refused at the door.
          const rawMs = sensor === ROAD ? 2 * DAY_MS : 30 * DAY_MS;
          expect(kept).toBe(t >= nowMs - rawMs);
          if (kept) written.push({ sensor, observation });
        }
      }
      await store.flush();
      const before = await store.counts();
      nowMs = T0 + 45 * DAY_MS;
      const report = await store.enforceRetention(nowMs);
      const after = await store.counts();
      expect(before.raw - after.raw).toBe(report.raw);
      expect(before.minute - after.minute).toBe(report.minute);
      expect(before.hour - after.hour).toBe(report.hour);

      const all = { fromMs: T0, toMs: nowMs, stepMs: 0 };
      const daysOf = async (sensor: HistorySensor, stepMs: number) =>
        (await store.series('town', sensor, { ...all, stepMs })).quantities[sensor.quantities[0] as string]
          ?.mean ?? [];
      const keptDays = (sensor: HistorySensor, spanMs: number) =>
        written
          .filter((w) => w.sensor === sensor && w.observation.observedAt >= nowMs - spanMs)
          .map((w) => w.observation.values[sensor.quantities[0] as string]);
      expect(await daysOf(GARAGE, 0)).toEqual(keptDays(GARAGE, 30 * DAY_MS));
      expect(await daysOf(ROAD, 0)).toEqual(keptDays(ROAD, 2 * DAY_MS));
      // Half-hour steps come from the minute table, hour steps from the hour table.
      expect(await daysOf(ROAD, 30 * MINUTE_MS)).toEqual(keptDays(ROAD, 10 * DAY_MS));
      expect(await daysOf(ROAD, HOUR_MS)).toEqual(keptDays(ROAD, 20 * DAY_MS));
      expect(await daysOf(GARAGE, HOUR_MS)).toEqual(keptDays(GARAGE, 400 * DAY_MS));
      expect((await daysOf(GARAGE, 0)).length).toBeGreaterThan(0);
      // A second pass finds nothing more.
      expect(await store.enforceRetention(nowMs)).toEqual({ raw: 0, minute: 0, hour: 0 });
    });

    it('refuses questions it cannot answer, naming what was wrong', async () => {
      const store = await filled(setup.newLocation(), sampleReadings(5));
      await expect(
        store.series('town', ROAD, { fromMs: T0, toMs: T0 + 30 * DAY_MS, stepMs: 1000 }),
      ).rejects.toThrow(HistoryQueryError);
      await expect(
        store.series('town', ROAD, { fromMs: T0, toMs: T0 + HOUR_MS, stepMs: 0, quantities: ['rainMm'] }),
      ).rejects.toThrow(/has no quantity of that name/);
      await expect(store.series('town', ROAD, { fromMs: T0, toMs: T0, stepMs: 0 })).rejects.toThrow(/empty/);
    });
  });
}
