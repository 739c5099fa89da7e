/**
 * Every HTTP route that takes a key, declared once: its method, its path, who may call it and how
 * large a body it reads. The routers register their routes from this table and guard them with it,
 * and `routeAccess.test.ts` checks every role against every entry, so a route cannot drift from
 * what is written here.
 *
 * Two kinds of access: a capability of `protocol/roles.ts` (staff keys give their role's, no key
 * gives the public's), or a source key (a system that sends readings; no role has one).
 */
import type { Capability } from '../../../protocol/roles.ts';

/** Who may call a route. */
export type RouteAccessRule =
  | {
      readonly capability: Capability;
      /** The operator API key (config `operatorApiKey`) opens the route too. */
      readonly operatorApiKey?: boolean;
    }
  | {
      /** Only the key of a configured source of this kind. */
      readonly sourceKey: 'push' | 'ngsi-ld';
    };

/** One guarded route. */
export interface RouteAccess {
  readonly method: 'GET' | 'POST';
  /** The path as express matches it. */
  readonly path: string;
  readonly access: RouteAccessRule;
  /** The largest body read, in bytes; 0 for a route that reads none. */
  readonly maxBodyBytes: number;
  /** What the caller wants, for refusals: "import proposed buildings". */
  readonly purpose: string;
}

const MIB = 1024 * 1024;

/** The table. */
export const ROUTE_ACCESS = {
  /** Readings pushed by a source: a batch of at most 10,000 small observations. */
  pushObservations: {
    method: 'POST',
    path: '/api/v1/observations',
    access: { sourceKey: 'push' },
    maxBodyBytes: 10 * MIB,
    purpose: 'push observations',
  },
  pushDeadLetters: {
    method: 'GET',
    path: '/api/v1/dead-letters',
    access: { sourceKey: 'push' },
    maxBodyBytes: 0,
    purpose: "read the source's dead letters",
  },
  /** A context broker's notification: whole entities, batched by the subscription. */
  ngsiLdNotify: {
    method: 'POST',
    path: '/api/v1/ngsi-ld/notify',
    access: { sourceKey: 'ngsi-ld' },
    maxBodyBytes: 10 * MIB,
    purpose: 'notify entities',
  },
  /** A planner's city model or glTF file (parsed on the server, so bounded). */
  scenarioImport: {
    method: 'POST',
    path: '/api/v1/cities/:cityId/scenario-imports',
    access: { capability: 'scenarios:write' },
    maxBodyBytes: 32 * MIB,
    purpose: 'import proposed buildings',
  },
  historyRange: {
    method: 'GET',
    path: '/api/v1/history/:cityId/range',
    access: { capability: 'history:read' },
    maxBodyBytes: 0,
    purpose: 'read the history',
  },
  historySeries: {
    method: 'GET',
    path: '/api/v1/history/:cityId/sensors/:sensorId/series',
    access: { capability: 'history:read' },
    maxBodyBytes: 0,
    purpose: 'read the history',
  },
  historyState: {
    method: 'GET',
    path: '/api/v1/history/:cityId/state',
    access: { capability: 'history:read' },
    maxBodyBytes: 0,
    purpose: 'read the history',
  },
  historyProfile: {
    method: 'GET',
    path: '/api/v1/history/:cityId/sensors/:sensorId/profile',
    access: { capability: 'history:read' },
    maxBodyBytes: 0,
    purpose: 'read the history',
  },
  operatorSources: {
    method: 'GET',
    path: '/api/v1/operator/sources',
    access: { capability: 'ops:health', operatorApiKey: true },
    maxBodyBytes: 0,
    purpose: 'read the source status',
  },
  operatorDeadLetters: {
    method: 'GET',
    path: '/api/v1/operator/dead-letters',
    access: { capability: 'ops:health', operatorApiKey: true },
    maxBodyBytes: 0,
    purpose: 'read the dead letters',
  },
  /**
   * The search box: everyone may search what they may see on the map (internal sensors only with
   * `data:internal`), so it asks for the right to the live map.
   */
  search: {
    method: 'GET',
    path: '/api/v1/search',
    access: { capability: 'live:read' },
    maxBodyBytes: 0,
    purpose: 'search the city',
  },
  /** Open from loopback or to everyone where the config's `security.metrics` says so. */
  metrics: {
    method: 'GET',
    path: '/metrics',
    access: { capability: 'metrics:read', operatorApiKey: true },
    maxBodyBytes: 0,
    purpose: 'read the metrics',
  },
} as const satisfies Record<string, RouteAccess>;

/** The name of a declared route. */
export type RouteName = keyof typeof ROUTE_ACCESS;
