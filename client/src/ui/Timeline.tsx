/**
 * The timeline under the map: the one clock of the viewer. "Live" by default; the slider (or the step
 * buttons, or a typed time) goes back to any time the history keeps, and every live layer shows the
 * town as it was then; play runs the time on at ×1 to ×3600; "Live" returns. All of it works by
 * keyboard (the slider takes the arrow keys minute by minute), and the shown time is announced.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslator } from '../i18n/I18nContext.tsx';
import type { TimeController } from '../time/timeController.ts';
import { PLAY_SPEEDS } from '../time/timeMode.ts';
import type { SubscribeTick } from '../time/ticker.ts';
import { DateTimeField } from './DateTimeField.tsx';
import './timeline.css';

const MINUTE = 60_000;
const HOUR = 3_600_000;

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** Weekday, date and time to the second, in the city's zone. */
export function formatDateTime(epochMs: number, intlLocale: string, timeZone: string): string {
  const key = `${intlLocale}|${timeZone}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(intlLocale, {
      weekday: 'short',
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZone,
    });
    dateTimeFormats.set(key, format);
  }
  return format.format(epochMs);
}

/** `YYYY-MM-DDTHH:mm` of `epochMs` in `timeZone`, for a `datetime-local` input. */
export function localInputValue(epochMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).formatToParts(epochMs);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

/** The instant a `datetime-local` value means in `timeZone` (two passes settle daylight saving). */
export function instantOfLocal(value: string, timeZone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  let guess = wall;
  for (let i = 0; i < 2; i += 1) {
    const shown = localInputValue(guess, timeZone);
    const [, sy, smo, sd, sh, smi] = (/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(shown) ?? []).map(
      Number,
    );
    const shownWall = Date.UTC(sy as number, (smo as number) - 1, sd as number, sh as number, smi as number);
    guess += wall - shownWall;
  }
  return guess;
}

export interface TimelineProps {
  readonly time: TimeController;
  readonly timeZone: string;
  readonly subscribeTick: SubscribeTick;
}

export function Timeline({ time, timeZone, subscribeTick }: TimelineProps) {
  const translator = useTranslator();
  const view = useSyncExternalStore(time.subscribe, time.getView);
  // The present moves on: the slider's end and the live label follow once a second.
  const [, setTick] = useState(0);
  useEffect(() => subscribeTick(() => setTick((n) => n + 1)), [subscribeTick]);

  if (view.available === false)
    return (
      <section
        className="timeline timeline-off"
        aria-label={translator.t('timeline.label')}
        data-testid="timeline"
      >
        <p className="muted">{translator.t('timeline.off')}</p>
      </section>
    );

  const present = time.presentMs();
  const mode = view.mode;
  const live = mode.kind === 'live';
  const shownMs = live ? present : mode.atMs;
  const minMs = view.minMs ?? present ?? 0;
  const maxMs = present ?? view.maxMs ?? minMs;
  const format = (ms: number) => formatDateTime(ms, translator.intlLocale, timeZone);
  const shownText = shownMs === null ? '' : format(shownMs);
  const ready = present !== null && view.available === true;

  return (
    <section
      className={`timeline ${live ? 'timeline-live' : 'timeline-past'}`}
      aria-label={translator.t('timeline.label')}
      data-testid="timeline"
      data-mode={mode.kind}
      data-at={live ? undefined : Math.round(mode.atMs)}
    >
      <div className="timeline-status" role="status" aria-live="polite" aria-atomic="true">
        <span className={`timeline-pill ${live ? 'timeline-pill-live' : 'timeline-pill-past'}`}>
          {translator.t(live ? 'timeline.live' : 'timeline.past')}
        </span>
        <span className="timeline-time" data-testid="timeline-time">
          {live ? shownText : translator.t('timeline.at', { time: shownText })}
        </span>
        {view.loading && !live && (
          <span className="muted timeline-loading">{translator.t('timeline.loading')}</span>
        )}
        {view.error && !live && (
          <span className="timeline-error" role="alert">
            {translator.t('timeline.error', { message: view.error })}
          </span>
        )}
      </div>
      <div className="timeline-controls">
        <button
          type="button"
          className="button"
          onClick={() => time.step(-HOUR)}
          disabled={!ready}
          aria-label={translator.t('timeline.back1hLabel')}
        >
          {translator.t('timeline.back1h')}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => time.step(-5 * MINUTE)}
          disabled={!ready}
          aria-label={translator.t('timeline.back5mLabel')}
        >
          {translator.t('timeline.back5m')}
        </button>
        <input
          type="range"
          className="timeline-slider"
          data-testid="timeline-slider"
          min={minMs}
          max={maxMs}
          step={MINUTE}
          value={shownMs ?? maxMs}
          disabled={!ready}
          aria-label={translator.t('timeline.slider')}
          aria-valuetext={shownText}
          title={translator.t('timeline.sliderRange', { from: format(minMs), to: format(maxMs) })}
          onChange={(event) => time.goTo(Number(event.currentTarget.value))}
        />
        <button
          type="button"
          className="button"
          onClick={() => time.step(5 * MINUTE)}
          disabled={!ready || live}
          aria-label={translator.t('timeline.fwd5mLabel')}
        >
          {translator.t('timeline.fwd5m')}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => time.step(HOUR)}
          disabled={!ready || live}
          aria-label={translator.t('timeline.fwd1hLabel')}
        >
          {translator.t('timeline.fwd1h')}
        </button>
        <button
          type="button"
          className="button timeline-play"
          data-testid="timeline-play"
          onClick={() => (mode.kind === 'past' && mode.playing ? time.pause() : time.play())}
          disabled={!ready || live}
          aria-pressed={mode.kind === 'past' && mode.playing}
        >
          {translator.t(mode.kind === 'past' && mode.playing ? 'timeline.pause' : 'timeline.play')}
        </button>
        <label className="timeline-speed">
          <span>{translator.t('timeline.speed')}</span>
          <select
            value={mode.kind === 'past' ? mode.speed : 60}
            disabled={!ready || live}
            onChange={(event) => time.setSpeed(Number(event.currentTarget.value))}
            data-testid="timeline-speed"
          >
            {PLAY_SPEEDS.map((speed) => (
              <option key={speed} value={speed}>
                {translator.t('timeline.speedValue', { factor: speed })}
              </option>
            ))}
          </select>
        </label>
        <label className="timeline-jump">
          <span className="visually-hidden">{translator.t('timeline.jump')}</span>
          <DateTimeField
            data-testid="timeline-jump"
            disabled={!ready}
            value={shownMs === null ? '' : localInputValue(shownMs, timeZone)}
            min={localInputValue(minMs, timeZone)}
            max={localInputValue(maxMs, timeZone)}
            onChange={(value) => {
              const at = instantOfLocal(value, timeZone);
              if (at !== null) time.goTo(at);
            }}
          />
        </label>
        <button
          type="button"
          className="button timeline-live-button"
          data-testid="timeline-live"
          onClick={() => time.goLive()}
          disabled={live}
          aria-label={translator.t('timeline.toLiveLabel')}
        >
          {translator.t('timeline.toLive')}
        </button>
      </div>
    </section>
  );
}
