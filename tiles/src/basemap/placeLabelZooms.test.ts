import { describe, expect, it } from 'vitest';
import type { BasemapFeature } from './basemapSources.ts';
import { placeLabelBox, placeLabelZooms } from './placeLabelZooms.ts';

function place(name: string, rank: number, lon: number, lat: number, minZoom = 0): BasemapFeature {
  return {
    layer: 'places',
    minZoom,
    geometry: { type: 'Point', coordinates: [lon, lat] },
    properties: { name, rank },
  };
}

const shown = (mask: number | undefined, zoom: number) => ((mask ?? 0) & (1 << zoom)) !== 0;

describe('placeLabelZooms', () => {
  it('keeps the bigger of two crowded places and shows both once there is room', () => {
    const stuttgart = place('Stuttgart', 1, 9.1829, 48.7758);
    const vaihingen = place('Vaihingen', 3, 9.1069, 48.7287);
    const masks = placeLabelZooms([vaihingen, stuttgart], 8, 12);
    expect(shown(masks.get(stuttgart), 8)).toBe(true);
    expect(shown(masks.get(vaihingen), 8)).toBe(false);
    expect(shown(masks.get(vaihingen), 12)).toBe(true);
  });

  it('leaves a place out below its own smallest zoom', () => {
    const quarter = place('Hulb', 4, 9.0, 48.68, 13);
    const masks = placeLabelZooms([quarter], 8, 16);
    expect(shown(masks.get(quarter), 12)).toBe(false);
    expect(shown(masks.get(quarter), 13)).toBe(true);
  });

  it('estimates wider boxes for longer and bigger names', () => {
    const small = placeLabelBox('Calw', 2, 8.74, 48.71, 10);
    const long = placeLabelBox('Leinfelden-Echterdingen', 2, 8.74, 48.71, 10);
    expect(long.maxX - long.minX).toBeGreaterThan(4 * (small.maxX - small.minX));
  });
});
