/**
 * A small deterministic buildings layer for tests and benchmarks of the tiles pipeline, so they never
 * depend on a generated city pack. Shapes cover what the builder must handle: rectangles, L-shapes,
 * a courtyard (hole), a MultiPolygon, clockwise and counter-clockwise rings, named and unnamed.
 */
import type { Feature, FeatureCollection, Position } from './buildingFeatures.ts';

/** Options of {@link createSyntheticBuildings}. */
export interface SyntheticBuildingsOptions {
  readonly count: number;
  /** Centre of the grid, degrees; default 9.015 E, 48.685 N (Böblingen). */
  readonly centreLonDeg?: number;
  readonly centreLatDeg?: number;
  /** Distance between building lots. */
  readonly spacingM?: number;
  readonly seed?: number;
}

const USES = ['residential', 'mixed', 'commercial', 'industrial', 'public', 'school', 'parking'] as const;
const METRES_PER_DEGREE_LAT = 111_320;

/** Park–Miller style LCG: tiny, deterministic and good enough to vary shapes. */
function createRandom(seed: number): () => number {
  let state = seed % 2_147_483_647 || 1;
  return () => {
    state = (state * 48_271) % 2_147_483_647;
    return state / 2_147_483_647;
  };
}

/**
 * Creates `count` buildings on a square grid of lots, ids `b00001`... Building 3 (if present) is a
 * parking garage named "Parkhaus Test", building 5 has a courtyard, building 7 is a MultiPolygon.
 */
export function createSyntheticBuildings(options: SyntheticBuildingsOptions): FeatureCollection {
  const { count, centreLonDeg = 9.015, centreLatDeg = 48.685, spacingM = 30, seed = 42 } = options;
  const random = createRandom(seed);
  const metresPerDegreeLon = METRES_PER_DEGREE_LAT * Math.cos((centreLatDeg * Math.PI) / 180);
  const columns = Math.ceil(Math.sqrt(count));
  const toPosition = (eastM: number, northM: number): Position => [
    Number((centreLonDeg + eastM / metresPerDegreeLon).toFixed(7)),
    Number((centreLatDeg + northM / METRES_PER_DEGREE_LAT).toFixed(7)),
  ];
  const ring = (points: readonly (readonly [number, number])[], e0: number, n0: number): Position[] => {
    const positions = points.map(([e, n]) => toPosition(e0 + e, n0 + n));
    const first = positions[0];
    return first ? [...positions, first] : positions;
  };

  const features: Feature[] = [];
  for (let index = 0; index < count; index++) {
    const number = index + 1;
    const id = `b${String(number).padStart(5, '0')}`;
    const e0 = ((index % columns) - columns / 2) * spacingM;
    const n0 = (Math.floor(index / columns) - columns / 2) * spacingM;
    const widthM = 8 + random() * 12;
    const depthM = 8 + random() * 12;
    const heightM = Math.round((6 + random() * 30) * 10) / 10;
    const rectangle: [number, number][] = [
      [0, 0],
      [widthM, 0],
      [widthM, depthM],
      [0, depthM],
    ];
    let geometry: Feature['geometry'];
    if (number === 5) {
      const courtyard: [number, number][] = [
        [widthM * 0.3, depthM * 0.3],
        [widthM * 0.3, depthM * 0.7],
        [widthM * 0.7, depthM * 0.7],
        [widthM * 0.7, depthM * 0.3],
      ];
      geometry = { type: 'Polygon', coordinates: [ring(rectangle, e0, n0), ring(courtyard, e0, n0)] };
    } else if (number === 7) {
      geometry = {
        type: 'MultiPolygon',
        coordinates: [
          [
            ring(
              rectangle.map(([e, n]) => [e * 0.4, n]),
              e0,
              n0,
            ),
          ],
          [
            ring(
              rectangle.map(([e, n]) => [widthM * 0.6 + e * 0.4, n]),
              e0,
              n0,
            ),
          ],
        ],
      };
    } else if (number % 4 === 2) {
      // L-shape, listed clockwise to check that winding is normalised.
      const lShape: [number, number][] = [
        [0, 0],
        [0, depthM],
        [widthM * 0.5, depthM],
        [widthM * 0.5, depthM * 0.5],
        [widthM, depthM * 0.5],
        [widthM, 0],
      ];
      geometry = { type: 'Polygon', coordinates: [ring(lShape, e0, n0)] };
    } else {
      geometry = { type: 'Polygon', coordinates: [ring(rectangle, e0, n0)] };
    }
    const use = number === 3 ? 'parking' : (USES[Math.floor(random() * (USES.length - 1))] ?? 'residential');
    const name = number === 3 ? 'Parkhaus Test' : number % 10 === 0 ? `Gebäude ${number}` : undefined;
    features.push({
      type: 'Feature',
      id,
      geometry,
      properties: {
        id,
        heightM,
        storeys: Math.max(1, Math.round(heightM / 3)),
        use,
        ...(name ? { name } : {}),
      },
    });
  }
  return { type: 'FeatureCollection', features };
}
