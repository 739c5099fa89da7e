/**
 * Places building footprints in the blocks of the street network. Every footprint is checked before
 * it is kept: inside its block, clear of the street space of every road around the block, and at
 * least a gap away from every building and basin already placed. Whatever the random sizes are, the
 * result therefore never overlaps a road, a basin or another building.
 */
import type { BuildingUse } from '../../protocol/packFeatures.ts';
import type { BlockSideName } from './districtPlan.ts';
import {
  add,
  boxOf,
  boxesWithin,
  centroid,
  leftNormal,
  normalize,
  orientedLShape,
  orientedRectangle,
  pointAlong,
  pointInRing,
  pointSegmentDistanceM,
  ringDistanceM,
  ringPolylineDistanceM,
  scale,
  sub,
} from './geometry.ts';
import type { BoxM, LocalPointM, LocalRingM } from './geometry.ts';
import type { Prng } from './prng.ts';
import { SpatialIndex } from './spatialIndex.ts';
import type { Block, BlockSide } from './streetNetwork.ts';

/** Least distance between a facade and the street space (pavement edge). */
export const MIN_SETBACK_M = 0.5;
/** How far the frontage walk moves on when a building does not fit. */
const FRONTAGE_STEP_M = 3;
/** The largest clearance any footprint asks for; bounds the neighbour search. */
const MAX_CLEARANCE_M = 20;

/** Size, shape and use of one building, before it has a place. */
export interface BuildingDesign {
  /** Length along the street (or along the nearest street for buildings inside a block). */
  alongM: number;
  /** Depth away from the street. */
  acrossM: number;
  /** An L-shaped footprint: depth of the front wing, width of the side wing. */
  lShape?: { frontDepthM: number; sideWidthM: number };
  storeys: number;
  heightM: number;
  use: BuildingUse;
  name?: string;
  /** Distance from the street space to the facade when the building fronts a street. */
  setbackM: number;
  /** Least clear distance to any other building. */
  gapM: number;
}

/** A footprint that has been kept, with the design it was made from. */
export interface PlacedBuilding {
  ring: LocalRingM;
  design: BuildingDesign;
  blockIndex: number;
  /** Set for planned buildings (garages, landmarks) so sensors can find them. */
  key: string | undefined;
}

interface Footprint {
  ring: LocalRingM;
  box: BoxM;
  /** The clear distance this footprint demands from any new one. */
  clearanceM: number;
}

function footprintRing(centre: LocalPointM, axis: LocalPointM, design: BuildingDesign): LocalRingM {
  if (design.lShape) {
    return orientedLShape(
      centre,
      axis,
      design.alongM,
      design.acrossM,
      design.lShape.frontDepthM,
      design.lShape.sideWidthM,
    );
  }
  return orientedRectangle(centre, axis, design.alongM, design.acrossM);
}

function halfWidthAt(side: BlockSide, distanceM: number): number {
  for (const range of side.edges) if (distanceM <= range.endM) return range.edge.halfWidthM;
  return side.edges[side.edges.length - 1]?.edge.halfWidthM ?? 0;
}

/** Collects footprints for the whole district and answers whether a new one fits. */
export class BuildingPlacer {
  private readonly index = new SpatialIndex<Footprint>(60);
  readonly buildings: PlacedBuilding[] = [];

  /** True if `ring` lies inside `block`, clear of its streets and of everything placed so far. */
  fits(block: Block, ring: LocalRingM, gapM: number): boolean {
    const box = boxOf(ring);
    for (const point of ring) if (!pointInRing(point, block.ring)) return false;
    for (const edge of block.edges) {
      const neededM = edge.halfWidthM + MIN_SETBACK_M;
      if (boxesWithin(box, edge.box, neededM) && ringPolylineDistanceM(ring, edge.points) < neededM)
        return false;
    }
    for (const other of this.index.query(box, Math.max(gapM, MAX_CLEARANCE_M))) {
      const neededM = Math.max(gapM, other.clearanceM);
      if (boxesWithin(box, other.box, neededM) && ringDistanceM(ring, other.ring) < neededM) return false;
    }
    return true;
  }

  /** Reserves an area (a basin) that buildings keep `clearanceM` away from. */
  addObstacle(ring: LocalRingM, clearanceM: number): void {
    this.index.insert(boxOf(ring), { ring, box: boxOf(ring), clearanceM });
  }

  private keep(
    block: Block,
    ring: LocalRingM,
    design: BuildingDesign,
    key: string | undefined,
  ): PlacedBuilding {
    // A new neighbour must respect this building's gap as well as its own.
    this.index.insert(boxOf(ring), { ring, box: boxOf(ring), clearanceM: design.gapM });
    const placed = { ring, design, blockIndex: block.index, key };
    this.buildings.push(placed);
    return placed;
  }

  /**
   * Finds a place for a planned footprint (a landmark or a basin) near its preferred spot: on a street
   * side at a position 0…1 (west to east or south to north), or in the middle of the block. Tries
   * nearby positions at full size; throws if none fits, because then the plan itself is wrong (a garage
   * shrunk to fit would no longer hold its capacity).
   */
  findPlannedSpot(
    block: Block,
    side: BlockSideName | 'centre',
    at: number,
    design: BuildingDesign,
    label: string,
  ): LocalRingM {
    for (const candidate of this.plannedCandidates(block, side, at, design)) {
      if (this.fits(block, candidate, design.gapM)) return candidate;
    }
    throw new Error(`the plan does not fit: ${label} finds no place in block ${block.index} (${side})`);
  }

  private *plannedCandidates(
    block: Block,
    side: BlockSideName | 'centre',
    at: number,
    design: BuildingDesign,
  ): Generator<LocalRingM> {
    if (side === 'centre') {
      const south = block.sides[0] as BlockSide;
      const axis = pointAlong(south.points, south.lengthM / 2).direction;
      const centre = centroid(block.ring);
      for (let radius = 0; radius <= 60; radius += 5) {
        for (const [du, dv] of radius === 0
          ? [[0, 0]]
          : [
              [radius, 0],
              [-radius, 0],
              [0, radius],
              [0, -radius],
            ]) {
          yield footprintRing(
            add(centre, add(scale(axis, du as number), scale(leftNormal(axis), dv as number))),
            axis,
            design,
          );
        }
      }
      return;
    }
    const blockSide = block.sides.find((s) => s.name === side);
    if (!blockSide) throw new Error(`block ${block.index} has no ${side} side`);
    const walkFraction = blockSide.reversed ? 1 - at : at;
    for (let step = 0; step <= 12; step++) {
      const offset = (step % 2 === 0 ? 1 : -1) * Math.ceil(step / 2) * 0.04;
      const fraction = walkFraction + offset;
      const startM = fraction * blockSide.lengthM - design.alongM / 2;
      if (startM < 0 || startM + design.alongM > blockSide.lengthM) continue;
      yield this.frontageRing(blockSide, startM, design);
    }
  }

  /** Keeps a planned building at a spot `findPlannedSpot` returned. */
  addPlanned(block: Block, ring: LocalRingM, design: BuildingDesign, key: string): PlacedBuilding {
    return this.keep(block, ring, design, key);
  }

  private frontageRing(side: BlockSide, startM: number, design: BuildingDesign): LocalRingM {
    const middleM = startM + design.alongM / 2;
    const { point, direction } = pointAlong(side.points, middleM);
    const inwardM = halfWidthAt(side, middleM) + design.setbackM + design.acrossM / 2;
    return footprintRing(add(point, scale(leftNormal(direction), inwardM)), direction, design);
  }

  /**
   * Lines every street side of the block with buildings, like a street of houses: one setback per
   * side (facades in line), the next building a gap after the last. Where one does not fit (a corner,
   * a landmark) the walk moves on a few metres.
   */
  fillFrontage(
    block: Block,
    rng: Prng,
    design: (rng: Prng) => BuildingDesign,
    sideSetbackM: () => number,
  ): void {
    for (const side of block.sides) {
      const setbackM = sideSetbackM();
      let startM = rng.range(0, 4);
      while (startM < side.lengthM) {
        const candidate = { ...design(rng) };
        candidate.setbackM = setbackM + rng.range(-0.3, 0.3);
        if (startM + candidate.alongM > side.lengthM) break;
        const ring = this.frontageRing(side, startM, candidate);
        if (this.fits(block, ring, candidate.gapM)) {
          this.keep(block, ring, candidate, undefined);
          startM += candidate.alongM + candidate.gapM;
        } else {
          startM += FRONTAGE_STEP_M;
        }
      }
    }
  }

  /**
   * Fills the inside of a block (back buildings, halls, apartment blocks in green space): tries a
   * jittered grid of spots, each taken with probability `chance`, turned like the nearest street.
   */
  fillInterior(
    block: Block,
    rng: Prng,
    design: (rng: Prng) => BuildingDesign,
    spacingM: number,
    chance: number,
  ): void {
    const [minX, minY, maxX, maxY] = block.box;
    for (let y = minY + spacingM / 2; y < maxY; y += spacingM) {
      for (let x = minX + spacingM / 2; x < maxX; x += spacingM) {
        const spot: LocalPointM = [
          x + rng.range(-0.25, 0.25) * spacingM,
          y + rng.range(-0.25, 0.25) * spacingM,
        ];
        if (!pointInRing(spot, block.ring) || !rng.chance(chance)) continue;
        const candidate = design(rng);
        const ring = footprintRing(spot, nearestStreetDirection(block, spot), candidate);
        if (this.fits(block, ring, candidate.gapM)) this.keep(block, ring, candidate, undefined);
      }
    }
  }
}

/** Direction of the block outline nearest to `point`, so buildings inside a block line up with it. */
function nearestStreetDirection(block: Block, point: LocalPointM): LocalPointM {
  let best = Infinity;
  let direction: LocalPointM = [1, 0];
  for (let i = 0; i < block.ring.length; i++) {
    const a = block.ring[i] as LocalPointM;
    const b = block.ring[(i + 1) % block.ring.length] as LocalPointM;
    const distanceM = pointSegmentDistanceM(point, a, b);
    if (distanceM < best) {
      best = distanceM;
      direction = normalize(sub(b, a));
    }
  }
  return direction;
}
