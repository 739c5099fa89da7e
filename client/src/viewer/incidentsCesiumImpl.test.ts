/** The pure parts of drawing incidents: where labels stand and what a sketch shows. */
import { describe, expect, it } from 'vitest';
import { labelAnchor, sketchLine } from './incidentsCesiumImpl.ts';

describe('labelAnchor', () => {
  it('puts a point’s label at the point, a line’s at its middle corner, an area’s at its first', () => {
    expect(labelAnchor({ type: 'Point', coordinates: [9.01, 48.68] })).toEqual([9.01, 48.68]);
    expect(
      labelAnchor({
        type: 'LineString',
        coordinates: [
          [9.01, 48.68],
          [9.02, 48.68],
          [9.03, 48.68],
        ],
      }),
    ).toEqual([9.02, 48.68]);
    expect(
      labelAnchor({
        type: 'Polygon',
        coordinates: [
          [
            [9.01, 48.68],
            [9.02, 48.68],
            [9.02, 48.69],
            [9.01, 48.68],
          ],
        ],
      }),
    ).toEqual([9.01, 48.68]);
  });
});

describe('sketchLine', () => {
  const corners = [
    [9.01, 48.68],
    [9.02, 48.68],
    [9.02, 48.69],
  ] as const;

  it('closes an area’s sketch once it has three corners', () => {
    expect(sketchLine('Polygon', corners)).toEqual([...corners, corners[0]]);
    expect(sketchLine('Polygon', corners.slice(0, 2))).toEqual(corners.slice(0, 2));
  });

  it('leaves a line open and draws no line for a point', () => {
    expect(sketchLine('LineString', corners)).toEqual(corners);
    expect(sketchLine('Point', corners.slice(0, 1))).toEqual([]);
  });
});
