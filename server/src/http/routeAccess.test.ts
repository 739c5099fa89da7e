/**
 * The role × route matrix, generated from `ROLE_CAPABILITIES` and `ROUTE_ACCESS`: for every role
 * (public and kiosk without a key, each staff role with its key, and the operator API key) and
 * every declared route, the real app lets the request through exactly when the table says so, and
 * otherwise answers 401 (no key where one is needed) or 403 (a key without the capability).
 *
 * Each request comes from an address of its own (`X-Forwarded-For` behind a trusted loopback
 * proxy), so keys that are wrong for a source route do not throttle the requests after them, and
 * `/metrics` is asked from outside the machine, where it needs a key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../protocol/roles.ts';
import { ROLE_CAPABILITIES, ROLES, STAFF_ROLES } from '../../../protocol/roles.ts';
import type { KeyedApp } from '../testing/keyedApp.ts';
import { NGSI_LD_KEY, OPERATOR_API_KEY, PUSH_KEY, STAFF_KEYS, startKeyedApp } from '../testing/keyedApp.ts';
import type { RouteAccess, RouteName } from './routeAccess.ts';
import { ROUTE_ACCESS } from './routeAccess.ts';

/** A request that reaches the route's handler, and the status the handler answers it with. */
interface Sample {
  readonly path: string;
  readonly init?: RequestInit;
  readonly reached: number;
}

const nowMs = Date.now();
const SAMPLES: Readonly<Record<RouteName, Sample>> = {
  pushObservations: {
    path: '/api/v1/observations',
    init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' },
    reached: 200,
  },
  pushDeadLetters: { path: '/api/v1/dead-letters', reached: 200 },
  ngsiLdNotify: {
    path: '/api/v1/ngsi-ld/notify',
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'Notification', subscriptionId: 'urn:s:1', data: [] }),
    },
    reached: 200,
  },
  // An empty file: the handler says so.
  scenarioImport: {
    path: '/api/v1/cities/boeblingen-demo/scenario-imports?name=model.city.json',
    init: { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: '' },
    reached: 400,
  },
  historyRange: { path: '/api/v1/history/boeblingen-demo/range', reached: 200 },
  historySeries: {
    path: '/api/v1/history/boeblingen-demo/sensors/parking-elbenplatz/series',
    reached: 200,
  },
  historyState: { path: `/api/v1/history/boeblingen-demo/state?at=${nowMs}`, reached: 200 },
  historyProfile: {
    path: '/api/v1/history/boeblingen-demo/sensors/parking-elbenplatz/profile?quantity=freeSpaces',
    reached: 200,
  },
  operatorSources: { path: '/api/v1/operator/sources', reached: 200 },
  operatorDeadLetters: { path: '/api/v1/operator/dead-letters', reached: 200 },
  metrics: { path: '/metrics', reached: 200 },
  search: { path: '/api/v1/search?q=Calwer', reached: 200 },
};

/** Who calls: a role with the key it has (none for public and kiosk), the operator API key, a source. */
interface Caller {
  readonly name: string;
  readonly key: string | undefined;
  /** Whether this caller may use `route`, by the tables alone. */
  readonly may: (route: RouteAccess) => boolean;
  /** The refusal it gets where it may not. */
  readonly refusal: (route: RouteAccess) => 401 | 403;
}

const isStaffRole = (role: Role): role is (typeof STAFF_ROLES)[number] =>
  (STAFF_ROLES as readonly Role[]).includes(role);

/**
 * Staff keys and the operator API key are known to staff routes (403 where they lack the right)
 * but not to source routes, which know only their sources' keys (401); no key is always 401.
 */
const staffRefusal = (key: string | undefined) => (route: RouteAccess) =>
  key === undefined || 'sourceKey' in route.access ? 401 : 403;

const CALLERS: readonly Caller[] = [
  ...ROLES.map((role): Caller => {
    const key = isStaffRole(role) ? STAFF_KEYS[role] : undefined;
    return {
      name: role,
      key,
      may: (route) =>
        'capability' in route.access && ROLE_CAPABILITIES[role].includes(route.access.capability),
      refusal: staffRefusal(key),
    };
  }),
  {
    name: 'operator API key',
    key: OPERATOR_API_KEY,
    may: (route) => 'operatorApiKey' in route.access && route.access.operatorApiKey === true,
    refusal: staffRefusal(OPERATOR_API_KEY),
  },
  {
    name: 'push source key',
    key: PUSH_KEY,
    may: (route) => 'sourceKey' in route.access && route.access.sourceKey === 'push',
    refusal: () => 401,
  },
  {
    name: 'NGSI-LD source key',
    key: NGSI_LD_KEY,
    may: (route) => 'sourceKey' in route.access && route.access.sourceKey === 'ngsi-ld',
    refusal: () => 401,
  },
];

const CASES = CALLERS.flatMap((caller) =>
  (Object.entries(ROUTE_ACCESS) as [RouteName, RouteAccess][]).map(([name, route]) => ({
    caller,
    name,
    route,
    expected: caller.may(route) ? SAMPLES[name].reached : caller.refusal(route),
  })),
);

let server: KeyedApp;
let nextAddress = 1;

beforeAll(async () => {
  server = await startKeyedApp({ trustProxy: 'loopback', metrics: 'loopback' }, { withHistory: true });
});

afterAll(async () => {
  await server.close();
});

describe('who may use which route', () => {
  it('has a sample request for every declared route, and a role for every row of the table', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(ROUTE_ACCESS).sort());
    expect(CALLERS.map((caller) => caller.name).slice(0, ROLES.length)).toEqual([...ROLES]);
  });

  it.each(CASES.map((c) => [c.caller.name, c.route.method, c.route.path, c.expected, c] as const))(
    '%s: %s %s answers %i',
    async (_who, _method, _path, expected, { caller, name, route }) => {
      const sample = SAMPLES[name];
      const address = `203.0.113.${nextAddress}`;
      nextAddress += 1;
      const response = await fetch(`${server.baseUrl}${sample.path}`, {
        method: route.method,
        ...sample.init,
        headers: {
          ...(sample.init?.headers as Record<string, string> | undefined),
          'x-forwarded-for': address,
          ...(caller.key === undefined ? {} : { authorization: `Bearer ${caller.key}` }),
        },
      });
      const text = await response.text();
      expect({ status: response.status, text: response.status === expected ? '' : text }).toEqual({
        status: expected,
        text: '',
      });
    },
  );
});
