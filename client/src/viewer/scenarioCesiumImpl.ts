/**
 * A planning variant on the map: its drawn buildings as solid extrusions of their footprints (as
 * high as `drawnHeightM`: a pitched roof as a block of its volume) and its imported ones in their own
 * shapes, in the planning colour; the existing
 * buildings it removes are hidden in the city tiles (by the caller, through the feature registry).
 */
import {
  LabelCollection,
  PolylineCollection,
  PointPrimitiveCollection,
  VerticalOrigin,
  Cartesian2,
  NearFarScalar,
  Color,
  Model,
  SplitDirection,
  ShadowMode,
  Transforms,
  Material,
  MaterialAppearance,
  Rectangle,
  RectangleGeometry,
  ColorGeometryInstanceAttribute,
  GeometryInstance,
  PerInstanceColorAppearance,
  PolygonGeometry,
  PolygonHierarchy,
  Primitive,
  Cartesian3,
  BoundingSphere,
  ComponentDatatype,
  Geometry,
  GeometryAttribute,
  PrimitiveType,
  type Scene,
} from 'cesium';
import type { ProposedBuilding, ProposedMesh } from '../../../protocol/index.ts';
import { drawnHeightM } from '../planning/proposedHeight.ts';
import { proposedGltf } from '../planning/proposedGltf.ts';

/** The colour of proposed buildings: warm, unlike any colour of the live layers. */
export const PROPOSED_COLOR = '#f4a259';

/** The pick id of the heat map on the ground. */
export const SUN_OVERLAY_PICK_ID = 'ground-overlay';

/** The pick id of the sun study's façade point `index`. */
export const facadePointPickId = (index: number) => `sun-facade:${index}`;

/** The pick ids of the proposed buildings of the swipe's left and right sides. */
export const COMPARE_LEFT_PICK_ID = 'compare-left';
export const COMPARE_RIGHT_PICK_ID = 'compare-right';

/** The pick id of a scenario's road line. */
export const roadPickId = (segmentId: string) => `road:${segmentId}`;

/** The pick id of a comment's marker. */
export const commentPickId = (commentId: string) => `comment:${commentId}`;

/** The pick id of a proposed building. */
export const proposedPickId = (buildingId: string) => `proposed:${buildingId}`;

/** A road drawn by a scenario: its line, colour (CSS), width in pixels, and an optional label. */
export interface RoadLine {
  readonly id: string;
  readonly coordinates: readonly (readonly [number, number])[];
  readonly color: string;
  readonly widthPx: number;
  readonly label?: string;
}

/**
 * A heat map over the ground: an image stretched over a rectangle `[west, south, east, north]`; and
 * coloured points on walls (`[lon, lat, height above ground]`, RGB 0-255), if any.
 */
export interface GroundOverlay {
  readonly rectangle: readonly [number, number, number, number];
  readonly image: HTMLCanvasElement;
  readonly points?: readonly {
    readonly position: readonly [number, number, number];
    readonly color: readonly [number, number, number];
  }[];
}

export interface ScenarioOnMap {
  /** Draws these proposed buildings (and only these); none with an empty list. */
  show(buildings: readonly ProposedBuilding[]): void;
  /** Lays a heat map on the ground (null: none). */
  showOverlay(overlay: GroundOverlay | null): void;
  /**
   * The compare swipe: the left side's proposed buildings left of the split, the right side's right
   * of it (null ends it); `position` is the split's place across the map, 0..1.
   */
  showCompare(
    sides: { left: readonly ProposedBuilding[]; right: readonly ProposedBuilding[] } | null,
  ): Promise<void>;
  setSplitPosition(position: number): void;
  /** Draws road lines of a scenario (closed roads, detours) with labels; none with an empty list. */
  showRoads(lines: readonly RoadLine[]): void;
  /** Marks comments at their 3D points (and only these). */
  showMarkers(
    markers: readonly { id: string; position: readonly [number, number, number]; label: string }[],
  ): void;
  destroy(): void;
}

/**
 * An imported building's triangles as a Cesium geometry in the east-north-up frame of its origin:
 * every triangle with its own vertices and flat normal (hard edges, as the tiles draw buildings).
 */
function meshGeometry(mesh: ProposedMesh): Geometry | null {
  const positions: number[] = [];
  const normals: number[] = [];
  const at = (i: number) => [
    mesh.positions[i * 3] as number,
    mesh.positions[i * 3 + 1] as number,
    mesh.positions[i * 3 + 2] as number,
  ];
  for (let t = 0; t + 2 < mesh.indices.length; t += 3) {
    const a = at(mesh.indices[t] as number);
    const b = at(mesh.indices[t + 1] as number);
    const c = at(mesh.indices[t + 2] as number);
    const u = [
      (b[0] as number) - (a[0] as number),
      (b[1] as number) - (a[1] as number),
      (b[2] as number) - (a[2] as number),
    ];
    const v = [
      (c[0] as number) - (a[0] as number),
      (c[1] as number) - (a[1] as number),
      (c[2] as number) - (a[2] as number),
    ];
    const n = [
      (u[1] as number) * (v[2] as number) - (u[2] as number) * (v[1] as number),
      (u[2] as number) * (v[0] as number) - (u[0] as number) * (v[2] as number),
      (u[0] as number) * (v[1] as number) - (u[1] as number) * (v[0] as number),
    ];
    const length = Math.hypot(n[0] as number, n[1] as number, n[2] as number);
    if (length === 0) continue;
    for (const p of [a, b, c]) {
      positions.push(...p);
      normals.push((n[0] as number) / length, (n[1] as number) / length, (n[2] as number) / length);
    }
  }
  if (positions.length === 0) return null;
  const values = Float64Array.from(positions);
  return new Geometry({
    attributes: {
      position: new GeometryAttribute({
        componentDatatype: ComponentDatatype.DOUBLE,
        componentsPerAttribute: 3,
        values,
      }),
      normal: new GeometryAttribute({
        componentDatatype: ComponentDatatype.FLOAT,
        componentsPerAttribute: 3,
        values: Float32Array.from(normals),
      }),
    } as ConstructorParameters<typeof Geometry>[0]['attributes'],
    primitiveType: PrimitiveType.TRIANGLES,
    boundingSphere: BoundingSphere.fromVertices(positions),
  });
}

export function createScenarioOnMap(scene: Scene, requestRender: () => void): ScenarioOnMap {
  let primitive: Primitive | null = null;
  /** Imported buildings' own shapes: drawn from both sides (their winding is the source's). */
  let meshPrimitive: Primitive | null = null;
  let overlayPrimitive: Primitive | null = null;
  let compareModels: Model[] = [];
  const markerPoints = scene.primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection;
  const facadePoints = scene.primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection;
  const markerLabels = scene.primitives.add(new LabelCollection({ scene })) as LabelCollection;
  const markerColor = Color.fromCssColorString('#7fd1ff');
  const roadLines = scene.primitives.add(new PolylineCollection()) as PolylineCollection;
  const roadLabels = scene.primitives.add(new LabelCollection({ scene })) as LabelCollection;
  let compareGeneration = 0;
  const clearCompare = () => {
    for (const model of compareModels) scene.primitives.remove(model);
    compareModels = [];
  };
  const clearOverlay = () => {
    if (overlayPrimitive) scene.primitives.remove(overlayPrimitive);
    overlayPrimitive = null;
    facadePoints.removeAll();
  };
  const color = Color.fromCssColorString(PROPOSED_COLOR);
  const clear = () => {
    if (primitive) scene.primitives.remove(primitive);
    primitive = null;
    if (meshPrimitive) scene.primitives.remove(meshPrimitive);
    meshPrimitive = null;
  };
  return {
    show(buildings) {
      clear();
      const meshInstances = buildings.flatMap((building) => {
        const geometry = building.mesh ? meshGeometry(building.mesh) : null;
        if (!building.mesh || !geometry) return [];
        return [
          new GeometryInstance({
            id: proposedPickId(building.id),
            geometry,
            modelMatrix: Transforms.eastNorthUpToFixedFrame(
              Cartesian3.fromDegrees(building.mesh.origin[0], building.mesh.origin[1], 0),
            ),
            attributes: { color: ColorGeometryInstanceAttribute.fromColor(color) },
          }),
        ];
      });
      if (meshInstances.length > 0) {
        meshPrimitive = scene.primitives.add(
          new Primitive({
            geometryInstances: meshInstances,
            appearance: new PerInstanceColorAppearance({
              translucent: false,
              closed: false,
              faceForward: true,
            }),
            shadows: ShadowMode.ENABLED,
            asynchronous: false,
          }),
        ) as Primitive;
      }
      const instances = buildings.flatMap((building) => {
        if (building.mesh) return [];
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
            // They cast shadows in the sun view, as the town's buildings do.
            shadows: ShadowMode.ENABLED,
            // Drawn at once, not in a web worker: a variant holds a few buildings, and the test
            // of a drawing wants them on the next frame.
            asynchronous: false,
          }),
        ) as Primitive;
      }
      requestRender();
    },
    showOverlay(overlay) {
      clearOverlay();
      if (overlay) {
        const [west, south, east, north] = overlay.rectangle;
        overlayPrimitive = scene.primitives.add(
          new Primitive({
            geometryInstances: new GeometryInstance({
              id: SUN_OVERLAY_PICK_ID,
              geometry: new RectangleGeometry({
                rectangle: Rectangle.fromDegrees(west, south, east, north),
                // Just above the ground, under the buildings' walls.
                height: 0.4,
                vertexFormat: MaterialAppearance.MaterialSupport.TEXTURED.vertexFormat,
              }),
            }),
            appearance: new MaterialAppearance({
              material: Material.fromType('Image', { image: overlay.image, color: new Color(1, 1, 1, 0.8) }),
              translucent: true,
            }),
            asynchronous: false,
          }),
        ) as Primitive;
        // On the walls, seen only where the wall is (not through the buildings in front of it).
        overlay.points?.forEach((point, index) => {
          const [r, g, b] = point.color;
          facadePoints.add({
            position: Cartesian3.fromDegrees(point.position[0], point.position[1], point.position[2]),
            color: Color.fromBytes(r, g, b, 255),
            pixelSize: 8,
            // Smaller from afar, where a wall's points would run together.
            scaleByDistance: new NearFarScalar(100, 1, 2000, 0.3),
            id: facadePointPickId(index),
          });
        });
      }
      requestRender();
    },
    async showCompare(sides) {
      compareGeneration += 1;
      const generation = compareGeneration;
      clearCompare();
      if (!sides) {
        requestRender();
        return;
      }
      const all = [...sides.left, ...sides.right].flatMap((b) => b.footprint);
      if (all.length === 0) {
        requestRender();
        return;
      }
      const origin: [number, number] = [
        all.reduce((sum, p) => sum + p[0], 0) / all.length,
        all.reduce((sum, p) => sum + p[1], 0) / all.length,
      ];
      const modelMatrix = Transforms.eastNorthUpToFixedFrame(Cartesian3.fromDegrees(origin[0], origin[1], 0));
      const rgba: [number, number, number, number] = [color.red, color.green, color.blue, 1];
      const made: Model[] = [];
      for (const [buildings, direction] of [
        [sides.left, SplitDirection.LEFT],
        [sides.right, SplitDirection.RIGHT],
      ] as const) {
        const model = proposedGltf(buildings, origin, rgba);
        if (!model) continue;
        const url = URL.createObjectURL(new Blob([JSON.stringify(model.gltf)], { type: 'model/gltf+json' }));
        try {
          made.push(
            await Model.fromGltfAsync({
              url,
              modelMatrix,
              splitDirection: direction,
              id: direction === SplitDirection.LEFT ? COMPARE_LEFT_PICK_ID : COMPARE_RIGHT_PICK_ID,
            }),
          );
        } finally {
          // The model reads its JSON at once; its buffer is inside it.
          setTimeout(() => URL.revokeObjectURL(url), 30_000);
        }
      }
      if (generation !== compareGeneration) {
        for (const model of made) if (!model.isDestroyed()) model.destroy();
        return;
      }
      for (const model of made) scene.primitives.add(model);
      compareModels = made;
      // Models load their buffers asynchronously: a frame once they are ready.
      for (const model of made) model.readyEvent.addEventListener(() => requestRender());
      requestRender();
    },
    showRoads(lines) {
      roadLines.removeAll();
      roadLabels.removeAll();
      for (const line of lines) {
        // A little above the ground, over the roads layer.
        const positions = line.coordinates.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, 2));
        roadLines.add({
          positions,
          width: line.widthPx,
          material: Material.fromType('Color', { color: Color.fromCssColorString(line.color) }),
          id: roadPickId(line.id),
        });
        if (line.label) {
          const middle = positions[Math.floor(positions.length / 2)] as Cartesian3;
          roadLabels.add({
            position: middle,
            id: roadPickId(line.id),
            text: line.label,
            font: '14px system-ui, sans-serif',
            fillColor: Color.WHITE,
            showBackground: true,
            backgroundColor: new Color(0.05, 0.07, 0.1, 0.85),
            verticalOrigin: VerticalOrigin.BOTTOM,
            disableDepthTestDistance: Number.POSITIVE_INFINITY,
          });
        }
      }
      requestRender();
    },
    showMarkers(markers) {
      markerPoints.removeAll();
      markerLabels.removeAll();
      for (const marker of markers) {
        const position = Cartesian3.fromDegrees(marker.position[0], marker.position[1], marker.position[2]);
        markerPoints.add({
          position,
          color: markerColor,
          pixelSize: 14,
          outlineColor: Color.BLACK,
          outlineWidth: 2,
          id: commentPickId(marker.id),
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
        });
        markerLabels.add({
          position,
          text: marker.label,
          font: '15px system-ui, sans-serif',
          fillColor: Color.WHITE,
          showBackground: true,
          backgroundColor: new Color(0.05, 0.07, 0.1, 0.85),
          verticalOrigin: VerticalOrigin.BOTTOM,
          pixelOffset: new Cartesian2(0, -12),
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
        });
      }
      requestRender();
    },
    setSplitPosition(position) {
      scene.splitPosition = Math.min(1, Math.max(0, position));
      requestRender();
    },
    destroy() {
      clear();
      clearOverlay();
      clearCompare();
    },
  };
}
