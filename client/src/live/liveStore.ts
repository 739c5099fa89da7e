/**
 * The viewer's live state: the pure `applyDiff` that advances it, and `LiveStore`, the observable
 * holder that React (`useSyncExternalStore`) and the Cesium bindings read. No socket in here; the
 * `LiveClient` feeds it parsed payloads.
 */
import type { Diff, Hello, Snapshot, StateAt, WireDiff } from '../../../protocol/index.ts';
import { decodeDiff } from '../../../protocol/index.ts';
import { anchorClock, serverNowMs, type ServerClockAnchor } from '../time/serverClock.ts';
import { SensorStates } from './sensorStates.ts';

/** The subscription id of a state shown from the history: no live diff ever belongs to it. */
export const PAST_SUBSCRIPTION = 'history';

/** The state of one subscription: its sensors at the message with sequence number `seq`. */
export interface LiveState {
  readonly subscriptionId: string;
  readonly seq: number;
  readonly serverTimeMs: number;
  readonly sensors: SensorStates;
  /** The sensor ids of the subscription's snapshot in order: a wire diff names sensors by position. */
  readonly order: readonly string[];
}

/** What applying a diff led to. */
export type DiffOutcome =
  | {
      readonly kind: 'applied';
      readonly state: LiveState;
      /** Sensors upserted or removed by this diff. */
      readonly changedIds: readonly string[];
    }
  /** The diff does not follow `state.seq`: messages were lost, ask for a new snapshot. */
  | { readonly kind: 'gap'; readonly expectedSeq: number; readonly receivedSeq: number }
  /** The diff belongs to a replaced subscription or repeats an applied one: drop it. */
  | { readonly kind: 'ignored'; readonly reason: 'other-subscription' | 'already-applied' }
  /** The wire diff does not fit the subscription's snapshot: not applied, ask for a new snapshot. */
  | { readonly kind: 'malformed'; readonly reason: string };

/** The state a snapshot describes. */
export function stateFromSnapshot(snapshot: Snapshot): LiveState {
  return {
    subscriptionId: snapshot.subscriptionId,
    seq: snapshot.seq,
    serverTimeMs: snapshot.serverTimeMs,
    sensors: SensorStates.of(snapshot.states),
    order: snapshot.states.map((s) => s.sensorId),
  };
}

/**
 * Applies `diff` to `state` without touching either: returns a new state when `diff.seq` is exactly
 * `state.seq + 1`, a gap when later messages arrive before it, and `ignored` for diffs of another
 * subscription or ones already applied. Unchanged sensors keep their object identity, so bindings can
 * find what changed by reference.
 */
export function applyDiff(state: LiveState, diff: Diff): DiffOutcome {
  if (diff.subscriptionId !== state.subscriptionId) return { kind: 'ignored', reason: 'other-subscription' };
  if (diff.seq <= state.seq) return { kind: 'ignored', reason: 'already-applied' };
  if (diff.seq !== state.seq + 1) return { kind: 'gap', expectedSeq: state.seq + 1, receivedSeq: diff.seq };

  const changedIds: string[] = [];
  const sensors = state.sensors.with(diff.upserts, diff.removed, changedIds);
  return {
    kind: 'applied',
    state: {
      subscriptionId: state.subscriptionId,
      seq: diff.seq,
      serverTimeMs: diff.serverTimeMs,
      sensors,
      order: state.order,
    },
    changedIds,
  };
}

/**
 * {@link applyDiff} for a diff as it arrives (`live:diff`, the compact form of `wireDiff.ts`): checks
 * subscription and sequence first, then reads its rows against the snapshot's order.
 */
export function applyWireDiff(state: LiveState, wire: WireDiff): DiffOutcome {
  if (wire.id !== state.subscriptionId) return { kind: 'ignored', reason: 'other-subscription' };
  if (wire.seq <= state.seq) return { kind: 'ignored', reason: 'already-applied' };
  if (wire.seq !== state.seq + 1) return { kind: 'gap', expectedSeq: state.seq + 1, receivedSeq: wire.seq };
  const decoded = decodeDiff(wire, state.order);
  if (!decoded.ok) return { kind: 'malformed', reason: decoded.reason };
  return applyDiff(state, decoded.diff);
}

/** Connection as the badge shows it. */
/** `none`: the pack has no live layers, so the viewer does not connect at all (a static model). */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'none';

/** Why the viewer stopped trying: a version mismatch or another refusal, with the server's sentence. */
export interface ConnectionProblem {
  readonly kind: 'version-mismatch' | 'refused';
  readonly message: string;
}

/** Everything the UI and the bindings read from the store; replaced as a whole on every change. */
export interface LiveSnapshot {
  readonly connection: ConnectionState;
  readonly problem: ConnectionProblem | null;
  readonly hello: Hello | null;
  /** Null until the first snapshot arrives. */
  readonly state: LiveState | null;
  /** Null until the first server time arrives. */
  readonly clock: ServerClockAnchor | null;
}

const INITIAL: LiveSnapshot = {
  connection: 'connecting',
  problem: null,
  hello: null,
  state: null,
  clock: null,
};

/**
 * Observable holder of the {@link LiveSnapshot}. Listeners run synchronously after each change (React
 * reads the snapshot); the map's layers instead take the changed sensor ids (`subscribeChanges`) once
 * per animation frame through `LiveFrames`.
 */
export class LiveStore {
  private snapshot: LiveSnapshot = INITIAL;
  private readonly listeners = new Set<() => void>();
  private readonly changeListeners = new Set<(changedIds: readonly string[] | null) => void>();

  /** The current snapshot; the same object until something changes (for `useSyncExternalStore`). */
  readonly getSnapshot = (): LiveSnapshot => this.snapshot;

  /** Registers `listener`; returns the unsubscribe function. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /**
   * Registers `listener` for changes of the sensor states: called after the store's listeners with
   * the ids a diff changed, or null when the whole state was replaced or cleared. Returns the
   * unsubscribe function.
   */
  subscribeChanges(listener: (changedIds: readonly string[] | null) => void): () => void {
    this.changeListeners.add(listener);
    return () => {
      this.changeListeners.delete(listener);
    };
  }

  /** Sets the connection state and, when given, the reason the connection was refused. */
  setConnection(
    connection: ConnectionState,
    problem: ConnectionProblem | null = this.snapshot.problem,
  ): void {
    if (connection === this.snapshot.connection && problem === this.snapshot.problem) return;
    this.update({ connection, problem });
  }

  /** Records the server's hello; its `timeScale` drives the age estimate from now on. */
  setHello(hello: Hello, localTimeMs: number): void {
    this.update({ hello, clock: anchorClock(hello.serverTimeMs, localTimeMs, hello.timeScale) });
  }

  /** Replaces the state with a snapshot (after subscribing or a resync). */
  replaceState(snapshot: Snapshot, localTimeMs: number): void {
    this.update({
      state: stateFromSnapshot(snapshot),
      clock: anchorClock(snapshot.serverTimeMs, localTimeMs, this.timeScale()),
    });
    this.statesChanged(null);
  }

  /**
   * Replaces the state with the town as it was at `state.atMs` (the timeline). The clock then stands
   * at that time and, while playing, moves on at `speed` (0 when paused), so ages are those of then.
   * Live diffs that still arrive belong to another subscription and are ignored.
   */
  showPast(state: StateAt, localTimeMs: number, speed: number): void {
    this.update({
      state: stateFromSnapshot({
        subscriptionId: PAST_SUBSCRIPTION,
        seq: 0,
        serverTimeMs: state.atMs,
        states: state.states,
      }),
      clock: anchorClock(state.atMs, localTimeMs, speed),
    });
    this.statesChanged(null);
  }

  /**
   * Applies a `live:diff` when it follows the current state; the outcome tells the caller about gaps
   * and diffs that do not fit.
   */
  applyDiff(diff: WireDiff, localTimeMs: number): DiffOutcome | { kind: 'ignored'; reason: 'no-state' } {
    const current = this.snapshot.state;
    if (!current) return { kind: 'ignored', reason: 'no-state' };
    const outcome = applyWireDiff(current, diff);
    if (outcome.kind === 'applied') {
      this.update({
        state: outcome.state,
        clock: anchorClock(diff.t, localTimeMs, this.timeScale()),
      });
      this.statesChanged(outcome.changedIds);
    }
    return outcome;
  }

  /** Forgets the subscription's state (on unsubscribe); the last clock anchor is kept for ages. */
  clearState(): void {
    if (!this.snapshot.state) return;
    this.update({ state: null });
    this.statesChanged(null);
  }

  /** Estimated server time at local time `localTimeMs`, or null before the first server time. */
  nowServerMs(localTimeMs: number): number | null {
    const clock = this.snapshot.clock;
    return clock ? serverNowMs(clock, localTimeMs) : null;
  }

  private timeScale(): number {
    return this.snapshot.hello?.timeScale ?? 1;
  }

  private statesChanged(changedIds: readonly string[] | null): void {
    for (const listener of [...this.changeListeners]) listener(changedIds);
  }

  private update(patch: Partial<LiveSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of [...this.listeners]) listener();
  }
}
