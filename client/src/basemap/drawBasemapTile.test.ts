import { describe, expect, it } from 'vitest';
import { DARK_STYLE, LIGHT_STYLE } from './basemapStyles.ts';
import type { DecodedTile } from './decodeBasemapTile.ts';
import type { DrawContext } from './drawBasemapTile.ts';
import { drawBasemapTile } from './drawBasemapTile.ts';

interface Call {
  readonly op: string;
  readonly args: readonly unknown[];
  readonly fillStyle: unknown;
  readonly strokeStyle: unknown;
  readonly lineWidth: number;
}

/** A 2D context that records what is drawn; text is 6 px per character. */
function recordingContext(): DrawContext & { calls: Call[] } {
  const calls: Call[] = [];
  const state = { fillStyle: '' as unknown, strokeStyle: '' as unknown, lineWidth: 1 };
  const record =
    (op: string) =>
    (...args: unknown[]) => {
      calls.push({
        op,
        args,
        fillStyle: state.fillStyle,
        strokeStyle: state.strokeStyle,
        lineWidth: state.lineWidth,
      });
    };
  return {
    calls,
    get fillStyle() {
      return state.fillStyle;
    },
    set fillStyle(value: unknown) {
      state.fillStyle = value;
    },
    get strokeStyle() {
      return state.strokeStyle;
    },
    set strokeStyle(value: unknown) {
      state.strokeStyle = value;
    },
    get lineWidth() {
      return state.lineWidth;
    },
    set lineWidth(value: number) {
      state.lineWidth = value;
    },
    lineCap: 'butt',
    lineJoin: 'miter',
    font: '',
    textAlign: 'start',
    textBaseline: 'alphabetic',
    save: record('save'),
    restore: record('restore'),
    beginPath: record('beginPath'),
    moveTo: record('moveTo'),
    lineTo: record('lineTo'),
    closePath: record('closePath'),
    arc: record('arc'),
    fill: record('fill'),
    stroke: record('stroke'),
    fillRect: record('fillRect'),
    translate: record('translate'),
    rotate: record('rotate'),
    fillText: record('fillText'),
    strokeText: record('strokeText'),
    measureText: (text: string) => ({ width: text.length * 6 }),
    setLineDash: record('setLineDash'),
  };
}

const IDENTITY = { scale: 256 / 4096, offsetX: 0, offsetY: 0 };
const at = (x: number, y: number) => ({ x: x * 16, y: y * 16 });

/** A tile with one street drawn right to left in two segments, a lake and a town. */
const TILE: DecodedTile = {
  roads: {
    extent: 4096,
    features: [
      {
        type: 2,
        properties: { class: 'residential', name: 'Amselweg' },
        geometry: [[at(240, 128), at(130, 128)]],
      },
      {
        type: 2,
        properties: { class: 'residential', name: 'Amselweg' },
        geometry: [[at(130, 128), at(20, 128)]],
      },
    ],
  },
  water: {
    extent: 4096,
    features: [
      {
        type: 3,
        properties: { class: 'lake' },
        geometry: [[at(10, 10), at(60, 10), at(60, 60), at(10, 60), at(10, 10)]],
      },
    ],
  },
  places: {
    extent: 4096,
    features: [
      { type: 1, properties: { name: 'Sindelfingen', rank: 2, class: 'town' }, geometry: [[at(128, 200)]] },
    ],
  },
};

describe('drawBasemapTile', () => {
  it('draws only the ground where the basemap has no data', () => {
    const ctx = recordingContext();
    drawBasemapTile(ctx, undefined, { style: LIGHT_STYLE, zoom: 15, transform: IDENTITY, tileSizePx: 256 });
    expect(ctx.calls.map((c) => c.op)).toEqual(['fillRect']);
    expect(ctx.calls[0]?.fillStyle).toBe(LIGHT_STYLE.background);
  });

  it('fills water in the style colour and strokes the street with its casing first', () => {
    const ctx = recordingContext();
    drawBasemapTile(ctx, TILE, { style: LIGHT_STYLE, zoom: 15, transform: IDENTITY, tileSizePx: 256 });
    const fills = ctx.calls.filter((c) => c.op === 'fill').map((c) => c.fillStyle);
    expect(fills).toContain('#bfd6e6');
    const strokes = ctx.calls.filter((c) => c.op === 'stroke');
    const casing = strokes.findIndex((c) => c.strokeStyle === '#d3cfc8');
    const fill = strokes.findIndex((c) => c.strokeStyle === '#ffffff');
    expect(casing).toBeGreaterThanOrEqual(0);
    expect(fill).toBeGreaterThan(casing);
    expect(strokes[fill]?.lineWidth).toBeLessThan(strokes[casing]?.lineWidth ?? 0);
  });

  it('names the street once, along it and upright, with a halo under the text', () => {
    const ctx = recordingContext();
    drawBasemapTile(ctx, TILE, { style: LIGHT_STYLE, zoom: 16, transform: IDENTITY, tileSizePx: 256 });
    const texts = ctx.calls.filter((c) => c.op === 'fillText').map((c) => c.args[0]);
    expect(texts.filter((t) => t === 'Amselweg')).toHaveLength(1);
    // The street runs right to left: a horizontal label needs no turn (upside down would be ±π).
    const rotations = ctx.calls.filter((c) => c.op === 'rotate').map((c) => Math.abs(c.args[0] as number));
    for (const angle of rotations) expect(angle).toBeLessThanOrEqual(Math.PI / 2);
    const halo = ctx.calls.findIndex((c) => c.op === 'strokeText' && c.args[0] === 'Amselweg');
    const text = ctx.calls.findIndex((c) => c.op === 'fillText' && c.args[0] === 'Amselweg');
    expect(halo).toBeGreaterThanOrEqual(0);
    expect(text).toBeGreaterThan(halo);
  });

  it('leaves street names out at town zoom', () => {
    const town = recordingContext();
    drawBasemapTile(town, TILE, { style: LIGHT_STYLE, zoom: 13, transform: IDENTITY, tileSizePx: 256 });
    expect(town.calls.filter((c) => c.op === 'fillText')).toEqual([]);
  });

  it('draws no place names at any zoom: the viewer shows them as screen-space labels', () => {
    for (const zoom of [8, 11, 13, 15, 17]) {
      const ctx = recordingContext();
      drawBasemapTile(ctx, TILE, { style: LIGHT_STYLE, zoom, transform: IDENTITY, tileSizePx: 256 });
      const texts = ctx.calls
        .filter((c) => c.op === 'fillText' || c.op === 'strokeText')
        .map((c) => c.args[0]);
      expect(texts, `zoom ${zoom}`).not.toContain('Sindelfingen');
    }
  });

  it('draws the dark style in its own colours', () => {
    const ctx = recordingContext();
    drawBasemapTile(ctx, TILE, { style: DARK_STYLE, zoom: 16, transform: IDENTITY, tileSizePx: 256 });
    expect(ctx.calls[0]?.fillStyle).toBe(DARK_STYLE.background);
    expect(ctx.calls.some((c) => c.op === 'stroke' && c.strokeStyle === '#ffffff')).toBe(false);
  });
});
