/**
 * The IPC channel between the hub bench and its client fleets. The bench's end is `loadChild.ts`'s
 * `spawnLoadChild` (start through tsx, wait for `ready`, one request at a time, a `failed` reply
 * rejects, children killed when the bench exits): only its types are the ingest bench's, so they are
 * narrowed to the fleet's messages here. The fleet's end mirrors `serveLoadRequests`.
 */
import type { LoadReply, LoadRequest } from './ingestLoad.ts';
import type { FleetReply, FleetRequest } from './hubLoad.ts';
import { spawnLoadChild } from './loadChild.ts';

type FleetReplyOf<T extends FleetReply['type']> = Extract<FleetReply, { type: T }>;

/** The bench's handle on one client fleet. */
export interface FleetChild {
  /** Sends `message` and resolves with the fleet's reply of type `expected`. */
  request<T extends FleetReply['type']>(message: FleetRequest, expected: T): Promise<FleetReplyOf<T>>;
  /** Ends the fleet (it closes its sockets) and waits for it to exit. */
  close(): Promise<void>;
}

/** Starts the fleet `file` with `config` (argv[2] JSON) in `cwd`; resolves once it is ready. */
export async function spawnFleet(file: string, config: unknown, cwd: string): Promise<FleetChild> {
  const child = await spawnLoadChild(file, config, cwd);
  return {
    request<T extends FleetReply['type']>(message: FleetRequest, expected: T) {
      // spawnLoadChild passes any message through and matches the reply by its `type` alone; its
      // signature names the ingest bench's messages, hence the casts.
      const reply = child.request(
        message as unknown as LoadRequest,
        expected as unknown as LoadReply['type'],
      );
      return reply as unknown as Promise<FleetReplyOf<T>>;
    },
    close: () => child.close(),
  };
}

/** What a fleet does for each request. */
export interface FleetHandlers {
  handle(request: FleetRequest): Promise<FleetReply>;
  /** Called once the bench has gone away, before the fleet exits. */
  close(): Promise<void>;
}

/** The fleet's side: says `ready`, then answers the bench until the IPC channel closes. */
export function serveFleetRequests(handlers: FleetHandlers): void {
  const send = (reply: FleetReply) => process.send?.(reply);
  process.on('message', (raw) => {
    handlers.handle(raw as FleetRequest).then(send, (error: unknown) =>
      send({
        type: 'failed',
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
    );
  });
  process.once('disconnect', () => {
    handlers
      .close()
      .finally(() => process.exit(0))
      .catch(() => process.exit(1));
  });
  send({ type: 'ready' });
}
