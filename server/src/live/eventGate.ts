/**
 * The first half of the door every client → server event passes (the second is `door.ts`): what can
 * be decided from a packet's text before it is parsed. Socket.io hands each connection's incoming
 * text to a decoder; this one reads the packet's head (type, namespace, ack id) and the event's name,
 * and refuses, without parsing a byte of the payload:
 *
 * - an event that is not declared in `CLIENT_EVENTS`;
 * - binary attachments (no event takes any; the attachments that follow are dropped unread);
 * - a payload longer than the event's budget;
 * - an event the socket's role has no capability for;
 * - an event beyond its cost class's rate, per socket and per address.
 *
 * A refused event still reaches the door, under its own name (or {@link REFUSED_EVENT} when it has
 * none), with a {@link RefusedPayload} in place of its arguments, so the caller gets a short error
 * answer and the door counts the offence. A client never answers the server's requests (it sends no
 * acknowledgements); one that does gets them dropped unread. Anything else that is not a well-formed
 * packet closes the connection, as Socket.io does.
 */
import { Decoder, PacketType, type Packet } from 'socket.io-parser';
import type { Capability, ClientEvent, CostClass, ErrorCode } from '../../../protocol/index.ts';
import { CLIENT_EVENTS, isClientEvent } from '../../../protocol/index.ts';
import type { TakeResult } from '../limits/tokenBucket.ts';

/** The event name a refused packet without a declared name arrives under. */
export const REFUSED_EVENT = 'citytwin:refused';

/** Longest control packet (connect with its `auth`, disconnect) the decoder reads. */
const MAX_CONTROL_PACKET_CHARS = 16 * 1024;
/** Longest event name looked for; declared names are far shorter. */
const MAX_EVENT_NAME_CHARS = 64;

/** Why the gate refused an event; the door answers with the code. */
export type GateRefusal = Extract<
  ErrorCode,
  'too-large' | 'binary' | 'forbidden' | 'rate-limited' | 'bad-request'
>;

/**
 * Put in place of a refused event's arguments. Only the gate makes these: a client's JSON can never
 * produce an instance of this class, so the door can trust one.
 */
export class RefusedPayload {
  constructor(
    readonly code: GateRefusal,
    readonly message: string,
    /** With `rate-limited`: when the next try of this class can succeed. */
    readonly retryAfterMs?: number,
    /** The event the client named, when it named a declared one. */
    readonly event?: ClientEvent,
  ) {}
}

/** What the gate asks of the connection it guards: the socket's rights and its rate limits. */
export interface ConnectionGate {
  can(capability: Capability): boolean;
  /** Takes one request of `cost` from the socket's and the address's buckets. */
  take(cost: CostClass): TakeResult;
}

/** The head of a text packet, read the way socket.io-parser reads it. */
interface PacketHead {
  readonly type: number;
  readonly attachments: number;
  readonly nsp: string;
  readonly id: number | undefined;
  /** Where the JSON data starts. */
  readonly dataAt: number;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Reads type, attachments, namespace and ack id; throws on a malformed head. */
function readHead(text: string): PacketHead {
  const type = text.charCodeAt(0) - 48;
  let i = 1;
  let attachments = 0;
  if (type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) {
    const dash = text.indexOf('-', 1);
    const count = dash > 1 && dash <= 4 ? Number(text.slice(1, dash)) : NaN;
    if (!Number.isInteger(count) || count < 1) throw new Error('illegal attachments');
    attachments = count;
    i = dash + 1;
  }
  let nsp = '/';
  if (text.charAt(i) === '/') {
    const comma = text.indexOf(',', i);
    const end = comma < 0 ? text.length : comma;
    if (end - i > 256) throw new Error('namespace too long');
    nsp = text.slice(i, end);
    i = comma < 0 ? end : end + 1;
  }
  let id: number | undefined;
  const idStart = i;
  while (i < text.length && isDigit(text.charCodeAt(i)) && i - idStart < 16) i += 1;
  if (i > idStart) id = Number(text.slice(idStart, i));
  return { type, attachments, nsp, id, dataAt: i };
}

/** The event's name at the start of `["name", …]`, or undefined when it is not a plain short string. */
function eventName(text: string, dataAt: number): string | undefined {
  if (text.charCodeAt(dataAt) !== 91 /* [ */ || text.charCodeAt(dataAt + 1) !== 34 /* " */) return undefined;
  const end = text.indexOf('"', dataAt + 2);
  if (end < 0 || end - dataAt - 2 > MAX_EVENT_NAME_CHARS) return undefined;
  const name = text.slice(dataAt + 2, end);
  // Declared names have no escapes; one with a backslash is no declared name.
  return name.includes('\\') ? undefined : name;
}

/** socket.io-parser's decoder with the gate in front of it. */
export class GatedDecoder extends Decoder {
  private gate: ConnectionGate | undefined;
  /** Binary attachments of a refused packet still to come, to drop unread. */
  private dropAttachments = 0;

  /** Called once the socket's handshake is done: from now on its events are let in by `gate`. */
  admit(gate: ConnectionGate): void {
    this.gate = gate;
  }

  override add(data: unknown): void {
    if (typeof data !== 'string') {
      if (this.dropAttachments > 0) {
        this.dropAttachments -= 1;
        return;
      }
      super.add(data);
      return;
    }
    if (this.dropAttachments > 0) throw new Error('text while binary attachments were due');
    const type = data.charCodeAt(0) - 48;
    if (type === PacketType.EVENT || type === PacketType.BINARY_EVENT) {
      this.addEvent(data);
      return;
    }
    if (type === PacketType.ACK || type === PacketType.BINARY_ACK) {
      // The server asks clients nothing: an answer is dropped unread (its attachments too).
      this.dropAttachments = readHead(data).attachments;
      return;
    }
    if (data.length > MAX_CONTROL_PACKET_CHARS) throw new Error('control packet too large');
    super.add(data);
  }

  private addEvent(text: string): void {
    const gate = this.gate;
    // Before the handshake is done there is no socket to take events: Socket.io would close the
    // connection on such a packet anyway, so it is not read.
    if (gate === undefined) throw new Error('event before the connection was accepted');
    const head = readHead(text);
    const name = eventName(text, head.dataAt);
    const refuse = (refusal: RefusedPayload) => {
      this.dropAttachments = head.attachments;
      const packet: Packet = {
        type: PacketType.EVENT,
        nsp: head.nsp,
        data: [refusal.event ?? REFUSED_EVENT, refusal],
        ...(head.id === undefined ? {} : { id: head.id }),
      };
      this.emitReserved('decoded', packet);
    };
    if (name === undefined || !isClientEvent(name)) {
      refuse(new RefusedPayload('bad-request', 'no such event'));
      return;
    }
    const spec = CLIENT_EVENTS[name];
    if (head.attachments > 0) {
      refuse(new RefusedPayload('binary', 'takes no binary data', undefined, name));
      return;
    }
    if (text.length - head.dataAt > spec.maxBytes) {
      refuse(new RefusedPayload('too-large', `larger than ${spec.maxBytes} characters`, undefined, name));
      return;
    }
    if (!gate.can(spec.capability)) {
      refuse(new RefusedPayload('forbidden', `needs the right "${spec.capability}"`, undefined, name));
      return;
    }
    const taken = gate.take(spec.cost);
    if (!taken.ok) {
      refuse(
        new RefusedPayload(
          'rate-limited',
          `too many ${spec.cost} requests; try again in ${Math.ceil(taken.retryAfterMs / 1000)} s`,
          taken.retryAfterMs,
          name,
        ),
      );
      return;
    }
    super.add(text);
  }
}
