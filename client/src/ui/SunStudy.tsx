/**
 * "Besonnung": the measured sun-hours study of the variant shown, for a chosen day: hours of direct
 * sun on a ground grid around its new buildings and on the walls of the buildings there, computed in
 * a worker for the variant and for the town as it is, shown on the map as a heat map of the hours or
 * of the difference (coloured points on the walls), summarised in words, and downloadable as GeoJSON.
 */
import { useEffect, useState } from 'react';
import type { ProposedBuilding } from '../../../protocol/index.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import { formatNumber } from '../i18n/format.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { runSunHours } from '../planning/runSunHours.ts';
import { metresPerDegree } from '../planning/figures.ts';
import type { StudyFacadePoint, StudyFrame, TownBuilding } from '../planning/sunStudy.ts';
import {
  differenceColor,
  facadePointsOf,
  frameRectangle,
  obstaclesOf,
  STUDY_DAYS,
  studyDay,
  studyFrame,
  sunColor,
  sunHoursGeoJson,
} from '../planning/sunStudy.ts';
import type { GroundOverlay } from '../viewer/scenarioCesiumImpl.ts';
import { downloadFile } from './download.ts';

export interface SunStudyProps {
  readonly variant: {
    readonly id: string;
    readonly name: string;
    readonly buildings: readonly ProposedBuilding[];
    readonly removedBuildingIds: readonly string[];
  };
  /** The town's buildings (the city pack's). */
  readonly loadTown: () => Promise<TownBuilding[]>;
  readonly onOverlay: (overlay: GroundOverlay | null) => void;
  readonly lat: number;
  readonly lon: number;
  /** The result in words and as an image, for the report (null while there is none). */
  readonly onResult?: ((result: { summary: string; image: string } | null) => void) | undefined;
}

interface Result {
  readonly frame: StudyFrame;
  readonly day: string;
  readonly hours: Float32Array;
  readonly asIs: Float32Array;
  readonly possibleHours: number;
  readonly stepMin: number;
  /** Points on walls (the town's first), their hours, and the town's points' hours as it is. */
  readonly facades: readonly StudyFacadePoint[];
  readonly facadeHours: Float32Array;
  readonly facadeAsIs: Float32Array;
  /** The variant it was computed for: another variant or a change makes it stale. */
  readonly key: string;
}

const STEP_MIN = 10;
const CELL_M = 5;
/** Façade points: one every 5 m along a wall, one per 3 m storey. */
const FACADE_SPACING = { spacingM: 5, storeyM: 3 };
/** The least direct sun DIN EN 17037 recommends for a room on a day from 1 February to 21 March. */
export const MIN_SUN_HOURS = 1.5;
/** How far in front of its wall a façade point is drawn, so that the wall does not hide it. */
const DRAWN_OFF_WALL_M = 0.5;

function overlayOf(result: Result, difference: boolean): GroundOverlay {
  const { columns, rows } = result.frame.grid;
  const canvas = document.createElement('canvas');
  canvas.width = columns;
  canvas.height = rows;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas');
  const pixels = context.createImageData(columns, rows);
  for (let row = 0; row < rows; row += 1)
    for (let column = 0; column < columns; column += 1) {
      const i = row * columns + column;
      const hours = result.hours[i] as number;
      const [r, g, b] = difference
        ? differenceColor(hours - (result.asIs[i] as number), Math.max(1, result.possibleHours / 2))
        : sunColor(hours, result.possibleHours);
      // Row 0 is the southmost; the image's first row is its top (north).
      const p = ((rows - 1 - row) * columns + column) * 4;
      pixels.data[p] = r;
      pixels.data[p + 1] = g;
      pixels.data[p + 2] = b;
      pixels.data[p + 3] = 255;
    }
  context.putImageData(pixels, 0, 0);
  const scale = metresPerDegree(result.frame.origin[1]);
  // In the difference, only the walls that stand today too (a new wall has nothing to compare with).
  const shown = difference ? result.facadeAsIs.length : result.facades.length;
  const points = result.facades.slice(0, shown).map((point, i) => ({
    position: [
      point.position[0] + (point.nx * DRAWN_OFF_WALL_M) / scale.lon,
      point.position[1] + (point.ny * DRAWN_OFF_WALL_M) / scale.lat,
      point.z,
    ] as const,
    color: difference
      ? differenceColor(
          (result.facadeHours[i] as number) - (result.facadeAsIs[i] as number),
          Math.max(1, result.possibleHours / 2),
        )
      : sunColor(result.facadeHours[i] as number, result.possibleHours),
  }));
  return { rectangle: frameRectangle(result.frame), image: canvas, points };
}

export function SunStudy({ variant, loadTown, onOverlay, lat, lon, onResult }: SunStudyProps) {
  const translator = useTranslator();
  const [day, setDay] = useState<(typeof STUDY_DAYS)[number]>('03-21');
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [difference, setDifference] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify([variant.id, variant.buildings, variant.removedBuildingIds]);
  const current = result && result.key === key ? result : null;

  useEffect(() => {
    onOverlay(current ? overlayOf(current, difference) : null);
  }, [current, difference, onOverlay]);
  useEffect(() => () => onOverlay(null), [onOverlay]);

  const compute = async () => {
    const frame = studyFrame(variant.buildings, { cellM: CELL_M });
    if (!frame) return;
    setError(null);
    setProgress(0);
    try {
      const town = await loadTown();
      const study = studyDay(new Date().getUTCFullYear(), day, lat, lon, STEP_MIN);
      const facades = facadePointsOf(frame, town, variant, FACADE_SPACING);
      const withVariant = await runSunHours(
        frame.grid,
        obstaclesOf(frame, town, variant),
        study,
        (share) => setProgress(share / 2),
        facades.points,
      );
      // The town as it is, on the same ground points and the same walls of the town.
      const asIs = await runSunHours(
        frame.grid,
        obstaclesOf(frame, town, null),
        study,
        (share) => setProgress(0.5 + share / 2),
        facades.points.slice(0, facades.onTown),
      );
      setResult({
        frame,
        day,
        hours: withVariant.hours,
        asIs: asIs.hours,
        possibleHours: withVariant.possibleHours,
        stepMin: STEP_MIN,
        facades: facades.points,
        facadeHours: withVariant.facadeHours,
        facadeAsIs: asIs.facadeHours,
        key,
      });
    } catch (problem) {
      setError((problem as Error).message);
    } finally {
      setProgress(null);
    }
  };

  const number = (value: number, digits = 1) => formatNumber(value, translator.intlLocale, digits);
  const dayName = (d: string) => translator.t(`sun.day.${d}` as MessageKey);
  let summary: string | null = null;
  if (current) {
    const n = current.hours.length;
    const mean = current.hours.reduce((s, h) => s + h, 0) / n;
    const meanAsIs = current.asIs.reduce((s, h) => s + h, 0) / n;
    const less = current.hours.reduce((c, h, i) => c + (h < (current.asIs[i] as number) - 1e-6 ? 1 : 0), 0);
    summary = translator.t('sun.result', {
      variant: variant.name,
      day: dayName(current.day),
      mean: number(mean),
      meanAsIs: number(meanAsIs),
      less: formatNumber(less, translator.intlLocale, 0),
      points: formatNumber(n, translator.intlLocale, 0),
    });
    if (current.facades.length > 0) {
      const onTown = current.facadeAsIs.length;
      const buildings = new Set(current.facades.map((p) => p.buildingId)).size;
      let lessOnWalls = 0;
      let under = 0;
      let underAsIs = 0;
      current.facadeHours.forEach((h, i) => {
        if (h < MIN_SUN_HOURS) under += 1;
        if (i < onTown && h < (current.facadeAsIs[i] as number) - 1e-6) lessOnWalls += 1;
      });
      current.facadeAsIs.forEach((h) => {
        if (h < MIN_SUN_HOURS) underAsIs += 1;
      });
      summary += ` ${translator.t('sun.facades', {
        points: formatNumber(current.facades.length, translator.intlLocale, 0),
        buildings: formatNumber(buildings, translator.intlLocale, 0),
        less: formatNumber(lessOnWalls, translator.intlLocale, 0),
        onTown: formatNumber(onTown, translator.intlLocale, 0),
        under: formatNumber(under, translator.intlLocale, 0),
        underAsIs: formatNumber(underAsIs, translator.intlLocale, 0),
        min: number(MIN_SUN_HOURS),
      })}`;
    }
  }
  /** Saves the study as a GeoJSON file (made on the click: a few thousand squares). */
  const exportGeoJson = () => {
    if (!current) return;
    const diff = current.hours.map((h, i) => h - (current.asIs[i] as number));
    const geojson = sunHoursGeoJson(
      current.frame,
      current.hours,
      {
        variant: variant.id,
        day: current.day,
        stepMinutes: current.stepMin,
        cellMetres: CELL_M,
        facadeSpacingMetres: FACADE_SPACING.spacingM,
        facadeStoreyMetres: FACADE_SPACING.storeyM,
      },
      diff,
      { points: current.facades, hours: current.facadeHours, asIs: current.facadeAsIs },
    );
    downloadFile(
      `sonnenstunden-${variant.id}-${current.day}.geojson`,
      JSON.stringify(geojson),
      'application/geo+json',
    );
  };

  useEffect(() => {
    if (!onResult) return;
    if (!current || !summary) {
      onResult(null);
      return;
    }
    onResult({ summary, image: overlayOf(current, false).image.toDataURL('image/png') });
  }, [current, summary, onResult]);

  return (
    <section className="sun-study" aria-labelledby="sun-title" data-testid="sun-study">
      <h4 id="sun-title" className="subheading">
        {translator.t('sun.title')}
      </h4>
      {variant.buildings.length === 0 ? (
        <p className="muted">{translator.t('sun.needBuildings')}</p>
      ) : (
        <>
          <label htmlFor="sun-day">{translator.t('sun.day')}</label>{' '}
          <select id="sun-day" value={day} onChange={(e) => setDay(e.currentTarget.value as typeof day)}>
            {STUDY_DAYS.map((d) => (
              <option key={d} value={d}>
                {dayName(d)}
              </option>
            ))}
          </select>
          <div className="alarm-actions">
            <button
              type="button"
              className="button"
              disabled={progress !== null}
              onClick={() => void compute()}
              data-testid="sun-compute"
            >
              {translator.t('sun.compute')}
            </button>
          </div>
          <p className="muted" role="status" data-testid="sun-progress">
            {progress === null ? '' : translator.t('sun.computing', { percent: Math.round(progress * 100) })}
          </p>
        </>
      )}
      {error && (
        <p className="quality-note" role="alert">
          {translator.t('sun.error', { message: error })}
        </p>
      )}
      {current && summary && (
        <div data-testid="sun-result">
          <p>{summary}</p>
          <p className="muted">
            {translator.t('sun.possible', {
              hours: number(current.possibleHours),
              step: current.stepMin,
              cell: CELL_M,
              spacing: FACADE_SPACING.spacingM,
              storey: FACADE_SPACING.storeyM,
            })}
          </p>
          <div className="alarm-actions" role="group">
            <button
              type="button"
              className="button"
              aria-pressed={!difference}
              onClick={() => setDifference(false)}
              data-testid="sun-hours"
            >
              {translator.t('sun.showHours')}
            </button>
            <button
              type="button"
              className="button"
              aria-pressed={difference}
              onClick={() => setDifference(true)}
              data-testid="sun-difference"
            >
              {translator.t('sun.showDifference')}
            </button>
          </div>
          <p className="muted">
            {difference
              ? translator.t('sun.legendDifference')
              : translator.t('sun.legendHours', { hours: number(current.possibleHours) })}
          </p>
          <button type="button" className="button" onClick={exportGeoJson} data-testid="sun-export">
            {translator.t('sun.export')}
          </button>
        </div>
      )}
    </section>
  );
}
