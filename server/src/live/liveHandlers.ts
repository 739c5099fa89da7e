/**
 * `live:*`: a socket's subscription. `live:subscribe` puts the socket in the hub group of its filter
 * and rate, which is also a Socket.io room: each group's diff is encoded once and written to every
 * member, except members whose connection is congested; those get the whole state once they can take
 * it again (`live:snapshot`).
 */
import type { BBox, Diff, SensorKind, Snapshot, Visibility } from '../../../protocol/index.ts';
import { PROTOCOL_VERSION, versionMismatchMessage, visibilitiesOf } from '../../../protocol/index.ts';
import type { Hub, SubscriberSink } from '../hub/hub.ts';
import { RequestError, type Handlers } from './door.ts';
import type { GatewayContext, LiveSocket } from './liveTypes.ts';
import { roomOf } from './liveTypes.ts';
import { preEncoded } from './preEncoded.ts';

/** Packets queued in engine.io for a socket beyond which it counts as congested and is skipped. */
const CONGESTED_PACKETS = 16;
/** Bytes queued in the WebSocket (and its TCP socket) beyond which it counts as congested. */
const CONGESTED_BYTES = 128 * 1024;

/**
 * Whether a socket has more unsent than a healthy viewer ever has. engine.io's `writeBuffer` holds
 * packets not yet handed to the transport; once handed over they wait in the WebSocket's and the TCP
 * socket's buffers (`bufferedAmount`), which the first alone does not show: a slow reader would
 * otherwise pile up seconds of diffs there. Neither field is in the public types.
 */
function isCongested(socket: LiveSocket): boolean {
  const conn = socket.conn as unknown as {
    writeBuffer?: unknown[];
    transport?: { socket?: { bufferedAmount?: number } };
  };
  return (
    (conn.writeBuffer?.length ?? 0) > CONGESTED_PACKETS ||
    (conn.transport?.socket?.bufferedAmount ?? 0) > CONGESTED_BYTES
  );
}

/** The live state of each connected socket. */
const connections = new WeakMap<LiveSocket, LiveConnection>();

/** The socket's live connection; a socket the gateway has not taken in has none. */
export function connectionOf(socket: LiveSocket): LiveConnection {
  const connection = connections.get(socket);
  if (connection === undefined) throw new RequestError('not-found', 'the connection is not set up');
  return connection;
}

/** One socket's subscription, and its sink in the hub. */
export class LiveConnection implements SubscriberSink {
  readonly viaBroadcast = true;
  /** The Socket.io room of the socket's hub group. */
  private room: string | undefined;
  private readonly visibilities: Visibility[];

  constructor(
    private readonly socket: LiveSocket,
    readonly hub: Hub,
    private readonly context: GatewayContext,
    /** Hub ticks per diff of the socket's class. */
    private readonly period: number,
  ) {
    this.visibilities = visibilitiesOf(socket.data.role);
    connections.set(socket, this);
    context.metrics.connectedClients.inc();
  }

  /** Diffs per second the socket gets. */
  get tickHz(): number {
    return this.context.tickHz / this.period;
  }

  /** Restores a recovered socket's subscription: its view's whole current state as one snapshot. */
  restore(): void {
    const { socket } = this;
    const { cityId } = socket.data;
    if (!socket.recovered || !socket.data.subscription) return;
    // Socket.io restored the socket's rooms and data and replayed the reliable events it missed;
    // the hub forgot it at the disconnect. Diffs are not replayed (the recovery buffer does not keep
    // them), so the client gets its view's whole current state: one snapshot, from which the
    // group's sequence goes on.
    this.room = [...socket.rooms].find((name) => name.startsWith(`live:${cityId}:`));
    const { kinds, bbox, everywhere } = socket.data.subscription;
    socket.emit('live:snapshot', this.join(kinds, bbox, everywhere));
  }

  send(diff: Diff): void {
    const order = this.hub.sensorOrder(diff.subscriptionId);
    if (!order) return;
    this.context.metrics.diffsSent.inc();
    this.socket.emit('live:diff', preEncoded(this.context.encoderOf(this.hub).encode(diff, order)));
  }

  isCongested(): boolean {
    return isCongested(this.socket);
  }

  resync(snapshot: Snapshot): void {
    this.socket.emit('live:snapshot', preEncoded(JSON.stringify(snapshot)));
  }

  unsubscribe(): void {
    this.hub.unsubscribe(this.socket.id);
    if (this.room) void this.socket.leave(this.room);
    this.room = undefined;
    delete this.socket.data.subscription;
  }

  disconnected(): void {
    this.context.metrics.connectedClients.dec();
    this.hub.unsubscribe(this.socket.id);
    connections.delete(this.socket);
  }

  /** Puts the socket in the group (and room) of its subscription; returns the group's snapshot. */
  join(kinds: SensorKind[], bbox: BBox | undefined, everywhere: SensorKind[] | undefined): Snapshot {
    const { socket, hub } = this;
    // A request may name a kind twice; the group is the same either way.
    const unique = [...new Set(kinds)];
    const wide = everywhere === undefined ? undefined : [...new Set(everywhere)];
    hub.subscribe({ kinds: unique, bbox, everywhere: wide, visibilities: this.visibilities }, this, {
      periodTicks: this.period,
      memberId: socket.id,
    });
    const next = roomOf(socket.data.cityId, hub.groupOf(socket.id) ?? '');
    if (this.room !== next) {
      if (this.room) void socket.leave(this.room);
      void socket.join(next);
      this.room = next;
    }
    socket.data.subscription = { kinds: unique, bbox, everywhere: wide };
    return hub.snapshot(socket.id);
  }
}

/** A socket's `disconnect` listener, one function for all sockets. */
export function onDisconnect(this: LiveSocket): void {
  connections.get(this)?.disconnected();
}

/** The handlers of `live:*`. */
export function liveHandlers(): Handlers<'live:subscribe' | 'live:resync' | 'live:unsubscribe'> {
  return {
    'live:subscribe': (socket, request) => {
      if (request.protocolVersion !== PROTOCOL_VERSION)
        throw new RequestError(
          'version-mismatch',
          versionMismatchMessage(PROTOCOL_VERSION, request.protocolVersion),
        );
      return connectionOf(socket).join(request.kinds, request.bbox, request.everywhere);
    },
    'live:resync': (socket) => {
      const connection = connectionOf(socket);
      if (connection.hub.groupOf(socket.id) === undefined)
        throw new RequestError(
          'not-found',
          'there is no subscription on this connection; send live:subscribe first',
        );
      return connection.hub.snapshot(socket.id);
    },
    'live:unsubscribe': (socket) => {
      connectionOf(socket).unsubscribe();
    },
  };
}
