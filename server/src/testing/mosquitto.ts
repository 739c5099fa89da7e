/**
 * Test support: a Mosquitto broker of the test's own, on a free port with persistence in a temporary
 * folder, that the test can stop and start again (the machine's broker on 1883 is left alone). Where
 * Mosquitto is not installed, tests skip with a message; with CI=true that is a failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
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

export interface TestBroker {
  readonly url: string;
  start(): Promise<void>;
  /** Stops the broker the way a service stop does (SIGTERM: it saves its sessions and queues). */
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

export async function createTestBroker(): Promise<TestBroker> {
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
      'persistence true',
      `persistence_location ${dir}/`,
      'max_queued_messages 100000',
      `log_dest file ${dir}/mosquitto.log`,
      'log_type all',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  const broker: TestBroker = {
    url: `mqtt://127.0.0.1:${port}`,
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
    async dispose() {
      await broker.stop();
      if (!process.env.KEEP_BROKER_DIR) rmSync(dir, { recursive: true, force: true });
    },
  };
  return broker;
}
