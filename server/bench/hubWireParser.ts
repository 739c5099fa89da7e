/**
 * The Socket.io packet parser of the bench's clients (socket.io-client's `parser` option). It speaks
 * the wire format of socket.io-parser (protocol 5: `<type>[<nsp>,][<ack id>]<JSON>`, text packets
 * only, which is all the live protocol sends), with one difference: a `live:diff` packet is not
 * `JSON.parse`d on arrival but handed to the listener as a {@link RawDiff}: its text and the time it
 * arrived. The client then reads the header fields and counts the states itself, and parses one diff
 * in `verifyEvery` in full to check it (`hubClientFleet.ts`).
 *
 * Why: a diff of the whole town is about 30 KB of JSON even in the compact wire form, and 1,000
 * clients at 10 Hz receive 300 MB/s of it. Parsing all of that would take several cores in the load generator on a 2-core machine,
 * leaving the server none; the load generator would measure itself. Everything else (handshake,
 * acknowledgements, snapshots, pings) goes through `JSON.parse` as usual, but for the packets of
 * {@link FLOOR_EVENT}, which are only counted.
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

/**
 * The event of the bench's transport floor (`hubBench.ts`, hub.clients10k): diff-sized text the
 * server writes straight to the sockets. Its packets are counted here and go no further, so the
 * fleets spend less on one than on a diff.
 */
export const FLOOR_EVENT = 'bench:floor';
const FLOOR_PREFIX = `2["${FLOOR_EVENT}",`;
let floorPackets = 0;

/** Packets of {@link FLOOR_EVENT} this process's clients received so far. */
export function floorPacketsReceived(): number {
  return floorPackets;
}

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
    if (data.startsWith(FLOOR_PREFIX)) {
      floorPackets += 1;
      return;
    }
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
  /** Sensor states in the diff: its rows in `u`. */
  readonly upserts: number;
}

const HEAD_FIELDS = /"id":"([^"\\]*)"|"seq":(\d+)|"t":(\d+)/g;
const ROWS_KEY = '"u":[';

/**
 * Reads `id`, `seq` and `t` before `"k":` and counts the rows of `"u"` (the wire form of
 * `protocol/wireDiff.ts`: `{"id","seq","t","k","u",["h"],["r"]}`). A row is an array of numbers
 * only, so the rows are the `[`s between `"u":[` and the first `]]` after it. Undefined when the
 * packet is not laid out so or has removals: the caller then parses it in full.
 */
export function readDiffHeader(packet: string): DiffHeader | undefined {
  const shapesAt = packet.indexOf('"k":{');
  const rowsAt = packet.indexOf(ROWS_KEY, shapesAt);
  if (shapesAt === -1 || rowsAt === -1) return undefined;
  const head = packet.slice(DIFF_PREFIX.length, shapesAt);
  let subscriptionId: string | undefined;
  let seq: number | undefined;
  let serverTimeMs: number | undefined;
  for (const match of head.matchAll(HEAD_FIELDS)) {
    if (match[1] !== undefined) subscriptionId = match[1];
    else if (match[2] !== undefined) seq = Number(match[2]);
    else if (match[3] !== undefined) serverTimeMs = Number(match[3]);
  }
  if (subscriptionId === undefined || seq === undefined || serverTimeMs === undefined) return undefined;
  const first = rowsAt + ROWS_KEY.length;
  if (packet.charCodeAt(first) === 93 /* ] */) return { subscriptionId, seq, serverTimeMs, upserts: 0 };
  const end = packet.indexOf(']]', first);
  if (end === -1) return undefined;
  // Removals come after the rows: such a diff is parsed in full.
  if (packet.includes('"r":[', end)) return undefined;
  let upserts = 0;
  for (let at = packet.indexOf('[', first); at !== -1 && at < end; at = packet.indexOf('[', at + 1))
    upserts++;
  return { subscriptionId, seq, serverTimeMs, upserts };
}
