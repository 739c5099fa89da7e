import { describe, expect, it } from 'vitest';
import { BASEMAP_LAYERS } from '../../../tiles/src/basemap/basemapSources.ts';
import { BASEMAP_STYLES, DARK_STYLE, LIGHT_STYLE, matchesFilter, valueAtZoom } from './basemapStyles.ts';

function rgb(colour: string): [number, number, number] {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (hex) return [1, 2, 3].map((i) => parseInt(hex[i] as string, 16) / 255) as [number, number, number];
  const rgba = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(colour);
  if (rgba) return [1, 2, 3].map((i) => Number(rgba[i]) / 255) as [number, number, number];
  throw new Error(`not a colour: ${colour}`);
}

function luminance(colour: string): number {
  const [r, g, b] = rgb(colour);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Colourfulness: 0 for greys, 1 for pure red. */
function chroma(colour: string): number {
  const channels = rgb(colour);
  return Math.max(...channels) - Math.min(...channels);
}

describe('valueAtZoom', () => {
  const stops = [
    [10, 1],
    [14, 5],
  ] as const;

  it('interpolates between stops and holds beyond them', () => {
    expect(valueAtZoom(stops, 12)).toBeCloseTo(3, 12);
    expect(valueAtZoom(stops, 8)).toBe(1);
    expect(valueAtZoom(stops, 20)).toBe(5);
  });
});

describe('matchesFilter', () => {
  it('filters by class and geometry type', () => {
    expect(matchesFilter({ classes: ['park'] }, 'park', 3)).toBe(true);
    expect(matchesFilter({ classes: ['park'] }, 'meadow', 3)).toBe(false);
    expect(matchesFilter({ geometry: 2 }, 'river', 3)).toBe(false);
    expect(matchesFilter({}, undefined, 1)).toBe(true);
  });
});

describe('the styles', () => {
  it('draw only layers the basemap build writes', () => {
    for (const style of Object.values(BASEMAP_STYLES)) {
      for (const rule of [...style.paint, ...style.labels])
        expect(BASEMAP_LAYERS as readonly string[], `${style.id} ${rule.layer}`).toContain(rule.layer);
    }
  });

  it('share one structure, so a style is only its colours', () => {
    const shape = (rules: readonly { kind: string; layer: string }[]) =>
      rules.map((r) => `${r.kind}:${r.layer}`);
    expect(shape(DARK_STYLE.paint)).toEqual(shape(LIGHT_STYLE.paint));
    expect(shape(DARK_STYLE.labels)).toEqual(shape(LIGHT_STYLE.labels));
  });

  it('keep the light map pale and calm so live colours stand out', () => {
    expect(luminance(LIGHT_STYLE.background)).toBeGreaterThan(0.85);
    for (const rule of LIGHT_STYLE.paint) {
      expect(luminance(rule.color), `${rule.layer} ${rule.color}`).toBeGreaterThan(0.6);
      expect(chroma(rule.color), `${rule.layer} ${rule.color}`).toBeLessThan(0.3);
    }
  });

  it('keep the dark map dark with light labels', () => {
    expect(luminance(DARK_STYLE.background)).toBeLessThan(0.15);
    for (const rule of DARK_STYLE.paint)
      expect(luminance(rule.color), `${rule.layer} ${rule.color}`).toBeLessThan(0.4);
    for (const rule of DARK_STYLE.labels) expect(luminance(rule.color), rule.layer).toBeGreaterThan(0.4);
  });
});
