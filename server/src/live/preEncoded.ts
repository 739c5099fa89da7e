/**
 * Event arguments the server has already written as JSON. A group's diff is written once as text
 * (`encodeDiffText`) and sent to every member; wrapped in {@link PreEncodedJson}, Socket.io's packet
 * encoder splices that text into the packet instead of serializing an object again, and the
 * connection-state recovery buffer holds the one string instead of an object graph per packet.
 *
 * Viewers see nothing of this: the packet is the standard Socket.io text packet, exactly as
 * socket.io-parser would write it for the parsed object (`2["live:diff",{...},"<offset>"]`).
 */
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';

/** JSON text to be sent as one event argument as it is. */
export class PreEncodedJson {
  constructor(readonly json: string) {}
}

/** The `T` a typed emit expects, carried as pre-encoded text (the encoder below writes it as JSON). */
export function preEncoded<T>(json: string): T {
  return new PreEncodedJson(json) as unknown as T;
}

/**
 * socket.io-parser's encoder, except that an event with a {@link PreEncodedJson} argument is written
 * here, the way its `encodeAsString` writes a text packet: type, namespace unless `/`, ack id, data.
 */
export class SplicingEncoder extends Encoder {
  override encode(packet: Packet): ReturnType<Encoder['encode']> {
    const data: unknown = packet.data;
    if (
      packet.type !== PacketType.EVENT ||
      !Array.isArray(data) ||
      !data.some((arg) => arg instanceof PreEncodedJson)
    )
      return super.encode(packet);
    let text = String(packet.type);
    if (packet.nsp && packet.nsp !== '/') text += `${packet.nsp},`;
    if (packet.id !== undefined && packet.id !== null) text += String(packet.id);
    let args = '';
    for (const arg of data as unknown[])
      args += `${args.length > 0 ? ',' : ''}${arg instanceof PreEncodedJson ? arg.json : JSON.stringify(arg)}`;
    return [`${text}[${args}]`];
  }
}

/** The splicing encoder with socket.io-parser's own decoder (the twin's server uses `twinParser`). */
export const preEncodingParser = { Encoder: SplicingEncoder, Decoder };

/**
 * Characters of the text packet of an event with these arguments in the root namespace (`2[...]`),
 * as the buffer counts them.
 */
export function encodedLength(args: readonly unknown[]): number {
  // The type digit and the brackets, and a comma between arguments (counted after each, less one).
  let length = 2;
  for (const arg of args)
    length += (arg instanceof PreEncodedJson ? arg.json.length : (JSON.stringify(arg)?.length ?? 4)) + 1;
  return length;
}
