import { Encoder, PacketType } from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import { encodedLength, preEncodingParser, PreEncodedJson } from './preEncoded.ts';

const diff = { id: 'g3', seq: 7, t: 1_790_000_000_000, k: [['freeSpaces']], u: [[0, 0, 12, 0, 0, 118]] };

describe('preEncodingParser', () => {
  const encoder = new preEncodingParser.Encoder();
  const standard = new Encoder();

  it('writes a packet with pre-encoded arguments exactly as socket.io-parser writes the objects', () => {
    for (const packet of [
      { type: PacketType.EVENT, nsp: '/', data: ['live:diff', diff, 'offset-1'] },
      { type: PacketType.EVENT, nsp: '/admin', data: ['live:diff', diff] },
      { type: PacketType.EVENT, nsp: '/', id: 12, data: ['live:snapshot', { states: [] }, 3, null] },
    ]) {
      const spliced = {
        ...packet,
        data: packet.data.map((arg) =>
          typeof arg === 'object' && arg !== null ? new PreEncodedJson(JSON.stringify(arg)) : arg,
        ),
      };
      expect(encoder.encode(spliced)).toEqual(standard.encode(packet));
    }
  });

  it('leaves every other packet to socket.io-parser, binary ones included', () => {
    const packets = [
      { type: PacketType.CONNECT, nsp: '/', data: { sid: 'abc' } },
      { type: PacketType.EVENT, nsp: '/', data: ['server:hello', { protocolVersion: 2 }] },
      { type: PacketType.ACK, nsp: '/', id: 3, data: [{ ok: true }] },
      { type: PacketType.EVENT, nsp: '/', data: ['blob', Buffer.from([1, 2, 3])] },
    ];
    for (const packet of packets) expect(encoder.encode(packet)).toEqual(standard.encode(packet));
  });

  it('measures arguments as the packet writes them', () => {
    const args = ['live:diff', new PreEncodedJson(JSON.stringify(diff)), 'offset-1'];
    const written = (encoder.encode({ type: PacketType.EVENT, nsp: '/', data: args })[0] as string).length;
    expect(encodedLength(args)).toBe(written);
  });
});
