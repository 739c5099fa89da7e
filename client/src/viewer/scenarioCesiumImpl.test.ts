/** Where a comment's marker is drawn on a town with terrain (decision 0013). */
import { describe, expect, it } from 'vitest';
import { markerHeightM } from './scenarioCesiumImpl.ts';

describe('markerHeightM', () => {
  it('keeps a point picked on a roof or the terrain at its own height', () => {
    expect(markerHeightM(455.2, 430)).toBe(455.2);
    expect(markerHeightM(429.4, 430)).toBe(429.4);
  });

  it('lifts a point picked on the ellipsoid before the terrain came by the ground there', () => {
    expect(markerHeightM(12.5, 430)).toBeCloseTo(442.5, 9);
    expect(markerHeightM(0, 430)).toBe(430);
  });

  it('keeps every point where the ground is the ellipsoid', () => {
    expect(markerHeightM(0, 0)).toBe(0);
    expect(markerHeightM(12.5, 0)).toBe(12.5);
  });
});
