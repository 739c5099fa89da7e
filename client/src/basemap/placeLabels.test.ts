import { describe, expect, it } from 'vitest';
import type { ScreenLabel } from './placeLabels.ts';
import {
  declutterLabels,
  labelSizePx,
  lookOfRank,
  parsePlacesJson,
  PLACE_RANK_LOOKS,
  placeText,
  scaleAtDistance,
} from './placeLabels.ts';

const VIEWPORT = { width: 1440, height: 900 };

function screenLabel(overrides: Partial<ScreenLabel> = {}): ScreenLabel {
  return {
    rank: 2,
    distanceM: 5_000,
    anchorPx: { x: 500, y: 400 },
    width: 100,
    height: 20,
    eligible: true,
    ...overrides,
  };
}

describe('parsePlacesJson', () => {
  it('reads name, rank, class and position of each place', () => {
    const json = Object.freeze({
      places: [Object.freeze({ name: 'Böblingen', rank: 2, class: 'town', lon: 9.015, lat: 48.685 })],
    });
    expect(parsePlacesJson(json)).toEqual([
      { name: 'Böblingen', rank: 2, class: 'town', lonDeg: 9.015, latDeg: 48.685 },
    ]);
  });

  it('leaves out entries without a name or a position on the earth and keeps the others', () => {
    const places = parsePlacesJson({
      places: [
        { name: '', rank: 2, lon: 9, lat: 48 },
        { name: 'Nowhere', rank: 2, lon: 'x', lat: 48 },
        { name: 'Off', rank: 2, lon: 200, lat: 48 },
        null,
        { name: 'Hulb', lon: 9.004, lat: 48.684 },
      ],
    });
    expect(places).toEqual([{ name: 'Hulb', rank: 4, class: 'place', lonDeg: 9.004, latDeg: 48.684 }]);
  });

  it('rejects a file without a places list', () => {
    expect(() => parsePlacesJson({ type: 'FeatureCollection' })).toThrow(/no places list/);
    expect(() => parsePlacesJson(null)).toThrow(/no places list/);
  });
});

describe('the looks by rank', () => {
  it('show the town from afar and its quarters up close, overlapping in between', () => {
    const town = lookOfRank(2);
    const quarter = lookOfRank(4);
    // The home view looks at the town centre from about 2.6 km: quarters, not the town's own name.
    expect(quarter.nearM).toBe(0);
    expect(quarter.farM).toBeGreaterThan(2_600);
    expect(town.nearM).toBeGreaterThan(2_600);
    // A region view from 40 km shows towns, no quarters.
    expect(town.farM).toBeGreaterThan(40_000);
    expect(quarter.farM).toBeLessThan(40_000);
  });

  it('size bigger places bigger and never scale a name up', () => {
    for (let rank = 2; rank <= PLACE_RANK_LOOKS.length; rank++)
      expect(lookOfRank(rank).fontPx).toBeLessThan(lookOfRank(rank - 1).fontPx);
    for (const look of PLACE_RANK_LOOKS) expect(look.farScale).toBeLessThanOrEqual(1);
  });

  it('take the nearest entry for ranks outside the table', () => {
    expect(lookOfRank(0)).toBe(PLACE_RANK_LOOKS[0]);
    expect(lookOfRank(9)).toBe(PLACE_RANK_LOOKS[PLACE_RANK_LOOKS.length - 1]);
  });

  it('write quarters in capitals, German style', () => {
    expect(placeText({ name: 'Rauher Kapf', rank: 4, class: 'quarter', lonDeg: 9, latDeg: 48 })).toBe(
      'RAUHER KAPF',
    );
    expect(placeText({ name: 'Böblingen', rank: 2, class: 'town', lonDeg: 9, latDeg: 48 })).toBe('Böblingen');
  });
});

describe('scaleAtDistance', () => {
  const look = lookOfRank(2);

  it('is 1 up close, the far scale at the far end and linear between', () => {
    expect(scaleAtDistance(look, 100)).toBe(1);
    expect(scaleAtDistance(look, look.farM * 2)).toBe(look.farScale);
    const middle = (look.scaleNearM + look.farM) / 2;
    expect(scaleAtDistance(look, middle)).toBeCloseTo((1 + look.farScale) / 2, 9);
  });
});

describe('labelSizePx', () => {
  it('grows with the text and shrinks with the scale', () => {
    const look = lookOfRank(2);
    const short = labelSizePx('Calw', look, 1);
    const long = labelSizePx('Leinfelden-Echterdingen', look, 1);
    expect(long.width).toBeGreaterThan(short.width * 4);
    expect(labelSizePx('Calw', look, 0.5).width).toBeCloseTo(short.width / 2, 9);
    expect(short.height).toBeGreaterThanOrEqual(look.fontPx);
  });
});

describe('declutterLabels', () => {
  it('keeps the bigger place where two names overlap, whatever their order', () => {
    const village = Object.freeze(screenLabel({ rank: 3, anchorPx: { x: 510, y: 405 } }));
    const town = Object.freeze(screenLabel({ rank: 2 }));
    expect(declutterLabels(Object.freeze([village, town]), VIEWPORT)).toEqual([false, true]);
    expect(declutterLabels(Object.freeze([town, village]), VIEWPORT)).toEqual([true, false]);
  });

  it('keeps the nearer of two overlapping names of one rank', () => {
    const far = screenLabel({ distanceM: 9_000 });
    const near = screenLabel({ distanceM: 3_000, anchorPx: { x: 540, y: 395 } });
    expect(declutterLabels([far, near], VIEWPORT)).toEqual([false, true]);
  });

  it('shows names that do not touch side by side', () => {
    const left = screenLabel({ anchorPx: { x: 200, y: 400 } });
    const right = screenLabel({ anchorPx: { x: 600, y: 400 } });
    const below = screenLabel({ anchorPx: { x: 200, y: 500 } });
    expect(declutterLabels([left, right, below], VIEWPORT)).toEqual([true, true, true]);
  });

  it('gives no room to names off the screen, behind the camera or out of their distance range', () => {
    const off = screenLabel({ rank: 1, anchorPx: { x: -400, y: 400 } });
    const behind = screenLabel({ rank: 1, anchorPx: undefined });
    const tooFar = screenLabel({ rank: 1, eligible: false });
    const shown = screenLabel({ rank: 4 });
    expect(declutterLabels([off, behind, tooFar, shown], VIEWPORT)).toEqual([false, false, false, true]);
  });
});
