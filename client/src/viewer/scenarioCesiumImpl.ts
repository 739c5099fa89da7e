/**
 * A planning variant on the map: its drawn buildings as solid extrusions of their footprints (as
 * high as `drawnHeightM`: a pitched roof as a block of its volume) and its imported ones in their own
 * shapes, in the planning colour; the existing
 * buildings it removes are hidden in the city tiles (by the caller, through the feature registry).
 *
 * Heights (decision 0013): a proposed building's heights are above its ground, and it stands on the
 * lowest ground under its footprint, as the town's buildings do; roads follow the ground's height
 * sampled every 10 m, the sun-hours map is a mesh draped over heights sampled on a grid, and labels,
 * comment markers and façade points stand at the ground's height there. Without terrain the ground
 * is the ellipsoid at 0 (decision 0002). Everything is placed again when the terrain arrives.
 * (Cesium's ground primitives would drape lines and the map themselves, but came out shrunken and
 * misplaced over the pack's heightmap terrain in Chromium.)
 */
import {
  LabelCollection,
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
  Ellipsoid,
  PolylineCollection,
  PrimitiveType,
  type Scene,
} from 'cesium';
import type { ProposedBuilding, ProposedMesh } from '../../../protocol/index.ts';
import { drawnHeightM } from '../planning/proposedHeight.ts';
import { proposedGltf } from '../planning/proposedGltf.ts';
import {
  createGroundHeights,
  densify,
  lowestGroundM,
  placeOnGround,
  type GroundHeights,
  type LonLat,
} from './groundHeight.ts';

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
 * coloured points on walls (`[lon, lat, height above the ground there]`, RGB 0-255), if any.
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
  /**
   * Marks comments at their 3D points, `[lon, lat, height]` as picked (and only these); a point
   * below the ground there was picked on the ellipsoid before the town had terrain, and is drawn
   * that high above the ground.
   */
  showMarkers(
    markers: readonly { id: string; position: readonly [number, number, number]; label: string }[],
  ): void;
  destroy(): void;
}

/** Metres above the ground that labels stand, clear of the road surface. */
const LABEL_LIFT_M = 1;
/** Metres above the ground that a scenario's road lines run, over the roads layer. */
const ROAD_LIFT_M = 2;
/** Metres above the ground of the sun-hours map, under the buildings' walls. */
const OVERLAY_LIFT_M = 0.4;
/** Cells of the sun-hours map's mesh along each side (its heights are sampled at their corners). */
const OVERLAY_CELLS = 24;
/** The longest stretch of a road line between two sampled heights. */
const STEP_M = 10;

/** The corners of an `cells` × `cells` grid over a rectangle, row by row from the south-west. */
function gridCorners(rectangle: readonly [number, number, number, number], cells: number): LonLat[] {
  const [west, south, east, north] = rectangle;
  const corners: LonLat[] = [];
  for (let row = 0; row <= cells; row += 1)
    for (let column = 0; column <= cells; column += 1)
      corners.push([west + ((east - west) * column) / cells, south + ((north - south) * row) / cells]);
  return corners;
}

/**
 * The sun-hours map as a mesh over {@link gridCorners}, each corner at `heightsM` (its texture's
 * bottom-left at the south-west, as the image's last row is its southmost).
 */
function overlayGeometry(
  rectangle: readonly [number, number, number, number],
  cells: number,
  heightsM: readonly number[],
): Geometry {
  const corners = gridCorners(rectangle, cells);
  const positions = new Float64Array(corners.length * 3);
  const normals = new Float32Array(corners.length * 3);
  const st = new Float32Array(corners.length * 2);
  const points: Cartesian3[] = [];
  corners.forEach(([lon, lat], i) => {
    const point = Cartesian3.fromDegrees(lon, lat, heightsM[i] ?? 0);
    points.push(point);
    positions.set([point.x, point.y, point.z], i * 3);
    const up = Ellipsoid.WGS84.geodeticSurfaceNormal(point);
    normals.set([up.x, up.y, up.z], i * 3);
    st.set([(i % (cells + 1)) / cells, Math.floor(i / (cells + 1)) / cells], i * 2);
  });
  const indices: number[] = [];
  for (let row = 0; row < cells; row += 1)
    for (let column = 0; column < cells; column += 1) {
      const a = row * (cells + 1) + column;
      const b = a + 1;
      const c = a + cells + 1;
      const d = c + 1;
      indices.push(a, b, d, a, d, c);
    }
  return new Geometry({
    attributes: {
      position: new GeometryAttribute({
        componentDatatype: ComponentDatatype.DOUBLE,
        componentsPerAttribute: 3,
        values: positions,
      }),
      normal: new GeometryAttribute({
        componentDatatype: ComponentDatatype.FLOAT,
        componentsPerAttribute: 3,
        values: normals,
      }),
      st: new GeometryAttribute({
        componentDatatype: ComponentDatatype.FLOAT,
        componentsPerAttribute: 2,
        values: st,
      }),
    } as ConstructorParameters<typeof Geometry>[0]['attributes'],
    indices: Uint32Array.from(indices),
    primitiveType: PrimitiveType.TRIANGLES,
    boundingSphere: BoundingSphere.fromPoints(points),
  });
}

/**
 * The height a comment's marker is drawn at: its own, unless it lies more than a metre below the
 * ground there; such a point was picked on the ellipsoid at height 0 before the town had terrain
 * (decision 0002), so its height is taken as above the ground. Pure.
 */
export function markerHeightM(heightM: number, groundM: number): number {
  return heightM < groundM - 1 ? groundM + Math.max(0, heightM) : heightM;
}

/** The corners of a footprint without the closing point. */
function openRing(footprint: readonly (readonly [number, number])[]): LonLat[] {
  return footprint.slice(0, -1).map(([lon, lat]) => [lon, lat] as const);
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

/**
 * Draws planning variants on `scene`. `ground` gives the heights things stand at; one of its own is
 * made (and destroyed with this) when left out.
 */
export function createScenarioOnMap(
  scene: Scene,
  requestRender: () => void,
  ground?: GroundHeights,
): ScenarioOnMap {
  const heights = ground ?? createGroundHeights(scene);
  let primitive: Primitive | null = null;
  /** Imported buildings' own shapes: drawn from both sides (their winding is the source's). */
  let meshPrimitive: Primitive | null = null;
  let overlayPrimitive: Primitive | null = null;
  const roadLines = scene.primitives.add(new PolylineCollection()) as PolylineCollection;
  let compareModels: Model[] = [];
  const markerPoints = scene.primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection;
  const facadePoints = scene.primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection;
  const markerLabels = scene.primitives.add(new LabelCollection({ scene })) as LabelCollection;
  const markerColor = Color.fromCssColorString('#7fd1ff');
  const roadLabels = scene.primitives.add(new LabelCollection({ scene })) as LabelCollection;
  let destroyed = false;
  /** What is shown, to place it again on new terrain. */
  let shownBuildings: readonly ProposedBuilding[] = [];
  let shownOverlay: GroundOverlay | null = null;
  let shownRoads: readonly RoadLine[] = [];
  let shownMarkers: Parameters<ScenarioOnMap['showMarkers']>[0] = [];
  let shownCompare: Parameters<ScenarioOnMap['showCompare']>[0] = null;
  /** Counts each kind's redraws: heights arriving for an older one are dropped. */
  const generations = { buildings: 0, overlay: 0, roads: 0, markers: 0, compare: 0 };
  const current = (kind: keyof typeof generations) => {
    generations[kind] += 1;
    const mine = generations[kind];
    return () => !destroyed && generations[kind] === mine;
  };
  const failed = (what: string) => (error: unknown) =>
    console.error(`[viewer] ${what} could not be placed on the ground`, error);

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

  /** Draws the buildings, each standing at its base height (`basesM`, in the buildings' order). */
  function drawBuildings(buildings: readonly ProposedBuilding[], basesM: readonly number[]): void {
    clear();
    const meshInstances = buildings.flatMap((building, i) => {
      const geometry = building.mesh ? meshGeometry(building.mesh) : null;
      if (!building.mesh || !geometry) return [];
      return [
        new GeometryInstance({
          id: proposedPickId(building.id),
          geometry,
          // The mesh's z 0 is where the building stands.
          modelMatrix: Transforms.eastNorthUpToFixedFrame(
            Cartesian3.fromDegrees(building.mesh.origin[0], building.mesh.origin[1], basesM[i] ?? 0),
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
    const instances = buildings.flatMap((building, i) => {
      if (building.mesh) return [];
      const ring = openRing(building.footprint);
      if (ring.length < 3) return [];
      const base = basesM[i] ?? 0;
      return [
        new GeometryInstance({
          id: proposedPickId(building.id),
          geometry: new PolygonGeometry({
            polygonHierarchy: new PolygonHierarchy(
              ring.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, base)),
            ),
            height: base,
            extrudedHeight: base + drawnHeightM(building),
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
  }

  /**
   * The base of each building: the lowest ground under its footprint. One list of places for all
   * of them (sampled in one go); `apply` gets the bases in the buildings' order.
   */
  function placeBuildings(
    buildings: readonly ProposedBuilding[],
    apply: (basesM: number[]) => void,
    isCurrent: () => boolean,
  ): Promise<void> {
    const rings = buildings.map((b) => openRing(b.footprint));
    return placeOnGround(
      heights,
      rings.flat(),
      (all) => {
        let k = 0;
        apply(
          rings.map((ring) => {
            const base = lowestGroundM(all.slice(k, k + ring.length));
            k += ring.length;
            return base;
          }),
        );
      },
      isCurrent,
    );
  }

  function showBuildings(buildings: readonly ProposedBuilding[]): void {
    shownBuildings = buildings;
    const isCurrent = current('buildings');
    clear();
    requestRender();
    if (buildings.length === 0) return;
    placeBuildings(buildings, (bases) => drawBuildings(buildings, bases), isCurrent).catch(
      failed('proposed buildings'),
    );
  }

  function showOverlay(overlay: GroundOverlay | null): void {
    shownOverlay = overlay;
    const isCurrent = current('overlay');
    clearOverlay();
    requestRender();
    if (!overlay) return;
    const corners = gridCorners(overlay.rectangle, OVERLAY_CELLS);
    const points = overlay.points ?? [];
    placeOnGround(
      heights,
      [...corners, ...points.map((p) => [p.position[0], p.position[1]] as const)],
      (groundM) => {
        clearOverlay();
        overlayPrimitive = scene.primitives.add(
          new Primitive({
            geometryInstances: new GeometryInstance({
              id: SUN_OVERLAY_PICK_ID,
              geometry: overlayGeometry(
                overlay.rectangle,
                OVERLAY_CELLS,
                groundM.slice(0, corners.length).map((h) => h + OVERLAY_LIFT_M),
              ),
            }),
            appearance: new MaterialAppearance({
              material: Material.fromType('Image', {
                image: overlay.image,
                color: new Color(1, 1, 1, 0.8),
              }),
              translucent: true,
              faceForward: true,
            }),
            asynchronous: false,
          }),
        ) as Primitive;
        // On the walls, seen only where the wall is (not through the buildings in front of it).
        points.forEach((point, index) => {
          const [r, g, b] = point.color;
          facadePoints.add({
            position: Cartesian3.fromDegrees(
              point.position[0],
              point.position[1],
              (groundM[corners.length + index] ?? 0) + point.position[2],
            ),
            color: Color.fromBytes(r, g, b, 255),
            pixelSize: 8,
            // Smaller from afar, where a wall's points would run together.
            scaleByDistance: new NearFarScalar(100, 1, 2000, 0.3),
            id: facadePointPickId(index),
          });
        });
        requestRender();
      },
      isCurrent,
    ).catch(failed('the sun-hours map'));
  }

  async function showCompare(sides: Parameters<ScenarioOnMap['showCompare']>[0]): Promise<void> {
    shownCompare = sides;
    const isCurrent = current('compare');
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
    // Each building on its own ground; the models' frame at the lowest of them.
    let bases: number[] = [];
    await placeBuildings(
      [...sides.left, ...sides.right],
      (found) => {
        bases = found;
      },
      isCurrent,
    );
    if (!isCurrent()) return;
    const originM = lowestGroundM(bases);
    const modelMatrix = Transforms.eastNorthUpToFixedFrame(
      Cartesian3.fromDegrees(origin[0], origin[1], originM),
    );
    const rgba: [number, number, number, number] = [color.red, color.green, color.blue, 1];
    const made: Model[] = [];
    const leftBases = bases.slice(0, sides.left.length).map((b) => b - originM);
    const rightBases = bases.slice(sides.left.length).map((b) => b - originM);
    for (const [buildings, direction, basesM] of [
      [sides.left, SplitDirection.LEFT, leftBases],
      [sides.right, SplitDirection.RIGHT, rightBases],
    ] as const) {
      const model = proposedGltf(buildings, origin, rgba, basesM);
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
    if (!isCurrent()) {
      for (const model of made) if (!model.isDestroyed()) model.destroy();
      return;
    }
    for (const model of made) scene.primitives.add(model);
    compareModels = made;
    // Models load their buffers asynchronously: a frame once they are ready.
    for (const model of made) model.readyEvent.addEventListener(() => requestRender());
    requestRender();
  }

  function showRoads(lines: readonly RoadLine[]): void {
    shownRoads = lines;
    const isCurrent = current('roads');
    roadLines.removeAll();
    roadLabels.removeAll();
    requestRender();
    const drawn = lines.map((line) => {
      const middle = line.coordinates[Math.floor(line.coordinates.length / 2)];
      return {
        line,
        corners: densify(line.coordinates, STEP_M),
        labelAt: line.label && middle ? ([middle[0], middle[1]] as const) : null,
      };
    });
    const places = drawn.flatMap((d) => (d.labelAt ? [...d.corners, d.labelAt] : d.corners));
    if (places.length === 0) return;
    placeOnGround(
      heights,
      places,
      (groundM) => {
        roadLines.removeAll();
        roadLabels.removeAll();
        let k = 0;
        for (const { line, corners, labelAt } of drawn) {
          const positions = corners.map(([lon, lat]) =>
            Cartesian3.fromDegrees(lon, lat, (groundM[k++] ?? 0) + ROAD_LIFT_M),
          );
          if (positions.length > 1)
            roadLines.add({
              positions,
              width: line.widthPx,
              material: Material.fromType('Color', { color: Color.fromCssColorString(line.color) }),
              id: roadPickId(line.id),
            });
          if (!labelAt || !line.label) continue;
          roadLabels.add({
            position: Cartesian3.fromDegrees(labelAt[0], labelAt[1], (groundM[k++] ?? 0) + LABEL_LIFT_M),
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
        requestRender();
      },
      isCurrent,
    ).catch(failed('the road lines'));
  }

  function showMarkers(markers: Parameters<ScenarioOnMap['showMarkers']>[0]): void {
    shownMarkers = markers;
    const isCurrent = current('markers');
    markerPoints.removeAll();
    markerLabels.removeAll();
    requestRender();
    if (markers.length === 0) return;
    placeOnGround(
      heights,
      markers.map((m) => [m.position[0], m.position[1]] as const),
      (groundM) => {
        markerPoints.removeAll();
        markerLabels.removeAll();
        markers.forEach((marker, i) => {
          const position = Cartesian3.fromDegrees(
            marker.position[0],
            marker.position[1],
            markerHeightM(marker.position[2], groundM[i] ?? 0),
          );
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
        });
        requestRender();
      },
      isCurrent,
    ).catch(failed('the comment markers'));
  }

  // The terrain arrived (or changed): everything shown moves to its heights.
  const stopGround = heights.onChange(() => {
    if (destroyed) return;
    if (shownBuildings.length > 0) showBuildings(shownBuildings);
    if (shownOverlay) showOverlay(shownOverlay);
    if (shownRoads.length > 0) showRoads(shownRoads);
    if (shownMarkers.length > 0) showMarkers(shownMarkers);
    if (shownCompare) showCompare(shownCompare).catch(failed('the compared variants'));
  });

  return {
    show: (buildings) => {
      if (!destroyed) showBuildings(buildings);
    },
    showOverlay: (overlay) => {
      if (!destroyed) showOverlay(overlay);
    },
    showCompare: (sides) => (destroyed ? Promise.resolve() : showCompare(sides)),
    showRoads: (lines) => {
      if (!destroyed) showRoads(lines);
    },
    showMarkers: (markers) => {
      if (!destroyed) showMarkers(markers);
    },
    setSplitPosition(position) {
      scene.splitPosition = Math.min(1, Math.max(0, position));
      requestRender();
    },
    destroy() {
      destroyed = true;
      stopGround();
      if (!ground) heights.destroy();
      clear();
      clearOverlay();
      clearCompare();
      for (const collection of [markerPoints, facadePoints, markerLabels, roadLines, roadLabels])
        scene.primitives.remove(collection);
    },
  };
}
