/**
 * The Socket.io event maps, typed once and used by both sides. Names are `domain:verb`.
 * Telemetry (`live:diff`) may be coalesced under load; acknowledged requests are reliable.
 */
import type { Ack, ClientClass, Hello, Snapshot, SubscribeRequest } from './schemas.ts';
import type { WireDiff } from './wireDiff.ts';
import type { HistoryRange, Series, StateAt, WeekdayHourProfile } from './history.ts';
import type { Alarm, AlarmChange, AlarmList, AlarmRule } from './alarms.ts';
import type { HealthReport } from './health.ts';
import type { Incident, IncidentChange } from './incidents.ts';
import type { WallPushResult, WallSummary, WallViewMessage } from './walls.ts';
import type { Scenario, ScenarioComment, ScenarioSummary } from './scenarios.ts';

export interface ServerToClientEvents {
  /** Once after connecting. */
  'server:hello': (hello: Hello) => void;
  /** At most one per tick per subscription, only with what changed, in the compact form (`wireDiff.ts`). */
  'live:diff': (diff: WireDiff) => void;
  /**
   * The whole subscription again, unasked: sent to a client that was too slow to take the diffs it
   * missed, once it can take messages again (latest value wins). Replaces the client's state.
   */
  'live:snapshot': (snapshot: Snapshot) => void;
  /**
   * One alarm's new state, to staff sockets only; reliable (never coalesced), numbered: a client that
   * sees a gap in `seq` asks `alarm:list` again.
   */
  'alarm:changed': (change: AlarmChange) => void;
  /** An incident as it is now, or null when removed (public ones to every socket, others to staff). */
  'incident:changed': (change: IncidentChange) => void;
  /** The rules after an operator changed one, to the staff sockets of every city; reliable. */
  'alarm:rules': (rules: AlarmRule[]) => void;
  /** A view pushed to the wall the socket joined (`wall:join`); reliable. */
  'wall:view': (message: WallViewMessage) => void;
}

export interface ClientToServerEvents {
  /** Replaces the socket's subscription and answers with its snapshot. */
  'live:subscribe': (request: SubscribeRequest, ack: (answer: Ack<Snapshot>) => void) => void;
  /** Asks for a fresh snapshot of the current subscription (after a gap in `seq`). */
  'live:resync': (ack: (answer: Ack<Snapshot>) => void) => void;
  'live:unsubscribe': () => void;
  /** A sensor's series (`SeriesRequest`): raw readings or buckets with mean, min, max, count. */
  'history:series': (request: unknown, ack: (answer: Ack<Series>) => void) => void;
  /** The sensors of some kinds as they were at a time (`StateAtRequest`). */
  'history:state': (request: unknown, ack: (answer: Ack<StateAt>) => void) => void;
  /** Weekday × hour means of a quantity (`ProfileRequest`). */
  'history:profile': (request: unknown, ack: (answer: Ack<WeekdayHourProfile>) => void) => void;
  /** What the history holds for the socket's city, for the timeline's bounds. */
  'history:range': (ack: (answer: Ack<HistoryRange>) => void) => void;
  /** The open alarms of the socket's city and the rules (staff only). */
  'alarm:list': (ack: (answer: Ack<AlarmList>) => void) => void;
  /** Acknowledges an alarm (`AlarmAckRequest`) in the name of the socket's access key (staff only). */
  'alarm:ack': (request: unknown, ack: (answer: Ack<Alarm>) => void) => void;
  /** Adds or changes an alarm rule (`AlarmRule`) for every city (operators and admins). */
  'alarm:rule': (request: unknown, ack: (answer: Ack<AlarmRule>) => void) => void;
  /** The source health report of the socket's city (staff only). */
  'ops:health': (ack: (answer: Ack<HealthReport>) => void) => void;
  /** The city's incidents the socket may see (all for staff, the public ones otherwise). */
  'incident:list': (ack: (answer: Ack<Incident[]>) => void) => void;
  /** Saves a new incident or a change (`IncidentInput`), staff only. */
  'incident:save': (request: unknown, ack: (answer: Ack<Incident>) => void) => void;
  /** Removes an incident by id, staff only. */
  'incident:remove': (id: unknown, ack: (answer: Ack<{ id: string }>) => void) => void;
  /** Makes the socket a screen of the named wall of its city; answers the wall's last view or null. */
  'wall:join': (wall: unknown, ack: (answer: Ack<WallViewMessage | null>) => void) => void;
  /** Sends a view (`WallPushRequest`) to every screen of a wall of the socket's city (staff only). */
  'wall:push': (request: unknown, ack: (answer: Ack<WallPushResult>) => void) => void;
  /** The city's walls: those with screens connected and those pushed to (staff only). */
  'wall:list': (ack: (answer: Ack<WallSummary[]>) => void) => void;
  /** The city's scenarios one may see (staff: all; others: the published ones). */
  'scenario:list': (ack: (answer: Ack<ScenarioSummary[]>) => void) => void;
  /** A scenario (`{ id, version? }`): the newest version, or an older one for staff. */
  'scenario:get': (request: unknown, ack: (answer: Ack<Scenario>) => void) => void;
  /** Every saved version of a scenario (staff). */
  'scenario:versions': (
    id: unknown,
    ack: (answer: Ack<{ version: number; savedBy: string; savedAtMs: number }[]>) => void,
  ) => void;
  /** Saves a new scenario or its next version (`ScenarioInput`; planners and admins). */
  'scenario:save': (request: unknown, ack: (answer: Ack<Scenario>) => void) => void;
  /** Removes a scenario with its versions and comments (planners and admins). */
  'scenario:remove': (id: unknown, ack: (answer: Ack<{ id: string }>) => void) => void;
  /** A comment anchored to a point of a variant (`CommentInput`): pending until moderated. */
  'scenario:comment': (request: unknown, ack: (answer: Ack<ScenarioComment>) => void) => void;
  /** A scenario's comments (staff: all; others: approved ones). */
  'scenario:comments': (scenarioId: unknown, ack: (answer: Ack<ScenarioComment[]>) => void) => void;
  /** Approves or rejects a comment (planners and admins). */
  'scenario:moderate': (request: unknown, ack: (answer: Ack<ScenarioComment>) => void) => void;
}

/** What a client sends in the Socket.io handshake (`auth`). */
export interface HandshakeAuth {
  protocolVersion: number;
  /** The city pack whose live data the socket wants; the server's default city when absent. */
  cityId?: string;
  /**
   * How often it wants diffs: `kiosk` (1 Hz by default), `public` (2 Hz), `operator` (10 Hz; needs an
   * access key with a staff role). Left out: the fastest its role allows.
   */
  clientClass?: ClientClass;
  /** A staff member's access key (from the server's config); without one the socket is `public`. */
  accessKey?: string;
  /**
   * The window's own random id, the same on each of its reconnects (`ClientIdSchema`). A connection
   * with the id of one the server still holds (the window came back before the server noticed it was
   * gone) replaces that one, so a window is never counted twice.
   */
  clientId?: string;
}
