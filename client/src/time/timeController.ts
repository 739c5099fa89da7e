/**
 * Drives the viewer's one clock. Live by default: the live client's subscription feeds the store.
 * In the past, the live subscription is left, the town's state at the chosen time is asked of the
 * history (`history:state`) and shown through the same store, so every live layer, label and panel
 * shows that time without knowing it; playing moves the time on at the chosen speed and asks for the
 * state again as soon as the previous answer arrived (the latest time wins). "Live" subscribes again.
 */
import { z } from 'zod';
import type { HistoryRange, SensorKind, StateAt } from '../../../protocol/index.ts';
import { ErrorPayloadSchema, StateAtSchema } from '../../../protocol/index.ts';
import type { HistoryEvent } from '../live/LiveClient.ts';
import type { LiveStore } from '../live/liveStore.ts';
import { serverNowMs, type ServerClockAnchor } from './serverClock.ts';
import { advance, clampTime, LIVE, nearestSpeed, type TimeMode } from './timeMode.ts';

/** What the controller needs of the live client. */
export interface TimeSource {
  pause(): void;
  resume(): void;
  request(event: HistoryEvent, payload: unknown): Promise<unknown>;
}

/** Everything the timeline shows; replaced as a whole on every change. */
export interface TimeView {
  readonly mode: TimeMode;
  /** Whether the server keeps a history: null until it answered. */
  readonly available: boolean | null;
  /** The earliest time the timeline can go back to, and the present, in server time. */
  readonly minMs: number | null;
  readonly maxMs: number | null;
  /** A state is being fetched. */
  readonly loading: boolean;
  /** Why the last state could not be fetched. */
  readonly error: string | null;
}

export interface TimeControllerOptions {
  readonly store: LiveStore;
  readonly source: TimeSource;
  readonly kinds: readonly SensorKind[];
  /** Monotonic local clock in ms; `performance.now` by default. */
  readonly now?: (() => number) | undefined;
  /** How often a playing timeline moves on, ms. */
  readonly frameMs?: number | undefined;
  readonly logger?: Pick<Console, 'warn'> | undefined;
}

/** The longest wait before a refused request is asked again. */
const MAX_RETRY_MS = 5000;
/** After a request that got no answer, the wait before the moment is asked again. */
const RETRY_AFTER_FAILURE_MS = 2000;

const AckStateSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: StateAtSchema }),
  z.object({ ok: z.literal(false), error: ErrorPayloadSchema }),
]);

/** The range answer, checked loosely (only what the timeline reads). */
const RangeSchema = z.object({
  earliestMs: z.number().nullable(),
  latestMs: z.number().nullable(),
  nowMs: z.number(),
  retention: z.record(z.string(), z.object({ rawMs: z.number() })),
});
const AckRangeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: RangeSchema }),
  z.object({ ok: z.literal(false), error: ErrorPayloadSchema }),
]);

export class TimeController {
  private view: TimeView = {
    mode: LIVE,
    available: null,
    minMs: null,
    maxMs: null,
    loading: false,
    error: null,
  };
  private readonly listeners = new Set<() => void>();
  private readonly options: TimeControllerOptions;
  private readonly now: () => number;
  /** The server clock as it runs live (the store's clock stands still in a paused past). */
  private liveAnchor: ServerClockAnchor | null = null;
  private earliestMs: number | null = null;
  private maxRetentionMs = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastFrameLocal = 0;
  /** Bumped when the mode changes in a way that makes answers in flight useless. */
  private generation = 0;
  private inFlight = false;
  /** The time wanted while a request was in flight. */
  private pendingAtMs: number | null = null;
  private disposed = false;

  constructor(options: TimeControllerOptions) {
    this.options = options;
    this.now = options.now ?? (() => performance.now());
  }

  readonly getView = (): TimeView => this.view;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** The present in server time, as the live clock runs. */
  presentMs(): number | null {
    const local = this.now();
    if (this.view.mode.kind === 'live') {
      const anchor = this.options.store.getSnapshot().clock;
      if (anchor) this.liveAnchor = anchor;
    }
    return this.liveAnchor ? serverNowMs(this.liveAnchor, local) : null;
  }

  /** Asks what the history holds; the timeline's bounds follow. */
  async refreshRange(): Promise<void> {
    let raw: unknown;
    try {
      raw = await this.options.source.request('history:range', undefined);
    } catch {
      return; // no connection yet: asked again later
    }
    if (this.disposed) return;
    const parsed = AckRangeSchema.safeParse(raw);
    if (!parsed.success) {
      this.options.logger?.warn('[time] dropped a malformed history:range answer');
      return;
    }
    if (!parsed.data.ok) {
      this.patch({ available: false });
      return;
    }
    const range: Pick<HistoryRange, 'earliestMs' | 'nowMs'> & {
      retention: Record<string, { rawMs: number }>;
    } = parsed.data.data;
    this.earliestMs = range.earliestMs;
    this.maxRetentionMs = Math.max(0, ...Object.values(range.retention).map((r) => r.rawMs));
    if (!this.liveAnchor || this.view.mode.kind !== 'live') {
      const speedNow = this.options.store.getSnapshot().hello?.timeScale ?? 1;
      this.liveAnchor = { serverTimeMs: range.nowMs, localTimeMs: this.now(), timeScale: speedNow };
    }
    this.patch({ available: true, ...this.bounds() });
  }

  private bounds(): { minMs: number | null; maxMs: number | null } {
    const present = this.presentMs();
    if (present === null) return { minMs: null, maxMs: null };
    const oldestKept = present - this.maxRetentionMs;
    const minMs = this.earliestMs === null ? present : Math.max(this.earliestMs, oldestKept);
    return { minMs: Math.min(minMs, present), maxMs: present };
  }

  /** Shows the town at `atMs` (kept within what the history holds); paused unless already playing. */
  goTo(atMs: number): void {
    if (this.disposed || this.view.available === false) return;
    const bounds = this.bounds();
    const present = bounds.maxMs;
    if (present !== null && atMs >= present && this.view.mode.kind === 'past' && !this.view.mode.playing) {
      this.goLive();
      return;
    }
    const at = bounds.minMs !== null && present !== null ? clampTime(atMs, bounds.minMs, present) : atMs;
    const previous = this.view.mode;
    if (previous.kind === 'live') {
      this.presentMs(); // keep the live clock before the store's stops
      this.options.source.pause();
    }
    const mode: TimeMode =
      previous.kind === 'past'
        ? { ...previous, atMs: at }
        : { kind: 'past', atMs: at, playing: false, speed: 60 };
    this.patch({ mode, ...bounds });
    this.fetch(at);
  }

  /** Moves the shown time by `deltaMs` (from now when live). */
  step(deltaMs: number): void {
    const mode = this.view.mode;
    const from = mode.kind === 'past' ? mode.atMs : this.presentMs();
    if (from === null) return;
    this.goTo(from + deltaMs);
  }

  play(): void {
    const mode = this.view.mode;
    if (mode.kind !== 'past' || mode.playing) return;
    this.setMode({ ...mode, playing: true });
    this.lastFrameLocal = this.now();
    this.timer ??= setInterval(() => this.frame(), this.options.frameMs ?? 250);
    this.fetch(mode.atMs);
  }

  pause(): void {
    const mode = this.view.mode;
    if (mode.kind !== 'past' || !mode.playing) return;
    this.stopTimer();
    this.setMode({ ...mode, playing: false });
    this.fetch(mode.atMs);
  }

  setSpeed(speed: number): void {
    const mode = this.view.mode;
    if (mode.kind !== 'past') return;
    this.setMode({ ...mode, speed: nearestSpeed(speed) });
    if (mode.playing) this.fetch(mode.atMs);
  }

  /**
   * Shows what another window (or a wall push) shows: live, or a time of the past, playing or
   * paused, at its speed.
   */
  follow(mode: TimeMode): void {
    if (mode.kind === 'live') {
      this.goLive();
      return;
    }
    const before = this.view.mode;
    if (before.kind === 'past' && before.playing && !mode.playing) this.pause();
    this.goTo(mode.atMs);
    const now = this.view.mode;
    if (now.kind !== 'past') return;
    if (now.speed !== mode.speed) this.setSpeed(mode.speed);
    if (mode.playing && !now.playing) this.play();
  }

  /** Back to live: subscribes again, and the answer brings every value to now. */
  goLive(): void {
    if (this.view.mode.kind === 'live') return;
    this.stopTimer();
    this.generation += 1;
    this.inFlight = false;
    this.pendingAtMs = null;
    this.patch({ mode: LIVE, loading: false, error: null });
    this.options.source.resume();
  }

  dispose(): void {
    this.disposed = true;
    this.stopTimer();
    this.listeners.clear();
  }

  private frame(): void {
    const local = this.now();
    const elapsed = local - this.lastFrameLocal;
    this.lastFrameLocal = local;
    const present = this.presentMs();
    const mode = this.view.mode;
    if (mode.kind !== 'past' || present === null) return;
    const next = advance(mode, elapsed, present);
    if (next.kind === 'live') {
      this.goLive();
      return;
    }
    this.patch({ mode: next, ...this.bounds() });
    this.fetch(next.atMs);
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private setMode(mode: TimeMode): void {
    this.patch({ mode });
  }

  /** Asks for the state at `atMs`; while an answer is awaited only the latest wish is kept. */
  private fetch(atMs: number): void {
    if (this.inFlight) {
      this.pendingAtMs = atMs;
      return;
    }
    this.inFlight = true;
    this.patch({ loading: true });
    const generation = this.generation;
    const askedAtLocal = this.now();
    let retryAfter: number | undefined;
    this.options.source
      .request('history:state', { atMs: Math.round(atMs), kinds: [...this.options.kinds] })
      .then(
        (raw) => {
          if (generation !== this.generation || this.disposed) return;
          const parsed = AckStateSchema.safeParse(raw);
          if (!parsed.success) {
            this.patch({ error: 'malformed answer' });
          } else if (!parsed.data.ok) {
            const { code, message, retryAfterMs } = parsed.data.error;
            // The server is answering many requests (or this window sent many): the same moment is
            // asked again once it says a try can succeed, unless a newer wish comes first.
            if ((code === 'rate-limited' || code === 'busy') && retryAfterMs !== undefined) {
              this.pendingAtMs ??= atMs;
              retryAfter = Math.min(retryAfterMs, MAX_RETRY_MS);
            } else this.patch({ error: message });
          } else {
            const mode = this.view.mode;
            const speed = mode.kind === 'past' && mode.playing ? mode.speed : 0;
            const state: StateAt = parsed.data.data;
            this.options.store.showPast(state, askedAtLocal, speed);
            this.patch({ error: null });
          }
        },
        (error: unknown) => {
          if (generation !== this.generation || this.disposed) return;
          // No answer (none in time, or the connection dropped): said, and the same moment is asked
          // again soon, so a wall screen left alone does not stay empty; a newer wish comes first.
          this.patch({ error: error instanceof Error ? error.message : String(error) });
          this.pendingAtMs ??= atMs;
          retryAfter = RETRY_AFTER_FAILURE_MS;
        },
      )
      .finally(() => {
        if (generation !== this.generation || this.disposed) return;
        const next = () => {
          if (generation !== this.generation || this.disposed) return;
          this.inFlight = false;
          const pending = this.pendingAtMs;
          this.pendingAtMs = null;
          if (pending !== null && this.view.mode.kind === 'past') this.fetch(pending);
          else this.patch({ loading: false });
        };
        if (retryAfter === undefined) next();
        else setTimeout(next, retryAfter);
      });
  }

  private patch(patch: Partial<TimeView>): void {
    this.view = { ...this.view, ...patch };
    for (const listener of [...this.listeners]) listener();
  }
}
