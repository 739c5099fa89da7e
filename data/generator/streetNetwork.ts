/**
 * Turns the district plan into geometry: a gently warped street grid, the road edges with their
 * names and classes, road segments from junction to junction, and the blocks between the streets.
 * Roads and block outlines share the same sample points, so a block's boundary is exactly the
 * centrelines of the roads around it.
 */
import {
  BLOCK_PLANS,
  COLUMN_WIDTHS_M,
  GRID_ROTATION_DEG,
  MAJOR_ROADS,
  ORIGIN_NODE,
  ROW_HEIGHTS_M,
  STREET_NAME_POOLS,
  ZONE_OF_DISTRICT,
  districtOfCell,
} from './districtPlan.ts';
import type { BlockSideName, CellRange, District, RoadInfo, Zone } from './districtPlan.ts';
import { boxOf, polylineLengthM } from './geometry.ts';
import type { BoxM, LocalPointM, LocalRingM } from './geometry.ts';
import type { RoadClass } from '../../protocol/packFeatures.ts';

/** Half the width of the street space (carriageway, parking lane, pavement) by road class. */
export const ROAD_HALF_WIDTH_M: Readonly<Record<RoadClass, number>> = {
  primary: 10,
  secondary: 8,
  tertiary: 6.5,
  residential: 5,
};

/** Largest distance between two sample points of a street, so curves look smooth. */
const SAMPLE_SPACING_M = 20;

/** `h`: a west-east grid line; `v`: a south-north grid line. */
export type Orientation = 'h' | 'v';

/** One grid edge that carries a road. Points run west to east (`h`) or south to north (`v`). */
export interface RoadEdge {
  orientation: Orientation;
  line: number;
  index: number;
  info: RoadInfo;
  halfWidthM: number;
  points: readonly LocalPointM[];
  box: BoxM;
}

/** A road segment between two junctions (or a junction and a bend of the district's edge). */
export interface RoadSegment {
  info: RoadInfo;
  points: readonly LocalPointM[];
  /** Names of the crossing streets at the start and end, if any. */
  fromStreet: string | undefined;
  toStreet: string | undefined;
}

/** A straight run of a block's outline along one grid line, walked counter-clockwise. */
export interface BlockSide {
  name: BlockSideName;
  /** Points in walking order; the block lies to the left. */
  points: readonly LocalPointM[];
  /** Arc-length ranges of the road edges that make up the side, in walking order. */
  edges: readonly { startM: number; endM: number; edge: RoadEdge }[];
  lengthM: number;
  /** True when walking order is against the grid direction (north and west sides). */
  reversed: boolean;
}

/** The land between streets: one cell of the grid or a planned rectangle of cells. */
export interface Block {
  index: number;
  cells: CellRange;
  district: District;
  zone: Zone;
  /** Counter-clockwise outline along the road centrelines. */
  ring: LocalRingM;
  box: BoxM;
  sides: readonly BlockSide[];
  /** Every road edge around the block, for clearance checks. */
  edges: readonly RoadEdge[];
}

/** The streets and blocks of the district. */
export interface StreetNetwork {
  blocks: readonly Block[];
  segments: readonly RoadSegment[];
  /** The road on a grid edge, or undefined where two cells of one block meet. */
  edgeAt(orientation: Orientation, line: number, index: number): RoadEdge | undefined;
  /** The block that contains a cell. */
  blockOfCell(i: number, j: number): Block;
}

const COLUMNS = COLUMN_WIDTHS_M.length;
const ROWS = ROW_HEIGHTS_M.length;

function cumulative(sizes: readonly number[], originIndex: number): number[] {
  const positions = [0];
  for (const size of sizes) positions.push((positions[positions.length - 1] as number) + size);
  const origin = positions[originIndex] as number;
  return positions.map((p) => p - origin);
}

const GRID_X_M = cumulative(COLUMN_WIDTHS_M, ORIGIN_NODE.column);
const GRID_Y_M = cumulative(ROW_HEIGHTS_M, ORIGIN_NODE.row);

/**
 * Maps the straight grid into the town: slow sine bends (a few per kilometre, amplitude under 20 m,
 * so the map stays one-to-one and blocks keep their shape) and then the grid rotation.
 */
export function warpGridPoint(xM: number, yM: number): LocalPointM {
  const bentX = xM + 16 * Math.sin(yM / 230 + 0.4) + 9 * Math.sin(xM / 380 + 1.1);
  const bentY = yM + 14 * Math.sin(xM / 290 + 2.0) + 7 * Math.sin(yM / 330 + 0.3);
  const angle = (GRID_ROTATION_DEG * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  return [bentX * cos - bentY * sin, bentX * sin + bentY * cos];
}

function gridX(line: number): number {
  const x = GRID_X_M[line];
  if (x === undefined) throw new Error(`no grid line x=${line}`);
  return x;
}

function gridY(line: number): number {
  const y = GRID_Y_M[line];
  if (y === undefined) throw new Error(`no grid line y=${line}`);
  return y;
}

/** Sample points of a grid edge in grid direction, warped. */
function sampleEdge(orientation: Orientation, line: number, index: number): LocalPointM[] {
  const [x0, y0, x1, y1] =
    orientation === 'h'
      ? [gridX(index), gridY(line), gridX(index + 1), gridY(line)]
      : [gridX(line), gridY(index), gridX(line), gridY(index + 1)];
  const parts = Math.max(2, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / SAMPLE_SPACING_M));
  const points: LocalPointM[] = [];
  for (let k = 0; k <= parts; k++) {
    const t = k / parts;
    points.push(warpGridPoint(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t));
  }
  return points;
}

/** Assigns each cell to a block: the planned merges first, every other cell a block of its own. */
function assignBlocks(): { cellBlock: number[][]; ranges: { cells: CellRange; zone: Zone | undefined }[] } {
  const cellBlock: number[][] = Array.from({ length: COLUMNS }, () => Array<number>(ROWS).fill(-1));
  const ranges: { cells: CellRange; zone: Zone | undefined }[] = [];
  const claim = (cells: CellRange, zone: Zone | undefined) => {
    const [i0, j0, i1, j1] = cells;
    for (let i = i0; i <= i1; i++) {
      for (let j = j0; j <= j1; j++) {
        const column = cellBlock[i];
        if (!column || column[j] === undefined)
          throw new Error(`block plan cell (${i}, ${j}) is outside the grid`);
        if (column[j] !== -1) throw new Error(`block plan cell (${i}, ${j}) is in two blocks`);
        column[j] = ranges.length;
      }
    }
    ranges.push({ cells, zone });
  };
  for (const plan of BLOCK_PLANS) claim(plan.cells, plan.zone);
  // Single cells in row-major order, south-west first, so block indices read like the map.
  for (let j = 0; j < ROWS; j++) {
    for (let i = 0; i < COLUMNS; i++) {
      if (cellBlock[i]?.[j] === -1) claim([i, j, i, j], undefined);
    }
  }
  return { cellBlock, ranges };
}

function blockIndexAt(cellBlock: number[][], i: number, j: number): number {
  return cellBlock[i]?.[j] ?? -1;
}

/** The cell whose district names the street on an edge: north of a west-east edge, east of a south-north one. */
function districtOfEdge(orientation: Orientation, line: number, index: number): District {
  if (orientation === 'h') return districtOfCell(index, Math.min(line, ROWS - 1));
  return districtOfCell(Math.min(line, COLUMNS - 1), index);
}

function defaultRoadClass(orientation: Orientation, line: number, district: District): RoadInfo['roadClass'] {
  const onDistrictEdge = orientation === 'h' ? line === 0 || line === ROWS : line === 0 || line === COLUMNS;
  if (onDistrictEdge || district === 'hulb') return 'tertiary';
  return 'residential';
}

const SPEED_LIMIT_KMH: Readonly<Record<RoadClass, number>> = {
  primary: 50,
  secondary: 50,
  tertiary: 50,
  residential: 30,
};

/** Builds the street network of the district plan. */
export function buildStreetNetwork(): StreetNetwork {
  const { cellBlock, ranges } = assignBlocks();

  const isRoad = (orientation: Orientation, line: number, index: number): boolean => {
    if (orientation === 'h') {
      if (line === 0 || line === ROWS) return true;
      return blockIndexAt(cellBlock, index, line - 1) !== blockIndexAt(cellBlock, index, line);
    }
    if (line === 0 || line === COLUMNS) return true;
    return blockIndexAt(cellBlock, line - 1, index) !== blockIndexAt(cellBlock, line, index);
  };

  // Name the streets: main roads from the plan; every other run of road edges along a grid line,
  // from one main road (or gap) to the next, takes a name from the pool of the district it starts in.
  const edges = new Map<string, RoadEdge>();
  const key = (orientation: Orientation, line: number, index: number) => `${orientation}:${line}:${index}`;
  const poolNext: Record<string, number> = {};
  const takeName = (district: District): string => {
    const pool = STREET_NAME_POOLS[district];
    const next = poolNext[district] ?? 0;
    const name = pool[next];
    if (name === undefined) throw new Error(`the street name pool of ${district} is used up`);
    poolNext[district] = next + 1;
    return name;
  };
  const lines: { orientation: Orientation; line: number; edgeCount: number }[] = [];
  for (let line = 0; line <= ROWS; line++) lines.push({ orientation: 'h', line, edgeCount: COLUMNS });
  for (let line = 0; line <= COLUMNS; line++) lines.push({ orientation: 'v', line, edgeCount: ROWS });

  for (const major of MAJOR_ROADS) {
    for (let index = major.from; index < major.to; index++) {
      if (!isRoad(major.orientation, major.line, index)) {
        throw new Error(
          `${major.name} is interrupted at ${major.orientation}${major.line}:${index} by a block that spans it`,
        );
      }
    }
  }
  const majorCrossing = (orientation: Orientation, line: number, node: number): boolean =>
    MAJOR_ROADS.some(
      (m) =>
        m.orientation !== orientation &&
        m.line === node &&
        ((line - 1 >= m.from && line - 1 < m.to) || (line >= m.from && line < m.to)),
    );
  const majorInfo = new Map<(typeof MAJOR_ROADS)[number], RoadInfo>();
  for (const { orientation, line, edgeCount } of lines) {
    let runInfo: RoadInfo | undefined;
    for (let index = 0; index < edgeCount; index++) {
      if (!isRoad(orientation, line, index)) {
        runInfo = undefined;
        continue;
      }
      const major = MAJOR_ROADS.find(
        (m) => m.orientation === orientation && m.line === line && index >= m.from && index < m.to,
      );
      let info: RoadInfo;
      if (major) {
        // One info object per main road: segments are cut where the info object changes.
        info = majorInfo.get(major) ?? {
          name: major.name,
          roadClass: major.roadClass,
          speedLimitKmh: major.speedLimitKmh,
          lanes: major.lanes,
        };
        majorInfo.set(major, info);
        runInfo = undefined;
      } else {
        // A street keeps its name until a main road crosses it (or it ends), as streets often do.
        const district = districtOfEdge(orientation, line, index);
        const crossingMain = majorCrossing(orientation, line, index);
        if (!runInfo || crossingMain) {
          const roadClass = defaultRoadClass(orientation, line, district);
          runInfo = {
            name: takeName(district),
            roadClass,
            speedLimitKmh: SPEED_LIMIT_KMH[roadClass],
            lanes: 2,
          };
        }
        info = runInfo;
      }
      const points = sampleEdge(orientation, line, index);
      edges.set(key(orientation, line, index), {
        orientation,
        line,
        index,
        info,
        halfWidthM: ROAD_HALF_WIDTH_M[info.roadClass],
        points,
        box: boxOf(points),
      });
    }
  }

  const edgeAt = (orientation: Orientation, line: number, index: number) =>
    edges.get(key(orientation, line, index));

  // Segments: consecutive edges of one street along a grid line, cut at every junction.
  const crossingAt = (orientation: Orientation, line: number, node: number): RoadEdge | undefined => {
    const other: Orientation = orientation === 'h' ? 'v' : 'h';
    return edgeAt(other, node, line - 1) ?? edgeAt(other, node, line);
  };
  const segments: RoadSegment[] = [];
  for (const { orientation, line, edgeCount } of lines) {
    let current: { info: RoadInfo; points: LocalPointM[]; fromStreet: string | undefined } | undefined;
    const finish = (node: number) => {
      if (!current) return;
      segments.push({ ...current, toStreet: crossingAt(orientation, line, node)?.info.name });
      current = undefined;
    };
    for (let index = 0; index < edgeCount; index++) {
      const edge = edgeAt(orientation, line, index);
      const crossing = crossingAt(orientation, line, index);
      if (current && (!edge || crossing || edge.info !== current.info)) finish(index);
      if (!edge) continue;
      if (current) current.points.push(...edge.points.slice(1));
      else current = { info: edge.info, points: [...edge.points], fromStreet: crossing?.info.name };
    }
    finish(edgeCount);
  }

  const blocks: Block[] = ranges.map(({ cells, zone }, index) => {
    const [i0, j0, i1, j1] = cells;
    const sideSpecs: {
      name: BlockSideName;
      orientation: Orientation;
      line: number;
      from: number;
      to: number;
      reversed: boolean;
    }[] = [
      { name: 'south', orientation: 'h', line: j0, from: i0, to: i1, reversed: false },
      { name: 'east', orientation: 'v', line: i1 + 1, from: j0, to: j1, reversed: false },
      { name: 'north', orientation: 'h', line: j1 + 1, from: i0, to: i1, reversed: true },
      { name: 'west', orientation: 'v', line: i0, from: j0, to: j1, reversed: true },
    ];
    const sides: BlockSide[] = sideSpecs.map((spec) => {
      const sideEdges: RoadEdge[] = [];
      for (let k = spec.from; k <= spec.to; k++) {
        const edge = edgeAt(spec.orientation, spec.line, k);
        if (!edge)
          throw new Error(
            `block ${index}: no road on its ${spec.name} side at ${spec.orientation}${spec.line}:${k}`,
          );
        sideEdges.push(edge);
      }
      if (spec.reversed) sideEdges.reverse();
      const points: LocalPointM[] = [];
      const edgeRanges: { startM: number; endM: number; edge: RoadEdge }[] = [];
      let startM = 0;
      for (const edge of sideEdges) {
        const edgePoints = spec.reversed ? [...edge.points].reverse() : [...edge.points];
        const edgeLengthM = polylineLengthM(edgePoints);
        points.push(...(points.length === 0 ? edgePoints : edgePoints.slice(1)));
        edgeRanges.push({ startM, endM: startM + edgeLengthM, edge });
        startM += edgeLengthM;
      }
      return { name: spec.name, points, edges: edgeRanges, lengthM: startM, reversed: spec.reversed };
    });
    const ring = sides.flatMap((side) => side.points.slice(0, -1));
    const district = districtOfCell(i0, j0);
    return {
      index,
      cells,
      district,
      zone: zone ?? ZONE_OF_DISTRICT[district],
      ring,
      box: boxOf(ring),
      sides,
      edges: sides.flatMap((side) => side.edges.map((e) => e.edge)),
    };
  });

  return {
    blocks,
    segments,
    edgeAt,
    blockOfCell: (i, j) => {
      const block = blocks[blockIndexAt(cellBlock, i, j)];
      if (!block) throw new Error(`cell (${i}, ${j}) is outside the grid`);
      return block;
    },
  };
}
