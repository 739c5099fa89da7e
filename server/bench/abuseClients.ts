/**
 * The clients of `bench:abuse`, each kind in a process of its own (so their CPU is not the
 * server's, and the viewer's receipt times are not held up by the hostile sockets' work):
 *
 * - `viewer`: one control-room console (operator key, 10 diffs a second) subscribed to the whole
 *   town. For every sensor state in a diff, latency = receipt - the reading's `observedAt` (the time
 *   the bench's driver handed it to the hub; both are this machine's real-time clock). It reports
 *   the latencies of each window the bench opens and closes.
 * - `hostile`: five public sockets, each firing at its rate limits: light requests (a new
 *   subscription with another view rectangle, lists) and history requests (the whole town at a
 *   random moment of the last minutes, a sensor's raw series, a profile), paced at the per-socket
 *   rate or the address's share of it, whichever is lower, so the server spends what it allows and
 *   no more. A socket the server disconnects is opened again (a real attacker would).
 *
 * Started with argv[2] = JSON `{ role, url, key? }`; talks to the bench over IPC.
 */
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { Ack, Snapshot, WireDiff } from '../../protocol/index.ts';
import { decodeDiff, PROTOCOL_VERSION } from '../../protocol/index.ts';
import { DEFAULT_DOOR_LIMITS } from '../src/live/door.ts';
import { HUB_KINDS } from './hubLoad.ts';

export type AbuseRequest = { type: 'start' } | { type: 'stop' };
export type AbuseReply =
  | { type: 'ready' }
  | { type: 'started' }
  | { type: 'viewer-window'; latenciesMs: number[]; diffs: number; undecodable: number }
  | { type: 'hostile-stopped'; sent: number; answers: Record<string, number>; reconnects: number };

interface ChildConfig {
  readonly role: 'viewer' | 'hostile';
  readonly url: string;
  readonly key?: string;
  /** The ids of the town's sensors (the hostile sockets ask for their series). */
  readonly sensorIds?: readonly string[];
}

const HOSTILE_SOCKETS = 5;

function connect(url: string, key?: string): Socket {
  return io(url, {
    auth: { protocolVersion: PROTOCOL_VERSION, ...(key === undefined ? {} : { accessKey: key }) },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
}

function send(reply: AbuseReply): void {
  process.send?.(reply);
}

async function viewer(config: ChildConfig): Promise<void> {
  const socket = connect(config.url, config.key);
  let order: readonly string[] = [];
  let collecting = false;
  let latencies: number[] = [];
  let diffs = 0;
  let undecodable = 0;
  socket.on('live:diff', (wire: WireDiff) => {
    const receivedMs = performance.timeOrigin + performance.now();
    if (!collecting) return;
    const decoded = decodeDiff(wire, order);
    if (!decoded.ok) {
      undecodable += 1;
      return;
    }
    diffs += 1;
    for (const state of decoded.diff.upserts)
      if (state.observation) latencies.push(receivedMs - state.observation.observedAt);
  });
  socket.on('live:snapshot', (snapshot: Snapshot) => {
    order = snapshot.states.map((s) => s.sensorId);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('server:hello', () => resolve());
    socket.once('connect_error', reject);
  });
  const answer = (await socket.timeout(10_000).emitWithAck('live:subscribe', {
    protocolVersion: PROTOCOL_VERSION,
    kinds: [...HUB_KINDS],
  })) as Ack<Snapshot>;
  if (!answer.ok) throw new Error(`the viewer's subscription was refused: ${answer.error.message}`);
  order = answer.data.states.map((s) => s.sensorId);
  process.on('message', (raw) => {
    const request = raw as AbuseRequest;
    if (request.type === 'start') {
      latencies = [];
      diffs = 0;
      undecodable = 0;
      collecting = true;
      send({ type: 'started' });
    } else {
      collecting = false;
      send({ type: 'viewer-window', latenciesMs: latencies, diffs, undecodable });
    }
  });
  send({ type: 'ready' });
}

async function hostile(config: ChildConfig): Promise<void> {
  const sensorIds = config.sensorIds ?? [];
  const { rates } = DEFAULT_DOOR_LIMITS;
  // Each socket's share: its own rate, or a fifth of the address's, whichever is lower.
  const perSecond = (cost: 'light' | 'history') =>
    Math.min(rates[cost].socket.perSecond, rates[cost].address.perSecond / HOSTILE_SOCKETS);
  let running = false;
  let sent = 0;
  let reconnects = 0;
  const answers: Record<string, number> = {};
  const count = (answer: unknown) => {
    const ack = answer as Ack<unknown> | undefined;
    const key = ack === undefined ? 'none' : ack.ok ? 'ok' : ack.error.code;
    answers[key] = (answers[key] ?? 0) + 1;
  };
  const random = (n: number) => Math.floor(Math.random() * n);
  const lightRequest = (i: number): [string, ...unknown[]] => {
    switch (i % 4) {
      case 0: {
        const lon = 9.0 + Math.random() * 0.03;
        const lat = 48.67 + Math.random() * 0.02;
        return [
          'live:subscribe',
          {
            protocolVersion: PROTOCOL_VERSION,
            kinds: [...HUB_KINDS],
            bbox: [lon, lat, lon + 0.01, lat + 0.01],
          },
        ];
      }
      case 1:
        return ['scenario:list'];
      case 2:
        return ['incident:list'];
      default:
        return ['wall:join', `wand-${i % 7}`];
    }
  };
  const historyRequest = (i: number): [string, ...unknown[]] => {
    const nowMs = Date.now();
    const sensorId = sensorIds[random(sensorIds.length)] ?? 'none';
    switch (i % 3) {
      case 0:
        return ['history:state', { atMs: nowMs - random(120_000), kinds: [...HUB_KINDS] }];
      case 1:
        return ['history:series', { sensorId, fromMs: nowMs - 300_000, toMs: nowMs }];
      default:
        return ['history:profile', { sensorId, quantity: 'occupiedSpaces', weeks: 1 }];
    }
  };
  const fire = (socket: Socket, [event, ...args]: [string, ...unknown[]]) => {
    sent += 1;
    socket
      .timeout(10_000)
      .emitWithAck(event, ...args)
      .then(count, () => count(undefined));
  };
  const loops: (() => void)[] = [];
  const runSocket = (index: number) => {
    let socket = connect(config.url);
    socket.on('disconnect', () => {
      if (!running) return;
      reconnects += 1;
      socket = connect(config.url);
    });
    let light = 0;
    let history = 0;
    const timers = [
      setInterval(
        () => running && socket.connected && fire(socket, lightRequest(light++ + index)),
        1000 / perSecond('light'),
      ),
      setInterval(
        () => running && socket.connected && fire(socket, historyRequest(history++ + index)),
        1000 / perSecond('history'),
      ),
    ];
    loops.push(() => {
      for (const timer of timers) clearInterval(timer);
      socket.disconnect();
    });
  };
  process.on('message', (raw) => {
    const request = raw as AbuseRequest;
    if (request.type === 'start') {
      running = true;
      sent = 0;
      reconnects = 0;
      for (const key of Object.keys(answers)) delete answers[key];
      for (let i = 0; i < HOSTILE_SOCKETS; i += 1) runSocket(i);
      send({ type: 'started' });
    } else {
      running = false;
      for (const stop of loops.splice(0)) stop();
      send({ type: 'hostile-stopped', sent, answers: { ...answers }, reconnects });
    }
  });
  send({ type: 'ready' });
}

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
process.on('disconnect', () => process.exit(0));
(config.role === 'viewer' ? viewer(config) : hostile(config)).catch((error: unknown) => {
  process.stderr.write(`abuse ${config.role}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
