/**
 * Test support: hostile payloads for every declared socket event, and the fuzzing run that sends
 * them. The run lives in a process of its own (`socketFuzzChild.ts`), so what it costs to build and
 * send them is not charged to the server under test.
 */
import type { ClientEvent, ErrorCode, Role } from '../../../protocol/index.ts';
import { can, CLIENT_EVENTS, MAX_SOCKET_MESSAGE_BYTES } from '../../../protocol/index.ts';
import type { TwinSocket } from './twinSocket.ts';
import { ask, openTwinSocket } from './twinSocket.ts';

/** Planted in every hostile payload: no answer may contain it. */
export const MARKER = 'ECHO-7f3a';

export type HostileKind = 'malformed' | 'oversized' | 'binary' | 'deep' | 'many-keys' | 'polluting';
export const HOSTILE_KINDS: readonly HostileKind[] = [
  'malformed',
  'oversized',
  'binary',
  'deep',
  'many-keys',
  'polluting',
];

/** A hostile payload of `kind` for `event`, within the event's budget where the kind is not size. */
export function hostile(kind: HostileKind, event: ClientEvent, round: number): unknown {
  const budget = CLIENT_EVENTS[event].maxBytes;
  switch (kind) {
    case 'malformed':
      return [42, true, null, [MARKER], { [MARKER]: true }, { kinds: MARKER, atMs: -1 }][round % 6];
    case 'oversized':
      return `${MARKER}${'x'.repeat(budget)}`;
    case 'binary':
      return Buffer.alloc(round === 0 ? 1024 : 64 * 1024, 1);
    case 'deep': {
      let value: unknown = MARKER;
      const depth = Math.min(2000, Math.floor((budget - 64) / 2));
      for (let i = 0; i < depth; i += 1) value = [value];
      return value;
    }
    case 'many-keys': {
      const keys: Record<string, number> = {};
      // Each key costs its text, quotes, colon, value and comma.
      const count = Math.min(60_000, Math.floor((budget - 64) / (MARKER.length + 12)));
      for (let i = 0; i < count; i += 1) keys[`${MARKER}${i}`] = 0;
      return keys;
    }
    case 'polluting':
      return JSON.parse(
        `{"__proto__":{"polluted":"${MARKER}"},"constructor":{"prototype":{"polluted":"${MARKER}"}}}`,
      ) as unknown;
  }
}

/** The code a payload of `kind` must be refused with (a rate limit may answer first). */
export function expectedCode(kind: HostileKind, event: ClientEvent, role: Role): ErrorCode {
  if (kind === 'binary') return 'binary';
  if (kind === 'oversized') return 'too-large';
  if (!can(role, CLIENT_EVENTS[event].capability)) return 'forbidden';
  return 'bad-request';
}

export interface FuzzOptions {
  readonly baseUrl: string;
  /** The key of the staff socket (an admin: every event is parsed for it). */
  readonly adminKey: string;
  /** Rounds go on until this long has passed (at least one round, at most `maxRounds`). */
  readonly minDurationMs: number;
  readonly maxRounds: number;
  /** How long one refusal may take. */
  readonly answerBoundMs: number;
}

/** What a fuzzing run found. */
export interface FuzzReport {
  readonly calls: number;
  /** Calls refused with the code their kind deserves. */
  readonly expected: number;
  /** Calls answered otherwise than refused with that code or a rate limit, described. */
  readonly unexpected: string[];
  /** Answers that repeated the marker. */
  readonly echoes: string[];
  /** Calls not answered within the bound. */
  readonly unanswered: string[];
  readonly durationMs: number;
}

/**
 * Sends every kind of hostile payload to every event from a public and a staff socket, a fresh
 * socket per event and role (six refusals stay below the offence limit), round after round.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const events = Object.keys(CLIENT_EVENTS) as ClientEvent[];
  const started = performance.now();
  let calls = 0;
  let expected = 0;
  const unexpected: string[] = [];
  const echoes: string[] = [];
  const unanswered: string[] = [];
  for (
    let round = 0;
    round < options.maxRounds && (round === 0 || performance.now() - started < options.minDurationMs);
    round += 1
  )
    for (const event of events)
      for (const role of ['public', 'admin'] as const) {
        const { socket } = await openTwinSocket(
          options.baseUrl,
          role === 'admin' ? { accessKey: options.adminKey } : {},
        );
        await fuzzOne(socket, event, role, round);
        socket.disconnect();
      }
  return { calls, expected, unexpected, echoes, unanswered, durationMs: performance.now() - started };

  async function fuzzOne(socket: TwinSocket, event: ClientEvent, role: Role, round: number): Promise<void> {
    for (const kind of HOSTILE_KINDS) {
      // The engine closes a connection on a message over its limit before any event is seen.
      if (kind === 'oversized' && CLIENT_EVENTS[event].maxBytes >= MAX_SOCKET_MESSAGE_BYTES) continue;
      calls += 1;
      const answer = await ask(socket, event, [hostile(kind, event, round)], options.answerBoundMs).catch(
        () => undefined,
      );
      const what = `${role} ${event} ${kind}`;
      if (answer === undefined) {
        unanswered.push(what);
        continue;
      }
      const code = answer.ok ? 'ok' : answer.error.code;
      const want = expectedCode(kind, event, role);
      if (code === want) expected += 1;
      else if (code !== 'rate-limited') unexpected.push(`${what}: ${code}, not ${want}`);
      if (JSON.stringify(answer).includes(MARKER)) echoes.push(what);
    }
  }
}
