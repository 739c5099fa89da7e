/**
 * "Sonnenstand und Schatten": the sun's position at the town for any date and time (NOAA's
 * calculation), the map lit from there with every building's shadow, and the day played from
 * morning to evening.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslator } from '../i18n/I18nContext.tsx';
import { formatNumber } from '../i18n/format.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { sunPosition } from '../planning/solar.ts';
import { DateTimeField } from './DateTimeField.tsx';
import { instantOfLocal, localInputValue } from './Timeline.tsx';

export interface SunPositionProps {
  readonly lat: number;
  readonly lon: number;
  readonly timeZone: string;
  /** Lights the map for this instant with shadows; null: normal light. */
  readonly onSunTime: (epochMs: number | null) => void;
}

const DIRECTIONS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const;
/** Played from 06:00 to 21:00 local time, half an hour of the day per 0.2 s. */
const PLAY_FROM_H = 6;
const PLAY_TO_H = 21;
const PLAY_STEP_MS = 200;
const PLAY_STEP_MIN = 30;

export function SunPosition({ lat, lon, timeZone, onSunTime }: SunPositionProps) {
  const translator = useTranslator();
  const [value, setValue] = useState(() => {
    const now = localInputValue(Date.now(), timeZone);
    return `${now.slice(0, 10)}T12:00`;
  });
  const [shadows, setShadows] = useState(false);
  const [playing, setPlaying] = useState(false);
  const timer = useRef<ReturnType<typeof setInterval> | undefined>(undefined);
  const at = instantOfLocal(value, timeZone);

  useEffect(() => {
    onSunTime(shadows && at !== null ? at : null);
  }, [shadows, at, onSunTime]);
  useEffect(() => () => onSunTime(null), [onSunTime]);
  useEffect(() => () => clearInterval(timer.current), []);

  const play = () => {
    if (playing) {
      clearInterval(timer.current);
      setPlaying(false);
      return;
    }
    setShadows(true);
    setPlaying(true);
    let minute = PLAY_FROM_H * 60;
    const day = value.slice(0, 10);
    const show = () => {
      const hh = String(Math.floor(minute / 60)).padStart(2, '0');
      const mm = String(minute % 60).padStart(2, '0');
      setValue(`${day}T${hh}:${mm}`);
    };
    show();
    timer.current = setInterval(() => {
      minute += PLAY_STEP_MIN;
      if (minute > PLAY_TO_H * 60) {
        clearInterval(timer.current);
        setPlaying(false);
        return;
      }
      show();
    }, PLAY_STEP_MS);
  };

  const sun = at === null ? null : sunPosition(at, lat, lon);
  const direction = sun ? DIRECTIONS[Math.round(sun.azimuthDeg / 45) % 8] : undefined;
  return (
    <section className="sun-position" aria-labelledby="sun-position-title" data-testid="sun-position">
      <h4 id="sun-position-title" className="subheading">
        {translator.t('sunPos.title')}
      </h4>
      <label htmlFor="sun-position-time">{translator.t('sunPos.time')}</label>
      <DateTimeField
        id="sun-position-time"
        value={value}
        onChange={setValue}
        data-testid="sun-position-time"
      />
      <p role="status" data-testid="sun-position-text">
        {sun === null
          ? ''
          : sun.elevationDeg <= 0
            ? translator.t('sunPos.below')
            : translator.t('sunPos.position', {
                elevation: formatNumber(sun.elevationDeg, translator.intlLocale, 1),
                azimuth: formatNumber(sun.azimuthDeg, translator.intlLocale, 0),
                direction: translator.t(`direction.${direction ?? 'S'}` as MessageKey),
              })}
      </p>
      <label className="rule-check">
        <input
          type="checkbox"
          checked={shadows}
          onChange={(e) => setShadows(e.currentTarget.checked)}
          data-testid="sun-position-shadows"
        />
        <span>{translator.t('sunPos.shadows')}</span>
      </label>
      <div className="alarm-actions">
        <button
          type="button"
          className="button"
          aria-pressed={playing}
          onClick={play}
          data-testid="sun-position-play"
        >
          {translator.t(playing ? 'sunPos.stop' : 'sunPos.play')}
        </button>
      </div>
    </section>
  );
}
