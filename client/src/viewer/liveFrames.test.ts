import { describe, expect, it } from 'vitest';
import { encodeDiff, type Snapshot } from '../../../protocol/index.ts';
import { createI18nStore } from '../i18n/i18nStore.ts';
import { LiveStore } from '../live/liveStore.ts';
import { reading } from '../testing/fixtures.ts';
import { LiveFrames, type FlushReport } from './liveFrames.ts';

function setup() {
  const live = new LiveStore();
  const i18n = createI18nStore();
  const ticks = new Set<() => void>();
  const reports: FlushReport[] = [];
  const frames = new LiveFrames(
    live,
    i18n,
    (listener) => {
      ticks.add(listener);
      return () => ticks.delete(listener);
    },
    (report) => reports.push(report),
  );
  const calls: { all: boolean; changed: string[] }[] = [];
  frames.add((all, changed) => calls.push({ all, changed: [...changed].sort() }));
  const snapshot: Snapshot = {
    subscriptionId: 's',
    seq: 1,
    serverTimeMs: 1_000_000,
    states: ['a', 'b', 'c'].map((id) => reading(id, { freeSpaces: 1 }, 1_000_000)),
  };
  const indexOf = new Map(snapshot.states.map((s, i) => [s.sensorId, i]));
  let seq = 1;
  const diff = (...ids: string[]) => {
    seq += 1;
    const wire = encodeDiff(
      {
        subscriptionId: 's',
        seq,
        serverTimeMs: 1_000_000 + seq,
        upserts: ids.map((id) => reading(id, { freeSpaces: seq }, 1_000_000 + seq)),
        removed: [],
      },
      indexOf,
    );
    expect(live.applyDiff(wire, 0).kind).toBe('applied');
  };
  return { live, i18n, frames, calls, reports, snapshot, diff, tick: () => ticks.forEach((t) => t()) };
}

describe('LiveFrames', () => {
  it('does nothing in a frame in which nothing changed', () => {
    const { frames, calls, reports } = setup();
    frames.flush();
    frames.flush();
    expect(calls).toEqual([]);
    expect(reports).toEqual([]);
    expect(frames.pending).toBe(false);
  });

  it('hands all diffs since the last frame to the layers at once, each sensor once', () => {
    const { live, frames, calls, reports, snapshot, diff } = setup();
    live.replaceState(snapshot, 0);
    frames.flush();
    expect(calls).toEqual([{ all: true, changed: [] }]);
    diff('a');
    diff('b', 'a');
    diff('a');
    expect(calls).toHaveLength(1);
    frames.flush();
    expect(calls[1]).toEqual({ all: false, changed: ['a', 'b'] });
    expect(reports[1]).toMatchObject({ all: false, changed: 2 });
    frames.flush();
    expect(calls).toHaveLength(2);
  });

  it('asks for all sensors after a tick, a change of connection or language', () => {
    const { live, i18n, frames, calls, tick } = setup();
    tick();
    frames.flush();
    live.setConnection('live', null);
    frames.flush();
    live.setConnection('live', null);
    frames.flush();
    i18n.setLocale(i18n.getTranslator().locale === 'de' ? 'en' : 'de');
    frames.flush();
    expect(calls.map((c) => c.all)).toEqual([true, true, true]);
  });

  it('stops after destroy', () => {
    const { live, frames, calls, snapshot, tick } = setup();
    frames.destroy();
    live.replaceState(snapshot, 0);
    tick();
    frames.flush();
    expect(calls).toEqual([]);
  });
});
