/**
 * Incidents on the map, and drawing new ones. Points are coloured markers with their title, lines
 * dashed polylines, areas their outline, coloured by kind; a few dozen at most, so each change
 * redraws them all. Drawing takes clicks on the ground as corners and shows the shape so far.
 */
import {
  Cartesian2,
  Cartesian3,
  Cartographic,
  Color,
  HorizontalOrigin,
  LabelCollection,
  LabelStyle,
  Math as CesiumMath,
  Material,
  PointPrimitiveCollection,
  PolylineCollection,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
  VerticalOrigin,
  type Scene,
} from 'cesium';
import type { Incident, IncidentGeometry, IncidentKind } from '../../../protocol/index.ts';

/** Colours by kind: works orange, closures red, flooding blue, events violet, other grey. */
export const INCIDENT_COLORS: Readonly<Record<IncidentKind, string>> = {
  roadworks: '#ff9f1c',
  closure: '#ff4d5e',
  flooding: '#3fa7ff',
  event: '#b58cff',
  other: '#c0c7cf',
};

/** Metres above the ground the shapes float (the town has no terrain). */
const LIFT_M = 3;

export type DrawMode = IncidentGeometry['type'];

export interface IncidentsOnMap {
  show(incidents: readonly Incident[]): void;
  /** Starts taking clicks as corners; `onChange` gets the corners so far. Returns the stop function. */
  draw(mode: DrawMode, onChange: (corners: readonly [number, number][]) => void): () => void;
  /** Whether a drawing takes the clicks now (the map's own picking waits). */
  readonly drawing: boolean;
  destroy(): void;
}

function cartesians(coordinates: readonly (readonly [number, number])[]): Cartesian3[] {
  return coordinates.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, LIFT_M));
}

export function createIncidentsOnMap(scene: Scene, requestRender: () => void): IncidentsOnMap {
  const points = scene.primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection;
  const lines = scene.primitives.add(new PolylineCollection()) as PolylineCollection;
  const labels = scene.primitives.add(new LabelCollection({ scene })) as LabelCollection;
  const sketch = scene.primitives.add(new PolylineCollection()) as PolylineCollection;
  const sketchPoints = scene.primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection;
  let drawing = false;

  const dashed = (color: Color) =>
    Material.fromType('PolylineDash', { color, gapColor: Color.TRANSPARENT, dashLength: 18 });

  function addShape(geometry: IncidentGeometry, color: Color, id: string): Cartesian3 {
    if (geometry.type === 'Point') {
      const [lon, lat] = geometry.coordinates;
      const position = Cartesian3.fromDegrees(lon, lat, LIFT_M);
      points.add({ position, color, pixelSize: 16, outlineColor: Color.BLACK, outlineWidth: 2, id });
      return position;
    }
    const corners = geometry.type === 'LineString' ? geometry.coordinates : (geometry.coordinates[0] ?? []);
    const positions = cartesians(corners);
    lines.add({
      positions,
      width: geometry.type === 'LineString' ? 7 : 4,
      material: geometry.type === 'LineString' ? dashed(color) : Material.fromType('Color', { color }),
      id,
    });
    // The label sits at the middle corner of a line, at the first corner of an area.
    return positions[geometry.type === 'LineString' ? Math.floor(positions.length / 2) : 0] as Cartesian3;
  }

  return {
    get drawing() {
      return drawing;
    },
    show(incidents) {
      points.removeAll();
      lines.removeAll();
      labels.removeAll();
      for (const incident of incidents) {
        const color = Color.fromCssColorString(INCIDENT_COLORS[incident.kind]);
        const at = addShape(incident.geometry, color, `incident:${incident.id}`);
        labels.add({
          position: at,
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
      requestRender();
    },
    draw(mode, onChange) {
      const corners: [number, number][] = [];
      const handler = new ScreenSpaceEventHandler(scene.canvas);
      drawing = true;
      const color = Color.fromCssColorString('#ffd23f');
      const redraw = () => {
        sketch.removeAll();
        sketchPoints.removeAll();
        for (const position of cartesians(corners)) sketchPoints.add({ position, color, pixelSize: 10 });
        const ring =
          mode === 'Polygon' && corners.length > 2 ? [...corners, corners[0] as [number, number]] : corners;
        if (ring.length > 1) sketch.add({ positions: cartesians(ring), width: 3, material: dashed(color) });
        requestRender();
      };
      handler.setInputAction((event: ScreenSpaceEventHandler.PositionedEvent) => {
        const picked = scene.camera.pickEllipsoid(event.position, scene.globe.ellipsoid);
        if (!picked) return;
        const where = Cartographic.fromCartesian(picked);
        const corner: [number, number] = [
          Number(CesiumMath.toDegrees(where.longitude).toFixed(7)),
          Number(CesiumMath.toDegrees(where.latitude).toFixed(7)),
        ];
        if (mode === 'Point') corners.splice(0, corners.length, corner);
        else corners.push(corner);
        redraw();
        onChange([...corners]);
      }, ScreenSpaceEventType.LEFT_CLICK);
      return () => {
        handler.destroy();
        drawing = false;
        sketch.removeAll();
        sketchPoints.removeAll();
        requestRender();
      };
    },
    destroy() {
      for (const collection of [points, lines, labels, sketch, sketchPoints])
        scene.primitives.remove(collection);
    },
  };
}
