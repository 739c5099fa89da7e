import { describe, expect, it } from 'vitest';
import { parseObservation } from './parseObservation.ts';
import { ObservationSchema } from './schemas.ts';

const VALID = {
  sensorId: 'parking-elbenplatz',
  observedAt: 1_790_000_000_000,
  values: { freeSpaces: 118, occupiedSpaces: 282 },
};

/** Inputs near a valid observation: each changes one thing, into something valid or not. */
const VARIANTS: readonly unknown[] = [
  VALID,
  { ...VALID, quality: 'uncertain' },
  { ...VALID, quality: 'bad' },
  { ...VALID, quality: 'perfect' },
  { ...VALID, quality: null },
  { ...VALID, extra: 'dropped', nested: { a: 1 } },
  { ...VALID, sensorId: '' },
  { ...VALID, sensorId: 42 },
  { ...VALID, observedAt: -1 },
  { ...VALID, observedAt: -0 },
  { ...VALID, observedAt: 0 },
  { ...VALID, observedAt: 1.5 },
  { ...VALID, observedAt: 8.64e15 },
  { ...VALID, observedAt: 8.64e15 + 1 },
  { ...VALID, observedAt: Number.NaN },
  { ...VALID, observedAt: Number.POSITIVE_INFINITY },
  { ...VALID, observedAt: '1790000000000' },
  { ...VALID, values: {} },
  { ...VALID, values: null },
  { ...VALID, values: [1, 2] },
  { ...VALID, values: { freeSpaces: Number.NaN } },
  { ...VALID, values: { freeSpaces: Number.NEGATIVE_INFINITY } },
  { ...VALID, values: { freeSpaces: '7' } },
  { ...VALID, values: { FreeSpaces: 7 } },
  { ...VALID, values: { 'free-spaces': 7 } },
  { ...VALID, values: { '7up': 7 } },
  { ...VALID, values: { speedKmh: -3.25, no2UgM3: 1e-9, levelCm: 1e300 } },
  { ...VALID, values: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`q${i}`, i])) },
  { ...VALID, values: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`q${i}`, i])) },
  { ...VALID, values: Object.assign(Object.create(null) as object, { freeSpaces: 3 }) },
  { ...VALID, values: Object.assign(Object.create({ inherited: 1 }) as object, { freeSpaces: 3 }) },
  { ...VALID, values: { freeSpaces: 3, [Symbol('s')]: 4 } },
  Object.defineProperty({ ...VALID, values: { freeSpaces: 3 } }, 'quality', {
    value: 'bad',
    enumerable: false,
  }),
  JSON.parse('{"sensorId":"a","observedAt":1,"values":{"__proto__":5}}') as unknown,
  JSON.parse('{"sensorId":"a","observedAt":1,"values":{"x":1},"__proto__":{"quality":"bad"}}') as unknown,
  Object.assign(Object.create(null) as object, VALID),
  new (class Reading {
    sensorId = 'a';
    observedAt = 1;
    values = { x: 1 };
  })(),
  [VALID],
  null,
  undefined,
  'parking-elbenplatz',
  7,
];

describe('parseObservation', () => {
  it('gives the schema’s answer on valid, broken and odd inputs', () => {
    for (const input of VARIANTS) {
      const fast = parseObservation(input);
      const schema = ObservationSchema.safeParse(input);
      expect(fast.success, JSON.stringify(input)).toBe(schema.success);
      if (fast.success && schema.success) expect(fast.data).toStrictEqual(schema.data);
      else if (!fast.success && !schema.success) expect(fast.error.issues).toEqual(schema.error.issues);
    }
  });

  it('gives the schema’s answer on thousands of random mutations of valid readings', () => {
    // A small deterministic generator: the same inputs every run.
    let seed = 20211;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const oddValues = [
      0,
      -1,
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '1',
      null,
      true,
      {},
      [],
      8.64e15 + 2,
    ];
    const oddNames = ['freeSpaces', 'x', 'Bad', '_x', 'a-b', 'a1', '1a', '', 'speedKmh'];
    let accepted = 0;
    for (let n = 0; n < 5000; n++) {
      const values: Record<string, unknown> = {};
      const count = Math.floor(random() * 4);
      for (let v = 0; v < count; v++)
        values[pick(oddNames)] = random() < 0.7 ? random() * 1000 : pick(oddValues);
      const input: Record<string, unknown> = {
        sensorId: random() < 0.9 ? `s-${n}` : pick(oddValues),
        observedAt: random() < 0.8 ? Math.floor(random() * 2e12) : pick(oddValues),
        values: random() < 0.9 ? values : pick(oddValues),
      };
      if (random() < 0.3) input.quality = pick(['good', 'uncertain', 'bad', 'x', null]);
      if (random() < 0.2) input.extra = pick(oddValues);
      const fast = parseObservation(input);
      const schema = ObservationSchema.safeParse(input);
      expect(fast.success, JSON.stringify(input)).toBe(schema.success);
      if (fast.success && schema.success) {
        expect(fast.data).toStrictEqual(schema.data);
        accepted++;
      }
    }
    // Both kinds were exercised.
    expect(accepted).toBeGreaterThan(200);
    expect(accepted).toBeLessThan(4500);
  });

  it('meets a getter that throws as the schema does, without a throw of its own', () => {
    const hostile = {
      sensorId: 'a',
      observedAt: 1,
      get values(): never {
        throw new Error('boom');
      },
    };
    let schemaThrew = false;
    try {
      ObservationSchema.safeParse(hostile);
    } catch {
      schemaThrew = true;
    }
    if (schemaThrew) expect(() => parseObservation(hostile)).toThrow('boom');
    else expect(parseObservation(hostile).success).toBe(false);
  });
});
