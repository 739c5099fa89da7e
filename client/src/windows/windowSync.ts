/**
 * Several windows of one operator, in sync: the overview, detail windows and the city cockpit of a
 * town share the time they show (live, or a moment of the past, playing or not) and the sensor that
 * is selected, over a `BroadcastChannel` of the browser (same origin, same browser; no server
 * involved). A window that opens asks the others what they show and takes the first answer.
 *
 * Only changes a person made travel: a window that applies what another sent does not send it on
 * (the caller marks those with {@link WindowSync.applying}), and the clock's own steps while
 * playing are not sent (every window plays on by itself; a jump while playing is).
 */
import { z } from 'zod';
import type { TimeMode } from '../time/timeMode.ts';

/** The part of a `BroadcastChannel` this uses (tests pass a fake). */
export interface ChannelLike {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

const TimeSchema = z.object({
  atMs: z.number().nullable(),
  playing: z.boolean(),
  speed: z.number().positive(),
});

const MessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), from: z.string() }),
  z.object({
    type: z.literal('state'),
    from: z.string(),
    to: z.string(),
    time: TimeSchema,
    sensorId: z.string().nullable(),
  }),
  z.object({ type: z.literal('time'), from: z.string(), time: TimeSchema }),
  z.object({ type: z.literal('select'), from: z.string(), sensorId: z.string().nullable() }),
]);
type Message = z.infer<typeof MessageSchema>;
type WireTime = z.infer<typeof TimeSchema>;

const toWire = (mode: TimeMode): WireTime =>
  mode.kind === 'live'
    ? { atMs: null, playing: false, speed: 60 }
    : { atMs: mode.atMs, playing: mode.playing, speed: mode.speed };
const fromWire = (time: WireTime): TimeMode =>
  time.atMs === null
    ? { kind: 'live' }
    : { kind: 'past', atMs: time.atMs, playing: time.playing, speed: time.speed };

/**
 * Whether the step from `previous` to `next` is something a person did (and other windows should
 * follow), not the clock playing on: `elapsedMs` of local time passed between the two.
 */
export function isDeliberateChange(previous: TimeMode, next: TimeMode, elapsedMs: number): boolean {
  if (previous.kind !== next.kind) return true;
  if (previous.kind === 'live' || next.kind === 'live') return false;
  if (previous.playing !== next.playing || previous.speed !== next.speed) return true;
  if (!next.playing) return previous.atMs !== next.atMs;
  // Playing: the clock moved by elapsed × speed; anything well beyond that was a jump.
  const expected = previous.atMs + elapsedMs * next.speed;
  return Math.abs(next.atMs - expected) > Math.max(5_000, next.speed * 2_000);
}

export interface WindowSyncOptions {
  readonly channel: ChannelLike;
  /** This window's id (random per window). */
  readonly id: string;
  /** What this window shows now: answered to a window that opens. */
  readonly current: () => { readonly mode: TimeMode; readonly sensorId: string | null };
  /** Another window went to this time. */
  readonly onTime: (mode: TimeMode) => void;
  /** Another window selected this sensor (null: closed its panel). */
  readonly onSelect: (sensorId: string | null) => void;
  readonly logger?: Pick<Console, 'warn'>;
}

export class WindowSync {
  private readonly options: WindowSyncOptions;
  /** True while a change from another window is applied here (it must not be sent back). */
  private applyingDepth = 0;
  private joined = false;
  private closed = false;

  constructor(options: WindowSyncOptions) {
    this.options = options;
    options.channel.onmessage = (event) => this.receive(event.data);
  }

  /** Asks the windows already open what they show. */
  start(): void {
    this.post({ type: 'hello', from: this.options.id });
  }

  /** Whether a change now comes from another window. */
  get applying(): boolean {
    return this.applyingDepth > 0;
  }

  /** Tells the other windows this window's time changed (ignored while applying theirs). */
  sendTime(mode: TimeMode): void {
    if (this.applying) return;
    this.post({ type: 'time', from: this.options.id, time: toWire(mode) });
  }

  /** Tells the other windows the selection changed (ignored while applying theirs). */
  sendSelection(sensorId: string | null): void {
    if (this.applying) return;
    this.post({ type: 'select', from: this.options.id, sensorId });
  }

  close(): void {
    this.closed = true;
    this.options.channel.onmessage = null;
    this.options.channel.close();
  }

  private post(message: Message): void {
    if (!this.closed) this.options.channel.postMessage(message);
  }

  private receive(raw: unknown): void {
    const parsed = MessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.options.logger?.warn('[windows] ignored a malformed message from another window');
      return;
    }
    const message = parsed.data;
    if (message.from === this.options.id) return;
    switch (message.type) {
      case 'hello': {
        const { mode, sensorId } = this.options.current();
        this.post({ type: 'state', from: this.options.id, to: message.from, time: toWire(mode), sensorId });
        return;
      }
      case 'state':
        // The first window to answer sets this one up; later answers say the same.
        if (message.to !== this.options.id || this.joined) return;
        this.joined = true;
        this.apply(() => {
          this.options.onTime(fromWire(message.time));
          this.options.onSelect(message.sensorId);
        });
        return;
      case 'time':
        this.apply(() => this.options.onTime(fromWire(message.time)));
        return;
      case 'select':
        this.apply(() => this.options.onSelect(message.sensorId));
        return;
    }
  }

  private apply(change: () => void): void {
    this.applyingDepth += 1;
    try {
      change();
    } finally {
      this.applyingDepth -= 1;
    }
  }
}

/** The browser's channel of this name, as a {@link ChannelLike}. */
export function browserChannel(name: string): ChannelLike {
  const channel = new BroadcastChannel(name);
  let listener: ChannelLike['onmessage'] = null;
  channel.addEventListener('message', (event: MessageEvent) => listener?.({ data: event.data as unknown }));
  return {
    postMessage: (message) => channel.postMessage(message),
    get onmessage() {
      return listener;
    },
    set onmessage(next) {
      listener = next;
    },
    close: () => channel.close(),
  };
}

/** A random id for this window. */
export function newWindowId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `w${Math.random().toString(36).slice(2)}${Date.now()}`;
}
