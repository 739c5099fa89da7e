/**
 * Incidents on the map, and drawing new ones. Points are coloured markers with their title, lines
 * dashed lines, areas a translucent fill with their outline, coloured by kind; a few dozen at most,
 * so each change redraws them all. Drawing takes clicks on the ground as corners and shows the
 * shape so far.
 *
 * Incidents are `[lon, lat]` without heights: they are drawn at the ground's height sampled at
 * each corner (and every 10 m between, so a line follows the terrain), a metre above it (decision
 * 0013: the ellipsoid at 0 without terrain), and placed again when the terrain arrives. Cesium's
 * ground primitives would drape them, but their shadow volumes came out shrunken and misplaced over
 * the pack's heightmap terrain in Chromium (seen on the demo town, December 2026).
 */
import {
  Cartesian2,
  Cartesian3,
  Color,
  ColorGeometryInstanceAttribute,
  GeometryInstance,
  HorizontalOrigin,
  LabelCollection,
  LabelStyle,
  Material,
  PerInstanceColorAppearance,
  PointPrimitiveCollection,
  PolygonGeometry,
  PolygonHierarchy,
  PolylineCollection,
  Primitive,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
  VerticalOrigin,
  type Scene,
} from 'cesium';
import type { Incident, IncidentGeometry, IncidentKind } from '../../../protocol/index.ts';
import {
  createGroundHeights,
  densify,
  pickGroundPosition,
  placeOnGround,
  type GroundHeights,
  type LonLat,
} from './groundHeight.ts';

/** Colours by kind: works orange, closures red, flooding blue, events violet, other grey. */
export const INCIDENT_COLORS: Readonly<Record<IncidentKind, string>> = {
  roadworks: '#ff9f1c',
  closure: '#ff4d5e',
  flooding: '#3fa7ff',
  event: '#b58cff',
  other: '#c0c7cf',
};

/**
 * Metres above the ground the shapes, points and labels stand: enough to clear the road surface
 * where the terrain shown is a coarser level than the one sampled.
 */
const LIFT_M = 1;
/** The longest stretch of a line between two sampled heights. */
const STEP_M = 10;
/** How opaque an area's fill is: the map stays readable under it. */
const AREA_FILL_ALPHA = 0.28;

export type DrawMode = IncidentGeometry['type'];

export interface IncidentsOnMap {
  show(incidents: readonly Incident[]): void;
  /**
   * Starts taking clicks as corners; `onChange` gets the corners so far and the heights where each
   * was clicked (a roof, the terrain, the ellipsoid). Returns the stop function.
   */
  draw(
    mode: DrawMode,
    onChange: (corners: readonly [number, number][], heightsM: readonly number[]) => void,
  ): () => void;
  /** Whether a drawing takes the clicks now (the map's own picking waits). */
  readonly drawing: boolean;
  destroy(): void;
}

/** Where an incident's label stands: the point, a line's middle corner, an area's first corner. Pure. */
export function labelAnchor(geometry: IncidentGeometry): LonLat | null {
  if (geometry.type === 'Point') return geometry.coordinates;
  if (geometry.type === 'LineString')
    return geometry.coordinates[Math.floor(geometry.coordinates.length / 2)] ?? null;
  return geometry.coordinates[0]?.[0] ?? null;
}

/** The line drawn while a shape is sketched: an area's corners closed once it has three. Pure. */
export function sketchLine<T>(mode: DrawMode, corners: readonly T[]): T[] {
  if (mode === 'Point') return [];
  const first = corners[0];
  return mode === 'Polygon' && first !== undefined && corners.length > 2 ? [...corners, first] : [...corners];
}

/**
 * Draws the incidents of `scene`. `ground` gives the heights points and labels stand at; one of its
 * own is made (and destroyed with this) when left out.
 */
export function createIncidentsOnMap(
  scene: Scene,
  requestRender: () => void,
  ground?: GroundHeights,
): IncidentsOnMap {
  const heights = ground ?? createGroundHeights(scene);
  const lines = scene.primitives.add(new PolylineCollection()) as PolylineCollection;
  const points = scene.primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection;
  const labels = scene.primitives.add(new LabelCollection({ scene })) as LabelCollection;
  const sketch = scene.primitives.add(new PolylineCollection()) as PolylineCollection;
  const sketchPoints = scene.primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection;
  /** The areas' translucent fills, one primitive for all. */
  let fills: Primitive | null = null;
  let shown: readonly Incident[] = [];
  /** Counts redraws: heights arriving for an older one are dropped. */
  let generation = 0;
  let drawing = false;
  let destroyed = false;

  const dashed = (color: Color) =>
    Material.fromType('PolylineDash', { color, gapColor: Color.TRANSPARENT, dashLength: 18 });
  const clearShapes = () => {
    lines.removeAll();
    points.removeAll();
    labels.removeAll();
    if (fills) scene.primitives.remove(fills);
    fills = null;
  };

  /** Each incident's line (densified) or point, and where its label stands. */
  const placesOf = (incident: Incident) => {
    const { geometry } = incident;
    const corners =
      geometry.type === 'Point'
        ? []
        : densify(
            geometry.type === 'LineString' ? geometry.coordinates : (geometry.coordinates[0] ?? []),
            STEP_M,
          );
    const anchor = labelAnchor(geometry);
    return { corners, anchor };
  };

  /** Draws the incidents, with `groundM` the heights of their places in {@link placesOf}'s order. */
  function drawAll(incidents: readonly Incident[], groundM: readonly number[]): void {
    clearShapes();
    const fillInstances: GeometryInstance[] = [];
    let k = 0;
    for (const incident of incidents) {
      const { corners, anchor } = placesOf(incident);
      const positions = corners.map(([lon, lat]) =>
        Cartesian3.fromDegrees(lon, lat, (groundM[k++] ?? 0) + LIFT_M),
      );
      const labelAt = anchor
        ? Cartesian3.fromDegrees(anchor[0], anchor[1], (groundM[k++] ?? 0) + LIFT_M)
        : null;
      const color = Color.fromCssColorString(INCIDENT_COLORS[incident.kind]);
      const id = `incident:${incident.id}`;
      const { geometry } = incident;
      if (geometry.type === 'Point' && labelAt)
        points.add({
          position: labelAt,
          color,
          pixelSize: 16,
          outlineColor: Color.BLACK,
          outlineWidth: 2,
          id,
        });
      if (positions.length > 1) {
        const line = geometry.type === 'LineString';
        lines.add({
          positions,
          width: line ? 7 : 4,
          material: line ? dashed(color) : Material.fromType('Color', { color }),
          id,
        });
        if (!line && positions.length >= 4)
          fillInstances.push(
            new GeometryInstance({
              geometry: new PolygonGeometry({
                polygonHierarchy: new PolygonHierarchy(positions.slice(0, -1)),
                perPositionHeight: true,
                vertexFormat: PerInstanceColorAppearance.FLAT_VERTEX_FORMAT,
              }),
              attributes: {
                color: ColorGeometryInstanceAttribute.fromColor(color.withAlpha(AREA_FILL_ALPHA)),
              },
              id,
            }),
          );
      }
      if (labelAt)
        labels.add({
          position: labelAt,
          text: incident.title,
          font: '600 14px system-ui, sans-serif',
          fillColor: Color.WHITE,
          outlineColor: Color.BLACK,
          outlineWidth: 3,
          style: LabelStyle.FILL_AND_OUTLINE,
          showBackground: true,
          backgroundColor: color.withAlpha(0.75),
          horizontalOrigin: HorizontalOrigin.LEFT,
          verticalOrigin: VerticalOrigin.BOTTOM,
          pixelOffset: new Cartesian2(10, -10),
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
        });
    }
    if (fillInstances.length > 0)
      fills = scene.primitives.add(
        new Primitive({
          geometryInstances: fillInstances,
          appearance: new PerInstanceColorAppearance({ flat: true, translucent: true, closed: false }),
          // A few areas: drawn at once, with the lines.
          asynchronous: false,
        }),
      ) as Primitive;
    requestRender();
  }

  function showAll(): void {
    generation += 1;
    const mine = generation;
    const incidents = shown;
    const places = incidents.flatMap((incident) => {
      const { corners, anchor } = placesOf(incident);
      return anchor ? [...corners, anchor] : corners;
    });
    placeOnGround(
      heights,
      places,
      (groundM) => drawAll(incidents, groundM),
      () => !destroyed && mine === generation,
    ).catch((error: unknown) => console.error('[viewer] incidents could not be placed on the ground', error));
  }
  // The terrain arrived (or changed): the markers move to its heights.
  const stopGround = heights.onChange(() => {
    if (!destroyed) showAll();
  });

  return {
    get drawing() {
      return drawing;
    },
    show(incidents) {
      if (destroyed) return;
      shown = incidents;
      showAll();
    },
    draw(mode, onChange) {
      const corners: [number, number, number][] = [];
      const handler = new ScreenSpaceEventHandler(scene.canvas);
      drawing = true;
      const color = Color.fromCssColorString('#ffd23f');
      const clearSketch = () => {
        sketch.removeAll();
        sketchPoints.removeAll();
      };
      const redraw = () => {
        clearSketch();
        // The corners where they were clicked (on a roof or the ground), seen through what is in front.
        const at = corners.map(([lon, lat, height]) => Cartesian3.fromDegrees(lon, lat, height + LIFT_M));
        for (const position of at)
          sketchPoints.add({
            position,
            color,
            pixelSize: 10,
            disableDepthTestDistance: Number.POSITIVE_INFINITY,
          });
        const ring = sketchLine(mode, at);
        if (ring.length > 1) sketch.add({ positions: ring, width: 3, material: dashed(color) });
        requestRender();
      };
      handler.setInputAction((event: ScreenSpaceEventHandler.PositionedEvent) => {
        const picked = pickGroundPosition(scene, event.position);
        if (!picked) return;
        const corner: [number, number, number] = [
          Number(picked[0].toFixed(7)),
          Number(picked[1].toFixed(7)),
          picked[2],
        ];
        if (mode === 'Point') corners.splice(0, corners.length, corner);
        else corners.push(corner);
        redraw();
        onChange(
          corners.map(([lon, lat]) => [lon, lat]),
          corners.map(([, , height]) => height),
        );
      }, ScreenSpaceEventType.LEFT_CLICK);
      return () => {
        handler.destroy();
        drawing = false;
        clearSketch();
        requestRender();
      };
    },
    destroy() {
      destroyed = true;
      stopGround();
      if (!ground) heights.destroy();
      clearShapes();
      for (const collection of [lines, points, labels, sketch, sketchPoints])
        scene.primitives.remove(collection);
    },
  };
}
