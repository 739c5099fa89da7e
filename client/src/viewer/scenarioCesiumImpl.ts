/**
 * A planning variant on the map: its proposed buildings as solid extrusions of their footprints (the
 * walls up to the eaves; a pitched roof up to half the roof's height, which keeps the drawn volume
 * the same as the key figures' for gable and shed roofs), in the planning colour; the existing
 * buildings it removes are hidden in the city tiles (by the caller, through the feature registry).
 */
import {
  Color,
  ColorGeometryInstanceAttribute,
  GeometryInstance,
  PerInstanceColorAppearance,
  PolygonGeometry,
  PolygonHierarchy,
  Primitive,
  Cartesian3,
  type Scene,
} from 'cesium';
import type { ProposedBuilding } from '../../../protocol/index.ts';

/** The colour of proposed buildings: warm, unlike any colour of the live layers. */
export const PROPOSED_COLOR = '#f4a259';

/** The pick id of a proposed building. */
export const proposedPickId = (buildingId: string) => `proposed:${buildingId}`;

/** Height a proposed building is drawn to. */
export function drawnHeightM(
  building: Pick<ProposedBuilding, 'eavesHeightM' | 'roofHeightM' | 'roof'>,
): number {
  if (building.roof === 'flat') return building.eavesHeightM;
  const share = building.roof === 'hipped' ? 1 / 3 : 0.5;
  return building.eavesHeightM + building.roofHeightM * share;
}

export interface ScenarioOnMap {
  /** Draws these proposed buildings (and only these); none with an empty list. */
  show(buildings: readonly ProposedBuilding[]): void;
  destroy(): void;
}

export function createScenarioOnMap(scene: Scene, requestRender: () => void): ScenarioOnMap {
  let primitive: Primitive | null = null;
  const color = Color.fromCssColorString(PROPOSED_COLOR);
  const clear = () => {
    if (primitive) scene.primitives.remove(primitive);
    primitive = null;
  };
  return {
    show(buildings) {
      clear();
      const instances = buildings.flatMap((building) => {
        const ring = building.footprint.slice(0, -1);
        if (ring.length < 3) return [];
        return [
          new GeometryInstance({
            id: proposedPickId(building.id),
            geometry: new PolygonGeometry({
              polygonHierarchy: new PolygonHierarchy(
                ring.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, 0)),
              ),
              height: 0,
              extrudedHeight: drawnHeightM(building),
              vertexFormat: PerInstanceColorAppearance.VERTEX_FORMAT,
            }),
            attributes: { color: ColorGeometryInstanceAttribute.fromColor(color) },
          }),
        ];
      });
      if (instances.length > 0) {
        primitive = scene.primitives.add(
          new Primitive({
            geometryInstances: instances,
            appearance: new PerInstanceColorAppearance({ translucent: false, closed: true }),
            // Drawn at once, not in a web worker: a variant holds a few buildings, and the test
            // of a drawing wants them on the next frame.
            asynchronous: false,
          }),
        ) as Primitive;
      }
      requestRender();
    },
    destroy() {
      clear();
    },
  };
}
