/**
 * `LiveClient` owns the one Socket.io connection of the viewer (the only module importing
 * `socket.io-client`). It subscribes, keeps the {@link LiveStore} in step with snapshots and diffs,
 * asks for a resync after a gap in the sequence, and reports the connection state for the badge.
 */
import { io, type Socket } from 'socket.io-client';
import {
  CLIENT_EVENTS,
  PROTOCOL_VERSION,
  versionMismatchMessage,
  type BBox,
  type ClientClass,
  type ClientToServerEvents,
  type HandshakeAuth,
  type SensorKind,
  type ServerToClientEvents,
  type Snapshot,
  type SubscribeRequest,
} from '../../../protocol/index.ts';
import type { LiveStore } from './liveStore.ts';
import { sameBBox } from './viewport.ts';
import { isVersionMismatch, parseAckSnapshot, parseDiff, parseHello, parseSnapshot } from './payloads.ts';

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Where the client writes what it drops or retries; `console` in the browser. */
export type LiveLogger = Pick<Console, 'warn' | 'error'>;

/** Options for {@link LiveClient}. */
export interface LiveClientOptions {
  store: LiveStore;
  /** The city whose live data to receive; the server's default city when left out. */
  cityId?: string | undefined;
  /** The sensor kinds to subscribe to. */
  kinds: readonly SensorKind[];
  /** The rate class to ask for (the server caps it by role); the fastest the role allows when left out. */
  clientClass?: ClientClass | undefined;
  /** Optional view rectangle `[west, south, east, north]` in degrees; `setViewport` changes it. */
  bbox?: BBox | undefined;
  /** Kinds wanted in the whole town whatever the view (the garage list needs every garage). */
  everywhere?: readonly SensorKind[] | undefined;
  /** Server URL; the page's own origin when left out (the production setup and the Vite proxy). */
  url?: string | undefined;
  /** How long to wait for a subscribe or resync answer. */
  ackTimeoutMs?: number | undefined;
  /** After this many failed reconnect attempts the badge says "offline" (retries go on). */
  offlineAfterAttempts?: number | undefined;
  /** Delay before trying again after the server refused the handshake for a reason other than the version. */
  refusedRetryMs?: number | undefined;
  /** First and longest delay between reconnect attempts. */
  reconnectionDelayMs?: number | undefined;
  reconnectionDelayMaxMs?: number | undefined;
  /** Monotonic local clock in ms; `performance.now` by default. */
  now?: (() => number) | undefined;
  logger?: LiveLogger | undefined;
  /** Called after each applied diff with the time the store and its listeners took, in ms. */
  onDiffApplied?: ((durationMs: number) => void) | undefined;
  /** Connect without subscribing (the viewer opens at a time in the past); `resume` subscribes. */
  startPaused?: boolean | undefined;
  /** A staff member's access key: the server gives the socket that role (alarms, internal sensors). */
  accessKey?: string | undefined;
  /** Each `alarm:changed` as it arrives (staff sockets only), unparsed. */
  onAlarmChanged?: ((raw: unknown) => void) | undefined;
  /** Each `incident:changed` as it arrives, unparsed. */
  onIncidentChanged?: ((raw: unknown) => void) | undefined;
  /** Each `alarm:rules` (the rules after an operator changed one; staff sockets), unparsed. */
  onAlarmRules?: ((raw: unknown) => void) | undefined;
  /** Each `wall:view` (a view pushed to the wall this window is a screen of), unparsed. */
  onWallView?: ((raw: unknown) => void) | undefined;
  /** After each (re)connection; `recovered` when Socket.io replayed what was missed. */
  onConnected?: ((recovered: boolean) => void) | undefined;
}

/** Requests a client may send with an acknowledgement, besides the live subscription. */
export type HistoryEvent =
  | 'history:series'
  | 'history:state'
  | 'history:profile'
  | 'history:range'
  | 'alarm:list'
  | 'alarm:ack'
  | 'alarm:rule'
  | 'ops:health'
  | 'incident:list'
  | 'incident:save'
  | 'incident:remove'
  | 'wall:join'
  | 'wall:push'
  | 'wall:list'
  | 'scenario:list'
  | 'scenario:get'
  | 'scenario:save'
  | 'scenario:comment'
  | 'scenario:comments'
  | 'scenario:moderate';

/** Requests without a payload (their only argument is the acknowledgement), as the protocol declares them. */
const BARE_REQUESTS: ReadonlySet<string> = new Set(
  Object.entries(CLIENT_EVENTS).flatMap(([event, spec]) => (spec.payload === null ? [event] : [])),
);

/** Owns the socket; `start()` connects, `stop()` disconnects for good. */
export class LiveClient {
  private readonly options: LiveClientOptions;
  private readonly store: LiveStore;
  private readonly now: () => number;
  private readonly logger: LiveLogger;
  private socket: LiveSocket | null = null;
  private stopped = false;
  /** Bumped on every (re)subscription, so a late answer to an older request is dropped. */
  private generation = 0;
  private resyncing = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** The view rectangle subscribed with; undefined is the whole town. */
  private bbox: BBox | undefined;
  /** While paused the client holds no live subscription and the store shows something else. */
  private paused: boolean;
  /** This window's id, sent with each connection: a reconnect replaces the last one on the server. */
  readonly clientId = randomClientId();

  constructor(options: LiveClientOptions) {
    this.options = options;
    this.store = options.store;
    this.now = options.now ?? (() => performance.now());
    this.logger = options.logger ?? console;
    this.bbox = options.bbox;
    this.paused = options.startPaused ?? false;
  }

  /** Leaves the live subscription (the viewer looks at the past): no diffs are applied until `resume`. */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.generation += 1;
    this.resyncing = false;
    if (this.socket?.connected) this.socket.emit('live:unsubscribe');
  }

  /** Subscribes again: the answer's snapshot brings every value back to now. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.socket?.connected) this.subscribe();
  }

  /**
   * Sends a `history:*` request and resolves with the server's raw answer (parsed by the caller), or
   * rejects when there is no connection or no answer in time.
   */
  request(
    event: HistoryEvent,
    payload: unknown,
    timeoutMs = this.options.ackTimeoutMs ?? 10_000,
  ): Promise<unknown> {
    const socket = this.socket;
    if (!socket?.connected) return Promise.reject(new Error('no connection to the server'));
    return new Promise((resolve, reject) => {
      const timed = socket.timeout(timeoutMs) as unknown as {
        emit(event: string, ...args: unknown[]): void;
      };
      const callback = (error: Error | null, raw: unknown) =>
        error ? reject(new Error('no answer in time')) : resolve(raw);
      if (BARE_REQUESTS.has(event)) timed.emit(event, callback);
      else timed.emit(event, payload, callback);
    });
  }

  /**
   * Subscribes again with another view rectangle (undefined: the whole town) when it differs from
   * the current one; the answer's snapshot replaces the state, so sensors that left the view go.
   */
  setViewport(bbox: BBox | undefined): void {
    if (sameBBox(bbox, this.bbox)) return;
    this.bbox = bbox;
    if (!this.paused && this.socket?.connected && this.store.getSnapshot().state !== null) this.subscribe();
  }

  /** Opens the connection (once). */
  start(): void {
    if (this.socket || this.stopped) return;
    const auth: HandshakeAuth = {
      protocolVersion: PROTOCOL_VERSION,
      ...(this.options.cityId === undefined ? {} : { cityId: this.options.cityId }),
      ...(this.options.clientClass === undefined ? {} : { clientClass: this.options.clientClass }),
      ...(this.options.accessKey === undefined ? {} : { accessKey: this.options.accessKey }),
      clientId: this.clientId,
    };
    const socketOptions = {
      autoConnect: false,
      auth,
      // WebSocket first, long-polling only where it cannot open (a proxy without upgrades): no
      // upgrade from polling, whose probe a window closing or signing in mid-way could write to
      // after the server had closed it.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      reconnectionDelay: this.options.reconnectionDelayMs ?? 1000,
      reconnectionDelayMax: this.options.reconnectionDelayMaxMs ?? 5000,
    };
    const socket: LiveSocket =
      this.options.url === undefined
        ? io(socketOptions)
        : io(this.options.url, { ...socketOptions, forceNew: true });
    this.socket = socket;
    this.store.setConnection('connecting', null);

    socket.on('connect', () => {
      this.options.onConnected?.(socket.recovered);
      if (this.paused) {
        this.store.setConnection('live', null);
        return;
      }
      if (socket.recovered && this.store.getSnapshot().state !== null) {
        // Connection-state recovery: the server kept the subscription, replayed the alarms and
        // incidents missed and sends the view's current state as a snapshot; the sequence goes on
        // from it (a gap, should there be one, still asks for a resync).
        this.store.setConnection('live', null);
        return;
      }
      this.store.setConnection('connecting', null);
      this.subscribe();
    });
    socket.on('server:hello', (raw: unknown) => this.onHello(raw));
    socket.on('live:diff', (raw: unknown) => this.onDiff(raw));
    socket.on('live:snapshot', (raw: unknown) => this.onPushedSnapshot(raw));
    socket.on('alarm:changed', (raw: unknown) => this.options.onAlarmChanged?.(raw));
    socket.on('incident:changed', (raw: unknown) => this.options.onIncidentChanged?.(raw));
    socket.on('alarm:rules', (raw: unknown) => this.options.onAlarmRules?.(raw));
    socket.on('wall:view', (raw: unknown) => this.options.onWallView?.(raw));
    socket.on('connect_error', (error: Error & { data?: unknown }) => this.onConnectError(error));
    socket.on('disconnect', (reason) => {
      if (this.stopped) return;
      this.logger.warn(`[live] connection lost (${reason}); connecting again`);
      this.resyncing = false;
      if (reason === 'io server disconnect') {
        // The server closed this socket on purpose; Socket.io does not reconnect by itself then.
        this.store.setConnection('reconnecting');
        this.scheduleRetry(this.options.reconnectionDelayMs ?? 1000);
      } else {
        this.store.setConnection('reconnecting');
      }
    });
    socket.io.on('reconnect_attempt', (attempt) => {
      if (this.stopped) return;
      const offlineAfter = this.options.offlineAfterAttempts ?? 5;
      this.store.setConnection(attempt >= offlineAfter ? 'offline' : 'reconnecting');
    });
    socket.connect();
  }

  /** Closes the connection for good; the store keeps its last state, shown as aging. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.socket?.disconnect();
    this.socket = null;
    this.store.setConnection('offline');
  }

  private onHello(raw: unknown): void {
    const parsed = parseHello(raw);
    if (!parsed.ok) {
      this.logger.warn(`[live] dropped a malformed server:hello: ${parsed.reason}`);
      return;
    }
    if (parsed.value.protocolVersion !== PROTOCOL_VERSION) {
      this.failForVersion(versionMismatchMessage(parsed.value.protocolVersion, PROTOCOL_VERSION));
      return;
    }
    this.store.setHello(parsed.value, this.now());
  }

  private onDiff(raw: unknown): void {
    if (this.resyncing || this.paused) return;
    const parsed = parseDiff(raw);
    if (!parsed.ok) {
      this.logger.warn(`[live] dropped a malformed live:diff: ${parsed.reason}`);
      return;
    }
    const started = this.now();
    const outcome = this.store.applyDiff(parsed.value, started);
    if (outcome.kind === 'applied') {
      this.options.onDiffApplied?.(this.now() - started);
    } else if (outcome.kind === 'gap') {
      this.logger.warn(
        `[live] sequence gap (expected ${outcome.expectedSeq}, got ${outcome.receivedSeq}); resyncing`,
      );
      this.resync();
    } else if (outcome.kind === 'malformed') {
      this.logger.warn(
        `[live] dropped a live:diff that does not fit the subscription: ${outcome.reason}; resyncing`,
      );
      this.resync();
    }
  }

  /** The server's whole state after it skipped this client while it was slow: replaces the store. */
  private onPushedSnapshot(raw: unknown): void {
    if (this.paused) return;
    const parsed = parseSnapshot(raw);
    if (!parsed.ok) {
      this.logger.warn(`[live] dropped a malformed live:snapshot: ${parsed.reason}`);
      return;
    }
    this.resyncing = false;
    this.applySnapshot(parsed.value);
  }

  private onConnectError(error: Error & { data?: unknown }): void {
    if (this.stopped) return;
    const socket = this.socket;
    if (isVersionMismatch(error.message, error.data)) {
      this.failForVersion(error.message);
      return;
    }
    if (socket && !socket.active) {
      // The server's middleware refused the handshake; Socket.io will not retry by itself.
      this.logger.warn(`[live] connection refused: ${error.message}`);
      this.store.setConnection('offline', { kind: 'refused', message: error.message });
      this.scheduleRetry(this.options.refusedRetryMs ?? 10_000);
      return;
    }
    // A transport failure (server down, network gone): the manager keeps retrying with back-off.
    if (this.store.getSnapshot().connection !== 'offline') this.store.setConnection('reconnecting');
  }

  private failForVersion(message: string): void {
    this.logger.error(`[live] ${message}`);
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.socket?.disconnect();
    this.store.setConnection('offline', { kind: 'version-mismatch', message });
  }

  private scheduleRetry(delayMs: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.stopped && this.socket && !this.socket.connected) this.socket.connect();
    }, delayMs);
  }

  // Acknowledgements are handled in their callback, not through a promise: Socket.io may decode the
  // ack and the first diffs from one transport packet in the same task, and a promise continuation
  // would run only after those diffs were already dropped for lack of a snapshot.
  private subscribe(): void {
    const socket = this.socket;
    if (!socket || this.stopped || this.paused) return;
    const generation = ++this.generation;
    this.resyncing = false;
    const request: SubscribeRequest = {
      protocolVersion: PROTOCOL_VERSION,
      kinds: [...this.options.kinds],
      ...(this.bbox ? { bbox: this.bbox } : {}),
      ...(this.options.everywhere?.length ? { everywhere: [...this.options.everywhere] } : {}),
    };
    socket
      .timeout(this.options.ackTimeoutMs ?? 10_000)
      .emit('live:subscribe', request, (error: Error | null, raw: unknown) => {
        if (generation !== this.generation || this.stopped || this.paused) return;
        if (error) {
          this.logger.warn('[live] live:subscribe got no answer in time; trying again');
          if (socket.connected) this.subscribe();
          return;
        }
        this.acceptSnapshotAnswer(raw, 'live:subscribe');
      });
  }

  private resync(): void {
    const socket = this.socket;
    if (!socket || this.stopped || this.resyncing) return;
    this.resyncing = true;
    const generation = this.generation;
    socket
      .timeout(this.options.ackTimeoutMs ?? 10_000)
      .emit('live:resync', (error: Error | null, raw: unknown) => {
        if (generation !== this.generation || this.stopped) return;
        if (error) {
          this.logger.warn('[live] live:resync got no answer in time; subscribing again');
          if (socket.connected) this.subscribe();
          return;
        }
        this.resyncing = false;
        if (!this.acceptSnapshotAnswer(raw, 'live:resync') && socket.connected) this.subscribe();
      });
  }

  /** Applies a subscribe/resync answer; false when it carried no usable snapshot. */
  private acceptSnapshotAnswer(raw: unknown, event: string): boolean {
    const parsed = parseAckSnapshot(raw);
    if (!parsed.ok) {
      this.logger.warn(`[live] dropped a malformed answer to ${event}: ${parsed.reason}`);
      return false;
    }
    const answer = parsed.value;
    if (!answer.ok) {
      if (answer.error.code === 'version-mismatch') {
        this.failForVersion(answer.error.message);
      } else {
        this.logger.warn(`[live] ${event} refused (${answer.error.code}): ${answer.error.message}`);
        this.store.setConnection('offline', { kind: 'refused', message: answer.error.message });
      }
      return false;
    }
    this.applySnapshot(answer.data);
    return true;
  }

  private applySnapshot(snapshot: Snapshot): void {
    // Live first: layers redraw on the state change and must not draw the fresh values as stale.
    this.store.setConnection('live', null);
    this.store.replaceState(snapshot, this.now());
  }
}

/**
 * 128 random bits as 32 hex digits. `crypto.getRandomValues`, unlike `randomUUID`, also works where
 * the page is not a secure context (a kiosk that loads the twin over plain http from the town's LAN).
 */
function randomClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
