/**
 * `history:*`: answered from the history store with what the socket's role may see. Besides the
 * door's rate limit, the store's work in flight is bounded: a few requests per socket and a few dozen
 * in all; beyond that a request is refused as `busy` at once rather than queued behind a flood, so a
 * viewer's timeline never waits on someone else's requests.
 */
import type { ClientEvent } from '../../../protocol/index.ts';
import { visibilitiesOf } from '../../../protocol/index.ts';
import type { HistoryService } from '../history/historyService.ts';
import { RequestError, type Handlers } from './door.ts';
import type { GatewayContext, LiveSocket } from './liveTypes.ts';

/** History requests one socket may have in flight. */
export const HISTORY_IN_FLIGHT_PER_SOCKET = 4;
/** History requests in flight on the whole server. */
export const HISTORY_IN_FLIGHT = 32;
/** When a refused `busy` request may be tried again. */
const BUSY_RETRY_MS = 250;

type HistoryEvent = Extract<ClientEvent, `history:${string}`>;

export function historyHandlers(context: GatewayContext): Handlers<HistoryEvent> {
  const inFlight = new WeakMap<LiveSocket, number>();
  let total = 0;
  /** Runs `work` within the bounds, counting it while it runs. */
  const bounded = async <T>(
    socket: LiveSocket,
    work: (service: HistoryService) => Promise<T>,
  ): Promise<T> => {
    const service = context.history;
    if (!service) throw new RequestError('not-found', 'the history is off on this server');
    const own = inFlight.get(socket) ?? 0;
    if (own >= HISTORY_IN_FLIGHT_PER_SOCKET || total >= HISTORY_IN_FLIGHT)
      throw new RequestError(
        'busy',
        'the history is answering many requests; try again shortly',
        BUSY_RETRY_MS,
      );
    inFlight.set(socket, own + 1);
    total += 1;
    try {
      return await work(service);
    } finally {
      inFlight.set(socket, (inFlight.get(socket) ?? 1) - 1);
      total -= 1;
    }
  };
  const visibilities = (socket: LiveSocket) => visibilitiesOf(socket.data.role);
  return {
    'history:series': (socket, request) =>
      bounded(socket, (service) => service.series(socket.data.cityId, request, visibilities(socket))),
    'history:state': (socket, request) =>
      bounded(socket, (service) => service.stateAt(socket.data.cityId, request, visibilities(socket))),
    'history:profile': (socket, request) =>
      bounded(socket, (service) => service.profile(socket.data.cityId, request, visibilities(socket))),
    'history:range': (socket) => bounded(socket, (service) => service.range(socket.data.cityId)),
  };
}
