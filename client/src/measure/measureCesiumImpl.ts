/**
 * The measuring tool on the Cesium map: left clicks put points on buildings or the ground, the mouse
 * drags a rubber band from the last one, a double click or Enter finishes, Backspace takes the last
 * point back, Escape drops the measurement. It draws the points, the lines (faint where a building
 * hides them), a translucent area, a vertical line for a height, and a label with the value.
 *
 * What is measured and how it reads are pure (`measureModel.ts`, `geodesy.ts`); this file picks,
 * draws and listens. A few primitives, rebuilt on each change: a measurement has a handful of points.
 */
import {
  ArcType,
  Billboard,
  Cartesian2,
  Cartesian3,
  Cartographic,
  Color,
  ColorGeometryInstanceAttribute,
  EllipsoidTerrainProvider,
  GeometryInstance,
  HorizontalOrigin,
  Label,
  LabelCollection,
  LabelStyle,
  Math as CesiumMath,
  PerInstanceColorAppearance,
  PointPrimitive,
  PointPrimitiveCollection,
  PolygonGeometry,
  PolygonHierarchy,
  PolylineColorAppearance,
  PolylineGeometry,
  Primitive,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
  VerticalOrigin,
  type Viewer,
} from 'cesium';
import type { LonLatHeight } from './geodesy.ts';
import {
  addPoint,
  clearPoints,
  finish,
  MEASURE_OFF,
  measure,
  removeLastPoint,
  setMode,
  withHover,
  type MeasureMode,
  type MeasurePoint,
  type MeasureResult,
  type MeasureState,
} from './measureModel.ts';

/** What the tool tells its listeners: the state and the values of the points picked so far. */
export interface MeasureToolState {
  readonly measure: MeasureState;
  /** The values of the picked points (no rubber band); null while the tool is off. */
  readonly result: MeasureResult | null;
}

/** The measuring tool as the panel drives it. */
export interface MeasureToolHandle {
  getState(): MeasureToolState;
  /** Calls `listener` after every change; returns the function that stops it. */
  subscribe(listener: () => void): () => void;
  /** Switches to a mode, dropping the measurement; null turns the tool off. */
  setMode(mode: MeasureMode | null): void;
  /** Finishes the measurement (as a double click does). */
  finish(): void;
  /** Takes the last point back. */
  removeLastPoint(): void;
  /** Drops the points, stays in the mode. */
  clear(): void;
  /**
   * Puts a point where the middle of the map shows (for keyboard use: move the map, then add);
   * false where the middle shows no ground or building.
   */
  addPointAtCentre(): boolean;
  /** Draws again, e.g. after the language changed (the map label's words and numbers). */
  refresh(): void;
  /** Turns the tool off and removes everything it drew and listened to. */
  destroy(): void;
}

/** Options of {@link createMeasureTool}. */
export interface MeasureToolOptions {
  /** The map label's text for a result (the rubber band's values included); lines with `\n`. */
  readonly label: (result: MeasureResult) => string;
  /** Called when the tool starts (a mode is chosen) or stops taking the map's clicks. */
  readonly onActiveChange?: ((active: boolean) => void) | undefined;
}

/** Pick id of everything the tool draws, so its own points are never picked as a surface. */
export const MEASURE_PICK_ID = 'measure';

const LINE_COLOR = Color.fromCssColorString('#ffd23f');
const RUBBER_COLOR = Color.fromCssColorString('#fff3b0');
const HIDDEN_ALPHA = 0.35;
const AREA_COLOR = Color.fromCssColorString('#ffd23f').withAlpha(0.28);
const LINE_WIDTH_PX = 3;

function toCartesian([lon, lat, height]: LonLatHeight): Cartesian3 {
  return Cartesian3.fromDegrees(lon, lat, height);
}

function isOwnOrMarker(picked: unknown): boolean {
  if (typeof picked !== 'object' || picked === null) return false;
  const { id, primitive } = picked as { id?: unknown; primitive?: unknown };
  // Points, billboards and labels are markers floating over the map, not surfaces to measure on.
  return (
    id === MEASURE_PICK_ID ||
    primitive instanceof PointPrimitive ||
    primitive instanceof Billboard ||
    primitive instanceof Label
  );
}

/**
 * Creates the tool, off. `onChange` gets every new state (as subscribers do); `requestRender` is
 * called after each change, since the map renders only on request.
 */
export function createMeasureTool(
  viewer: Viewer,
  requestRender: () => void,
  onChange: (state: MeasureToolState) => void,
  options: MeasureToolOptions,
): MeasureToolHandle {
  const scene = viewer.scene;
  const points = scene.primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection;
  const labels = scene.primitives.add(new LabelCollection({ scene })) as LabelCollection;
  /**
   * One label, made at the first value and then moved and rewritten (not re-created at every mouse
   * move); hidden, it stays at its last place, so the collection's bounds never reach out to the
   * earth's centre.
   */
  let label: Label | null = null;
  function showLabel(position: Cartesian3, text: string): void {
    if (label) {
      label.position = position;
      label.text = text;
      label.show = true;
      return;
    }
    label = labels.add({
      position,
      text,
      font: '600 15px system-ui, sans-serif',
      fillColor: Color.WHITE,
      outlineColor: Color.BLACK,
      outlineWidth: 3,
      style: LabelStyle.FILL_AND_OUTLINE,
      showBackground: true,
      backgroundColor: Color.fromCssColorString('#14181c').withAlpha(0.82),
      horizontalOrigin: HorizontalOrigin.LEFT,
      verticalOrigin: VerticalOrigin.BOTTOM,
      pixelOffset: new Cartesian2(12, -12),
      disableDepthTestDistance: Number.POSITIVE_INFINITY,
      id: MEASURE_PICK_ID,
    });
  }
  let shapes: Primitive[] = [];
  let state: MeasureToolState = { measure: MEASURE_OFF, result: null };
  let hover: MeasurePoint | null = null;
  let hoverAt: Cartesian2 | null = null;
  let hoverFrame: number | null = null;
  let destroyed = false;
  const listeners = new Set<() => void>();

  /**
   * The surface under a window position: a building or model (from the depth buffer), else the
   * terrain, else the ellipsoid. Without terrain heights (the default ellipsoid terrain) the ground
   * is the ellipsoid itself, and the exact ray intersection is taken: `globe.pick` hits the rendered
   * tile mesh, whose flat triangles lie tens of metres below the ellipsoid until the tiles of the
   * view have refined (seen in Chromium right after a camera move: 2 to 5 m off in a 140 m line).
   */
  function pickSurface(windowPosition: Cartesian2): MeasurePoint | null {
    let hit: Cartesian3 | undefined;
    if (scene.pickPositionSupported) {
      const picked: unknown = scene.pick(windowPosition);
      if (picked !== undefined && !isOwnOrMarker(picked)) hit = scene.pickPosition(windowPosition);
    }
    const flatGround = scene.terrainProvider instanceof EllipsoidTerrainProvider;
    if (!hit && !flatGround) {
      const ray = scene.camera.getPickRay(windowPosition);
      hit = ray ? scene.globe.pick(ray, scene) : undefined;
    }
    hit ??= scene.camera.pickEllipsoid(windowPosition, scene.globe.ellipsoid);
    if (!hit) return null;
    const where = Cartographic.fromCartesian(hit);
    if (!where) return null;
    const ground = flatGround ? 0 : scene.globe.getHeight(where);
    return {
      position: [CesiumMath.toDegrees(where.longitude), CesiumMath.toDegrees(where.latitude), where.height],
      groundHeightM: ground ?? null,
    };
  }

  /** A line; along the ellipsoid (what is measured) unless `straight` (the vertical of a height). */
  function lineInstance(positions: Cartesian3[], color: Color, straight = false): GeometryInstance {
    return new GeometryInstance({
      geometry: new PolylineGeometry({
        positions,
        width: LINE_WIDTH_PX,
        arcType: straight ? ArcType.NONE : ArcType.GEODESIC,
      }),
      attributes: {
        color: ColorGeometryInstanceAttribute.fromColor(color),
        depthFailColor: ColorGeometryInstanceAttribute.fromColor(color.withAlpha(HIDDEN_ALPHA)),
      },
      id: MEASURE_PICK_ID,
    });
  }

  /** The segments to draw for `drawn` points (the last one may be the rubber band's). */
  function lineInstances(
    mode: MeasureMode,
    drawn: readonly MeasurePoint[],
    rubber: boolean,
  ): GeometryInstance[] {
    const at = drawn.map((p) => toCartesian(p.position));
    const instances: GeometryInstance[] = [];
    const colorOf = (segment: number) => (rubber && segment === at.length - 2 ? RUBBER_COLOR : LINE_COLOR);
    if (mode === 'height') {
      const [first, second] = drawn;
      if (!first || !second) return instances;
      const [low, high] = first.position[2] <= second.position[2] ? [first, second] : [second, first];
      // The vertical stands under (or over) the higher point and reaches down to the lower one's
      // height; a level line joins its foot to the lower point.
      const foot = toCartesian([high.position[0], high.position[1], low.position[2]]);
      const color = rubber ? RUBBER_COLOR : LINE_COLOR;
      instances.push(lineInstance([foot, toCartesian(high.position)], color, true));
      if (Cartesian3.distance(foot, toCartesian(low.position)) > 0.01)
        instances.push(lineInstance([toCartesian(low.position), foot], color.withAlpha(0.8), true));
      return instances;
    }
    for (let i = 1; i < at.length; i += 1)
      instances.push(lineInstance([at[i - 1] as Cartesian3, at[i] as Cartesian3], colorOf(i - 1)));
    // An area closes back to its first point.
    if (mode === 'area' && at.length >= 3)
      instances.push(
        lineInstance(
          [at[at.length - 1] as Cartesian3, at[0] as Cartesian3],
          rubber ? RUBBER_COLOR : LINE_COLOR,
        ),
      );
    return instances;
  }

  function labelPosition(mode: MeasureMode, drawn: readonly MeasurePoint[]): Cartesian3 | null {
    const last = drawn[drawn.length - 1];
    if (!last) return null;
    if (mode === 'area' && drawn.length >= 3) {
      // The centroid of the corners, at the highest corner's height so a roof does not hide it.
      const lon = drawn.reduce((sum, p) => sum + p.position[0], 0) / drawn.length;
      const lat = drawn.reduce((sum, p) => sum + p.position[1], 0) / drawn.length;
      return toCartesian([lon, lat, Math.max(...drawn.map((p) => p.position[2]))]);
    }
    if (mode === 'height' && drawn.length >= 2) {
      const [first, second] = drawn as [MeasurePoint, MeasurePoint];
      const high = first.position[2] >= second.position[2] ? first : second;
      const middle = (first.position[2] + second.position[2]) / 2;
      return toCartesian([high.position[0], high.position[1], middle]);
    }
    return toCartesian(last.position);
  }

  function areaShape(drawn: readonly MeasurePoint[]): Primitive {
    const appearance = () => new PerInstanceColorAppearance({ translucent: true, flat: true, closed: false });
    return scene.primitives.add(
      new Primitive({
        geometryInstances: new GeometryInstance({
          geometry: new PolygonGeometry({
            polygonHierarchy: new PolygonHierarchy(drawn.map((p) => toCartesian(p.position))),
            perPositionHeight: true,
          }),
          attributes: {
            color: ColorGeometryInstanceAttribute.fromColor(AREA_COLOR),
            depthFailColor: ColorGeometryInstanceAttribute.fromColor(AREA_COLOR.withAlpha(0.12)),
          },
          id: MEASURE_PICK_ID,
        }),
        appearance: appearance(),
        depthFailAppearance: appearance(),
        asynchronous: false,
        allowPicking: false,
      }),
    ) as Primitive;
  }

  function redraw(): void {
    // The map may be gone before the tool (switching town): nothing to draw on then.
    if (destroyed || scene.isDestroyed()) return;
    for (const shape of shapes) scene.primitives.remove(shape);
    shapes = [];
    points.removeAll();
    if (label) label.show = false;
    const { mode } = state.measure;
    if (mode !== null) {
      const drawn = withHover(state.measure, hover);
      const rubber = drawn.length > state.measure.points.length;
      for (const point of state.measure.points)
        points.add({
          position: toCartesian(point.position),
          pixelSize: 10,
          color: LINE_COLOR,
          outlineColor: Color.BLACK,
          outlineWidth: 2,
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
          id: MEASURE_PICK_ID,
        });
      const area = mode === 'area' && drawn.length >= 3 ? measure('area', drawn) : null;
      // A polygon needs some area to triangulate (three corners on one line have none).
      if (area?.kind === 'area' && area.areaM2 > 0.01) shapes.push(areaShape(drawn));
      const instances = lineInstances(mode, drawn, rubber);
      if (instances.length > 0)
        shapes.push(
          scene.primitives.add(
            new Primitive({
              geometryInstances: instances,
              appearance: new PolylineColorAppearance({ translucent: true }),
              depthFailAppearance: new PolylineColorAppearance({ translucent: true }),
              asynchronous: false,
              allowPicking: false,
            }),
          ) as Primitive,
        );
      const at = labelPosition(mode, drawn);
      if (at && drawn.length >= (mode === 'height' ? 1 : 2))
        showLabel(at, options.label(measure(mode, drawn)));
    }
    requestRender();
  }

  function update(next: MeasureState): void {
    if (destroyed || scene.isDestroyed() || next === state.measure) return;
    const wasActive = state.measure.mode !== null;
    state = { measure: next, result: next.mode === null ? null : measure(next.mode, next.points) };
    if (next.finished || next.mode === null) hover = null;
    viewer.canvas.style.cursor = next.mode === null ? '' : 'crosshair';
    redraw();
    if (wasActive !== (next.mode !== null)) options.onActiveChange?.(next.mode !== null);
    onChange(state);
    for (const listener of listeners) listener();
  }

  const handler = new ScreenSpaceEventHandler(scene.canvas);
  handler.setInputAction((event: ScreenSpaceEventHandler.PositionedEvent) => {
    if (state.measure.mode === null) return;
    const point = pickSurface(event.position);
    if (point) update(addPoint(state.measure, point));
  }, ScreenSpaceEventType.LEFT_CLICK);
  // Both clicks of a double click arrive as clicks first; the second adds no point (same place).
  handler.setInputAction(() => {
    if (state.measure.mode !== null) update(finish(state.measure));
  }, ScreenSpaceEventType.LEFT_DOUBLE_CLICK);
  handler.setInputAction((event: ScreenSpaceEventHandler.MotionEvent) => {
    const { measure: current } = state;
    if (current.mode === null || current.finished || current.points.length === 0) return;
    hoverAt = Cartesian2.clone(event.endPosition, hoverAt ?? undefined);
    // Picking renders a pick pass: at most one per animation frame, for the latest mouse position.
    hoverFrame ??= requestAnimationFrame(() => {
      hoverFrame = null;
      if (destroyed || !hoverAt) return;
      const next = pickSurface(hoverAt);
      if (!next) return;
      hover = next;
      redraw();
    });
  }, ScreenSpaceEventType.MOUSE_MOVE);

  /** Keys count where the map or the page has focus, not in a field or on a button. */
  function onKey(event: KeyboardEvent): void {
    if (state.measure.mode === null || event.defaultPrevented) return;
    const target = event.target;
    const onMap = target === document.body || target === document.documentElement;
    const inMap = target instanceof Node && viewer.container.contains(target);
    if (!onMap && !inMap) return;
    if (event.key === 'Enter') update(finish(state.measure));
    else if (event.key === 'Backspace') update(removeLastPoint(state.measure));
    else if (event.key === 'Escape') update(clearPoints(state.measure));
    else return;
    event.preventDefault();
  }
  document.addEventListener('keydown', onKey);

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setMode: (mode) => update(setMode(state.measure, mode)),
    finish: () => update(finish(state.measure)),
    removeLastPoint: () => update(removeLastPoint(state.measure)),
    clear: () => update(clearPoints(state.measure)),
    refresh: redraw,
    addPointAtCentre() {
      if (state.measure.mode === null || destroyed) return false;
      const point = pickSurface(new Cartesian2(scene.canvas.clientWidth / 2, scene.canvas.clientHeight / 2));
      if (!point) return false;
      update(addPoint(state.measure, point));
      return true;
    },
    destroy() {
      if (destroyed) return;
      // After the map itself was destroyed (switching town) there is nothing left to undraw.
      const sceneAlive = !scene.isDestroyed();
      if (sceneAlive) update(MEASURE_OFF);
      destroyed = true;
      listeners.clear();
      document.removeEventListener('keydown', onKey);
      if (hoverFrame !== null) cancelAnimationFrame(hoverFrame);
      handler.destroy();
      if (sceneAlive) {
        for (const shape of shapes) scene.primitives.remove(shape);
        scene.primitives.remove(points);
        scene.primitives.remove(labels);
        requestRender();
      }
    },
  };
}
