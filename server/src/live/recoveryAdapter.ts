/**
 * Socket.io's in-memory adapter with connection-state recovery whose buffer is bounded by size, and
 * that keeps only the events worth replaying.
 *
 * Recovery numbers every event packet the server sends, so a socket that comes back within the
 * window keeps its rooms and data and gets what it missed replayed. Socket.io's own
 * `SessionAwareAdapter` keeps every packet for the whole window and drops old ones only once a
 * minute: with 10,000 viewers of distinct views at 2 Hz that is over a million packets, gigabytes.
 * Here the events named `notReplayed` (the live diffs and snapshots: telemetry whose current state
 * the server sends a recovered socket afresh, as one snapshot) are numbered but not kept, so they
 * cost neither memory nor the garbage collector's time, and the reliable events (alarms, incidents,
 * wall views) keep the whole window even under heavy load. Those go once older than the window
 * (checked every second), and beyond `maxBytes` (their text and records) the oldest go first. A
 * socket whose last packet is older than the window, or that missed a kept packet dropped for size,
 * is not recovered: it connects afresh, subscribes and gets a snapshot.
 *
 * It also changes the order in which a room's sockets are written. Socket.io's adapter writes them in
 * the order they joined, every time: a tick's writes to a few hundred viewers take milliseconds, and
 * the viewer that joined last always waited for all the others. Here each broadcast to one room
 * starts at another member (a golden-ratio stride through the room), so every viewer is early as
 * often as late.
 */
import { Adapter, type BroadcastOptions, type Session } from 'socket.io-adapter';
import { encodedLength } from './preEncoded.ts';

/** `Adapter`'s `persistSession` argument. */
type SessionToPersist = Omit<Session, 'missedPackets'>;

interface StoredPacket {
  /** Its number: the offset the client holds is this in base 36. */
  readonly id: number;
  /** The rooms it went to and the ones left out, as short arrays (a broadcast names one or two). */
  readonly rooms: readonly string[];
  readonly except: readonly string[];
  readonly data: unknown[];
  readonly emittedAtMs: number;
  readonly size: number;
}

export interface RecoveryBufferOptions {
  /** Most bytes kept: each packet's characters on the wire and what its record costs. */
  readonly maxBytes: number;
  /** How often expired packets and sessions are dropped. Default 1 s. */
  readonly pruneEveryMs?: number;
  /**
   * Events numbered but not kept: state the server sends a recovered socket afresh, which a replay
   * would only repeat. Default: none (every event is kept).
   */
  readonly notReplayed?: readonly string[];
}

/** What the buffer holds now (for metrics and the bench). */
export interface RecoveryBufferStats {
  readonly packets: number;
  readonly bytes: number;
  readonly sessions: number;
  /** Packets dropped for size before their window ended, since the start. */
  readonly droppedForSize: number;
}

/** The adapter's `apply` (private in its types): calls `callback` with each socket `opts` names. */
type ApplyToSockets = (opts: BroadcastOptions, callback: (socket: unknown) => void) => void;

/** The fractional part of the golden ratio: successive starts spread evenly over any room size. */
const GOLDEN_STRIDE = 0.6180339887498949;

/** What keeping a packet costs beyond its text (the record, its arrays, the wrapper): counted in. */
const PACKET_OVERHEAD_BYTES = 256;
const NONE: readonly string[] = [];

/** Packets broadcast with acknowledgement or as volatile are not kept (as in Socket.io's adapter). */
function keeps(packet: { type: number; id?: number }, opts: BroadcastOptions): boolean {
  return packet.type === 2 && packet.id === undefined && opts.flags?.volatile === undefined;
}

/** An adapter class for the Socket.io server's `adapter` option. */
export function boundedRecoveryAdapter(options: RecoveryBufferOptions): typeof Adapter {
  const pruneEveryMs = options.pruneEveryMs ?? 1_000;
  const notReplayed = new Set(options.notReplayed ?? []);
  return class BoundedRecoveryAdapter extends Adapter {
    private readonly windowMs: number;
    private readonly sessions = new Map<string, SessionToPersist & { disconnectedAtMs: number }>();
    /**
     * Oldest first; `head` is the first kept. A dropped slot is cleared at once (its data freed), and
     * the array is compacted now and then.
     */
    private packets: (StoredPacket | undefined)[] = [];
    private head = 0;
    private bytes = 0;
    private droppedForSize = 0;
    /** The highest number of a kept packet dropped for size (-1: none): a socket before it missed it. */
    private lostForSizeThrough = -1;
    private nextId = 0;
    /**
     * `[first number, time]` once per prune, oldest first, those older than the window gone: a
     * packet numbered from a mark's number on was sent at or after its time.
     */
    private marks: [number, number][] = [[0, Date.now()]];
    private readonly timer: NodeJS.Timeout;

    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Socket.io's own type for it
    constructor(nsp: any) {
      super(nsp);
      const recovery = (
        nsp as { server: { opts: { connectionStateRecovery?: { maxDisconnectionDuration?: number } } } }
      ).server.opts.connectionStateRecovery;
      this.windowMs = recovery?.maxDisconnectionDuration ?? 2 * 60_000;
      this.timer = setInterval(() => this.prune(Date.now()), pruneEveryMs);
      this.timer.unref();
      const applyInJoinOrder = (this as unknown as { apply: ApplyToSockets }).apply.bind(this);
      (this as unknown as { apply: ApplyToSockets }).apply = (opts, callback) => {
        if (opts.rooms.size !== 1) {
          applyInJoinOrder(opts, callback);
          return;
        }
        const [room] = opts.rooms as Set<string>;
        const members = this.rooms.get(room as string);
        if (members === undefined || members.size === 0) return;
        this.rotation = (this.rotation + GOLDEN_STRIDE) % 1;
        this.eachFrom(members, Math.floor(this.rotation * members.size), this.exceptIds(opts), callback);
      };
    }

    override close(): void {
      clearInterval(this.timer);
    }

    override persistSession(session: SessionToPersist): void {
      this.sessions.set(session.pid, { ...session, disconnectedAtMs: Date.now() });
    }

    override restoreSession(pid: string, offset: string): Promise<Session> {
      const session = this.sessions.get(pid);
      // Socket.io's type says Promise<Session>, but it takes null (or a promise of it) as "not restored".
      const none = null as unknown as Promise<Session>;
      if (!session) return none;
      this.sessions.delete(pid);
      if (session.disconnectedAtMs + this.windowMs < Date.now()) return none;
      const last = /^[0-9a-z]{1,10}$/.test(offset) ? parseInt(offset, 36) : Number.NaN;
      // Not one of ours, sent before the window, or a kept packet after it was dropped for size:
      // no complete replay possible.
      if (!(last < this.nextId) || last < this.oldestInWindow() || last < this.lostForSizeThrough)
        return none;
      const missedPackets: unknown[][] = [];
      for (let i = this.packets.length - 1; i >= this.head; i--) {
        const packet = this.packets[i];
        if (!packet) continue;
        if (packet.id <= last) break;
        const included =
          packet.rooms.length === 0 || session.rooms.some((room) => packet.rooms.includes(room));
        if (included && session.rooms.every((room) => !packet.except.includes(room)))
          missedPackets.push(packet.data);
      }
      missedPackets.reverse();
      const { disconnectedAtMs: _, ...restored } = session;
      return Promise.resolve({ ...restored, missedPackets });
    }

    override broadcast(packet: { type: number; id?: number; data: unknown[] }, opts: BroadcastOptions): void {
      if (keeps(packet, opts)) {
        const id = this.nextId++;
        // The offset goes last in the data, so the client knows the last packet it processed.
        packet.data.push(id.toString(36));
        if (notReplayed.has(packet.data[0] as string)) {
          super.broadcast(packet, opts);
          return;
        }
        const size = encodedLength(packet.data) + PACKET_OVERHEAD_BYTES;
        this.packets.push({
          id,
          rooms: opts.rooms.size === 0 ? NONE : [...opts.rooms],
          except: opts.except === undefined || opts.except.size === 0 ? NONE : [...opts.except],
          data: packet.data,
          emittedAtMs: Date.now(),
          size,
        });
        this.bytes += size;
        if (this.bytes > options.maxBytes) this.dropOldest(() => this.bytes > options.maxBytes, true);
      }
      super.broadcast(packet, opts);
    }

    /** Where in its room the last one-room broadcast started, as a fraction of the room. */
    private rotation = 0;

    /** `members` from the `start`-th on, then the ones before it, but the `except`ed. */
    private eachFrom(
      members: ReadonlySet<string>,
      start: number,
      except: ReadonlySet<string> | undefined,
      callback: (socket: unknown) => void,
    ): void {
      const sockets = this.nsp.sockets;
      for (const pass of [0, 1]) {
        let at = 0;
        for (const id of members) {
          const due = pass === 0 ? at >= start : at < start;
          at += 1;
          if (!due) {
            if (pass === 1) break;
            continue;
          }
          if (except?.has(id)) continue;
          const socket = sockets.get(id);
          if (socket) callback(socket);
        }
      }
    }

    /** The ids of the sockets in the rooms `opts` leaves out, or undefined for none. */
    private exceptIds(opts: BroadcastOptions): ReadonlySet<string> | undefined {
      if (opts.except === undefined || opts.except.size === 0) return undefined;
      const ids = new Set<string>();
      for (const room of opts.except) for (const id of this.rooms.get(room) ?? []) ids.add(id);
      return ids;
    }

    /** What the buffer holds now. */
    stats(): RecoveryBufferStats {
      return {
        packets: this.packets.length - this.head,
        bytes: this.bytes,
        sessions: this.sessions.size,
        droppedForSize: this.droppedForSize,
      };
    }

    /** The lowest number sent within the window, as far as the marks tell. */
    private oldestInWindow(): number {
      const threshold = Date.now() - this.windowMs;
      for (const [first, atMs] of this.marks) if (atMs >= threshold) return first;
      return this.nextId;
    }

    private prune(nowMs: number): void {
      const threshold = nowMs - this.windowMs;
      this.marks.push([this.nextId, nowMs]);
      const stale = this.marks.findIndex(([, atMs]) => atMs >= threshold);
      if (stale > 0) this.marks = this.marks.slice(stale);
      for (const [pid, session] of this.sessions)
        if (session.disconnectedAtMs < threshold) this.sessions.delete(pid);
      this.dropOldest(() => (this.packets[this.head]?.emittedAtMs ?? Infinity) < threshold, false);
    }

    private dropOldest(more: () => boolean, forSize: boolean): void {
      while (this.head < this.packets.length && more()) {
        const dropped = this.packets[this.head];
        this.bytes -= dropped?.size ?? 0;
        if (forSize && dropped) this.lostForSizeThrough = dropped.id;
        this.packets[this.head] = undefined;
        this.head += 1;
        if (forSize) this.droppedForSize += 1;
      }
      // Compacted once the dropped part is most of the array, so each packet is moved at most once or twice.
      if (this.head > 1024 && this.head * 2 > this.packets.length) {
        this.packets = this.packets.slice(this.head);
        this.head = 0;
      }
    }
  };
}

/** The stats of a namespace's adapter when it is a bounded one, else null. */
export function recoveryBufferStats(adapter: unknown): RecoveryBufferStats | null {
  const candidate = adapter as { stats?: () => RecoveryBufferStats };
  return typeof candidate.stats === 'function' ? candidate.stats() : null;
}
