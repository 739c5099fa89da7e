/**
 * Test support: a Mosquitto broker of the test's own, on a free port with persistence in a temporary
 * folder (or none), that the test can stop and start again (the machine's broker on 1883 is left
 * alone), and a link in front of it that can cut a client's connection at a chosen moment. Where
 * Mosquitto is not installed, tests skip with a message; with CI=true that is a failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MOSQUITTO_PATH = process.env.MOSQUITTO_PATH ?? '/usr/sbin/mosquitto';

/** Whether Mosquitto can run here; logs why not. Throws with CI=true when it is missing. */
export function mosquittoAvailable(): boolean {
  if (existsSync(MOSQUITTO_PATH)) return true;
  const message = `Mosquitto not found at ${MOSQUITTO_PATH} (install Debian's mosquitto, or set MOSQUITTO_PATH).`;
  if (/^(1|true)$/i.test(process.env.CI ?? '')) throw new Error(`${message} CI=true: MQTT tests must run.`);
  console.warn(`Skipping MQTT tests: ${message}`);
  return false;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface TestBrokerOptions {
  /**
   * Whether the broker keeps sessions, subscriptions and queued messages across a stop and start
   * (default true). Without it every start is a broker that lost its state.
   */
  readonly persistence?: boolean;
}

export interface TestBroker {
  readonly url: string;
  readonly port: number;
  start(): Promise<void>;
  /**
   * Stops the broker the way a service stop does (SIGTERM: with persistence it saves its sessions and
   * queues).
   */
  stop(): Promise<void>;
  /**
   * Deletes the saved database of a stopped broker, so the next start knows no session, subscription
   * or queued message: a broker restarted without its persistence.
   */
  discardState(): void;
  dispose(): Promise<void>;
}

export async function createTestBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  const persistence = options.persistence ?? true;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'citytwin-mosquitto-'));
  // Run as root, Mosquitto drops to the user "mosquitto": it must be able to write its database here.
  chmodSync(dir, 0o777);
  const configPath = join(dir, 'mosquitto.conf');
  writeFileSync(
    configPath,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      ...(persistence ? ['persistence true', `persistence_location ${dir}/`] : ['persistence false']),
      'max_queued_messages 100000',
      `log_dest file ${dir}/mosquitto.log`,
      'log_type all',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  const broker: TestBroker = {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    async start() {
      child = spawn(MOSQUITTO_PATH, ['-c', configPath], { stdio: 'ignore' });
      const started = Date.now();
      while (!(await accepting(port))) {
        if (Date.now() - started > 10_000) throw new Error(`mosquitto did not listen on ${port} within 10 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill('SIGTERM');
      });
    },
    discardState() {
      // Deleting the file under a running broker would change nothing until it saves again.
      if (child) throw new Error('discardState needs a stopped broker');
      rmSync(join(dir, 'mosquitto.db'), { force: true });
    },
    async dispose() {
      await broker.stop();
      if (!process.env.KEEP_BROKER_DIR) rmSync(dir, { recursive: true, force: true });
    },
  };
  return broker;
}

/** MQTT control packet type of SUBSCRIBE (the high nibble of the fixed header's first byte). */
const SUBSCRIBE_PACKET_TYPE = 8;

/**
 * Length of the first whole MQTT packet in `buffer` (fixed header plus remaining length), or
 * undefined while it has not all arrived.
 */
function firstPacketLength(buffer: Buffer): number | undefined {
  let remaining = 0;
  let multiplier = 1;
  // The remaining length is a variable-length integer of at most four bytes after the first byte.
  for (let at = 1; at <= 4; at++) {
    if (at >= buffer.length) return undefined;
    const byte = buffer.readUInt8(at);
    remaining += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) {
      const length = 1 + at + remaining;
      return buffer.length >= length ? length : undefined;
    }
    multiplier *= 128;
  }
  throw new Error('malformed MQTT remaining length');
}

/** A TCP relay between MQTT clients and a test broker, that can break a connection on purpose. */
export interface MqttLink {
  /** Where clients connect to reach the broker through the link. */
  readonly url: string;
  /**
   * Arms the link: the next SUBSCRIBE a client sends is not passed on, and that client's connection
   * is closed instead, as if the network or the broker dropped it before the broker read the packet.
   * Resolves once that happened.
   */
  cutNextSubscribe(): Promise<void>;
  close(): Promise<void>;
}

export async function createMqttLink(broker: TestBroker): Promise<MqttLink> {
  const sockets = new Set<Socket>();
  let armed: (() => void) | undefined;
  const server = createServer((downstream) => {
    const upstream = connect(broker.port, '127.0.0.1');
    sockets.add(downstream);
    sockets.add(upstream);
    const closeBoth = () => {
      downstream.destroy();
      upstream.destroy();
      sockets.delete(downstream);
      sockets.delete(upstream);
    };
    downstream.on('close', closeBoth);
    upstream.on('close', closeBoth);
    // A refused or reset connection is an ordinary event here (the broker is stopped at times).
    downstream.on('error', closeBoth);
    upstream.on('error', closeBoth);
    upstream.on('data', (chunk: Buffer) => downstream.write(chunk));
    // From the client only whole packets are passed on, so the SUBSCRIBE can be held back entire.
    let pending = Buffer.alloc(0);
    downstream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (
        let length = firstPacketLength(pending);
        length !== undefined;
        length = firstPacketLength(pending)
      ) {
        const packet = pending.subarray(0, length);
        pending = pending.subarray(length);
        if (armed && packet.readUInt8(0) >> 4 === SUBSCRIBE_PACKET_TYPE) {
          const done = armed;
          armed = undefined;
          closeBoth();
          done();
          return;
        }
        upstream.write(packet);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    cutNextSubscribe() {
      return new Promise<void>((resolve) => {
        armed = resolve;
      });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
