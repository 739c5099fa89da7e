/**
 * The Socket.io packet parser of the bench's clients (socket.io-client's `parser` option). It speaks
 * the wire format of socket.io-parser (protocol 5: `<type>[<nsp>,][<ack id>]<JSON>`, text packets
 * only, which is all the live protocol sends), with one difference: a `live:diff` packet is not
 * `JSON.parse`d on arrival but handed to the listener as a {@link RawDiff}: its text and the time it
 * arrived. The client then reads the header fields and counts the states itself, and parses one diff
 * in `verifyEvery` in full to check it (`hubClientFleet.ts`).
 *
 * Why: a diff of the whole town is about 150 KB of JSON, and 1,000 clients at 10 Hz receive 1.5 GB/s
 * of it. Parsing all of that would take several cores in the load generator on a 2-core machine,
 * leaving the server none; the load generator would measure itself. Everything else (handshake,
 * acknowledgements, snapshots, pings) goes through `JSON.parse` as usual.
 */

/** A `live:diff` as it arrived, unparsed. */
export class RawDiff {
  constructor(
    /** The whole Socket.io packet: `2["live:diff",{...}]`. */
    readonly packet: string,
    /** `performance.timeOrigin + performance.now()` when the packet reached the parser. */
    readonly receivedAtMs: number,
  ) {}
}

const DIFF_PREFIX = '2["live:diff",';

/** Socket.io packet types (socket.io-parser's `PacketType`). */
const CONNECT = 0;
const BINARY_EVENT = 5;
const BINARY_ACK = 6;

interface Packet {
  type: number;
  nsp: string;
  id?: number;
  data?: unknown;
}

type Listener = (packet: Packet) => void;

/** Encodes the client's packets (CONNECT with `auth`, events with an ack id) as socket.io-parser does. */
class Encoder {
  encode(packet: Packet): string[] {
    let text = String(packet.type);
    if (packet.nsp && packet.nsp !== '/') text += `${packet.nsp},`;
    if (packet.id !== undefined && packet.id !== null) text += String(packet.id);
    if (packet.data !== undefined && packet.data !== null) text += JSON.stringify(packet.data);
    return [text];
  }
}

/** Decodes the server's packets; the only events are `decoded` (what socket.io-client listens to). */
class Decoder {
  private listeners: Listener[] = [];

  on(event: string, listener: Listener): this {
    if (event === 'decoded') this.listeners.push(listener);
    return this;
  }

  off(event?: string, listener?: Listener): this {
    if (event === undefined || listener === undefined) this.listeners = [];
    else this.listeners = this.listeners.filter((l) => l !== listener);
    return this;
  }

  add(data: unknown): void {
    if (typeof data !== 'string')
      throw new Error('the bench clients read text packets only; the server sent binary data');
    const packet: Packet = data.startsWith(DIFF_PREFIX)
      ? {
          type: 2,
          nsp: '/',
          data: ['live:diff', new RawDiff(data, performance.timeOrigin + performance.now())],
        }
      : decodeText(data);
    for (const listener of this.listeners) listener(packet);
  }

  destroy(): void {
    this.listeners = [];
  }
}

/** socket.io-parser's `decodeString` for text packets. */
function decodeText(text: string): Packet {
  const type = Number(text.charAt(0));
  if (!Number.isInteger(type) || type < CONNECT || type > BINARY_ACK)
    throw new Error(`unknown packet type ${text.charAt(0)}`);
  if (type === BINARY_EVENT || type === BINARY_ACK)
    throw new Error('the bench clients read text packets only; the server sent a binary packet');
  let i = 1;
  let nsp = '/';
  if (text.charAt(i) === '/') {
    const comma = text.indexOf(',', i);
    const end = comma === -1 ? text.length : comma;
    nsp = text.slice(i, end);
    i = end + 1;
  }
  const packet: Packet = { type, nsp };
  let idEnd = i;
  while (idEnd < text.length && text.charCodeAt(idEnd) >= 48 && text.charCodeAt(idEnd) <= 57) idEnd++;
  if (idEnd > i) {
    packet.id = Number(text.slice(i, idEnd));
    i = idEnd;
  }
  if (i < text.length) packet.data = JSON.parse(text.slice(i)) as unknown;
  return packet;
}

/** The value of socket.io-client's `parser` option. */
export const hubWireParser = { Encoder, Decoder };

/** The header of a diff packet, read without parsing its states. */
export interface DiffHeader {
  readonly subscriptionId: string;
  readonly seq: number;
  readonly serverTimeMs: number;
  /** Sensor states in `upserts`, counted by their one required `"freshness":` key each. */
  readonly upserts: number;
}

const HEAD_FIELDS =
  /"subscriptionId":"([^"\\]*)"|"seq":(\d+)|"serverTimeMs":(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)/g;
const FRESHNESS_KEY = '"freshness":"';
/**
 * How a diff packet without removals ends: the diff object, then, with connection-state recovery,
 * the packet's offset as a further argument.
 */
const NO_REMOVALS_END = /"removed":\[\]\}(?:,"[^"\\]*")?\]$/;

/**
 * Reads `subscriptionId`, `seq` and `serverTimeMs` before `"upserts":[` and counts the states.
 * Undefined when the packet is not laid out so (fields after the states, or removals): the caller
 * then parses it in full. A sensor state carries exactly one `"freshness":"` key, and nothing in a
 * state's other fields (ids, numbers, quality) can contain that text.
 */
export function readDiffHeader(packet: string): DiffHeader | undefined {
  const upsertsAt = packet.indexOf('"upserts":[');
  if (upsertsAt === -1 || !NO_REMOVALS_END.test(packet.slice(-80))) return undefined;
  const head = packet.slice(DIFF_PREFIX.length, upsertsAt);
  let subscriptionId: string | undefined;
  let seq: number | undefined;
  let serverTimeMs: number | undefined;
  for (const match of head.matchAll(HEAD_FIELDS)) {
    if (match[1] !== undefined) subscriptionId = match[1];
    else if (match[2] !== undefined) seq = Number(match[2]);
    else if (match[3] !== undefined) serverTimeMs = Number(match[3]);
  }
  if (subscriptionId === undefined || seq === undefined || serverTimeMs === undefined) return undefined;
  let upserts = 0;
  let at = packet.indexOf(FRESHNESS_KEY, upsertsAt);
  while (at !== -1) {
    upserts++;
    at = packet.indexOf(FRESHNESS_KEY, at + FRESHNESS_KEY.length);
  }
  return { subscriptionId, seq, serverTimeMs, upserts };
}
