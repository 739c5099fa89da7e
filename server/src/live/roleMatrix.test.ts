/**
 * Every role against every socket event, generated from the capability table (`protocol/roles.ts`)
 * and the event declarations (`CLIENT_EVENTS`): a role with the event's capability is never refused
 * as forbidden, a role without it always is. A new role, capability or event is covered without
 * touching this test (a new event needs one sample payload below; the types ask for it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientEvent, Role } from '../../../protocol/index.ts';
import { can, CLIENT_EVENTS, PROTOCOL_VERSION, ROLES } from '../../../protocol/index.ts';
import type { App } from '../app.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import type { TwinSocket } from '../testing/twinSocket.ts';
import { ask, openTwinSocket } from '../testing/twinSocket.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const KEYS: Partial<Record<Role, string>> = {
  planner: 'matrix-planner-key-0123456789',
  operator: 'matrix-operator-key-0123456789',
  admin: 'matrix-admin-key-0123456789',
};

const camera = { lon: 9.01, lat: 48.68, heightM: 500, headingDeg: 0, pitchDeg: -45, rollDeg: 0 };

/** A valid payload of each event (none for a bare request). */
const SAMPLES: { readonly [E in ClientEvent]: readonly unknown[] } = {
  'live:subscribe': [{ protocolVersion: PROTOCOL_VERSION, kinds: ['parking'] }],
  'live:resync': [],
  'live:unsubscribe': [],
  'history:series': [{ sensorId: 'no-such-sensor', fromMs: 0, toMs: 1000 }],
  'history:state': [{ atMs: 1000, kinds: ['parking'] }],
  'history:profile': [{ sensorId: 'no-such-sensor', quantity: 'occupiedSpaces' }],
  'history:range': [],
  'alarm:list': [],
  'alarm:ack': [{ alarmId: 'no-such-alarm' }],
  'alarm:rule': [
    {
      id: 'matrix-offline',
      name: { de: 'Matrix', en: 'Matrix' },
      kind: 'parking',
      severity: 'warning',
      condition: { type: 'offline' },
    },
  ],
  'ops:health': [],
  'incident:list': [],
  'incident:save': [
    {
      kind: 'event',
      title: 'Matrix',
      geometry: { type: 'Point', coordinates: [9.01, 48.68] },
      startsAtMs: 1,
      endsAtMs: null,
      public: false,
    },
  ],
  'incident:remove': ['no-such-incident'],
  'wall:join': ['matrix'],
  'wall:push': [{ wall: 'matrix', view: { camera, layers: [], atMs: null, sensorId: null } }],
  'wall:list': [],
  'scenario:list': [],
  'scenario:get': [{ id: 'no-such-scenario' }],
  'scenario:versions': ['no-such-scenario'],
  'scenario:save': [{ name: 'Matrix', variants: [{ id: 'a', name: 'A' }] }],
  'scenario:remove': ['no-such-scenario'],
  'scenario:comment': [
    { scenarioId: 'no-such-scenario', variantId: 'a', position: [9.01, 48.68, 0], text: 'Gut so' },
  ],
  'scenario:comments': ['no-such-scenario'],
  'scenario:moderate': [{ scenarioId: 'no-such-scenario', commentId: 'c1', state: 'approved' }],
};

const EVENTS = Object.keys(CLIENT_EVENTS) as ClientEvent[];

let app: App | undefined;
let baseUrl: string;
let dir: string;
const sockets = new Map<Role, TwinSocket>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citytwin-matrix-'));
  const base = loadConfig({
    env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_SIMULATOR: 'off' },
  });
  app = await createApp(
    {
      ...base,
      accessKeys: (['planner', 'operator', 'admin'] as const).map((role) => ({
        id: `matrix-${role}`,
        role,
        apiKey: KEYS[role] as string,
      })),
      incidentsFile: join(dir, 'incidents.json'),
      scenariosDir: join(dir, 'scenarios'),
      alarms: { ...base.alarms, rulesFile: join(dir, 'alarm-rules.json') },
    },
    { rootDir: repoRoot, history: null },
  );
  baseUrl = `http://127.0.0.1:${await app.listen()}`;
  for (const role of ROLES) {
    const accessKey = KEYS[role];
    const { socket, hello } = await openTwinSocket(baseUrl, {
      ...(accessKey === undefined ? {} : { accessKey }),
      ...(role === 'kiosk' ? { clientClass: 'kiosk' as const } : {}),
    });
    expect(hello.role).toBe(role);
    sockets.set(role, socket);
  }
});

afterAll(async () => {
  for (const socket of sockets.values()) socket.disconnect();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('roles × socket events, from the capability table', () => {
  it('has a valid sample payload for every declared event', () => {
    for (const event of EVENTS) {
      const spec = CLIENT_EVENTS[event];
      const sample = SAMPLES[event];
      if (spec.payload === null) expect(sample, event).toEqual([]);
      else expect(spec.payload.safeParse(sample[0]).success, event).toBe(true);
    }
  });

  it('lets every role send the events without an answer (they need a capability every role has)', () => {
    for (const event of EVENTS.filter((e) => CLIENT_EVENTS[e].ack === null))
      for (const role of ROLES)
        expect(can(role, CLIENT_EVENTS[event].capability), `${role} ${event}`).toBe(true);
  });

  for (const role of ROLES)
    it(`answers ${role}: forbidden exactly where the table gives no capability`, async () => {
      const socket = sockets.get(role) as TwinSocket;
      const outcomes: string[] = [];
      for (const event of EVENTS) {
        const spec = CLIENT_EVENTS[event];
        if (spec.ack === null) continue;
        const answer = await ask(socket, event, SAMPLES[event]);
        const forbidden = !answer.ok && answer.error.code === 'forbidden';
        expect(answer.ok ? 'ok' : answer.error.code, `${role} ${event}`).not.toBe('rate-limited');
        outcomes.push(`${event}: ${forbidden ? 'forbidden' : 'allowed'}`);
      }
      const expected = EVENTS.filter((e) => CLIENT_EVENTS[e].ack !== null).map(
        (e) => `${e}: ${can(role, CLIENT_EVENTS[e].capability) ? 'allowed' : 'forbidden'}`,
      );
      expect(outcomes).toEqual(expected);
    });

  it('gives a role the table does not know no capability at all', () => {
    for (const event of EVENTS) expect(can('superuser', CLIENT_EVENTS[event].capability)).toBe(false);
    expect(can('__proto__', 'live:read')).toBe(false);
    expect(can('constructor', 'live:read')).toBe(false);
  });
});
