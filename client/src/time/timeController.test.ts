import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StateAt } from '../../../protocol/index.ts';
import { LiveStore } from '../live/liveStore.ts';
import type { TimeSource } from './timeController.ts';
import { TimeController } from './timeController.ts';

const NOW = Date.UTC(2026, 11, 3, 14, 0, 0);
const HOUR = 3_600_000;

/** A history that answers with one garage whose occupancy is the minute of the asked time. */
function fakeSource() {
  const asked: number[] = [];
  const answers: ((raw: unknown) => void)[] = [];
  let live = true;
  const source: TimeSource & { asked: number[]; answerAll(): void; readonly live: boolean } = {
    asked,
    get live() {
      return live;
    },
    pause: () => {
      live = false;
    },
    resume: () => {
      live = true;
    },
    request: (event, payload) => {
      if (event === 'history:range')
        return Promise.resolve({
          ok: true,
          data: {
            earliestMs: NOW - 48 * HOUR,
            latestMs: NOW,
            nowMs: NOW,
            retention: { parking: { rawMs: 24 * HOUR, minuteMs: 1, hourMs: 1 } },
          },
        });
      const { atMs } = payload as { atMs: number };
      asked.push(atMs);
      return new Promise((resolve) => answers.push(resolve)).then(() => {
        const state: StateAt = {
          atMs,
          states: [
            {
              sensorId: 'garage',
              observation: {
                sensorId: 'garage',
                observedAt: atMs - 1000,
                values: { occupiedSpaces: new Date(atMs).getUTCMinutes() },
                quality: 'good',
              },
              freshness: 'live',
            },
          ],
        };
        return { ok: true, data: state };
      });
    },
    answerAll: () => {
      for (const answer of answers.splice(0)) answer(undefined);
    },
  };
  return source;
}

/**
 * A controller on the fake history whose `history:state` requests go to `intercept` first: what it
 * returns is the answer, and where it returns undefined the history answers.
 */
async function controllerWith(intercept: (atMs: number) => Promise<unknown> | undefined) {
  const store = new LiveStore();
  store.setHello({ protocolVersion: 3, cityId: 'x', serverTimeMs: NOW, timeScale: 1, role: 'public' }, 0);
  const source = fakeSource();
  const request: TimeSource['request'] = (event, payload) =>
    (event === 'history:state' ? intercept((payload as { atMs: number }).atMs) : undefined) ??
    source.request(event, payload);
  const time = new TimeController({
    store,
    source: { ...source, request },
    kinds: ['parking'],
    now: () => 0,
  });
  await time.refreshRange();
  return { store, source, time };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
}

describe('TimeController', () => {
  afterEach(() => vi.useRealTimers());

  it('leaves live, shows the state at the chosen time through the store, and returns to live', async () => {
    let local = 0;
    const store = new LiveStore();
    store.setHello({ protocolVersion: 2, cityId: 'x', serverTimeMs: NOW, timeScale: 1, role: 'public' }, 0);
    const source = fakeSource();
    const time = new TimeController({ store, source, kinds: ['parking'], now: () => local });
    await time.refreshRange();
    expect(time.getView()).toMatchObject({ available: true, minMs: NOW - 24 * HOUR, maxMs: NOW });

    time.goTo(NOW - 2 * HOUR - 17 * 60_000);
    expect(source.live).toBe(false);
    expect(time.getView().mode).toEqual({
      kind: 'past',
      atMs: NOW - 2 * HOUR - 17 * 60_000,
      playing: false,
      speed: 60,
    });
    source.answerAll();
    await settle();
    const shown = store.getSnapshot().state?.sensors.get('garage');
    expect(shown?.observation?.values.occupiedSpaces).toBe(43);
    // The store's clock stands at that time while paused: ages are those of then.
    local = 60_000;
    expect(store.nowServerMs(local)).toBe(NOW - 2 * HOUR - 17 * 60_000);

    // Beyond the retention it goes no further back.
    time.goTo(NOW - 30 * HOUR);
    expect(time.getView().mode).toMatchObject({ atMs: NOW - 24 * HOUR + 60_000 });

    time.goLive();
    expect(time.getView().mode).toEqual({ kind: 'live' });
    expect(source.live).toBe(true);
  });

  it('asks again only once an answer arrived, with the latest time wished', async () => {
    const store = new LiveStore();
    store.setHello({ protocolVersion: 2, cityId: 'x', serverTimeMs: NOW, timeScale: 1, role: 'public' }, 0);
    const source = fakeSource();
    const time = new TimeController({ store, source, kinds: ['parking'], now: () => 0 });
    await time.refreshRange();
    time.goTo(NOW - 3 * HOUR);
    time.goTo(NOW - 2 * HOUR);
    time.goTo(NOW - HOUR);
    expect(source.asked).toEqual([NOW - 3 * HOUR]);
    source.answerAll();
    await settle();
    expect(source.asked).toEqual([NOW - 3 * HOUR, NOW - HOUR]);
    source.answerAll();
    await settle();
    expect(time.getView().loading).toBe(false);
    expect(store.getSnapshot().state?.serverTimeMs).toBe(NOW - HOUR);
  });

  it('asks a refused moment again once the server says a try can succeed, without showing an error', async () => {
    vi.useFakeTimers();
    const asked: number[] = [];
    let refuse = true;
    const { store, source, time } = await controllerWith((atMs) => {
      if (!refuse) return undefined;
      refuse = false;
      asked.push(atMs);
      return Promise.resolve({
        ok: false,
        error: { code: 'rate-limited', message: 'history:state: too many requests', retryAfterMs: 800 },
      });
    });
    time.goTo(NOW - 2 * HOUR);
    await settle();
    expect(asked).toEqual([NOW - 2 * HOUR]);
    expect(time.getView()).toMatchObject({ loading: true, error: null });
    vi.advanceTimersByTime(799);
    await settle();
    expect(source.asked).toEqual([]);
    vi.advanceTimersByTime(1);
    await settle();
    expect(source.asked).toEqual([NOW - 2 * HOUR]);
    source.answerAll();
    await settle();
    expect(time.getView()).toMatchObject({ loading: false, error: null });
    expect(store.getSnapshot().state?.serverTimeMs).toBe(NOW - 2 * HOUR);
  });

  it('asks a moment again after a request got no answer, saying so meanwhile, until one comes', async () => {
    vi.useFakeTimers();
    let failures = 2;
    const { store, source, time } = await controllerWith(() => {
      if (failures === 0) return undefined;
      failures -= 1;
      return Promise.reject(new Error('operation has timed out'));
    });
    time.goTo(NOW - 2 * HOUR);
    await settle();
    expect(time.getView()).toMatchObject({ loading: true, error: 'operation has timed out' });
    vi.advanceTimersByTime(2000);
    await settle();
    expect(failures).toBe(0);
    expect(source.asked).toEqual([]);
    vi.advanceTimersByTime(2000);
    await settle();
    expect(source.asked).toEqual([NOW - 2 * HOUR]);
    source.answerAll();
    await settle();
    expect(time.getView()).toMatchObject({ loading: false, error: null });
    expect(store.getSnapshot().state?.serverTimeMs).toBe(NOW - 2 * HOUR);

    // Back to live while a failed moment waits: it is not asked again.
    failures = 1;
    time.goTo(NOW - HOUR);
    await settle();
    time.goLive();
    vi.advanceTimersByTime(10_000);
    await settle();
    expect(source.asked).toEqual([NOW - 2 * HOUR]);
  });

  it('plays forward at its speed and becomes live at the present', async () => {
    vi.useFakeTimers();
    let local = 0;
    const store = new LiveStore();
    store.setHello({ protocolVersion: 2, cityId: 'x', serverTimeMs: NOW, timeScale: 1, role: 'public' }, 0);
    const source = fakeSource();
    const time = new TimeController({ store, source, kinds: ['parking'], now: () => local, frameMs: 250 });
    await time.refreshRange();
    time.goTo(NOW - HOUR);
    time.setSpeed(600);
    time.play();
    local += 1000;
    vi.advanceTimersByTime(1000);
    const mode = time.getView().mode;
    expect(mode.kind === 'past' && mode.atMs).toBe(NOW - HOUR + 600_000);
    // Five more real seconds at ×600 pass the present (the present moved on 6 s meanwhile).
    local += 5100;
    vi.advanceTimersByTime(5100);
    expect(time.getView().mode).toEqual({ kind: 'live' });
    expect(source.live).toBe(true);
  });

  it('follows another window: a time, playing at its speed, paused, and back to live', async () => {
    vi.useFakeTimers();
    const store = new LiveStore();
    store.setHello({ protocolVersion: 2, cityId: 'x', serverTimeMs: NOW, timeScale: 1, role: 'public' }, 0);
    const source = fakeSource();
    const time = new TimeController({ store, source, kinds: ['parking'], now: () => 0, frameMs: 250 });
    await time.refreshRange();
    time.follow({ kind: 'past', atMs: NOW - 2 * HOUR, playing: true, speed: 3600 });
    expect(time.getView().mode).toEqual({ kind: 'past', atMs: NOW - 2 * HOUR, playing: true, speed: 3600 });
    expect(source.live).toBe(false);
    time.follow({ kind: 'past', atMs: NOW - HOUR, playing: false, speed: 10 });
    expect(time.getView().mode).toEqual({ kind: 'past', atMs: NOW - HOUR, playing: false, speed: 10 });
    time.follow({ kind: 'live' });
    expect(time.getView().mode).toEqual({ kind: 'live' });
    expect(source.live).toBe(true);
  });
});
