/**
 * Socket.io side of the live path: checks the protocol version at the handshake, turns
 * `live:subscribe` into a hub subscription answered with a snapshot, and forwards diffs.
 * Every inbound payload is parsed; a malformed request gets an error answer and the socket stays up.
 */
import type { Server, Socket } from 'socket.io';
import type {
  Ack,
  ClientToServerEvents,
  ErrorPayload,
  ServerToClientEvents,
  Snapshot,
  Visibility,
} from '../../../protocol/index.ts';
import { PROTOCOL_VERSION, SubscribeRequestSchema, versionMismatchMessage } from '../../../protocol/index.ts';
import type { Clock } from '../clock.ts';
import type { Hub } from '../hub/hub.ts';
import type { Logger } from '../logger.ts';
import type { AppMetrics } from '../metrics.ts';

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents>;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** Packets queued for a socket beyond which it counts as congested and its diffs coalesce. */
const CONGESTED_PACKETS = 16;

export interface LiveGatewayOptions {
  /** The hub of every served city, by city id. */
  hubs: ReadonlyMap<string, Hub>;
  /** The city of a socket whose handshake names none. */
  defaultCityId: string;
  clock: Clock;
  metrics: AppMetrics;
  logger: Logger;
}

function isCongested(socket: LiveSocket): boolean {
  // engine.io keeps packets it could not yet write in `writeBuffer`; it is not in its public types.
  const conn = socket.conn as unknown as { writeBuffer?: unknown[] };
  return (conn.writeBuffer?.length ?? 0) > CONGESTED_PACKETS;
}

function fail(code: ErrorPayload['code'], message: string): Ack<never> {
  return { ok: false, error: { code, message } };
}

export function attachLiveGateway(io: LiveServer, options: LiveGatewayOptions): void {
  const { hubs, defaultCityId, clock, metrics, logger } = options;
  /** The city each accepted socket asked for, set by the handshake check. */
  const cityOf = new WeakMap<LiveSocket, string>();

  io.use((socket, next) => {
    const auth = socket.handshake.auth as { protocolVersion?: unknown; cityId?: unknown } | undefined;
    const version = auth?.protocolVersion;
    if (version !== PROTOCOL_VERSION) {
      const error = new Error(versionMismatchMessage(PROTOCOL_VERSION, version)) as Error & {
        data?: unknown;
      };
      error.data = { code: 'version-mismatch', serverVersion: PROTOCOL_VERSION };
      next(error);
      return;
    }
    const requested = auth?.cityId ?? defaultCityId;
    if (typeof requested !== 'string' || !hubs.has(requested)) {
      const error = new Error(
        `This server has no city ${JSON.stringify(requested)}; it serves ${[...hubs.keys()].join(', ')}.`,
      ) as Error & { data?: unknown };
      error.data = { code: 'not-found' };
      next(error);
      return;
    }
    cityOf.set(socket, requested);
    next();
  });

  io.on('connection', (socket) => {
    const cityId = cityOf.get(socket) ?? defaultCityId;
    const hub = hubs.get(cityId);
    if (!hub) {
      socket.disconnect(true);
      return;
    }
    metrics.connectedClients.inc();
    // Roles arrive with authentication; until then every socket is public.
    const visibilities: Visibility[] = ['public'];
    let subscriptionId: string | undefined;

    socket.emit('server:hello', {
      protocolVersion: PROTOCOL_VERSION,
      cityId,
      serverTimeMs: clock.now(),
      timeScale: clock.timeScale,
    });

    const answer = (ack: unknown, value: Ack<Snapshot>) => {
      if (typeof ack === 'function') ack(value);
      else logger.debug('request without acknowledgement callback', { socket: socket.id });
    };

    socket.on('live:subscribe', (request: unknown, ack: unknown) => {
      const parsed = SubscribeRequestSchema.safeParse(request);
      if (!parsed.success) {
        const detail = parsed.error.issues
          .map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`)
          .join('; ');
        answer(ack, fail('bad-request', `live:subscribe: ${detail}`));
        return;
      }
      if (parsed.data.protocolVersion !== PROTOCOL_VERSION) {
        answer(
          ack,
          fail('version-mismatch', versionMismatchMessage(PROTOCOL_VERSION, parsed.data.protocolVersion)),
        );
        return;
      }
      if (subscriptionId) hub.unsubscribe(subscriptionId);
      subscriptionId = hub.subscribe(
        { kinds: parsed.data.kinds, bbox: parsed.data.bbox, visibilities },
        {
          send: (diff) => {
            metrics.diffsSent.inc();
            socket.emit('live:diff', diff);
          },
          isCongested: () => isCongested(socket),
        },
      );
      answer(ack, { ok: true, data: hub.snapshot(subscriptionId) });
    });

    socket.on('live:resync', (ack: unknown) => {
      if (!subscriptionId) {
        answer(
          ack,
          fail(
            'not-found',
            'live:resync: there is no subscription on this connection; send live:subscribe first',
          ),
        );
        return;
      }
      answer(ack, { ok: true, data: hub.snapshot(subscriptionId) });
    });

    socket.on('live:unsubscribe', () => {
      if (subscriptionId) hub.unsubscribe(subscriptionId);
      subscriptionId = undefined;
    });

    socket.on('disconnect', () => {
      metrics.connectedClients.dec();
      if (subscriptionId) hub.unsubscribe(subscriptionId);
    });
  });
}
