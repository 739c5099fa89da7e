/**
 * The Socket.io handshake: the protocol version, the city, the access key (through the key ring and
 * its wrong-key throttle), the client class and the window's own id. What it settles (role, class,
 * staff id, address) stays on the socket for everything after.
 */
import type { ClientClass, Role } from '../../../protocol/index.ts';
import {
  can,
  ClientClassSchema,
  ClientIdSchema,
  PROTOCOL_VERSION,
  versionMismatchMessage,
} from '../../../protocol/index.ts';
import type { AccessKeyRing } from '../auth/accessKeys.ts';
import type { LiveSocket } from './liveTypes.ts';

/** A handshake refusal: Socket.io sends its message and `data` to the client (`connect_error`). */
function refusal(message: string, code: string, extra: Record<string, unknown> = {}): Error {
  const error = new Error(message) as Error & { data?: unknown };
  error.data = { code, ...extra };
  return error;
}

/**
 * The class a socket gets: what it asked for, but never faster than its role allows (only roles
 * with the operator rate get it); kiosks are a public role at the kiosk rate.
 */
export function classFor(role: Role, requested: ClientClass | undefined): ClientClass {
  const fast = can(role, 'live:operatorRate');
  if (requested === 'operator') return fast ? 'operator' : 'public';
  return requested ?? (fast ? 'operator' : role === 'kiosk' ? 'kiosk' : 'public');
}

export interface HandshakeOptions {
  readonly cityIds: ReadonlySet<string>;
  /** The city of a socket whose handshake names none. */
  readonly defaultCityId: string;
  readonly accessKeyRing: AccessKeyRing;
  /** The address a socket connects from (a proxy's forwarded one where the server trusts it). */
  readonly addressOf: (socket: LiveSocket) => string;
}

/** The `io.use` middleware that admits or refuses a socket. */
export function handshake(
  options: HandshakeOptions,
): (socket: LiveSocket, next: (error?: Error) => void) => void {
  return (socket, next) => {
    const auth = socket.handshake.auth as
      | {
          protocolVersion?: unknown;
          cityId?: unknown;
          clientClass?: unknown;
          accessKey?: unknown;
          clientId?: unknown;
        }
      | undefined;
    const version = auth?.protocolVersion;
    if (version !== PROTOCOL_VERSION) {
      next(
        refusal(versionMismatchMessage(PROTOCOL_VERSION, version), 'version-mismatch', {
          serverVersion: PROTOCOL_VERSION,
        }),
      );
      return;
    }
    const requested = auth?.cityId ?? options.defaultCityId;
    if (typeof requested !== 'string' || !options.cityIds.has(requested)) {
      next(
        refusal(`This server has no such city; it serves ${[...options.cityIds].join(', ')}.`, 'not-found'),
      );
      return;
    }
    const address = options.addressOf(socket);
    let role: Role = 'public';
    if (auth?.accessKey !== undefined) {
      // A key that is no string is wrong like any other (and counts against the address).
      const presented = typeof auth.accessKey === 'string' ? auth.accessKey : '\u0000';
      const checked = options.accessKeyRing.check(presented, address, 'socket handshake');
      if (checked.kind === 'throttled') {
        next(
          refusal('Too many wrong access keys from this address; try again later.', 'rate-limited', {
            retryAfterMs: checked.retryAfterMs,
          }),
        );
        return;
      }
      if (checked.kind !== 'known') {
        next(refusal('The access key is not known to this server.', 'forbidden'));
        return;
      }
      role = checked.holder.role;
      socket.data.staffId = checked.holder.id;
    }
    const clientClass = ClientClassSchema.safeParse(auth?.clientClass);
    if (auth?.clientClass !== undefined && !clientClass.success) {
      next(refusal(`clientClass must be one of ${ClientClassSchema.options.join(', ')}.`, 'bad-request'));
      return;
    }
    if (clientClass.success && clientClass.data === 'kiosk' && role === 'public') role = 'kiosk';
    if (auth?.clientId !== undefined) {
      const clientId = ClientIdSchema.safeParse(auth.clientId);
      if (!clientId.success) {
        next(refusal('clientId must be 16 to 64 letters, digits, _ or -.', 'bad-request'));
        return;
      }
      socket.data.clientId = clientId.data;
    }
    socket.data.cityId = requested;
    socket.data.role = role;
    socket.data.address = address;
    socket.data.clientClass = classFor(role, clientClass.success ? clientClass.data : undefined);
    next();
  };
}
