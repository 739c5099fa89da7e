import { describe, expect, it } from 'vitest';
import { assignAddresses } from './addresses.ts';
import type { LocalPointM, LocalRingM } from './geometry.ts';

/** A 10 m square house with its south-west corner at `[x, y]`. */
const house = (x: number, y: number): LocalRingM => [
  [x, y],
  [x + 10, y],
  [x + 10, y + 10],
  [x, y + 10],
];

const EAST_WEST: { name: string; points: LocalPointM[] }[] = [
  // Drawn east to west and in two pieces: the numbering must not care.
  {
    name: 'Seestraße',
    points: [
      [200, 0],
      [100, 0],
    ],
  },
  {
    name: 'Seestraße',
    points: [
      [100, 0],
      [0, 0],
    ],
  },
];
const NORTH_SOUTH = {
  name: 'Poststraße',
  points: [
    [-100, -200],
    [-100, 200],
  ] as LocalPointM[],
};

describe('assignAddresses', () => {
  it('numbers the left side odd and the right side even, from the west end', () => {
    const rings = [house(150, 10), house(20, 10), house(20, -25), house(90, 10), house(150, -25)];
    expect(assignAddresses(rings, EAST_WEST)).toEqual([
      { street: 'Seestraße', houseNumber: '5' },
      { street: 'Seestraße', houseNumber: '1' },
      { street: 'Seestraße', houseNumber: '2' },
      { street: 'Seestraße', houseNumber: '3' },
      { street: 'Seestraße', houseNumber: '4' },
    ]);
  });

  it('gives each building the street nearest its footprint', () => {
    const addresses = assignAddresses([house(-95, 50), house(50, 5)], [...EAST_WEST, NORTH_SOUTH]);
    expect(addresses.map((a) => a?.street)).toEqual(['Poststraße', 'Seestraße']);
  });

  it('numbers along a north-south street from its south end', () => {
    const addresses = assignAddresses([house(-90, 100), house(-90, -100)], [NORTH_SOUTH]);
    // East of a street walked north is its right side: even numbers, south first.
    expect(addresses.map((a) => a?.houseNumber)).toEqual(['4', '2']);
  });

  it('gives no address where there is no street', () => {
    expect(assignAddresses([house(0, 0)], [])).toEqual([undefined]);
  });

  it('is deterministic', () => {
    const rings = Array.from({ length: 30 }, (_, i) => house((i * 37) % 190, i % 2 ? 12 : -22));
    expect(assignAddresses(rings, EAST_WEST)).toEqual(assignAddresses(rings, EAST_WEST));
  });
});
