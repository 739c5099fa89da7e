/**
 * Parsing of inbound socket payloads at the boundary. Every payload goes through a protocol schema;
 * what fails is described in one line for the log and never reaches the store.
 */
import { z } from 'zod';
import {
  WireDiffSchema,
  ErrorPayloadSchema,
  HelloSchema,
  SnapshotSchema,
  type Ack,
  type WireDiff,
  type Hello,
  type Snapshot,
} from '../../../protocol/index.ts';
import { zodErrorText } from '../../../protocol/zodError.ts';

/** The answer to `live:subscribe` and `live:resync`. The protocol types `Ack<T>` but has no schema for it. */
export const AckSnapshotSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: SnapshotSchema }),
  z.object({ ok: z.literal(false), error: ErrorPayloadSchema }),
]);

/** A parsed payload, or a one-line reason why it was rejected. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

function parseWith<T>(schema: z.ZodType<T>, raw: unknown): Parsed<T> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, reason: zodErrorText(result.error, { maxIssues: 3 }) };
}

/** Parses `server:hello`. */
export function parseHello(raw: unknown): Parsed<Hello> {
  return parseWith(HelloSchema, raw);
}

/** Parses a `live:snapshot` the server pushed. */
export function parseSnapshot(raw: unknown): Parsed<Snapshot> {
  return parseWith(SnapshotSchema, raw);
}

/** Parses `live:diff` (its compact wire form; `applyWireDiff` reads the rows). */
export function parseDiff(raw: unknown): Parsed<WireDiff> {
  return parseWith(WireDiffSchema, raw);
}

/** Parses the acknowledgement of `live:subscribe` / `live:resync`. */
export function parseAckSnapshot(raw: unknown): Parsed<Ack<Snapshot>> {
  return parseWith<Ack<Snapshot>>(AckSnapshotSchema, raw);
}

/** True when a handshake refusal is about the protocol version (the sentence of `versionMismatchMessage`). */
export function isVersionMismatch(message: string, data?: unknown): boolean {
  if (/protocol version/i.test(message)) return true;
  const code = typeof data === 'object' && data !== null ? (data as { code?: unknown }).code : undefined;
  return code === 'version-mismatch';
}
