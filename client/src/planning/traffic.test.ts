import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RoadSegment } from './traffic.ts';
import {
  closureEffect,
  fastestPath,
  nearestSegment,
  roadGraph,
  roadSegmentsOf,
  TYPICAL_FLOW_VPH,
} from './traffic.ts';

/** A ladder of roads 100 m apart: two rails (y = 0 and y = 100 m) joined by three rungs. */
const D = 100 / 111_200;
const E = 100 / 73_600;
const road = (
  id: string,
  a: [number, number],
  b: [number, number],
  roadClass = 'tertiary',
  speedLimitKmh = 50,
): RoadSegment => ({
  id,
  name: id,
  roadClass,
  speedLimitKmh,
  coordinates: [
    [9 + a[0] * E, 48 + a[1] * D],
    [9 + b[0] * E, 48 + b[1] * D],
  ],
});
//   (0,1)--t1--(1,1)--t2--(2,1)
//     |r0        |r1        |r2
//   (0,0)--b1--(1,0)--b2--(2,0)
const ladder = [
  road('b1', [0, 0], [1, 0]),
  road('b2', [1, 0], [2, 0]),
  road('t1', [0, 1], [1, 1]),
  road('t2', [1, 1], [2, 1]),
  road('r0', [0, 0], [0, 1]),
  road('r1', [1, 0], [1, 1]),
  road('r2', [2, 0], [2, 1]),
];

describe('closing roads', () => {
  it('moves a closed segment’s flow onto the fastest detour between its ends', () => {
    const graph = roadGraph(ladder);
    expect(graph.junctions).toHaveLength(6);
    // Closing b1 (counted 400 vehicles/h): the detour r0 → t1 → r1 (300 m instead of 100 m).
    const effect = closureEffect(graph, ['b1'], (id) => (id === 'b1' ? 400 : undefined));
    expect(effect.closures).toHaveLength(1);
    expect(effect.closures[0]).toMatchObject({ id: 'b1', flowVph: 400, measured: true });
    expect(new Set(effect.closures[0]?.detour)).toEqual(new Set(['r0', 't1', 'r1']));
    expect([...effect.added.entries()].sort()).toEqual([
      ['r0', 400],
      ['r1', 400],
      ['t1', 400],
    ]);
    // 200 m more at 50 km/h: 14.4 s.
    expect(effect.closures[0]?.extraSeconds).toBeCloseTo(14.4, 0);
    expect(effect.cannotDivertVph).toBe(0);
  });

  it('uses the typical flow of the road class without a counter, adds up detours, and counts dead ends', () => {
    const graph = roadGraph(ladder);
    const two = closureEffect(graph, ['b1', 'b2'], () => undefined);
    // b1 goes round by r0, t1, r1 and b2 by r1, t2, r2: r1 carries both flows.
    expect(two.added.get('r1')).toBe(2 * (TYPICAL_FLOW_VPH.tertiary ?? 0));
    expect(two.added.get('t1')).toBe(TYPICAL_FLOW_VPH.tertiary);
    // Closing every way between (0,0) and the rest: no detour for r0's flow.
    const cut = closureEffect(graph, ['b1', 'r0'], () => undefined);
    expect(cut.closures.every((c) => c.detour === null)).toBe(true);
    expect(cut.cannotDivertVph).toBe(2 * (TYPICAL_FLOW_VPH.tertiary ?? 0));
    // A faster road wins over a shorter one: make the top rail a 100 km/h road.
    const fast = roadGraph(ladder.map((r) => (r.id.startsWith('t') ? { ...r, speedLimitKmh: 100 } : r)));
    expect(fastestPath(fast, 0, 2, new Set(['b1', 'b2']))).toEqual(['r0', 't1', 't2', 'r2']);
  });

  it('finds the road nearest a click', () => {
    const graph = roadGraph(ladder);
    expect(nearestSegment(graph, [9 + 0.5 * E, 48 + 0.1 * D])).toBe('b1');
    expect(nearestSegment(graph, [9 + 0.5 * E, 48 + 0.5 * D])).toBeNull();
  });

  it('reads the demo town’s roads into one connected network', () => {
    const raw: unknown = JSON.parse(
      readFileSync(
        fileURLToPath(new URL('../../../data/boeblingen-demo/roads.geojson', import.meta.url)),
        'utf8',
      ),
    );
    const segments = roadSegmentsOf(raw);
    expect(segments).toHaveLength(340);
    const graph = roadGraph(segments);
    // Every segment's closure has a detour in this grid of streets.
    const effect = closureEffect(graph, ['r0001'], () => 600);
    expect(effect.closures[0]?.detour?.length).toBeGreaterThan(1);
    expect(effect.cannotDivertVph).toBe(0);
    expect(() => roadSegmentsOf({})).toThrow('roads.geojson: not a FeatureCollection');
  });
});
