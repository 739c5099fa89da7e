/**
 * `live:diff` as it travels: the compact form of a {@link Diff}.
 *
 * A diff of the whole town reaches every viewer ten times a second, so its size is what the server's
 * kernel, the network and the client's parser pay for most. The readable form spends about 150 bytes
 * on one sensor's state (its id twice, every key name, the freshness word); here one state is a row of
 * numbers, about 25 bytes:
 *
 *     [index, shape, ageMs, freshness, quality, ...values]
 *
 * - `index`: the sensor's position in the `states` of the subscription's snapshot (the order a
 *   subscription keeps for its whole life; a new subscription comes with a new snapshot).
 * - `shape`: the number under which `k` lists the names of the values, in order (numbers are the
 *   server's, stable while it runs); {@link NO_READING} for a sensor without a reading (its `ageMs`,
 *   `quality` and values mean nothing then; the row has the head only).
 * - `ageMs`: `t - observedAt`, a small integer where the epoch time is 13 digits.
 * - `freshness`, `quality`: positions in {@link FreshnessSchema} and {@link QualitySchema}.
 *
 * Device health, where the sensor has some, is in `h` under the row's index. The server encodes
 * (once per group of identical subscriptions, each sensor's row once per tick); the viewer decodes.
 */
import { z } from 'zod';
import type { Diff, Observation, SensorState } from './schemas.ts';
import {
  FreshnessSchema,
  MAX_VALUES_PER_OBSERVATION,
  QualitySchema,
  QuantityNameSchema,
  SensorHealthSchema,
} from './schemas.ts';

/** Each sensor's position in a subscription's snapshot (a `Map` is one). */
export interface SensorIndex {
  get(sensorId: string): number | undefined;
}

/** The `shape` of a row for a sensor without a reading. */
export const NO_READING = -1;
/** Cells in front of a row's values. */
const ROW_HEAD = 5;
/** Pieces of a diff's text before its first row, and per row (see `encodeAt`). */
const HEAD_PARTS = 9;
const ROW_PARTS = 2;

const FRESHNESS = FreshnessSchema.options;
const QUALITY = QualitySchema.options;

export const WireDiffSchema = z.object({
  /** `subscriptionId`. */
  id: z.string(),
  seq: z.number().int().positive(),
  /** `serverTimeMs`. */
  t: z.number().int().nonnegative(),
  /** Shapes by number: the quantity names of rows' values, for the shapes the rows use. */
  k: z.record(z.string().regex(/^\d+$/), z.array(QuantityNameSchema).min(1).max(MAX_VALUES_PER_OBSERVATION)),
  /** One row per upserted sensor. */
  u: z.array(z.array(z.number())),
  /** Device health by row index. */
  h: z.record(z.string().regex(/^\d+$/), SensorHealthSchema).optional(),
  /** Sensors that left the subscription, by id. */
  r: z.array(z.string()).optional(),
});
export type WireDiff = z.infer<typeof WireDiffSchema>;

/**
 * Writes diffs in their wire form as JSON text. One encoder serves a hub: a sensor's state goes to
 * every group whose view holds it, at every send of each, and its row but for the index and the age
 * is the same each time. So the rest of the row is written once per state object (states are
 * immutable: a change is a new object) and kept while the state is, and the age with it once per
 * tick (all diffs of a tick share their `t`); only the index is written per diff. Shape numbers are
 * the encoder's own, stable for its life; a diff lists the ones it uses in `k`.
 *
 * The text is built by one `join`, so it is a flat string: kept for connection-state recovery, it
 * costs its characters, not a tree of the pieces it was made of.
 */
export class DiffTextEncoder {
  /** Per state object, its row's parts; gone with the state. */
  private readonly rows = new WeakMap<SensorState, EncodedRow>();
  private readonly shapeOf = new Map<string, number>();
  /** `"<shape>":["name",...]` per shape number. */
  private readonly shapeEntries: string[] = [];
  /**
   * `,[<index>,` by index (and `[<index>,` for a diff's first row): the head of a row at that place
   * in a snapshot, the same for every group.
   */
  private readonly rowHeads: string[] = [];
  private readonly firstRowHeads: string[] = [];
  /** The last diff's `t` and its text: every diff of a tick has the same. */
  private textOfT: [number, string] = [-1, '-1'];

  /**
   * `indexOf` gives each sensor's position in the subscription's snapshot; a sensor not in it is a
   * bug of the caller and throws, naming it. Values are finite (the observation schema), so
   * `String(n)` writes them as JSON does.
   */
  encode(diff: Diff, indexOf: SensorIndex): string {
    const positions = new Array<number>(diff.upserts.length);
    for (let i = 0; i < diff.upserts.length; i++) {
      const sensorId = (diff.upserts[i] as SensorState).sensorId;
      const index = indexOf.get(sensorId);
      if (index === undefined)
        throw new Error(`sensor "${sensorId}" is not in subscription ${diff.subscriptionId}`);
      positions[i] = index;
    }
    return this.encodeAt(diff, positions);
  }

  /**
   * As {@link encode}, with each upsert's position in the snapshot given (`positions[i]` for
   * `diff.upserts[i]`): what the hub knows already when it builds a group's diff, so no lookup.
   */
  encodeAt(diff: Diff, positions: ArrayLike<number>): string {
    const t = diff.serverTimeMs;
    const upserts = diff.upserts;
    // The pieces go into one array of the right length, joined once: one flat string, and nothing
    // made per row but what changed (row tails once per tick; each index's `,[<index>,` is written
    // once for the encoder's life).
    const parts = new Array<string>(HEAD_PARTS + ROW_PARTS * upserts.length + 1);
    parts[0] = '{"id":';
    parts[1] = JSON.stringify(diff.subscriptionId);
    parts[2] = ',"seq":';
    parts[3] = String(diff.seq);
    parts[4] = ',"t":';
    if (t !== this.textOfT[0]) this.textOfT = [t, String(t)];
    parts[5] = this.textOfT[1];
    parts[6] = ',"k":{';
    parts[7] = '';
    parts[8] = '},"u":[';
    let used: number[] | undefined;
    let lastShape = NO_READING;
    let health: string[] | undefined;
    let at = HEAD_PARTS;
    const heads = this.rowHeads;
    for (let i = 0; i < upserts.length; i++) {
      const row = this.rowOf(upserts[i] as SensorState);
      const index = positions[i] as number;
      // The part after the index is the same in every diff of one tick: written once per tick.
      if (row.tailAt !== t) {
        row.tail = row.shape === NO_READING ? row.rest : `${row.shape},${t - row.observedAt}${row.rest}`;
        row.tailAt = t;
      }
      if (index >= heads.length) this.addRowHeads(index);
      parts[at++] = (i === 0 ? this.firstRowHeads[index] : heads[index]) as string;
      parts[at++] = row.tail;
      if (row.shape !== NO_READING && row.shape !== lastShape) {
        lastShape = row.shape;
        if (used === undefined) used = [row.shape];
        else if (!used.includes(row.shape)) used.push(row.shape);
      }
      if (row.health !== undefined) (health ??= []).push(`"${index}":${row.health}`);
    }
    if (used !== undefined) parts[7] = used.map((shape) => this.shapeEntries[shape]).join(',');
    let end = ']';
    if (health !== undefined) end += `,"h":{${health.join(',')}}`;
    if (diff.removed.length > 0) end += `,"r":${JSON.stringify(diff.removed)}`;
    parts[at] = `${end}}`;
    return parts.join('');
  }

  /** Row heads up to `index`. */
  private addRowHeads(index: number): void {
    for (let missing = this.rowHeads.length; missing <= index; missing++) {
      this.firstRowHeads.push(`[${missing},`);
      this.rowHeads.push(`,[${missing},`);
    }
  }

  private rowOf(state: SensorState): EncodedRow {
    const known = this.rows.get(state);
    if (known) return known;
    const freshness = FRESHNESS.indexOf(state.freshness);
    const observation = state.observation;
    let row: EncodedRow;
    if (observation === null) {
      row = {
        shape: NO_READING,
        observedAt: 0,
        rest: `${NO_READING},0,${freshness},0]`,
        tail: '',
        tailAt: -1,
      };
    } else {
      let key = '';
      let cells = '';
      // Quantity names are never integer-like, so this is their insertion order, as Object.keys gives.
      for (const name in observation.values) {
        key += `${name},`;
        cells += `,${String(observation.values[name])}`;
      }
      let shape = this.shapeOf.get(key);
      if (shape === undefined) {
        shape = this.shapeEntries.length;
        this.shapeOf.set(key, shape);
        this.shapeEntries.push(`"${shape}":${JSON.stringify(Object.keys(observation.values))}`);
      }
      const quality = QUALITY.indexOf(observation.quality);
      row = {
        shape,
        observedAt: observation.observedAt,
        rest: `,${freshness},${quality}${cells}]`,
        tail: '',
        tailAt: -1,
      };
    }
    if (state.health !== undefined) row.health = JSON.stringify(state.health);
    this.rows.set(state, row);
    return row;
  }
}

/**
 * A sensor state's row in parts: `[index,` + `shape,` + age + `rest` (for a state without a reading,
 * `[index,` + `rest`), and its health as JSON.
 */
interface EncodedRow {
  readonly shape: number;
  readonly observedAt: number;
  readonly rest: string;
  /** All of the row after `[index,` for the diffs made at `tailAt` (their `t`). */
  tail: string;
  tailAt: number;
  health?: string;
}

/** The wire form of one diff as JSON text (a fresh {@link DiffTextEncoder}: shapes numbered from 0). */
export function encodeDiffText(diff: Diff, indexOf: SensorIndex): string {
  return new DiffTextEncoder().encode(diff, indexOf);
}

/** The wire form of `diff` as an object: what a viewer gets from the text. */
export function encodeDiff(diff: Diff, indexOf: SensorIndex): WireDiff {
  return JSON.parse(encodeDiffText(diff, indexOf)) as WireDiff;
}

export type DecodedDiff = { ok: true; diff: Diff } | { ok: false; reason: string };

const cellIs = (value: number | undefined, min: number, max: number): value is number =>
  value !== undefined && Number.isInteger(value) && value >= min && value <= max;

/**
 * The readable form of `wire`, given the sensor ids of the subscription's snapshot in order. A row
 * that does not fit (an index beyond the snapshot, an unknown shape, a value missing) makes the whole
 * diff unusable, with the reason: applying part of it would leave the state wrong without a gap to tell.
 */
export function decodeDiff(wire: WireDiff, order: readonly string[]): DecodedDiff {
  const upserts: SensorState[] = [];
  for (let r = 0; r < wire.u.length; r++) {
    const row = wire.u[r] as number[];
    const [index, shape, age, freshness, quality] = row;
    const where = `row ${r}`;
    if (!cellIs(index, 0, order.length - 1))
      return {
        ok: false,
        reason: `${where}: index ${String(index)} is not in the snapshot of ${order.length} sensors`,
      };
    const names = shape === NO_READING ? undefined : wire.k[String(shape)];
    if (!Number.isInteger(shape) || (shape !== NO_READING && names === undefined))
      return { ok: false, reason: `${where}: shape ${String(shape)} is not in k` };
    if (!cellIs(freshness, 0, FRESHNESS.length - 1))
      return {
        ok: false,
        reason: `${where}: freshness ${String(freshness)} is not 0-${FRESHNESS.length - 1}`,
      };
    const sensorId = order[index] as string;
    const healthOf = wire.h?.[String(index)];
    let observation: Observation | null = null;
    if (names !== undefined) {
      if (row.length !== ROW_HEAD + names.length)
        return {
          ok: false,
          reason: `${where}: ${row.length - ROW_HEAD} values for the ${names.length} of shape ${shape}`,
        };
      if (!cellIs(quality, 0, QUALITY.length - 1))
        return { ok: false, reason: `${where}: quality ${String(quality)} is not 0-${QUALITY.length - 1}` };
      const observedAt = wire.t - (age as number);
      if (!Number.isInteger(observedAt) || observedAt < 0)
        return { ok: false, reason: `${where}: age ${String(age)} gives no valid time` };
      const values: Record<string, number> = {};
      for (let i = 0; i < names.length; i++) values[names[i] as string] = row[ROW_HEAD + i] as number;
      observation = { sensorId, observedAt, values, quality: QUALITY[quality] as Observation['quality'] };
    }
    const state: SensorState = {
      sensorId,
      observation,
      freshness: FRESHNESS[freshness] as SensorState['freshness'],
    };
    if (healthOf !== undefined) state.health = healthOf;
    upserts.push(state);
  }
  return {
    ok: true,
    diff: { subscriptionId: wire.id, seq: wire.seq, serverTimeMs: wire.t, upserts, removed: wire.r ?? [] },
  };
}
