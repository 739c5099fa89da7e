/**
 * Live updates reach the map once per animation frame. Diffs arrive on the socket whenever they
 * come (an operator's 10 a second, several subscriptions, a resync); the batcher only notes which
 * sensors changed, and the viewer calls {@link LiveFrames.flush} from Cesium's `preUpdate`, which
 * runs at the start of every animation frame whether or not the frame is rendered. Each layer then
 * updates its primitives once for everything that changed since the last frame, and asks for the one
 * frame that shows it. Nothing changed: nothing to do, and no frame is rendered.
 */
import type { I18nStore } from '../i18n/i18nStore.ts';
import type { ConnectionState, LiveStore } from '../live/liveStore.ts';
import type { SubscribeTick } from '../time/ticker.ts';

/**
 * What a layer does with a frame's changes: `all` when every sensor needs a look (a new snapshot,
 * the language, the connection or the clock's tick changed), otherwise the ids in `changed`.
 */
export type LiveRefresh = (all: boolean, changed: ReadonlySet<string>) => void;

/** What one flush did, for the performance probe. */
export interface FlushReport {
  /** Sensors that changed since the previous flush (0 when it was a refresh of all). */
  readonly changed: number;
  readonly all: boolean;
  /** Main-thread time of the layers' updates. */
  readonly ms: number;
}

export class LiveFrames {
  private readonly refreshers = new Set<LiveRefresh>();
  private changed = new Set<string>();
  private all = false;
  private connection: ConnectionState;
  private readonly stops: (() => void)[];

  constructor(
    live: LiveStore,
    i18n: I18nStore,
    subscribeTick: SubscribeTick,
    private readonly onFlush?: (report: FlushReport) => void,
  ) {
    this.connection = live.getSnapshot().connection;
    this.stops = [
      live.subscribeChanges((ids) => {
        if (ids === null) this.all = true;
        else if (!this.all) for (const id of ids) this.changed.add(id);
      }),
      live.subscribe(() => {
        const connection = live.getSnapshot().connection;
        if (connection !== this.connection) {
          this.connection = connection;
          this.all = true;
        }
      }),
      i18n.subscribe(() => {
        this.all = true;
      }),
      subscribeTick(() => {
        this.all = true;
      }),
    ];
  }

  /** Whether a flush now would do anything. */
  get pending(): boolean {
    return this.all || this.changed.size > 0;
  }

  /** Adds a layer's refresh; returns the function that removes it. */
  add(refresh: LiveRefresh): () => void {
    this.refreshers.add(refresh);
    return () => {
      this.refreshers.delete(refresh);
    };
  }

  /** Hands everything that changed since the last flush to every layer; does nothing when nothing did. */
  flush(): void {
    if (!this.pending) return;
    const started = performance.now();
    const { all, changed } = this;
    this.all = false;
    this.changed = new Set();
    for (const refresh of [...this.refreshers]) refresh(all, changed);
    this.onFlush?.({ changed: all ? 0 : changed.size, all, ms: performance.now() - started });
  }

  destroy(): void {
    for (const stop of this.stops) stop();
    this.refreshers.clear();
  }
}
