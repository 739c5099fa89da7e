/**
 * The twin's Socket.io parser: outgoing packets with pre-encoded arguments spliced in as text
 * (`preEncoded.ts`), incoming events through the gate before their payload is parsed
 * (`eventGate.ts`).
 */
import { GatedDecoder } from './eventGate.ts';
import { SplicingEncoder } from './preEncoded.ts';

/** The value of the Socket.io server's `parser` option. */
export const twinParser = { Encoder: SplicingEncoder, Decoder: GatedDecoder };
