/**
 * The naive design `hub.naive` compares the hub with: a plain Socket.io server that sends every
 * reading to every connected client as it arrives, one `reading` event (the sensor's state, the same
 * shape as a diff's upsert) per client per reading. No hub, no validation, no ticks, no grouping:
 * each emit encodes the state again for its socket, as `socket.emit` does.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { Observation, SensorState } from '../../protocol/index.ts';

export interface NaiveServer {
  readonly port: number;
  /** Sends the reading's state to every connected client. */
  send(observation: Observation): void;
  /** `reading` events emitted so far (one per client per reading). */
  readonly emitted: number;
  readonly clients: number;
  close(): Promise<void>;
}

export async function startNaiveServer(): Promise<NaiveServer> {
  const httpServer = createServer();
  const io = new Server(httpServer, { serveClient: false });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(0, '127.0.0.1', () => resolve());
  });
  let emitted = 0;
  return {
    port: (httpServer.address() as AddressInfo).port,
    send(observation) {
      const state: SensorState = { sensorId: observation.sensorId, observation, freshness: 'live' };
      for (const socket of io.sockets.sockets.values()) {
        socket.emit('reading', state);
        emitted++;
      }
    },
    get emitted() {
      return emitted;
    },
    get clients() {
      return io.sockets.sockets.size;
    },
    async close() {
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
