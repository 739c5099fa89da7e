/**
 * Test support: a real socket.io-client socket to a running twin, opened once the server greeted it,
 * and requests with a deadline. Tests that talk to the server over sockets share these instead of
 * writing their own.
 */
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type {
  Ack,
  ClientClass,
  ClientEvent,
  ClientToServerEvents,
  Hello,
  ServerToClientEvents,
} from '../../../protocol/index.ts';
import { PROTOCOL_VERSION } from '../../../protocol/index.ts';

export type TwinSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TwinSocketOptions {
  readonly accessKey?: string;
  readonly clientClass?: ClientClass;
  readonly cityId?: string;
}

/** Opens a socket and resolves with it and its hello once the server greeted it. */
export async function openTwinSocket(
  baseUrl: string,
  options: TwinSocketOptions = {},
): Promise<{ socket: TwinSocket; hello: Hello }> {
  const socket: TwinSocket = connect(baseUrl, {
    auth: {
      protocolVersion: PROTOCOL_VERSION,
      ...(options.accessKey === undefined ? {} : { accessKey: options.accessKey }),
      ...(options.clientClass === undefined ? {} : { clientClass: options.clientClass }),
      ...(options.cityId === undefined ? {} : { cityId: options.cityId }),
    },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  const hello = await new Promise<Hello>((resolve, reject) => {
    socket.once('server:hello', resolve);
    socket.once('connect_error', reject);
  });
  return { socket, hello };
}

/**
 * Sends `event` with `args` (none for a bare request) and resolves with the answer, or rejects when
 * none comes within `timeoutMs`.
 */
export function ask(
  socket: TwinSocket,
  event: ClientEvent,
  args: readonly unknown[],
  timeoutMs = 5000,
): Promise<Ack<unknown>> {
  return new Promise((resolve, reject) => {
    const timed = socket.timeout(timeoutMs) as unknown as { emit(event: string, ...rest: unknown[]): void };
    timed.emit(event, ...args, (error: Error | null, answer: Ack<unknown>) =>
      error ? reject(new Error(`${event}: no answer within ${timeoutMs} ms`)) : resolve(answer),
    );
  });
}
