/**
 * What the info panel shows about a building without a sensor, computed from the metadata of its
 * tile feature. Pure; the panel only lays it out.
 */
import { formatNumber } from '../i18n/format.ts';
import type { Translator } from '../i18n/messages.ts';
import {
  buildingIdOf,
  buildingUseOf,
  constructionYearOf,
  USE_LABEL_KEYS,
  type BuildingProperties,
} from '../layers/types/tileset/buildingsLayer.ts';
import type { DetailRow } from './sensorDetails.ts';

/** Everything the info panel shows about a building. */
export interface BuildingDetails {
  readonly buildingId: string;
  /** Its name, or "Gebäude <id>" / "Building <id>" when it has none. */
  readonly name: string;
  readonly kindLabel: string;
  /** Use, height, storeys and year; unknown storeys and years are left out, not shown as 0. */
  readonly rows: readonly DetailRow[];
}

/**
 * Describes the building with metadata `properties`, or returns null when they carry no building id
 * (a feature of some other tileset).
 */
export function buildingDetails(
  properties: BuildingProperties,
  translator: Translator,
): BuildingDetails | null {
  const buildingId = buildingIdOf(properties.buildingId);
  if (buildingId === null) return null;
  const t = translator.t;
  const rows: DetailRow[] = [];

  const rawUse = typeof properties.use === 'string' ? properties.use : '';
  const use = buildingUseOf(rawUse);
  rows.push({
    key: 'use',
    label: t('building.use'),
    // An unlisted use is shown as written: the pack's word beats a vague "unknown".
    value: use ? t(USE_LABEL_KEYS[use]) : rawUse !== '' ? rawUse : t('building.use.unknown'),
    unit: '',
  });

  const heightM = properties.heightM;
  if (typeof heightM === 'number' && Number.isFinite(heightM))
    rows.push({
      key: 'heightM',
      label: t('building.height'),
      value: formatNumber(heightM, translator.intlLocale, 1),
      unit: t('unit.m'),
    });

  const storeys = properties.storeys;
  // 0 is the tiles' "unknown".
  if (typeof storeys === 'number' && Number.isInteger(storeys) && storeys > 0)
    rows.push({
      key: 'storeys',
      label: t('building.storeys'),
      value: formatNumber(storeys, translator.intlLocale, 0),
      unit: '',
    });

  const year = constructionYearOf(properties.yearOfConstruction);
  // A year is not a quantity: no thousands separator.
  if (year !== null)
    rows.push({ key: 'yearOfConstruction', label: t('building.year'), value: String(year), unit: '' });

  rows.push({ key: 'buildingId', label: t('building.id'), value: buildingId, unit: '' });

  const name = typeof properties.name === 'string' ? properties.name.trim() : '';
  return {
    buildingId,
    name: name !== '' ? name : t('building.unnamed', { id: buildingId }),
    kindLabel: t('building.kind'),
    rows,
  };
}
