/**
 * The Socket.io event maps, typed once and used by both sides. Names are `domain:verb`.
 * Telemetry (`live:diff`) may be coalesced under load; acknowledged requests are reliable.
 *
 * Every client → server event is also declared in {@link CLIENT_EVENTS}: its payload and answer
 * schemas, the capability it needs (`roles.ts`), its cost class and its byte budget. The server
 * handles each through one guarded door that checks all of these; adding an event is adding it to
 * both maps and writing its handler.
 */
import { z } from 'zod';
import type { Ack, ClientClass, Hello, Snapshot, SubscribeRequest } from './schemas.ts';
import { SnapshotSchema, SubscribeRequestSchema } from './schemas.ts';
import type { WireDiff } from './wireDiff.ts';
import type { HistoryRange, Series, StateAt, WeekdayHourProfile } from './history.ts';
import {
  HistoryRangeSchema,
  ProfileRequestSchema,
  SeriesRequestSchema,
  SeriesSchema,
  StateAtRequestSchema,
  StateAtSchema,
  WeekdayHourProfileSchema,
} from './history.ts';
import type { Alarm, AlarmChange, AlarmList, AlarmRule } from './alarms.ts';
import { AlarmAckRequestSchema, AlarmListSchema, AlarmRuleSchema, AlarmSchema } from './alarms.ts';
import type { HealthReport } from './health.ts';
import { HealthReportSchema } from './health.ts';
import type { Incident, IncidentChange } from './incidents.ts';
import { IncidentInputSchema, IncidentSchema } from './incidents.ts';
import type { WallPushResult, WallSummary, WallViewMessage } from './walls.ts';
import {
  WallNameSchema,
  WallPushRequestSchema,
  WallPushResultSchema,
  WallSummarySchema,
  WallViewMessageSchema,
} from './walls.ts';
import type { Scenario, ScenarioComment, ScenarioSummary, ScenarioVersion } from './scenarios.ts';
import {
  CommentInputSchema,
  CommentSchema,
  MAX_MESH_TRIANGLES,
  MAX_SOCKET_MESSAGE_BYTES,
  ModerateRequestSchema,
  ScenarioGetSchema,
  ScenarioIdSchema,
  ScenarioInputSchema,
  ScenarioSchema,
  ScenarioSummarySchema,
  ScenarioVersionSchema,
} from './scenarios.ts';
import type { Capability } from './roles.ts';

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
  'scenario:versions': (id: unknown, ack: (answer: Ack<ScenarioVersion[]>) => void) => void;
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

/** How expensive an event is to answer; each class has its own rate limit (per socket and per address). */
export const COST_CLASSES = ['light', 'history', 'write', 'comment'] as const;
export type CostClass = (typeof COST_CLASSES)[number];

/**
 * Bounds on the parsed payload, checked in one walk before its schema runs: nesting depth, keys of
 * one object, items of one array, characters of one string (keys too), and values in all.
 */
export interface ShapeLimits {
  readonly depth: number;
  readonly keys: number;
  readonly array: number;
  readonly string: number;
  readonly nodes: number;
}

/** The bounds of an event that names none. */
export const DEFAULT_SHAPE_LIMITS: ShapeLimits = {
  depth: 6,
  keys: 32,
  array: 256,
  string: 4096,
  nodes: 2048,
};

/** One client → server event, declared once: what it takes, what it answers, who may send it, what it costs. */
export interface ClientEventSpec {
  /** The payload's schema; null for an event whose only argument is the acknowledgement. */
  readonly payload: z.ZodType | null;
  /** The answer's data (inside `Ack`); null for an event without an answer. */
  readonly ack: z.ZodType | null;
  readonly capability: Capability;
  readonly cost: CostClass;
  /** The most characters of the event's packet (its JSON text); a longer one is refused unread. */
  readonly maxBytes: number;
  /** Bounds beyond {@link DEFAULT_SHAPE_LIMITS}. */
  readonly shape?: Partial<ShapeLimits>;
}

export type ClientEvent = keyof ClientToServerEvents;

const KiB = 1024;
const IdOfSchema = z.object({ id: z.string() });
const RecordIdSchema = z.string().min(1).max(200);

/** Every client → server event. The server handles exactly these, each through one guarded door. */
export const CLIENT_EVENTS = {
  'live:subscribe': {
    payload: SubscribeRequestSchema,
    ack: SnapshotSchema,
    capability: 'live:read',
    cost: 'light',
    maxBytes: 1 * KiB,
  },
  'live:resync': {
    payload: null,
    ack: SnapshotSchema,
    capability: 'live:read',
    cost: 'light',
    maxBytes: 256,
  },
  'live:unsubscribe': { payload: null, ack: null, capability: 'live:read', cost: 'light', maxBytes: 256 },
  'history:series': {
    payload: SeriesRequestSchema,
    ack: SeriesSchema,
    capability: 'history:read',
    cost: 'history',
    maxBytes: 4 * KiB,
  },
  'history:state': {
    payload: StateAtRequestSchema,
    ack: StateAtSchema,
    capability: 'history:read',
    cost: 'history',
    maxBytes: 1 * KiB,
  },
  'history:profile': {
    payload: ProfileRequestSchema,
    ack: WeekdayHourProfileSchema,
    capability: 'history:read',
    cost: 'history',
    maxBytes: 1 * KiB,
  },
  'history:range': {
    payload: null,
    ack: HistoryRangeSchema,
    capability: 'history:read',
    cost: 'history',
    maxBytes: 256,
  },
  'alarm:list': {
    payload: null,
    ack: AlarmListSchema,
    capability: 'alarms:read',
    cost: 'light',
    maxBytes: 256,
  },
  'alarm:ack': {
    payload: AlarmAckRequestSchema,
    ack: AlarmSchema,
    capability: 'alarms:acknowledge',
    cost: 'write',
    maxBytes: 2 * KiB,
  },
  'alarm:rule': {
    payload: AlarmRuleSchema,
    ack: AlarmRuleSchema,
    capability: 'alarms:rules',
    cost: 'write',
    maxBytes: 512 * KiB,
    // A rule may name every sensor of a kind and override its limits per sensor.
    shape: { keys: 10_000, array: 10_000, nodes: 60_000 },
  },
  'ops:health': {
    payload: null,
    ack: HealthReportSchema,
    capability: 'ops:health',
    cost: 'light',
    maxBytes: 256,
  },
  'incident:list': {
    payload: null,
    ack: z.array(IncidentSchema),
    capability: 'incidents:read',
    cost: 'light',
    maxBytes: 256,
  },
  'incident:save': {
    payload: IncidentInputSchema,
    ack: IncidentSchema,
    capability: 'incidents:write',
    cost: 'write',
    maxBytes: 64 * KiB,
    shape: { array: 500, nodes: 4096 },
  },
  'incident:remove': {
    payload: RecordIdSchema,
    ack: IdOfSchema,
    capability: 'incidents:write',
    cost: 'write',
    maxBytes: 512,
  },
  'wall:join': {
    payload: WallNameSchema,
    ack: WallViewMessageSchema.nullable(),
    capability: 'walls:join',
    cost: 'light',
    maxBytes: 256,
  },
  'wall:push': {
    payload: WallPushRequestSchema,
    ack: WallPushResultSchema,
    capability: 'walls:push',
    cost: 'write',
    maxBytes: 32 * KiB,
    shape: { nodes: 4096 },
  },
  'wall:list': {
    payload: null,
    ack: z.array(WallSummarySchema),
    capability: 'walls:push',
    cost: 'light',
    maxBytes: 256,
  },
  'scenario:list': {
    payload: null,
    ack: z.array(ScenarioSummarySchema),
    capability: 'scenarios:read',
    cost: 'light',
    maxBytes: 256,
  },
  'scenario:get': {
    payload: ScenarioGetSchema,
    ack: ScenarioSchema,
    capability: 'scenarios:read',
    cost: 'light',
    maxBytes: 512,
  },
  'scenario:versions': {
    payload: ScenarioIdSchema,
    ack: z.array(ScenarioVersionSchema),
    capability: 'scenarios:drafts',
    cost: 'light',
    maxBytes: 512,
  },
  'scenario:save': {
    payload: ScenarioInputSchema,
    ack: ScenarioSchema,
    capability: 'scenarios:write',
    cost: 'write',
    maxBytes: MAX_SOCKET_MESSAGE_BYTES,
    // Imported buildings' meshes: long arrays of numbers, a few levels down.
    shape: {
      depth: 8,
      keys: 64,
      array: MAX_MESH_TRIANGLES * 9,
      nodes: 4 * 1024 * 1024,
    },
  },
  'scenario:remove': {
    payload: ScenarioIdSchema,
    ack: IdOfSchema,
    capability: 'scenarios:write',
    cost: 'write',
    maxBytes: 512,
  },
  'scenario:comment': {
    payload: CommentInputSchema,
    ack: CommentSchema,
    capability: 'scenarios:comment',
    cost: 'comment',
    maxBytes: 8 * KiB,
  },
  'scenario:comments': {
    payload: ScenarioIdSchema,
    ack: z.array(CommentSchema),
    capability: 'scenarios:read',
    cost: 'light',
    maxBytes: 512,
  },
  'scenario:moderate': {
    payload: ModerateRequestSchema,
    ack: CommentSchema,
    capability: 'scenarios:moderate',
    cost: 'write',
    maxBytes: 1 * KiB,
  },
} as const satisfies { readonly [E in ClientEvent]: ClientEventSpec };

/** Whether `name` is a declared client → server event (an own key, never one of Object's). */
export function isClientEvent(name: string): name is ClientEvent {
  return Object.hasOwn(CLIENT_EVENTS, name);
}

/** The shape bounds of an event: its own over the defaults. */
export function shapeLimitsOf(event: ClientEvent): ShapeLimits {
  const spec: ClientEventSpec = CLIENT_EVENTS[event];
  return { ...DEFAULT_SHAPE_LIMITS, ...spec.shape };
}
