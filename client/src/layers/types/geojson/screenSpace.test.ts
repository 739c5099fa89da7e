import { describe, expect, it } from 'vitest';
import { clusterPoints, declutterLabels } from './screenSpace.ts';

describe('clusterPoints', () => {
  it('groups points within the radius and keeps far ones apart', () => {
    const clusters = clusterPoints(
      [{ x: 10, y: 10 }, { x: 20, y: 14 }, { x: 200, y: 10 }, null, { x: 14, y: 35 }],
      30,
    );
    expect(clusters.map((c) => c.members)).toEqual([[0, 1, 4], [2]]);
    expect(clusters[0]?.x).toBeCloseTo(44 / 3, 6);
    expect(clusters[0]?.y).toBeCloseTo(59 / 3, 6);
  });

  it('leaves every point on its own when none are close', () => {
    const points = Array.from({ length: 50 }, (_, i) => ({ x: (i % 10) * 100, y: Math.floor(i / 10) * 100 }));
    expect(clusterPoints(points, 40)).toHaveLength(50);
  });

  it('makes one cluster of many points on one spot', () => {
    const points = Array.from({ length: 1000 }, () => ({ x: 300, y: 300 }));
    const clusters = clusterPoints(points, 40);
    expect(clusters).toHaveLength(1);
    expect(clusters[0]?.members).toHaveLength(1000);
  });
});

describe('declutterLabels', () => {
  it('shows the first of overlapping labels and all that stand apart', () => {
    const box = (x: number, y: number) => ({ x, y, widthPx: 80, heightPx: 20 });
    expect(declutterLabels([box(100, 100), box(130, 105), box(300, 100), null, box(100, 200)])).toEqual([
      true,
      false,
      true,
      false,
      true,
    ]);
  });
});
