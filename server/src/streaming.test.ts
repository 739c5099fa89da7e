/**
 * The streaming hub over real Socket.io with real clients: each client gets exactly the sensors of its
 * subscription (kinds × view × role) and nothing else, panning changes the set, client classes get
 * their own rates, and a client whose connection drops is current again within one tick of coming
 * back, compared sensor by sensor with the server's state.
 */
import { fileURLToPath } from 'node:url';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  Ack,
  BBox,
  ClientToServerEvents,
  Diff,
  Hello,
  Sensor,
  SensorKind,
  SensorState,
  ServerToClientEvents,
  Snapshot,
} from '../../protocol/index.ts';
import { PROTOCOL_VERSION } from '../../protocol/index.ts';
import type { App } from './app.ts';
import { createApp } from './app.ts';
import type { CityPack } from './cityPack/loadCityPack.ts';
import { loadCityPack } from './cityPack/loadCityPack.ts';
import { createManualClock } from './clock.ts';
import type { ManualClock } from './clock.ts';
import { loadConfig } from './config.ts';
import { isInBBox } from './hub/liveState.ts';
import { DiffReader } from './testing/diffReader.ts';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const T0 = Date.UTC(2026, 10, 18, 9, 0, 0);
const OPERATOR_KEY = 'leitstelle-access-key-0123456789';

/** A client that keeps its own copy of the live state the way the viewer does. */
interface TestClient {
  socket: ClientSocket;
  hello: Hello;
  states: Map<string, SensorState>;
  seq: number;
  subscriptionId: string;
  diffs: Diff[];
  gaps: number;
}

let app: App;
let clock: ManualClock;
let baseUrl: string;
let pack: CityPack;
const clients: TestClient[] = [];

/** Half the town's traffic sensors are internal (say, the police's loops): only staff see them. */
async function packWithInternalSensors(): Promise<CityPack> {
  const demo = await loadCityPack(fileURLToPath(new URL('../../data/boeblingen-demo', import.meta.url)));
  let n = 0;
  const sensors = demo.sensors.map((sensor): Sensor =>
    sensor.kind === 'traffic' && n++ % 2 === 0 ? { ...sensor, visibility: 'internal' } : sensor,
  );
  return { ...demo, sensors };
}

beforeEach(async () => {
  clock = createManualClock(T0);
  pack = await packWithInternalSensors();
  const config = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent' } });
  app = await createApp(
    { ...config, accessKeys: [{ id: 'leitstelle', role: 'operator', apiKey: OPERATOR_KEY }] },
    { clock, pack, rootDir: repoRoot, history: null, autoTick: false },
  );
  baseUrl = `http://127.0.0.1:${await app.listen()}`;
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.disconnect();
  await app.close();
});

async function open(auth: Record<string, unknown> = {}): Promise<TestClient> {
  const socket: ClientSocket = connect(baseUrl, {
    auth: { protocolVersion: PROTOCOL_VERSION, ...auth },
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 50,
    reconnectionDelayMax: 100,
  });
  const hello = await new Promise<Hello>((resolve, reject) => {
    socket.once('server:hello', resolve);
    socket.once('connect_error', reject);
  });
  const client: TestClient = {
    socket,
    hello,
    states: new Map(),
    seq: 0,
    subscriptionId: '',
    diffs: [],
    gaps: 0,
  };
  const reader = new DiffReader();
  const take = (snapshot: Snapshot) => {
    reader.take(snapshot);
    client.subscriptionId = snapshot.subscriptionId;
    client.seq = snapshot.seq;
    client.states = new Map(snapshot.states.map((s) => [s.sensorId, s]));
  };
  socket.on('live:snapshot', take);
  socket.on('live:diff', (wire) => {
    // Every diff is read against its own subscription's snapshot, also one the client left since.
    const diff = reader.read(wire);
    client.diffs.push(diff);
    if (diff.subscriptionId !== client.subscriptionId || diff.seq <= client.seq) return;
    if (diff.seq !== client.seq + 1) {
      client.gaps += 1;
      socket.emit('live:resync', (answer) => {
        if (answer.ok) take(answer.data);
      });
      return;
    }
    client.seq = diff.seq;
    for (const state of diff.upserts) client.states.set(state.sensorId, state);
    for (const id of diff.removed) client.states.delete(id);
  });
  (client as TestClient & { take: typeof take }).take = take;
  clients.push(client);
  return client;
}

async function subscribe(client: TestClient, kinds: SensorKind[], bbox?: BBox): Promise<void> {
  const take = (client as TestClient & { take: (s: Snapshot) => void }).take;
  // Taken in the acknowledgement callback itself, before any diff that follows it is handled.
  await new Promise<void>((resolve, reject) => {
    client.socket
      .timeout(5000)
      .emit(
        'live:subscribe',
        { protocolVersion: PROTOCOL_VERSION, kinds, ...(bbox ? { bbox } : {}) },
        (error: Error | null, answer: Ack<Snapshot>) => {
          if (error) reject(error);
          else if (!answer.ok) reject(new Error(answer.error.message));
          else {
            take(answer.data);
            resolve();
          }
        },
      );
  });
}

/** The sensors a subscription should hold, worked out from the registry. */
function expected(kinds: SensorKind[], bbox: BBox, staff: boolean): string[] {
  return pack.sensors
    .filter(
      (s) => kinds.includes(s.kind) && isInBBox(s.position, bbox) && (staff || s.visibility === 'public'),
    )
    .map((s) => s.id)
    .sort();
}

/** Every sensor in the town, whole-town bbox, split in a west and an east half. */
function halves(): { west: BBox; east: BBox } {
  const lons = pack.sensors.map((s) => s.position[0]);
  const lats = pack.sensors.map((s) => s.position[1]);
  const [w, e, s, n] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  const mid = (w + e) / 2;
  return { west: [w - 0.001, s - 0.001, mid, n + 0.001], east: [mid, s - 0.001, e + 0.001, n + 0.001] };
}

/** Moves the clock, lets the simulator report, runs `ticks` hub ticks and waits for delivery. */
/** Moves the clock on by `ms`, then runs `ticks` hub ticks (50 a second: an operator's diff every 5th). */
async function step(ms: number, ticks = 1): Promise<void> {
  clock.advance(ms);
  app.simulator?.poll();
  for (let i = 0; i < ticks; i++) app.hub.tick();
  await new Promise((resolve) => setTimeout(resolve, 100));
}

describe('subscriptions are kinds × view × role', () => {
  it('gives each client exactly its sensors, and panning changes the set', async () => {
    const { west, east } = halves();
    const operator = await open({ accessKey: OPERATOR_KEY });
    const visitor = await open();
    expect(operator.hello).toMatchObject({ role: 'operator', tickHz: 10 });
    expect(visitor.hello).toMatchObject({ role: 'public', tickHz: 2 });
    await subscribe(operator, ['traffic', 'parking'], west);
    await subscribe(visitor, ['traffic'], east);
    expect([...operator.states.keys()].sort()).toEqual(expected(['traffic', 'parking'], west, true));
    expect([...visitor.states.keys()].sort()).toEqual(expected(['traffic'], east, false));
    expect(expected(['traffic'], east, true).length).toBeGreaterThan(visitor.states.size);

    // A minute of readings: every diff carries only sensors of the client's own subscription.
    await step(60_000, 50);
    const seen = (client: TestClient) =>
      new Set(client.diffs.flatMap((d) => d.upserts.map((u) => u.sensorId)));
    expect([...seen(operator)].every((id) => expected(['traffic', 'parking'], west, true).includes(id))).toBe(
      true,
    );
    expect([...seen(visitor)].every((id) => expected(['traffic'], east, false).includes(id))).toBe(true);
    expect(seen(visitor).size).toBeGreaterThan(0);

    // The visitor pans west: its set is the west's public traffic now, and so are its diffs.
    await subscribe(visitor, ['traffic'], west);
    expect([...visitor.states.keys()].sort()).toEqual(expected(['traffic'], west, false));
    visitor.diffs.length = 0;
    await step(60_000, 50);
    expect(seen(visitor).size).toBeGreaterThan(0);
    expect([...seen(visitor)].every((id) => expected(['traffic'], west, false).includes(id))).toBe(true);
  });

  it('refuses an access key it does not know', async () => {
    await expect(open({ accessKey: 'not-a-key-of-anyone-here' })).rejects.toThrow(/access key is not known/);
  });
});

describe('client classes', () => {
  it('sends operators 10 diffs a second, the public 2 and kiosks 1, on the 50 Hz hub', async () => {
    const operator = await open({ accessKey: OPERATOR_KEY });
    const visitor = await open();
    const kiosk = await open({ clientClass: 'kiosk' });
    expect(kiosk.hello).toMatchObject({ role: 'kiosk', tickHz: 1 });
    for (const client of [operator, visitor, kiosk]) await subscribe(client, ['traffic']);
    // A hundred hub ticks (two seconds at 50 Hz), a second of readings before every fifth.
    for (let i = 0; i < 20; i++) await step(1000, 5);
    expect(operator.diffs).toHaveLength(20);
    expect(visitor.diffs).toHaveLength(4);
    expect(kiosk.diffs).toHaveLength(2);
    // Ticks without news: each class sends what changed since its last diff within its period.
    await step(0, 50);
    // Fewer messages, same end state: every class holds the server's current readings.
    for (const client of [visitor, kiosk])
      for (const [id, state] of client.states)
        if (operator.states.has(id)) expect(state.observation).toEqual(app.hub.state(id)?.observation);
  });
});

describe('reconnecting', () => {
  it('leaves no stale value: after a dropped connection every value is the server’s within one tick', async () => {
    const visitor = await open({ clientClass: 'operator', accessKey: OPERATOR_KEY });
    await subscribe(visitor, ['parking', 'traffic', 'environment', 'water']);
    await step(20_000, 5);
    // The transport drops; readings change while the client is away.
    let pushed = 0;
    visitor.socket.on('live:snapshot', () => (pushed += 1));
    const back = new Promise<void>((resolve) => visitor.socket.io.once('reconnect', () => resolve()));
    visitor.socket.io.engine.close();
    await step(120_000, 15);
    await back;
    // One operator tick (five hub ticks) after it is back.
    await step(0, 5);
    expect(visitor.socket.recovered).toBe(true);
    // Recovered with its subscription: the view's current state came as one snapshot (the diffs
    // missed are not replayed), and the diffs after it follow on without a gap.
    expect(pushed).toBe(1);
    expect(visitor.gaps).toBe(0);
    const stale = [...visitor.states].filter(
      ([id, state]) => JSON.stringify(state) !== JSON.stringify(app.hub.state(id)),
    );
    expect(stale.map(([id]) => id)).toEqual([]);
    expect(visitor.states.size).toBe(pack.sensors.length);
  });
});
