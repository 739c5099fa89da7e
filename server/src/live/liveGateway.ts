/**
 * Socket.io side of the twin: the handshake (`handshake.ts`), one door for every client → server
 * event (`eventGate.ts` before parsing, `door.ts` after), and one handler module per domain (live,
 * history, alarms, incidents, walls, scenarios). This file only wires them: each hub's diffs to its
 * groups' rooms, each connection to its live state, its rooms and the door.
 *
 * Connection-state recovery is on, so a short drop replays the reliable events that were missed; a
 * recovered socket gets its view's state as one snapshot.
 */
import type { ClientClass, WallViewMessage } from '../../../protocol/index.ts';
import { can, DiffTextEncoder, PROTOCOL_VERSION } from '../../../protocol/index.ts';
import type { AlarmService } from '../alarms/alarmService.ts';
import type { AccessKeyRing } from '../auth/accessKeys.ts';
import type { Clock } from '../clock.ts';
import type { HistoryService } from '../history/historyService.ts';
import type { SourceHealthReporter } from '../http/sourceHealth.ts';
import type { Hub } from '../hub/hub.ts';
import type { IncidentService } from '../incidents/incidentService.ts';
import type { Logger } from '../logger.ts';
import type { AppMetrics } from '../metrics.ts';
import type { ScenarioService } from '../scenarios/scenarioService.ts';
import { alarmHandlers } from './alarmHandlers.ts';
import type { DoorLimits } from './door.ts';
import { Door } from './door.ts';
import { GatedDecoder } from './eventGate.ts';
import { handshake } from './handshake.ts';
import { historyHandlers } from './historyHandlers.ts';
import { incidentHandlers } from './incidentHandlers.ts';
import { LiveConnection, liveHandlers, onDisconnect } from './liveHandlers.ts';
import type { GatewayContext, LiveServer, LiveSocket, LiveSocketData } from './liveTypes.ts';
import { alarmRoomOf, incidentRoomOf, roomOf } from './liveTypes.ts';
import { preEncoded } from './preEncoded.ts';
import { scenarioHandlers } from './scenarioHandlers.ts';
import { wallHandlers } from './wallHandlers.ts';

export type { LiveServer, LiveSocketData } from './liveTypes.ts';
export { alarmRoomOf, incidentRoomOf, wallRoomOf } from './liveTypes.ts';
export { classFor } from './handshake.ts';

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
  /** Rate limits of the door; the defaults when left out. */
  doorLimits?: DoorLimits | undefined;
  /** The address a socket connects from; Socket.io's (the peer's) when left out. */
  addressOf?: ((socket: LiveSocket) => string) | undefined;
  /** Answers `history:*`; without it they are refused as not found. */
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

/** Whether two connections present the same window: same city, role and access key. */
function sameHolder(a: LiveSocketData, b: LiveSocketData): boolean {
  return a.cityId === b.cityId && a.role === b.role && a.staffId === b.staffId;
}

/** The decoder Socket.io made for the socket's connection (not in its public types). */
function decoderOf(socket: LiveSocket): unknown {
  return (socket.client as unknown as { decoder?: unknown }).decoder;
}

export function attachLiveGateway(io: LiveServer, options: LiveGatewayOptions): void {
  const { hubs, defaultCityId, clock, metrics, logger } = options;
  // A class faster than the hub gets every tick.
  const periodTicks = (clientClass: ClientClass) =>
    Math.max(1, Math.round(options.tickHz / Math.min(options.tickHz, options.tickHzByClass[clientClass])));

  const encoders = new Map<Hub, DiffTextEncoder>();
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

  const context: GatewayContext = {
    clock,
    metrics,
    logger,
    tickHz: options.tickHz,
    hubs,
    encoderOf: (hub) => encoders.get(hub) ?? new DiffTextEncoder(),
    accessKeyRing: options.accessKeyRing,
    history: options.history,
    alarms: options.alarms,
    health: options.health,
    incidents: options.incidents,
    scenarios: options.scenarios,
    walls: new Map<string, WallViewMessage>(),
  };
  const door = new Door({ logger, metrics, limits: options.doorLimits });
  door.handle(liveHandlers());
  door.handle(historyHandlers(context));
  door.handle(alarmHandlers(context));
  door.handle(incidentHandlers(context));
  door.handle(wallHandlers(context));
  door.handle(scenarioHandlers(context));
  door.assertComplete();

  const addressOf = options.addressOf ?? ((socket: LiveSocket) => socket.handshake.address);
  io.use(
    handshake({
      cityIds: new Set(hubs.keys()),
      defaultCityId,
      accessKeyRing: options.accessKeyRing,
      addressOf,
    }),
  );

  /** Each window's connection, by the window's own id. */
  const byClientId = new Map<string, LiveSocket>();
  io.on('connection', (socket) => {
    const hub = hubs.get(socket.data.cityId);
    const decoder = decoderOf(socket);
    if (!hub || !(decoder instanceof GatedDecoder)) {
      // The server is built with the gated decoder (`twinParser`); without it no event could
      // be checked before it is parsed, so none is taken.
      if (!(decoder instanceof GatedDecoder)) logger.error('socket refused: the server has no gated decoder');
      socket.disconnect(true);
      return;
    }
    const { clientId, cityId, role } = socket.data;
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
    // Staff get every alarm change of their city as a reliable event (a recovered socket keeps it).
    if (can(role, 'alarms:read') && context.alarms) void socket.join(alarmRoomOf(cityId));
    // Incidents: staff in one room (all, with who marked them), everyone else in the other.
    void socket.join(incidentRoomOf(cityId, can(role, 'incidents:internal') ? 'staff' : 'public'));
    connection.restore();
    socket.emit('server:hello', {
      protocolVersion: PROTOCOL_VERSION,
      cityId,
      serverTimeMs: clock.now(),
      timeScale: clock.timeScale,
      role,
      tickHz: connection.tickHz,
      ...(socket.data.staffId === undefined ? {} : { staffId: socket.data.staffId }),
    });
    decoder.admit(door.open(socket, socket.data.address ?? addressOf(socket)));
    socket.on('disconnect', onDisconnect);
  });
}
