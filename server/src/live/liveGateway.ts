/**
 * Socket.io side of the live path. At the handshake it checks the protocol version, the city and the
 * access key, and settles the socket's role (what it may see) and class (how often it gets diffs).
 * `live:subscribe` puts the socket in the hub group of its filter and rate, which is also a Socket.io
 * room: each group's diff is put in its compact wire form (`protocol/wireDiff.ts`) and encoded once,
 * then written to every member (`io.to(room).emit`), except
 * members whose connection is congested; those get the whole state once they can take it again
 * (`live:snapshot`). Connection-state recovery is on, so a short drop replays what was missed.
 * Every inbound payload is parsed; a malformed request gets an error answer and the socket stays up.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Server, Socket } from 'socket.io';
import type {
  Ack,
  BBox,
  ClientClass,
  ClientToServerEvents,
  ErrorPayload,
  Role,
  SensorKind,
  ServerToClientEvents,
  Snapshot,
  Visibility,
} from '../../../protocol/index.ts';
import {
  ClientClassSchema,
  DiffTextEncoder,
  PROTOCOL_VERSION,
  SubscribeRequestSchema,
  versionMismatchMessage,
} from '../../../protocol/index.ts';
import type { Clock } from '../clock.ts';
import type { Hub, SubscriberSink } from '../hub/hub.ts';
import type { Logger } from '../logger.ts';
import type { AppMetrics } from '../metrics.ts';
import { preEncoded } from './preEncoded.ts';

/** What the server keeps on a socket (`socket.data`); it survives connection-state recovery. */
export interface LiveSocketData {
  cityId: string;
  role: Role;
  clientClass: ClientClass;
  /** The socket's current subscription, to restore it after a recovered reconnect. */
  subscription?: { kinds: SensorKind[]; bbox?: BBox | undefined; everywhere?: SensorKind[] | undefined };
}

/** No events between server nodes (yet). */
type InterServerEvents = Record<string, never>;
export type LiveServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  LiveSocketData
>;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, LiveSocketData>;

/** Packets queued in engine.io for a socket beyond which it counts as congested and is skipped. */
const CONGESTED_PACKETS = 16;
/** Bytes queued in the WebSocket (and its TCP socket) beyond which it counts as congested. */
const CONGESTED_BYTES = 128 * 1024;

/** A staff access key with its role. */
export interface AccessKey {
  readonly id: string;
  readonly role: Exclude<Role, 'public' | 'kiosk'>;
  readonly key: string;
}

export interface LiveGatewayOptions {
  /** The hub of every served city, by city id. */
  hubs: ReadonlyMap<string, Hub>;
  /** The city of a socket whose handshake names none. */
  defaultCityId: string;
  clock: Clock;
  metrics: AppMetrics;
  logger: Logger;
  /** The hub's ticks per second. */
  tickHz: number;
  /** Diffs per second of each client class (each at most `tickHz`). */
  tickHzByClass: Readonly<Record<ClientClass, number>>;
  accessKeys?: readonly AccessKey[];
}

/** What a role may see. */
export function visibilitiesOf(role: Role): Visibility[] {
  return role === 'public' || role === 'kiosk' ? ['public'] : ['public', 'internal'];
}

/**
 * The class a socket gets: what it asked for, but never faster than its role allows (only staff
 * get the operator rate); kiosks are a public role at the kiosk rate.
 */
export function classFor(role: Role, requested: ClientClass | undefined): ClientClass {
  const staff = role !== 'public' && role !== 'kiosk';
  if (requested === 'operator') return staff ? 'operator' : 'public';
  return requested ?? (staff ? 'operator' : role === 'kiosk' ? 'kiosk' : 'public');
}

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

function fail(code: ErrorPayload['code'], message: string): Ack<never> {
  return { ok: false, error: { code, message } };
}

function refusal(message: string, code: string, extra: Record<string, unknown> = {}): Error {
  const error = new Error(message) as Error & { data?: unknown };
  error.data = { code, ...extra };
  return error;
}

const roomOf = (cityId: string, groupId: string) => `live:${cityId}:${groupId}`;
const digest = (text: string) => createHash('sha256').update(text).digest();

export function attachLiveGateway(io: LiveServer, options: LiveGatewayOptions): void {
  const { hubs, defaultCityId, clock, metrics, logger } = options;
  const keys = (options.accessKeys ?? []).map((entry) => ({ entry, digest: digest(entry.key) }));
  // A class faster than the hub gets every tick.
  const periodTicks = (clientClass: ClientClass) =>
    Math.max(1, Math.round(options.tickHz / Math.min(options.tickHz, options.tickHzByClass[clientClass])));

  const encoders = new Map<Hub, DiffTextEncoder>();
  const encoderOf = (hub: Hub) => encoders.get(hub) ?? new DiffTextEncoder();
  for (const [cityId, hub] of hubs) {
    // One encoder per hub: a sensor's row is written once per tick for all the groups that see it.
    const encoder = new DiffTextEncoder();
    encoders.set(hub, encoder);
    hub.setBroadcast((groupId, diff, skip) => {
      const order = hub.sensorOrder(groupId);
      if (!order) return;
      const room = roomOf(cityId, groupId);
      // `except` names the skipped sockets by their own rooms (every socket is in a room of its id).
      (skip.length > 0 ? io.to(room).except([...skip]) : io.to(room)).emit(
        'live:diff',
        preEncoded(encoder.encode(diff, order)),
      );
      metrics.diffsSent.inc();
    });
  }

  io.use((socket, next) => {
    const auth = socket.handshake.auth as
      { protocolVersion?: unknown; cityId?: unknown; clientClass?: unknown; accessKey?: unknown } | undefined;
    const version = auth?.protocolVersion;
    if (version !== PROTOCOL_VERSION) {
      next(
        refusal(versionMismatchMessage(PROTOCOL_VERSION, version), 'version-mismatch', {
          serverVersion: PROTOCOL_VERSION,
        }),
      );
      return;
    }
    const requested = auth?.cityId ?? defaultCityId;
    if (typeof requested !== 'string' || !hubs.has(requested)) {
      next(
        refusal(
          `This server has no city ${JSON.stringify(requested)}; it serves ${[...hubs.keys()].join(', ')}.`,
          'not-found',
        ),
      );
      return;
    }
    let role: Role = 'public';
    if (auth?.accessKey !== undefined) {
      const presented = typeof auth.accessKey === 'string' ? digest(auth.accessKey) : undefined;
      let match: AccessKey | undefined;
      for (const { entry, digest: known } of keys)
        if (presented && timingSafeEqual(known, presented) && !match) match = entry;
      if (!match) {
        next(refusal('The access key is not known to this server.', 'forbidden'));
        return;
      }
      role = match.role;
    }
    const clientClass = ClientClassSchema.safeParse(auth?.clientClass);
    if (auth?.clientClass !== undefined && !clientClass.success) {
      next(refusal(`clientClass must be one of ${ClientClassSchema.options.join(', ')}.`, 'bad-request'));
      return;
    }
    if (clientClass.success && clientClass.data === 'kiosk' && role === 'public') role = 'kiosk';
    socket.data.cityId = requested;
    socket.data.role = role;
    socket.data.clientClass = classFor(role, clientClass.success ? clientClass.data : undefined);
    next();
  });

  io.on('connection', (socket) => {
    const { cityId, role, clientClass } = socket.data;
    const hub = hubs.get(cityId);
    if (!hub) {
      socket.disconnect(true);
      return;
    }
    metrics.connectedClients.inc();
    const visibilities = visibilitiesOf(role);
    const period = periodTicks(clientClass);
    let room: string | undefined;

    const sink: SubscriberSink = {
      send: (diff) => {
        const order = hub.sensorOrder(diff.subscriptionId);
        if (!order) return;
        metrics.diffsSent.inc();
        socket.emit('live:diff', preEncoded(encoderOf(hub).encode(diff, order)));
      },
      isCongested: () => isCongested(socket),
      resync: (snapshot) => socket.emit('live:snapshot', preEncoded(JSON.stringify(snapshot))),
      viaBroadcast: true,
    };

    /** Puts the socket in the group (and room) of its subscription; returns the group's snapshot. */
    const join = (
      kinds: SensorKind[],
      bbox: BBox | undefined,
      everywhere: SensorKind[] | undefined,
    ): Snapshot => {
      hub.subscribe({ kinds, bbox, everywhere, visibilities }, sink, {
        periodTicks: period,
        memberId: socket.id,
      });
      const next = roomOf(cityId, hub.groupOf(socket.id) ?? '');
      if (room !== next) {
        if (room) void socket.leave(room);
        void socket.join(next);
        room = next;
      }
      socket.data.subscription = { kinds, bbox, everywhere };
      return hub.snapshot(socket.id);
    };

    if (socket.recovered && socket.data.subscription) {
      // Socket.io replayed what the socket missed and restored its rooms; the hub forgot it at the
      // disconnect. If its group is still the same room, the sequence simply goes on; otherwise the
      // group was made anew and the client gets its whole state.
      const before = [...socket.rooms].find((name) => name.startsWith(`live:${cityId}:`));
      room = before;
      const { kinds, bbox, everywhere } = socket.data.subscription;
      const snapshot = join(kinds, bbox, everywhere);
      if (room !== before) socket.emit('live:snapshot', snapshot);
    }

    socket.emit('server:hello', {
      protocolVersion: PROTOCOL_VERSION,
      cityId,
      serverTimeMs: clock.now(),
      timeScale: clock.timeScale,
      role,
      tickHz: options.tickHz / period,
    });

    const answer = (ack: unknown, value: Ack<Snapshot>) => {
      if (typeof ack === 'function') ack(value);
      else logger.debug('request without acknowledgement callback', { socket: socket.id });
    };

    socket.on('live:subscribe', (request: unknown, ack: unknown) => {
      const parsed = SubscribeRequestSchema.safeParse(request);
      if (!parsed.success) {
        const detail = parsed.error.issues
          .map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`)
          .join('; ');
        answer(ack, fail('bad-request', `live:subscribe: ${detail}`));
        return;
      }
      if (parsed.data.protocolVersion !== PROTOCOL_VERSION) {
        answer(
          ack,
          fail('version-mismatch', versionMismatchMessage(PROTOCOL_VERSION, parsed.data.protocolVersion)),
        );
        return;
      }
      answer(ack, { ok: true, data: join(parsed.data.kinds, parsed.data.bbox, parsed.data.everywhere) });
    });

    socket.on('live:resync', (ack: unknown) => {
      if (hub.groupOf(socket.id) === undefined) {
        answer(
          ack,
          fail(
            'not-found',
            'live:resync: there is no subscription on this connection; send live:subscribe first',
          ),
        );
        return;
      }
      answer(ack, { ok: true, data: hub.snapshot(socket.id) });
    });

    socket.on('live:unsubscribe', () => {
      hub.unsubscribe(socket.id);
      if (room) void socket.leave(room);
      room = undefined;
      delete socket.data.subscription;
    });

    socket.on('disconnect', () => {
      metrics.connectedClients.dec();
      hub.unsubscribe(socket.id);
    });
  });
}
