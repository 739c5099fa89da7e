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
import type { Server, Socket } from 'socket.io';
import type {
  Ack,
  BBox,
  ClientClass,
  Diff,
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
  ClientIdSchema,
  DiffTextEncoder,
  PROTOCOL_VERSION,
  SubscribeRequestSchema,
  versionMismatchMessage,
} from '../../../protocol/index.ts';
import type { Clock } from '../clock.ts';
import type { Hub, SubscriberSink } from '../hub/hub.ts';
import type { AccessKeyRing } from '../auth/accessKeys.ts';
import type { Logger } from '../logger.ts';
import type { AppMetrics } from '../metrics.ts';
import type { AlarmService } from '../alarms/alarmService.ts';
import { AlarmError } from '../alarms/alarmEngine.ts';
import type { HistoryService } from '../history/historyService.ts';
import type { SourceHealthReporter } from '../http/sourceHealth.ts';
import type { IncidentService } from '../incidents/incidentService.ts';
import { IncidentError } from '../incidents/incidentService.ts';
import type { ScenarioService } from '../scenarios/scenarioService.ts';
import { canPlan, isStaff, ScenarioError } from '../scenarios/scenarioService.ts';
import { HistoryRequestError } from '../history/historyService.ts';
import type { WallSummary, WallViewMessage } from '../../../protocol/walls.ts';
import { WallNameSchema, WallPushRequestSchema } from '../../../protocol/walls.ts';
import { preEncoded } from './preEncoded.ts';

/** What the server keeps on a socket (`socket.data`); it survives connection-state recovery. */
export interface LiveSocketData {
  cityId: string;
  role: Role;
  clientClass: ClientClass;
  /** The id of the staff access key the socket presented (who acknowledges an alarm). */
  staffId?: string;
  /** The window's own id (`auth.clientId`), when it sent one. */
  clientId?: string;
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
  /** The staff keys and the wrong-key throttle. */
  accessKeyRing: AccessKeyRing;
  /** Answers `history:*` requests; without it they are refused as not found. */
  history?: HistoryService | undefined;
  /** Answers `alarm:*` requests of staff sockets; without it they are refused as not found. */
  alarms?: AlarmService | undefined;
  /** Answers `ops:health` of staff sockets. */
  health?: SourceHealthReporter | undefined;
  /** Answers `incident:*`; without it they are refused as not found. */
  incidents?: IncidentService | undefined;
  /** Answers `scenario:*`; without it they are refused as not found. */
  scenarios?: ScenarioService | undefined;
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
/** The room of a city's staff sockets, where alarm changes go. */
export const alarmRoomOf = (cityId: string) => `alarms:${cityId}`;
/** The rooms incident changes go to: every socket of a city, or its staff only. */
export const incidentRoomOf = (cityId: string, audience: 'public' | 'staff') =>
  `incidents:${cityId}:${audience}`;
/** The room of a wall's screens (`?wall=<name>`) in a city. */
export const wallRoomOf = (cityId: string, wall: string) => `wall:${cityId}:${wall}`;

export function attachLiveGateway(io: LiveServer, options: LiveGatewayOptions): void {
  const { hubs, defaultCityId, clock, metrics, logger } = options;
  // A class faster than the hub gets every tick.
  const periodTicks = (clientClass: ClientClass) =>
    Math.max(1, Math.round(options.tickHz / Math.min(options.tickHz, options.tickHzByClass[clientClass])));

  const encoders = new Map<Hub, DiffTextEncoder>();
  const encoderOf = (hub: Hub) => encoders.get(hub) ?? new DiffTextEncoder();
  for (const [cityId, hub] of hubs) {
    // One encoder per hub: a sensor's row is written once per tick for all the groups that see it.
    const encoder = new DiffTextEncoder();
    encoders.set(hub, encoder);
    hub.setBroadcast((groupId, diff, skip, positions) => {
      const room = roomOf(cityId, groupId);
      // `except` names the skipped sockets by their own rooms (every socket is in a room of its id).
      (skip.length > 0 ? io.to(room).except([...skip]) : io.to(room)).emit(
        'live:diff',
        preEncoded(encoder.encodeAt(diff, positions)),
      );
      metrics.diffsSent.inc();
    });
  }

  io.use((socket, next) => {
    const auth = socket.handshake.auth as
      | {
          protocolVersion?: unknown;
          cityId?: unknown;
          clientClass?: unknown;
          accessKey?: unknown;
          clientId?: unknown;
        }
      | undefined;
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
      const presented = typeof auth.accessKey === 'string' ? auth.accessKey : '\u0000';
      const checked = options.accessKeyRing.check(presented, socket.handshake.address, 'socket handshake');
      if (checked.kind === 'throttled') {
        next(
          refusal('Too many wrong access keys from this address; try again later.', 'rate-limited', {
            retryAfterMs: checked.retryAfterMs,
          }),
        );
        return;
      }
      if (checked.kind !== 'known') {
        next(refusal('The access key is not known to this server.', 'forbidden'));
        return;
      }
      role = checked.holder.role;
      socket.data.staffId = checked.holder.id;
    }
    const clientClass = ClientClassSchema.safeParse(auth?.clientClass);
    if (auth?.clientClass !== undefined && !clientClass.success) {
      next(refusal(`clientClass must be one of ${ClientClassSchema.options.join(', ')}.`, 'bad-request'));
      return;
    }
    if (clientClass.success && clientClass.data === 'kiosk' && role === 'public') role = 'kiosk';
    if (auth?.clientId !== undefined) {
      const clientId = ClientIdSchema.safeParse(auth.clientId);
      if (!clientId.success) {
        next(refusal(`clientId has ${clientId.error.issues[0]?.message ?? 'another form'}.`, 'bad-request'));
        return;
      }
      socket.data.clientId = clientId.data;
    }
    socket.data.cityId = requested;
    socket.data.role = role;
    socket.data.clientClass = classFor(role, clientClass.success ? clientClass.data : undefined);
    next();
  });

  const context: GatewayContext = {
    clock,
    metrics,
    logger,
    tickHz: options.tickHz,
    encoderOf,
    history: options.history,
    alarms: options.alarms,
    health: options.health,
    incidents: options.incidents,
    scenarios: options.scenarios,
    walls: new Map(),
  };
  /** Each window's connection, by the window's own id. */
  const byClientId = new Map<string, LiveSocket>();
  io.on('connection', (socket) => {
    const hub = hubs.get(socket.data.cityId);
    if (!hub) {
      socket.disconnect(true);
      return;
    }
    const { clientId } = socket.data;
    if (clientId !== undefined) {
      // The window came back on a new connection before the server noticed its last one was gone
      // (a page whose main thread was busy misses the heartbeat): that one is closed now, or the
      // window would count twice (a wall's screens) and get every diff twice until its ping timeout.
      const earlier = byClientId.get(clientId);
      if (earlier !== undefined && earlier !== socket && sameHolder(earlier.data, socket.data)) {
        logger.info('a window reconnected: its earlier connection is closed', {
          clientId,
          earlier: earlier.id,
          socket: socket.id,
        });
        earlier.disconnect(true);
      }
      // A second window cannot claim an id whose holder differs in city or key: both stay, untied.
      if (earlier === undefined || !earlier.connected) byClientId.set(clientId, socket);
      socket.once('disconnect', () => {
        if (byClientId.get(clientId) === socket) byClientId.delete(clientId);
      });
    }
    const connection = new LiveConnection(socket, hub, context, periodTicks(socket.data.clientClass));
    connections.set(socket, connection);
    connection.start();
    socket.on('live:subscribe', onSubscribe);
    socket.on('live:resync', onResync);
    socket.on('live:unsubscribe', onUnsubscribe);
    socket.on('history:series', onHistorySeries);
    socket.on('history:state', onHistoryState);
    socket.on('history:profile', onHistoryProfile);
    socket.on('history:range', onHistoryRange);
    socket.on('alarm:list', onAlarmList);
    socket.on('alarm:ack', onAlarmAck);
    socket.on('alarm:rule', onAlarmRule);
    socket.on('ops:health', onOpsHealth);
    socket.on('incident:list', onIncidentList);
    socket.on('incident:save', onIncidentSave);
    socket.on('incident:remove', onIncidentRemove);
    socket.on('wall:join', onWallJoin);
    socket.on('wall:push', onWallPush);
    socket.on('wall:list', onWallList);
    socket.on('scenario:list', onScenarioList);
    socket.on('scenario:get', onScenarioGet);
    socket.on('scenario:versions', onScenarioVersions);
    socket.on('scenario:save', onScenarioSave);
    socket.on('scenario:remove', onScenarioRemove);
    socket.on('scenario:comment', onScenarioComment);
    socket.on('scenario:comments', onScenarioComments);
    socket.on('scenario:moderate', onScenarioModerate);
    socket.on('disconnect', onDisconnect);
  });
}

/** What every connection of one gateway shares. */
interface GatewayContext {
  readonly clock: Clock;
  readonly metrics: AppMetrics;
  readonly logger: Logger;
  readonly tickHz: number;
  readonly encoderOf: (hub: Hub) => DiffTextEncoder;
  readonly history: HistoryService | undefined;
  readonly alarms: AlarmService | undefined;
  readonly health: SourceHealthReporter | undefined;
  readonly incidents: IncidentService | undefined;
  readonly scenarios: ScenarioService | undefined;
  /** The last view pushed to each wall, by its room (so a screen that comes up later shows it). */
  readonly walls: Map<string, WallViewMessage>;
}

/** The gateway's state of each connected socket. */
const connections = new WeakMap<LiveSocket, LiveConnection>();

// The socket's event handlers are shared by all sockets (Socket.io calls them on the socket), and a
// connection is one object with methods: per-socket closures would cost every one of thousands of
// sockets their own function objects.
function onSubscribe(this: LiveSocket, request: unknown, ack: unknown): void {
  connections.get(this)?.subscribe(request, ack);
}
function onResync(this: LiveSocket, ack: unknown): void {
  connections.get(this)?.answerResync(ack);
}
function onUnsubscribe(this: LiveSocket): void {
  connections.get(this)?.unsubscribe();
}
function onHistorySeries(this: LiveSocket, request: unknown, ack: unknown): void {
  connections.get(this)?.history('series', request, ack);
}
function onHistoryState(this: LiveSocket, request: unknown, ack: unknown): void {
  connections.get(this)?.history('state', request, ack);
}
function onHistoryProfile(this: LiveSocket, request: unknown, ack: unknown): void {
  connections.get(this)?.history('profile', request, ack);
}
function onHistoryRange(this: LiveSocket, ack: unknown): void {
  connections.get(this)?.history('range', undefined, ack);
}
function onAlarmList(this: LiveSocket, ack: unknown): void {
  connections.get(this)?.alarm('list', undefined, ack);
}
function onAlarmAck(this: LiveSocket, request: unknown, ack: unknown): void {
  connections.get(this)?.alarm('ack', request, ack);
}
function onAlarmRule(this: LiveSocket, request: unknown, ack: unknown): void {
  connections.get(this)?.alarm('rule', request, ack);
}
function onOpsHealth(this: LiveSocket, ack: unknown): void {
  connections.get(this)?.health(ack);
}
function onIncidentList(this: LiveSocket, ack: unknown): void {
  connections.get(this)?.incident('list', undefined, ack);
}
function onIncidentSave(this: LiveSocket, request: unknown, ack: unknown): void {
  connections.get(this)?.incident('save', request, ack);
}
function onIncidentRemove(this: LiveSocket, id: unknown, ack: unknown): void {
  connections.get(this)?.incident('remove', id, ack);
}
function onWallJoin(this: LiveSocket, request: unknown, ack: unknown): void {
  connections.get(this)?.wall('join', request, ack);
}
function onWallPush(this: LiveSocket, request: unknown, ack: unknown): void {
  connections.get(this)?.wall('push', request, ack);
}
function onWallList(this: LiveSocket, ack: unknown): void {
  connections.get(this)?.wall('list', undefined, ack);
}
type ScenarioRequest = 'list' | 'get' | 'versions' | 'save' | 'remove' | 'comment' | 'comments' | 'moderate';
function onScenarioList(this: LiveSocket, ack: unknown): void {
  connections.get(this)?.scenario('list', undefined, ack);
}
function onScenarioGet(this: LiveSocket, request: unknown, ack: unknown): void {
  connections.get(this)?.scenario('get', request, ack);
}
function onScenarioVersions(this: LiveSocket, request: unknown, ack: unknown): void {
  connections.get(this)?.scenario('versions', request, ack);
}
function onScenarioSave(this: LiveSocket, request: unknown, ack: unknown): void {
  connections.get(this)?.scenario('save', request, ack);
}
function onScenarioRemove(this: LiveSocket, request: unknown, ack: unknown): void {
  connections.get(this)?.scenario('remove', request, ack);
}
function onScenarioComment(this: LiveSocket, request: unknown, ack: unknown): void {
  connections.get(this)?.scenario('comment', request, ack);
}
function onScenarioComments(this: LiveSocket, request: unknown, ack: unknown): void {
  connections.get(this)?.scenario('comments', request, ack);
}
function onScenarioModerate(this: LiveSocket, request: unknown, ack: unknown): void {
  connections.get(this)?.scenario('moderate', request, ack);
}
/** Whether two connections present the same window: same city, role and access key. */
function sameHolder(a: LiveSocketData, b: LiveSocketData): boolean {
  return a.cityId === b.cityId && a.role === b.role && a.staffId === b.staffId;
}
function onDisconnect(this: LiveSocket): void {
  connections.get(this)?.disconnected();
  connections.delete(this);
}

/** One socket's subscription, and its sink in the hub. */
class LiveConnection implements SubscriberSink {
  readonly viaBroadcast = true;
  /** The Socket.io room of the socket's hub group. */
  private room: string | undefined;
  private readonly visibilities: Visibility[];

  constructor(
    private readonly socket: LiveSocket,
    private readonly hub: Hub,
    private readonly context: GatewayContext,
    /** Hub ticks per diff of the socket's class. */
    private readonly period: number,
  ) {
    this.visibilities = visibilitiesOf(socket.data.role);
  }

  /** Restores a recovered socket's subscription, then greets it. */
  start(): void {
    const { socket, context } = this;
    const { cityId, role } = socket.data;
    context.metrics.connectedClients.inc();
    // Staff get every alarm change of their city as a reliable event (a recovered socket keeps it).
    if (role !== 'public' && role !== 'kiosk' && context.alarms) void socket.join(alarmRoomOf(cityId));
    // Incidents: public ones to everyone, internal ones to staff.
    void socket.join(incidentRoomOf(cityId, 'public'));
    if (role !== 'public' && role !== 'kiosk') void socket.join(incidentRoomOf(cityId, 'staff'));
    if (socket.recovered && socket.data.subscription) {
      // Socket.io restored the socket's rooms and data and replayed the reliable events it missed;
      // the hub forgot it at the disconnect. Diffs are not replayed (the recovery buffer does not
      // keep them), so the client gets its view's whole current state: one snapshot, from which the
      // group's sequence goes on.
      this.room = [...socket.rooms].find((name) => name.startsWith(`live:${cityId}:`));
      const { kinds, bbox, everywhere } = socket.data.subscription;
      socket.emit('live:snapshot', this.join(kinds, bbox, everywhere));
    }
    socket.emit('server:hello', {
      protocolVersion: PROTOCOL_VERSION,
      cityId,
      serverTimeMs: context.clock.now(),
      timeScale: context.clock.timeScale,
      role,
      tickHz: context.tickHz / this.period,
      ...(socket.data.staffId === undefined ? {} : { staffId: socket.data.staffId }),
    });
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

  /** `live:subscribe`: joins the group of the request's filter and answers with its snapshot. */
  subscribe(request: unknown, ack: unknown): void {
    const parsed = SubscribeRequestSchema.safeParse(request);
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`)
        .join('; ');
      this.answer(ack, fail('bad-request', `live:subscribe: ${detail}`));
      return;
    }
    if (parsed.data.protocolVersion !== PROTOCOL_VERSION) {
      this.answer(
        ack,
        fail('version-mismatch', versionMismatchMessage(PROTOCOL_VERSION, parsed.data.protocolVersion)),
      );
      return;
    }
    const { kinds, bbox, everywhere } = parsed.data;
    this.answer(ack, { ok: true, data: this.join(kinds, bbox, everywhere) });
  }

  /** `live:resync`: the whole state of the socket's subscription again. */
  answerResync(ack: unknown): void {
    if (this.hub.groupOf(this.socket.id) === undefined) {
      this.answer(
        ack,
        fail(
          'not-found',
          'live:resync: there is no subscription on this connection; send live:subscribe first',
        ),
      );
      return;
    }
    this.answer(ack, { ok: true, data: this.hub.snapshot(this.socket.id) });
  }

  unsubscribe(): void {
    this.hub.unsubscribe(this.socket.id);
    if (this.room) void this.socket.leave(this.room);
    this.room = undefined;
    delete this.socket.data.subscription;
  }

  /** `incident:*`: everyone lists what they may see; staff save and remove. */
  incident(kind: 'list' | 'save' | 'remove', request: unknown, ack: unknown): void {
    if (typeof ack !== 'function') return;
    const reply = ack as (answer: Ack<unknown>) => void;
    const service = this.context.incidents;
    const { cityId, role, staffId } = this.socket.data;
    const staff = role !== 'public' && role !== 'kiosk' && staffId !== undefined;
    if (!service) {
      reply(fail('not-found', `incident:${kind}: incidents are off on this server`));
      return;
    }
    if (kind !== 'list' && !staff) {
      reply(fail('forbidden', `incident:${kind}: for staff; connect with an access key`));
      return;
    }
    try {
      const data =
        kind === 'list'
          ? service.list(cityId, staff)
          : kind === 'save'
            ? service.save(cityId, request, staffId ?? '')
            : service.remove(cityId, request);
      reply({ ok: true, data });
    } catch (error) {
      if (error instanceof IncidentError) reply(fail(error.code, `incident:${kind}: ${error.message}`));
      else {
        this.context.logger.error('incident request failed', { kind, error: (error as Error).stack });
        reply(fail('internal', `incident:${kind}: the server could not answer`));
      }
    }
  }

  /**
   * `wall:*`: any socket may become a screen of a wall (`join`, with the wall's name; the answer is
   * the last view pushed to it, or null); staff push a view to a wall of their city and list the
   * walls with screens connected. A screen is in one wall at a time.
   */
  wall(kind: 'join' | 'push' | 'list', request: unknown, ack: unknown): void {
    if (typeof ack !== 'function') return;
    const reply = ack as (answer: Ack<unknown>) => void;
    const { socket, context } = this;
    const { cityId, role, staffId } = socket.data;
    const rooms = socket.nsp.adapter.rooms;
    const prefix = wallRoomOf(cityId, '');
    if (kind === 'join') {
      const name = WallNameSchema.safeParse(request);
      if (!name.success) {
        reply(
          fail(
            'bad-request',
            `wall:join: the wall's name ${name.error.issues[0]?.message ?? 'is not valid'}`,
          ),
        );
        return;
      }
      const room = wallRoomOf(cityId, name.data);
      for (const joined of socket.rooms)
        if (joined.startsWith('wall:') && joined !== room) void socket.leave(joined);
      void socket.join(room);
      reply({ ok: true, data: context.walls.get(room) ?? null });
      return;
    }
    if (role === 'public' || role === 'kiosk' || staffId === undefined) {
      reply(fail('forbidden', `wall:${kind}: for staff; connect with an access key`));
      return;
    }
    if (kind === 'list') {
      const names = new Set<string>();
      for (const room of rooms.keys()) if (room.startsWith(prefix)) names.add(room.slice(prefix.length));
      for (const room of context.walls.keys())
        if (room.startsWith(prefix)) names.add(room.slice(prefix.length));
      const walls: WallSummary[] = [...names].sort().map((wall) => {
        const room = wallRoomOf(cityId, wall);
        const last = context.walls.get(room);
        return {
          wall,
          screens: rooms.get(room)?.size ?? 0,
          lastPushAtMs: last?.atMs ?? null,
          lastPushBy: last?.by ?? null,
        };
      });
      reply({ ok: true, data: walls });
      return;
    }
    const parsed = WallPushRequestSchema.safeParse(request);
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`)
        .join('; ');
      reply(fail('bad-request', `wall:push: ${detail}`));
      return;
    }
    const { wall, view } = parsed.data;
    const room = wallRoomOf(cityId, wall);
    const message: WallViewMessage = { wall, view, by: staffId, atMs: context.clock.now() };
    context.walls.set(room, message);
    socket.nsp.to(room).emit('wall:view', message);
    reply({ ok: true, data: { wall, screens: rooms.get(room)?.size ?? 0 } });
  }

  /**
   * `scenario:*`: everyone lists, reads and comments on what they may see (the public: published
   * scenarios); staff see drafts and versions; planners and admins save, remove and moderate.
   */
  scenario(kind: ScenarioRequest, request: unknown, ack: unknown): void {
    if (typeof ack !== 'function') return;
    const reply = ack as (answer: Ack<unknown>) => void;
    const service = this.context.scenarios;
    const { cityId, role, staffId } = this.socket.data;
    if (!service) {
      reply(fail('not-found', `scenario:${kind}: scenarios are off on this server`));
      return;
    }
    const planning = kind === 'save' || kind === 'remove' || kind === 'moderate';
    if (planning && (!canPlan(role) || staffId === undefined)) {
      reply(fail('forbidden', `scenario:${kind}: for planners; connect with a planner's access key`));
      return;
    }
    if (kind === 'versions' && !isStaff(role)) {
      reply(fail('forbidden', 'scenario:versions: for staff; connect with an access key'));
      return;
    }
    try {
      const by = staffId ?? '';
      const data =
        kind === 'list'
          ? service.list(cityId, role)
          : kind === 'get'
            ? service.get(cityId, request, role)
            : kind === 'versions'
              ? service.versions(cityId, request)
              : kind === 'save'
                ? service.save(cityId, request, by)
                : kind === 'remove'
                  ? service.remove(cityId, request)
                  : kind === 'comment'
                    ? service.comment(cityId, request, role)
                    : kind === 'comments'
                      ? service.comments(cityId, request, role)
                      : service.moderate(cityId, request, by);
      reply({ ok: true, data });
    } catch (error) {
      if (error instanceof ScenarioError) reply(fail(error.code, `scenario:${kind}: ${error.message}`));
      else {
        this.context.logger.error('scenario request failed', { kind, error: (error as Error).stack });
        reply(fail('internal', `scenario:${kind}: the server could not answer`));
      }
    }
  }

  /** `ops:health`: the source health report of the socket's city, staff only. */
  health(ack: unknown): void {
    if (typeof ack !== 'function') return;
    const reply = ack as (answer: Ack<unknown>) => void;
    const reporter = this.context.health;
    const { role } = this.socket.data;
    if (!reporter) {
      reply(fail('not-found', 'ops:health: not available on this server'));
      return;
    }
    if (role === 'public' || role === 'kiosk') {
      reply(fail('forbidden', 'ops:health: for staff; connect with an access key'));
      return;
    }
    reply({ ok: true, data: reporter.report(this.socket.data.cityId, this.hub, this.context.clock.now()) });
  }

  /** `alarm:*`: staff only; rules may be changed by operators and admins. */
  alarm(kind: 'list' | 'ack' | 'rule', request: unknown, ack: unknown): void {
    if (typeof ack !== 'function') return;
    const reply = ack as (answer: Ack<unknown>) => void;
    const service = this.context.alarms;
    const { cityId, role, staffId } = this.socket.data;
    if (!service) {
      reply(fail('not-found', `alarm:${kind}: alarms are off on this server`));
      return;
    }
    if (role === 'public' || role === 'kiosk' || staffId === undefined) {
      reply(fail('forbidden', `alarm:${kind}: alarms are for staff; connect with an access key`));
      return;
    }
    if (kind === 'rule' && role !== 'operator' && role !== 'admin') {
      reply(fail('forbidden', 'alarm:rule: only operators and admins change the rules'));
      return;
    }
    try {
      const data =
        kind === 'list'
          ? service.list(cityId)
          : kind === 'ack'
            ? service.acknowledge(cityId, request, staffId)
            : service.setRule(request);
      reply({ ok: true, data });
    } catch (error) {
      if (error instanceof AlarmError) reply(fail(error.code, `alarm:${kind}: ${error.message}`));
      else {
        this.context.logger.error('alarm request failed', { kind, error: (error as Error).stack });
        reply(fail('internal', `alarm:${kind}: the server could not answer`));
      }
    }
  }

  /** `history:*`: answered from the history store with what the socket's role may see. */
  history(kind: 'series' | 'state' | 'profile' | 'range', request: unknown, ack: unknown): void {
    if (typeof ack !== 'function') {
      this.context.logger.debug('request without acknowledgement callback', { socket: this.socket.id });
      return;
    }
    const reply = ack as (answer: Ack<unknown>) => void;
    const service = this.context.history;
    if (!service) {
      reply(fail('not-found', `history:${kind}: the history is off on this server`));
      return;
    }
    const { cityId } = this.socket.data;
    const answer =
      kind === 'series'
        ? service.series(cityId, request, this.visibilities)
        : kind === 'state'
          ? service.stateAt(cityId, request, this.visibilities)
          : kind === 'profile'
            ? service.profile(cityId, request, this.visibilities)
            : service.range(cityId);
    answer.then(
      (data) => reply({ ok: true, data }),
      (error: unknown) => {
        if (error instanceof HistoryRequestError) {
          reply(fail(error.code, `history:${kind}: ${error.message}`));
          return;
        }
        this.context.logger.error('history request failed', { kind, error: (error as Error).stack });
        reply(fail('internal', `history:${kind}: the history store could not answer`));
      },
    );
  }

  disconnected(): void {
    this.context.metrics.connectedClients.dec();
    this.hub.unsubscribe(this.socket.id);
  }

  /** Puts the socket in the group (and room) of its subscription; returns the group's snapshot. */
  private join(kinds: SensorKind[], bbox: BBox | undefined, everywhere: SensorKind[] | undefined): Snapshot {
    const { socket, hub } = this;
    hub.subscribe({ kinds, bbox, everywhere, visibilities: this.visibilities }, this, {
      periodTicks: this.period,
      memberId: socket.id,
    });
    const next = roomOf(socket.data.cityId, hub.groupOf(socket.id) ?? '');
    if (this.room !== next) {
      if (this.room) void socket.leave(this.room);
      void socket.join(next);
      this.room = next;
    }
    socket.data.subscription = { kinds, bbox, everywhere };
    return hub.snapshot(socket.id);
  }

  private answer(ack: unknown, value: Ack<Snapshot>): void {
    if (typeof ack === 'function') ack(value);
    else this.context.logger.debug('request without acknowledgement callback', { socket: this.socket.id });
  }
}
