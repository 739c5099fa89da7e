import { PacketType, type Packet } from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import type { Capability, CostClass } from '../../../protocol/index.ts';
import { CLIENT_EVENTS } from '../../../protocol/index.ts';
import type { TakeResult } from '../limits/tokenBucket.ts';
import { GatedDecoder, REFUSED_EVENT, RefusedPayload } from './eventGate.ts';

/** A decoder admitted with the given rights and rate answers; collects what it decodes. */
function decoder(options: { capabilities?: Capability[]; take?: (cost: CostClass) => TakeResult } = {}) {
  const decoded: Packet[] = [];
  const gate = new GatedDecoder();
  gate.on('decoded', (packet: Packet) => decoded.push(packet));
  const taken: CostClass[] = [];
  gate.admit({
    can: (capability) => (options.capabilities ?? ['live:read', 'history:read']).includes(capability),
    take: (cost) => {
      taken.push(cost);
      return options.take?.(cost) ?? { ok: true };
    },
  });
  return { gate, decoded, taken };
}

function refusalOf(packet: Packet | undefined): RefusedPayload | undefined {
  const arg = (packet?.data as unknown[] | undefined)?.[1];
  return arg instanceof RefusedPayload ? arg : undefined;
}

describe('GatedDecoder', () => {
  it('parses an allowed event within its budget as socket.io-parser does', () => {
    const { gate, decoded, taken } = decoder();
    gate.add('22["live:subscribe",{"protocolVersion":3,"kinds":["parking"]}]');
    expect(decoded).toEqual([
      {
        type: PacketType.EVENT,
        nsp: '/',
        id: 2,
        data: ['live:subscribe', { protocolVersion: 3, kinds: ['parking'] }],
      },
    ]);
    expect(taken).toEqual(['light']);
  });

  it('refuses an event over its budget without reading it (its text need not even be JSON)', () => {
    const { gate, decoded, taken } = decoder();
    const budget = CLIENT_EVENTS['history:state'].maxBytes;
    gate.add(`27["history:state","${'{'.repeat(budget)}`);
    expect(decoded[0]).toMatchObject({ type: PacketType.EVENT, id: 7 });
    expect((decoded[0]?.data as unknown[])[0]).toBe('history:state');
    expect(refusalOf(decoded[0])).toMatchObject({ code: 'too-large', event: 'history:state' });
    expect(taken).toEqual([]);
  });

  it('refuses binary attachments and drops them unread', () => {
    const { gate, decoded } = decoder();
    gate.add('53-1["history:state",{"_placeholder":true,"num":0}]');
    for (let i = 0; i < 3; i += 1) gate.add(Buffer.alloc(i === 0 ? 7 * 1024 * 1024 : 16));
    expect(refusalOf(decoded[0])).toMatchObject({ code: 'binary', event: 'history:state' });
    expect(decoded[0]?.id).toBe(1);
    expect(decoded).toHaveLength(1);
    // The next packet is read as usual.
    gate.add('2["live:unsubscribe"]');
    expect(decoded[1]).toMatchObject({ data: ['live:unsubscribe'] });
  });

  it("refuses an event the socket's role may not send, unread, and takes nothing from its rate", () => {
    const { gate, decoded, taken } = decoder({ capabilities: ['live:read'] });
    gate.add('23["scenario:save",{"broken json');
    expect(refusalOf(decoded[0])).toMatchObject({ code: 'forbidden', event: 'scenario:save' });
    expect(taken).toEqual([]);
  });

  it('refuses an event over its rate with the time until a try can succeed', () => {
    const { gate, decoded } = decoder({ take: () => ({ ok: false, retryAfterMs: 1500 }) });
    gate.add('24["history:range"]');
    expect(refusalOf(decoded[0])).toMatchObject({ code: 'rate-limited', retryAfterMs: 1500 });
  });

  it('passes an undeclared event on under one name, unread', () => {
    const { gate, decoded } = decoder();
    gate.add('25["admin:shutdown",{"now":true}]');
    gate.add('26["constructor"]');
    gate.add('2["\\u006cive:subscribe",{}]');
    expect(decoded.map((p) => (p.data as unknown[])[0])).toEqual([
      REFUSED_EVENT,
      REFUSED_EVENT,
      REFUSED_EVENT,
    ]);
    expect(decoded.map((p) => refusalOf(p)?.code)).toEqual(['bad-request', 'bad-request', 'bad-request']);
  });

  it('drops acknowledgements from clients unread, attachments included', () => {
    const { gate, decoded } = decoder();
    gate.add('31["anything at all');
    gate.add('61-5[{"_placeholder":true,"num":0}]');
    gate.add(Buffer.alloc(16));
    expect(decoded).toEqual([]);
  });

  it('closes a connection that sends events before it was admitted, or an oversized control packet', () => {
    const early = new GatedDecoder();
    expect(() => early.add('2["live:unsubscribe"]')).toThrow('event before the connection was accepted');
    const { gate } = decoder();
    expect(() => gate.add(`0{"accessKey":"${'x'.repeat(20_000)}"}`)).toThrow('control packet too large');
  });
});
