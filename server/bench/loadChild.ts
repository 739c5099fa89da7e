/**
 * Load generators run in a child process of their own, so that the bench process's CPU time is the
 * server's alone. This module is both ends of the conversation: `spawnLoadChild` in the bench, and
 * `serveLoadRequests` in the child. One request is answered at a time; a child whose parent goes away
 * exits, and the bench kills any child still running when it exits itself.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { LoadReply, LoadRequest } from './ingestLoad.ts';

type ReplyOf<T extends LoadReply['type']> = Extract<LoadReply, { type: T }>;

/** The bench's handle on one load generator. */
export interface LoadChild {
  /** Sends `message` and resolves with the child's reply of type `expected`. */
  request<T extends LoadReply['type']>(message: LoadRequest, expected: T): Promise<ReplyOf<T>>;
  /** Ends the child and waits for it to exit. */
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `file` (TypeScript, through tsx) with `config` as JSON in argv[2], in `cwd`, and resolves once
 * it says it is ready. Its stdout goes to the bench's stderr: stdout carries only result lines.
 */
export async function spawnLoadChild(file: string, config: unknown, cwd: string): Promise<LoadChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', file, JSON.stringify(config)], {
    cwd,
    stdio: ['ignore', 2, 'inherit', 'ipc'],
  });
  running.add(child);
  let pending: {
    expected: string;
    resolve: (reply: LoadReply) => void;
    reject: (error: Error) => void;
  } | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      pending?.reject(new Error(`load generator ${file} exited (${signal ?? code ?? '?'}) mid-request`));
      pending = null;
      resolve();
    });
  });
  child.on('message', (raw) => {
    const reply = raw as LoadReply;
    const current = pending;
    if (!current) return;
    pending = null;
    if (reply.type === 'failed') current.reject(new Error(`load generator: ${reply.error}`));
    else if (reply.type !== current.expected)
      current.reject(new Error(`load generator answered ${reply.type}, expected ${current.expected}`));
    else current.resolve(reply);
  });
  const wait = <T extends LoadReply['type']>(expected: T): Promise<ReplyOf<T>> =>
    new Promise<ReplyOf<T>>((resolve, reject) => {
      if (pending) {
        reject(new Error('load generator: one request at a time'));
        return;
      }
      pending = { expected, resolve: (reply) => resolve(reply as ReplyOf<T>), reject };
    });

  const handle: LoadChild = {
    request(message, expected) {
      const reply = wait(expected);
      child.send(message);
      return reply;
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.disconnect();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  try {
    await wait('ready');
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

/** What a load generator does for each request. */
export interface LoadHandlers {
  prepare(baseMs: number): Promise<ReplyOf<'prepared'>> | ReplyOf<'prepared'>;
  go(): Promise<ReplyOf<'done'>>;
  probe?(baseMs: number, i: number): Promise<void>;
  /** Called once the bench has gone away, before the child exits. */
  close?(): Promise<void>;
}

/** The child's side: says `ready`, then answers the bench's requests until the IPC channel closes. */
export function serveLoadRequests(handlers: LoadHandlers): void {
  const send = (reply: LoadReply) => process.send?.(reply);
  process.on('message', (raw) => {
    const message = raw as LoadRequest;
    const answer = async (): Promise<LoadReply> => {
      switch (message.type) {
        case 'prepare':
          return handlers.prepare(message.baseMs);
        case 'go':
          return handlers.go();
        case 'probe':
          if (!handlers.probe) throw new Error('this load generator has no probe');
          await handlers.probe(message.baseMs, message.i);
          return { type: 'probed' };
      }
    };
    answer().then(send, (error: unknown) =>
      send({
        type: 'failed',
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
    );
  });
  process.once('disconnect', () => {
    const close = handlers.close?.() ?? Promise.resolve();
    close.finally(() => process.exit(0)).catch(() => process.exit(1));
  });
  send({ type: 'ready' });
}
