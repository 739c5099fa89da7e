/**
 * Types and room names the gateway's modules share: the typed Socket.io server and socket, what the
 * server keeps on a socket, and the context every domain's handlers get.
 */
import type { Server, Socket } from 'socket.io';
import type {
  BBox,
  ClientClass,
  ClientToServerEvents,
  Role,
  SensorKind,
  ServerToClientEvents,
  WallViewMessage,
} from '../../../protocol/index.ts';
import type { DiffTextEncoder } from '../../../protocol/index.ts';
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

/** What the server keeps on a socket (`socket.data`); it survives connection-state recovery. */
export interface LiveSocketData {
  cityId: string;
  role: Role;
  clientClass: ClientClass;
  /** The id of the staff access key the socket presented (who acknowledges an alarm). */
  staffId?: string;
  /** The window's own id (`auth.clientId`), when it sent one. */
  clientId?: string;
  /** The address the socket connects from (the proxy's forwarded one where configured). */
  address?: string;
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
export type LiveSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  LiveSocketData
>;

/** The Socket.io room of a hub group of a city. */
export const roomOf = (cityId: string, groupId: string) => `live:${cityId}:${groupId}`;
/** The room of a city's staff sockets, where alarm changes go. */
export const alarmRoomOf = (cityId: string) => `alarms:${cityId}`;
/**
 * The rooms incident changes go to: a city's sockets without staff rights (`public`), and its staff
 * (`staff`); a socket is in one of them, so each gets the form meant for it.
 */
export const incidentRoomOf = (cityId: string, audience: 'public' | 'staff') =>
  `incidents:${cityId}:${audience}`;
/** The room of a wall's screens (`?wall=<name>`) in a city: staff screens and the others apart. */
export const wallRoomOf = (cityId: string, wall: string, audience: 'public' | 'staff') =>
  `wall:${cityId}:${audience}:${wall}`;

/** What every handler of one gateway shares. */
export interface GatewayContext {
  readonly clock: Clock;
  readonly metrics: AppMetrics;
  readonly logger: Logger;
  readonly tickHz: number;
  readonly hubs: ReadonlyMap<string, Hub>;
  readonly encoderOf: (hub: Hub) => DiffTextEncoder;
  readonly accessKeyRing: AccessKeyRing;
  readonly history: HistoryService | undefined;
  readonly alarms: AlarmService | undefined;
  readonly health: SourceHealthReporter | undefined;
  readonly incidents: IncidentService | undefined;
  readonly scenarios: ScenarioService | undefined;
  /** The last view pushed to each wall, by `cityId:wall` (so a screen that comes up later shows it). */
  readonly walls: Map<string, WallViewMessage>;
}
