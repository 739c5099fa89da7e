import { describe, expect, it } from 'vitest';
import type { LabelBox, PixelPoint } from './labelPlacement.ts';
import {
  boxesOverlap,
  boxInside,
  clipSegment,
  joinLines,
  placeLineLabel,
  straightStretches,
  uprightAngle,
} from './labelPlacement.ts';

const line = (...points: [number, number][]): PixelPoint[] => points.map(([x, y]) => ({ x, y }));
const OPTIONS = { textWidthPx: 60, textHeightPx: 11, tileSizePx: 256, placed: [] as LabelBox[] };

describe('uprightAngle', () => {
  it('keeps text reading left to right', () => {
    expect(uprightAngle(Math.PI)).toBeCloseTo(0, 12);
    expect(uprightAngle((3 * Math.PI) / 4)).toBeCloseTo(-Math.PI / 4, 12);
    expect(uprightAngle(-(3 * Math.PI) / 4)).toBeCloseTo(Math.PI / 4, 12);
    expect(uprightAngle(Math.PI / 6)).toBeCloseTo(Math.PI / 6, 12);
  });
});

describe('boxesOverlap', () => {
  const a: LabelBox = { x: 100, y: 100, width: 60, height: 12, angle: 0 };

  it('sees overlapping and separate boxes', () => {
    expect(boxesOverlap(a, { ...a, x: 150 })).toBe(true);
    expect(boxesOverlap(a, { ...a, x: 170 })).toBe(false);
  });

  it('uses the real rotated outline, not the bounding square', () => {
    // A diagonal label whose bounding square would cover the corner of `a`, but which misses it.
    const diagonal: LabelBox = { x: 150, y: 130, width: 60, height: 8, angle: Math.PI / 4 };
    expect(boxesOverlap(a, diagonal)).toBe(false);
    expect(boxesOverlap(a, { ...diagonal, y: 110 })).toBe(true);
  });
});

describe('straightStretches', () => {
  it('splits a line where it bends', () => {
    const stretches = straightStretches(line([0, 0], [50, 2], [100, 0], [100, 80]));
    expect(stretches.length).toBe(2);
    expect(stretches[0]?.lengthPx).toBeCloseTo(100, 6);
    expect(stretches[1]?.lengthPx).toBeCloseTo(80, 6);
  });
});

describe('clipSegment', () => {
  it('keeps the part inside the square', () => {
    expect(clipSegment({ x: -50, y: 10 }, { x: 50, y: 10 }, 0, 20)).toEqual({
      from: { x: 0, y: 10 },
      to: { x: 20, y: 10 },
    });
    expect(clipSegment({ x: -50, y: 30 }, { x: 50, y: 30 }, 0, 20)).toBeUndefined();
  });
});

describe('placeLineLabel', () => {
  it('centres the label on a straight street, turned to it', () => {
    const box = placeLineLabel(line([20, 40], [220, 240]), OPTIONS);
    expect(box?.x).toBeCloseTo(120, 6);
    expect(box?.y).toBeCloseTo(140, 6);
    expect(box?.angle).toBeCloseTo(Math.PI / 4, 6);
  });

  it('turns text on a street drawn right to left so it is not upside down', () => {
    const box = placeLineLabel(line([220, 100], [20, 100]), OPTIONS);
    expect(box?.angle).toBeCloseTo(0, 12);
  });

  it('places nothing on a street too short for the name', () => {
    expect(placeLineLabel(line([100, 100], [150, 100]), OPTIONS)).toBeUndefined();
  });

  it('uses only the part of the street inside the tile, so no label is cut at the edge', () => {
    // 300 px of street, but only 70 px of it inside the tile: too short for 60 px of text.
    expect(placeLineLabel(line([-230, 100], [70, 100]), OPTIONS)).toBeUndefined();
    const box = placeLineLabel(line([-100, 100], [200, 100]), OPTIONS);
    expect(box && boxInside(box, 256, 2)).toBe(true);
  });

  it('keeps clear of labels already placed', () => {
    const placed: LabelBox[] = [{ x: 128, y: 100, width: 200, height: 14, angle: 0 }];
    expect(placeLineLabel(line([10, 100], [246, 100]), { ...OPTIONS, placed })).toBeUndefined();
    expect(placeLineLabel(line([10, 140], [246, 140]), { ...OPTIONS, placed })).toBeDefined();
  });
});

describe('joinLines', () => {
  it('joins the segments of a street end to end, reversing where needed', () => {
    const joined = joinLines([line([50, 0], [100, 0]), line([0, 0], [50, 0]), line([150, 0], [100, 0])]);
    expect(joined.length).toBe(1);
    const xs = joined[0]?.map((p) => p.x);
    expect(xs?.[0] === 0 || xs?.[0] === 150).toBe(true);
    expect(xs?.length).toBe(4);
  });

  it('leaves apart lines that do not meet', () => {
    expect(joinLines([line([0, 0], [10, 0]), line([20, 0], [30, 0])]).length).toBe(2);
  });
});
