import { describe, expect, it } from 'vitest';
import { DICTIONARIES } from '../../../i18n/messages.ts';
import {
  BUILDING_COLOR_CSS,
  BUILDING_COLOR_MODES,
  BUILDING_HIGHLIGHT_CSS,
  buildingColorCss,
  buildingsLegend,
  constructionYearOf,
  isBuildingColorMode,
} from './buildingsLayer.ts';
import { PALETTE } from '../../palette.ts';

describe('buildingColorCss', () => {
  it('keeps every building neutral without a style', () => {
    expect(buildingColorCss('none', { use: 'school', heightM: 50 })).toBe(BUILDING_COLOR_CSS);
  });

  it('colours each use apart and unknown uses grey', () => {
    const colors = ['residential', 'mixed', 'commercial', 'industrial', 'public', 'school', 'parking'].map(
      (use) => buildingColorCss('use', { use }),
    );
    expect(new Set(colors).size).toBe(7);
    expect(buildingColorCss('use', { use: 'farm' })).toBe(PALETTE.grey);
  });

  it('puts a height on the band whose upper bound it is below', () => {
    const band = (heightM: number) => buildingColorCss('height', { heightM });
    expect(band(5.9)).toBe(band(0));
    expect(band(6)).not.toBe(band(5.9));
    expect(band(6)).toBe(band(11.9));
    expect(band(12)).toBe(band(19.9));
    expect(band(20)).toBe(band(39.9));
    expect(band(40)).toBe(band(400));
    expect(new Set([band(1), band(6), band(12), band(20), band(40)]).size).toBe(5);
    expect(buildingColorCss('height', {})).toBe(PALETTE.grey);
  });

  it('puts a year into its period and a missing or noData year into unknown', () => {
    const period = (yearOfConstruction: unknown) => buildingColorCss('year', { yearOfConstruction });
    expect(period(1918)).not.toBe(period(1919));
    expect(period(1919)).toBe(period(1948));
    expect(period(1949)).toBe(period(1978));
    expect(period(1979)).toBe(period(1994));
    expect(period(1995)).toBe(period(2009));
    expect(period(2010)).toBe(period(2024));
    expect(new Set([1900, 1919, 1949, 1979, 1995, 2010].map(period)).size).toBe(6);
    expect(period(-32768)).toBe(PALETTE.grey);
    expect(period(undefined)).toBe(PALETTE.grey);
  });

  it('never uses the highlight colour for a class', () => {
    const all = BUILDING_COLOR_MODES.flatMap((mode) => buildingsLegend(true, mode).map((e) => e.colorCss));
    expect(all).not.toContain(BUILDING_HIGHLIGHT_CSS);
  });
});

describe('constructionYearOf', () => {
  it('reads a year and rejects noData and non-numbers', () => {
    expect(constructionYearOf(1975)).toBe(1975);
    expect(constructionYearOf(-32768)).toBeNull();
    expect(constructionYearOf('1975')).toBeNull();
  });
});

describe('buildingsLegend', () => {
  it('shows neutral and, with a parking layer, the garage row', () => {
    expect(buildingsLegend(false).map((e) => e.labelKey)).toEqual(['legend.buildings.neutral']);
    expect(buildingsLegend(true, 'none').map((e) => e.labelKey)).toEqual([
      'legend.buildings.neutral',
      'legend.buildings.garage',
    ]);
  });

  it('lists the use classes, leaving out parking when garages show occupancy', () => {
    expect(buildingsLegend(false, 'use').map((e) => e.labelKey)).toContain('building.use.parking');
    expect(buildingsLegend(true, 'use').map((e) => e.labelKey)).toEqual([
      'building.use.residential',
      'building.use.mixed',
      'building.use.commercial',
      'building.use.industrial',
      'building.use.public',
      'building.use.school',
      'legend.buildings.unknown',
      'legend.buildings.garage',
    ]);
  });

  it('lists the height bands and the year periods with unknown, low to high', () => {
    expect(buildingsLegend(false, 'height').map((e) => DICTIONARIES.de[e.labelKey])).toEqual([
      'unter 6 m',
      '6–12 m',
      '12–20 m',
      '20–40 m',
      'über 40 m',
    ]);
    expect(buildingsLegend(false, 'year').map((e) => DICTIONARIES.en[e.labelKey])).toEqual([
      'before 1919',
      '1919–1948',
      '1949–1978',
      '1979–1994',
      '1995–2009',
      '2010 or later',
      'unknown',
    ]);
  });

  it('matches the map: each row has the colour buildingColorCss gives its class', () => {
    const legend = buildingsLegend(false, 'height');
    expect(legend[0]?.colorCss).toBe(buildingColorCss('height', { heightM: 3 }));
    expect(legend[4]?.colorCss).toBe(buildingColorCss('height', { heightM: 60 }));
  });
});

describe('isBuildingColorMode', () => {
  it('accepts only the known modes', () => {
    expect(isBuildingColorMode('year')).toBe(true);
    expect(isBuildingColorMode('colour')).toBe(false);
  });
});
