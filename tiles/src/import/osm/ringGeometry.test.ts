import { describe, expect, it } from 'vitest';
import { joinLinesIntoRings, pointInRing, ringSelfIntersects, type PlanePosition } from './ringGeometry.ts';

const square: PlanePosition[] = [
  [0, 0],
  [1, 0],
  [1, 1],
  [0, 1],
  [0, 0],
];

describe('ringSelfIntersects', () => {
  it('accepts a simple square and a concave L shape', () => {
    expect(ringSelfIntersects(square)).toBe(false);
    const l: PlanePosition[] = [
      [0, 0],
      [2, 0],
      [2, 1],
      [1, 1],
      [1, 2],
      [0, 2],
      [0, 0],
    ];
    expect(ringSelfIntersects(l)).toBe(false);
  });

  it('finds a bow-tie', () => {
    const bowTie: PlanePosition[] = [
      [0, 0],
      [1, 1],
      [1, 0],
      [0, 1],
      [0, 0],
    ];
    expect(ringSelfIntersects(bowTie)).toBe(true);
  });

  it('finds a ring that touches itself at a vertex and a spike that folds back', () => {
    const touching: PlanePosition[] = [
      [0, 0],
      [2, 0],
      [1, 1],
      [2, 2],
      [0, 2],
      [1, 1],
      [0, 0],
    ];
    expect(ringSelfIntersects(touching)).toBe(true);
    const spike: PlanePosition[] = [
      [0, 0],
      [2, 0],
      [1, 0],
      [1, 1],
      [0, 0],
    ];
    expect(ringSelfIntersects(spike)).toBe(true);
  });
});

describe('joinLinesIntoRings', () => {
  it('joins lines in any order and direction and returns what does not close', () => {
    const { rings, unclosed } = joinLinesIntoRings<PlanePosition>([
      [
        [0, 0],
        [1, 0],
        [1, 1],
      ],
      [
        [0, 0],
        [0, 1],
        [1, 1],
      ],
      [
        [5, 5],
        [6, 5],
      ],
    ]);
    expect(rings).toEqual([
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
      ],
    ]);
    expect(unclosed).toHaveLength(1);
  });
});

describe('pointInRing', () => {
  it('tells inside from outside', () => {
    expect(pointInRing([0.5, 0.5], square)).toBe(true);
    expect(pointInRing([1.5, 0.5], square)).toBe(false);
  });
});
