/**
 * Reads `live:diff`s in tests the way the viewer does: a diff names sensors by their position in
 * its subscription's snapshot (`protocol/wireDiff.ts`), so the reader keeps each snapshot's order.
 */
import type { Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  Diff,
  ServerToClientEvents,
  Snapshot,
  SubscribeRequest,
  WireDiff,
} from '../../../protocol/index.ts';
import { decodeDiff } from '../../../protocol/index.ts';

type ViewerSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export class DiffReader {
  private readonly orders = new Map<string, readonly string[]>();

  /** Remembers the order of a subscription's snapshot (answer to subscribe or resync, or pushed). */
  take(snapshot: Snapshot): void {
    this.orders.set(
      snapshot.subscriptionId,
      snapshot.states.map((s) => s.sensorId),
    );
  }

  /** The readable diff; throws with the reason when it does not fit its snapshot or none was seen. */
  read(wire: WireDiff): Diff {
    const order = this.orders.get(wire.id);
    if (!order)
      throw new Error(`a live:diff of subscription ${wire.id}, whose snapshot this reader never saw`);
    const decoded = decodeDiff(wire, order);
    if (!decoded.ok) throw new Error(`a live:diff that does not fit its snapshot: ${decoded.reason}`);
    return decoded.diff;
  }

  /**
   * Sends `live:subscribe` and takes the answer's order in the acknowledgement callback itself, so
   * it is known before any diff that follows on the socket is handled.
   */
  subscribe(socket: ViewerSocket, request: SubscribeRequest, timeoutMs = 5_000): Promise<Ack<Snapshot>> {
    return new Promise((resolve, reject) => {
      socket
        .timeout(timeoutMs)
        .emit('live:subscribe', request, (error: Error | null, answer: Ack<Snapshot>) => {
          if (error) {
            reject(error);
            return;
          }
          if (answer.ok) this.take(answer.data);
          resolve(answer);
        });
    });
  }
}
