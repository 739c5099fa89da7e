/**
 * The sensor states of one live state, as a read-only map that a diff copies cheaply: the ids and
 * their places are shared by every state of a subscription (they come from its snapshot), only the
 * array of states is copied. Copying a `Map` of 100,000 states took milliseconds per diff; copying
 * the array takes about a tenth of one, and the states stay immutable, so `applyDiff` stays pure.
 */
import type { SensorState } from '../../../protocol/index.ts';

export class SensorStates implements ReadonlyMap<string, SensorState> {
  private constructor(
    /** The place of every id the subscription has had; shared between states. */
    private readonly placeOf: ReadonlyMap<string, number>,
    /** The state at each place; undefined where a sensor was removed. */
    private readonly states: readonly (SensorState | undefined)[],
    /** How many places hold a state. */
    readonly size: number,
  ) {}

  /** The states of a snapshot, in its order (a later duplicate of an id replaces the earlier one). */
  static of(states: readonly SensorState[]): SensorStates {
    const placeOf = new Map<string, number>();
    const values: SensorState[] = [];
    for (const state of states) {
      const place = placeOf.get(state.sensorId);
      if (place === undefined) {
        placeOf.set(state.sensorId, values.length);
        values.push(state);
      } else values[place] = state;
    }
    return new SensorStates(placeOf, values, values.length);
  }

  /**
   * A new table with `upserts` set and `removed` taken out; this one is left as it is. The id of
   * every upsert, and of every removal that removed something, is pushed to `changedIds`.
   */
  with(upserts: readonly SensorState[], removed: readonly string[], changedIds: string[]): SensorStates {
    const states = this.states.slice();
    let placeOf = this.placeOf;
    let size = this.size;
    for (const upsert of upserts) {
      let place = placeOf.get(upsert.sensorId);
      if (place === undefined) {
        // A sensor the snapshot did not have: the shared index is copied once for this state.
        if (placeOf === this.placeOf) placeOf = new Map(placeOf);
        place = states.length;
        (placeOf as Map<string, number>).set(upsert.sensorId, place);
      }
      if (states[place] === undefined) size++;
      states[place] = upsert;
      changedIds.push(upsert.sensorId);
    }
    for (const id of removed) {
      const place = placeOf.get(id);
      if (place === undefined || states[place] === undefined) continue;
      states[place] = undefined;
      size--;
      changedIds.push(id);
    }
    return new SensorStates(placeOf, states, size);
  }

  get(id: string): SensorState | undefined {
    const place = this.placeOf.get(id);
    return place === undefined ? undefined : this.states[place];
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  forEach(callback: (value: SensorState, key: string, map: ReadonlyMap<string, SensorState>) => void): void {
    for (const [id, state] of this.entries()) callback(state, id, this);
  }

  *entries(): MapIterator<[string, SensorState]> {
    for (const state of this.states) if (state) yield [state.sensorId, state];
  }

  *keys(): MapIterator<string> {
    for (const state of this.states) if (state) yield state.sensorId;
  }

  *values(): MapIterator<SensorState> {
    for (const state of this.states) if (state) yield state;
  }

  [Symbol.iterator](): MapIterator<[string, SensorState]> {
    return this.entries();
  }
}
