import { describe, expect, it } from 'vitest';
import { MAJOR_ROADS } from './districtPlan.ts';
import { isSimpleRing, ringsOverlap, signedArea } from './geometry.ts';
import { buildStreetNetwork } from './streetNetwork.ts';

const network = buildStreetNetwork();

describe('buildStreetNetwork', () => {
  it('outlines every block counter-clockwise along road centrelines', () => {
    for (const block of network.blocks) {
      expect(signedArea(block.ring), `block ${block.index}`).toBeGreaterThan(0);
      expect(isSimpleRing(block.ring), `block ${block.index}`).toBe(true);
      expect(block.sides.map((s) => s.name)).toEqual(['south', 'east', 'north', 'west']);
    }
  });

  it('tiles the district: neighbouring blocks share a street but never overlap', () => {
    // Shrink each outline towards its centre a little, so blocks that share a street do not touch.
    const shrunk = network.blocks.map((block) => {
      const [cx, cy] = block.ring.reduce(
        ([x, y], [px, py]) => [x + px / block.ring.length, y + py / block.ring.length],
        [0, 0],
      );
      return block.ring.map(([x, y]) => [cx + (x - cx) * 0.98, cy + (y - cy) * 0.98] as const);
    });
    for (let a = 0; a < shrunk.length; a++) {
      for (let b = a + 1; b < shrunk.length; b++)
        expect(ringsOverlap(shrunk[a] ?? [], shrunk[b] ?? []), `${a}/${b}`).toBe(false);
    }
  });

  it('runs every main road of the plan without a gap, cut into segments at junctions', () => {
    for (const major of MAJOR_ROADS) {
      for (let index = major.from; index < major.to; index++) {
        expect(
          network.edgeAt(major.orientation, major.line, index)?.info.name,
          `${major.name} ${index}`,
        ).toBe(major.name);
      }
    }
    const herrenberger = network.segments.filter((s) => s.info.name === 'Herrenberger Straße');
    expect(herrenberger.length).toBeGreaterThanOrEqual(5);
    for (const segment of herrenberger) expect(segment.points.length).toBeGreaterThanOrEqual(3);
  });

  it('names every segment and gives it plausible attributes', () => {
    for (const { info } of network.segments) {
      expect(info.name.length).toBeGreaterThan(0);
      expect([30, 40, 50]).toContain(info.speedLimitKmh);
      expect(info.lanes).toBeGreaterThanOrEqual(2);
    }
  });
});
