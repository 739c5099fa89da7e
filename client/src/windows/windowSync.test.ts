import { describe, expect, it } from 'vitest';
import type { TimeMode } from '../time/timeMode.ts';
import { isDeliberateChange, WindowSync, type ChannelLike } from './windowSync.ts';

/** Channels of one name: a message reaches every other channel, never its sender (as in browsers). */
function channelHub() {
  const members = new Set<ChannelLike>();
  const open = (): ChannelLike => {
    const channel: ChannelLike = {
      onmessage: null,
      postMessage(message) {
        // Structured clone, as BroadcastChannel does.
        const copy: unknown = structuredClone(message);
        for (const other of members) if (other !== channel) other.onmessage?.({ data: copy });
      },
      close() {
        members.delete(channel);
      },
    };
    members.add(channel);
    return channel;
  };
  return { open, members };
}

/** A window: its time and selection, synced; changes it applies from others are sent on by it. */
function windowOn(hub: ReturnType<typeof channelHub>, id: string, mode: TimeMode = { kind: 'live' }) {
  const state = {
    mode,
    sensorId: null as string | null,
    times: [] as TimeMode[],
    selections: [] as (string | null)[],
  };
  const sync: WindowSync = new WindowSync({
    channel: hub.open(),
    id,
    current: () => ({ mode: state.mode, sensorId: state.sensorId }),
    onTime: (next) => {
      state.times.push(next);
      state.mode = next;
      // A window's clock tells its listeners, which send the change: ignored while applying.
      sync.sendTime(next);
    },
    onSelect: (sensorId) => {
      state.selections.push(sensorId);
      state.sensorId = sensorId;
      sync.sendSelection(sensorId);
    },
  });
  return { state, sync };
}

const past = (atMs: number, playing = false, speed = 60): TimeMode => ({
  kind: 'past',
  atMs,
  playing,
  speed,
});

describe('WindowSync', () => {
  it('carries a time and a selection to every other window once, without echoes', () => {
    const hub = channelHub();
    const overview = windowOn(hub, 'overview');
    const detail = windowOn(hub, 'detail');
    const cockpit = windowOn(hub, 'cockpit');
    overview.sync.sendTime(past(1_000_000));
    expect(detail.state.times).toEqual([past(1_000_000)]);
    expect(cockpit.state.times).toEqual([past(1_000_000)]);
    expect(overview.state.times).toEqual([]);
    detail.sync.sendSelection('basin-hulb');
    expect(overview.state.selections).toEqual(['basin-hulb']);
    expect(cockpit.state.selections).toEqual(['basin-hulb']);
    expect(detail.state.selections).toEqual([]);
    cockpit.sync.sendTime({ kind: 'live' });
    expect(overview.state.mode).toEqual({ kind: 'live' });
    expect(detail.state.times).toEqual([past(1_000_000), { kind: 'live' }]);
  });

  it('sets up a window that opens from the first answer', () => {
    const hub = channelHub();
    const overview = windowOn(hub, 'overview', past(5_000_000, true, 600));
    overview.state.sensorId = 'parking-flugfeld';
    const second = windowOn(hub, 'second', past(5_000_000, true, 600));
    const late = windowOn(hub, 'late');
    late.sync.start();
    // Two windows answer; the first answer counts, once.
    expect(late.state.times).toEqual([past(5_000_000, true, 600)]);
    expect(late.state.selections).toEqual(['parking-flugfeld']);
    expect(overview.state.times).toEqual([]);
    expect(second.state.times).toEqual([]);
  });

  it('ignores malformed messages and stops after close', () => {
    const hub = channelHub();
    const warnings: string[] = [];
    const a = windowOn(hub, 'a');
    const received: TimeMode[] = [];
    const b = new WindowSync({
      channel: hub.open(),
      id: 'b',
      current: () => ({ mode: { kind: 'live' }, sensorId: null }),
      onTime: (mode) => received.push(mode),
      onSelect: () => undefined,
      logger: { warn: (message: string) => warnings.push(message) },
    });
    for (const member of hub.members)
      member.onmessage?.({ data: { type: 'time', from: 'x', time: { atMs: 'soon' } } });
    expect(warnings).toEqual(['[windows] ignored a malformed message from another window']);
    expect(received).toEqual([]);
    b.close();
    a.sync.sendTime(past(42_000));
    expect(received).toEqual([]);
  });
});

describe('isDeliberateChange', () => {
  it('tells a person’s change from the clock playing on', () => {
    expect(isDeliberateChange({ kind: 'live' }, past(1000), 0)).toBe(true);
    expect(isDeliberateChange(past(1000), { kind: 'live' }, 0)).toBe(true);
    expect(isDeliberateChange({ kind: 'live' }, { kind: 'live' }, 250)).toBe(false);
    expect(isDeliberateChange(past(1000), past(61_000), 0)).toBe(true);
    expect(isDeliberateChange(past(1000), past(1000), 250)).toBe(false);
    expect(isDeliberateChange(past(1000), past(1000, true), 0)).toBe(true);
    expect(isDeliberateChange(past(1000, true, 60), past(1000, true, 600), 0)).toBe(true);
    // Playing at ×60: 250 ms later the clock is 15 s on: not sent.
    expect(isDeliberateChange(past(1_000_000, true, 60), past(1_015_000, true, 60), 250)).toBe(false);
    // At ×3600 a frame late by a second is still the clock.
    expect(isDeliberateChange(past(0, true, 3600), past(4_500_000, true, 3600), 1250)).toBe(false);
    // A jump of an hour while playing at ×60 is a person.
    expect(isDeliberateChange(past(1_000_000, true, 60), past(4_600_000, true, 60), 250)).toBe(true);
  });
});
