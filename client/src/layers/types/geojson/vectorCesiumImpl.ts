/**
 * Cesium binding of vector features (a GeoJSON file, a WFS or OGC API Features collection, a user's
 * file), drawn as the catalogue's style says. Batched, never one Entity per feature:
 * - polygon fills: one Primitive of PolygonGeometry instances with per-instance colour and show;
 * - lines and polygon outlines: one Primitive of PolylineGeometry instances, the same attributes;
 * - points: one PointPrimitiveCollection (dots) and one BillboardCollection (built-in symbols);
 * - labels: one LabelCollection, decluttered on screen; clusters: a BillboardCollection of counts.
 * Features outside their dates (`time`) are hidden at the map's time. Clusters and labels are
 * recomputed when the camera comes to rest (`camera.moveEnd`), not in every frame.
 *
 * On a pack's terrain (decision 0016) fills, and lines without heights, are draped on the ground (a
 * GroundPrimitive and a GroundPolylinePrimitive, classifying the terrain only, so roofs keep their
 * colour); lines with a height at every vertex (the pack's roads) stay as they are, and points and
 * labels without a height of their own stand at the ground's sampled height. The terrain
 * arrives after the layers may have loaded, so a change of terrain draws the layer again.
 */
import {
  ArcType,
  BillboardCollection,
  ClassificationType,
  Cartesian3,
  Color,
  ColorGeometryInstanceAttribute,
  DistanceDisplayCondition,
  GeometryInstance,
  GroundPolylineGeometry,
  GroundPolylinePrimitive,
  GroundPrimitive,
  HorizontalOrigin,
  LabelCollection,
  LabelStyle,
  PerInstanceColorAppearance,
  PointPrimitiveCollection,
  PolygonGeometry,
  PolygonHierarchy,
  PolylineColorAppearance,
  PolylineGeometry,
  Primitive,
  SceneTransforms,
  ShowGeometryInstanceAttribute,
  VerticalOrigin,
  Cartesian2,
  type Billboard,
  type Label,
  type PointPrimitive,
} from 'cesium';
import type { LocalizedText, VectorStyle } from '../../../../../protocol/index.ts';
import {
  heightOf,
  linesOf,
  pointsOf,
  polygonsOf,
  type CityFeature,
  type LonLatMaybeHeight,
} from '../../../geo/geojson.ts';
import { placeKey, type LonLat } from '../../../viewer/groundHeight.ts';
import type { CesiumLayerContext } from '../../../viewer/layerContext.ts';
import type { LayerImplementation } from '../../layerModel.ts';
import {
  featureInterval,
  isShownAt,
  type FeatureInterval,
  type FeatureTimeProperties,
} from './featureTime.ts';
import { clusterPoints, declutterLabels, type LabelBox, type ScreenPoint } from './screenSpace.ts';
import { ICON_GLYPHS, ICON_GRID } from './vectorIcons.ts';
import { createStyleResolver, labelText, type ResolvedStyle, type VectorIcon } from './vectorStyle.ts';

/** Metres above the ground, so fills and lines do not flicker against it. */
const FILL_LIFT_M = 0.3;
/**
 * Lines float 0.6 m plus 0.3 m per pixel of width: wide lines (a closed road) lie above thin ones
 * and above the traffic layer's lines (1.5 m), thin outlines and plain roads (2 px: 1.2 m) below them.
 */
const LINE_LIFT_BASE_M = 0.6;
const LINE_LIFT_PER_PX_M = 0.3;
const POINT_LIFT_M = 1.5;
/** A fill written `#rrggbb` is drawn this opaque, so the map shows through; `#rrggbbaa` keeps its own. */
const OPAQUE_FILL_ALPHA = 0.6;
/** Points closer than this on screen join one cluster. */
const CLUSTER_RADIUS_PX = 36;
/** Icons are drawn this many times the point size (the badge needs room for its glyph). */
const ICON_SCALE = 2.4;
const LABEL_FONT_PX = 13;
const LABEL_MAX_DISTANCE_M = 5000;

/** Most frames asked for in a row while primitives or symbols are prepared (a few seconds' worth). */
const MAX_PREPARING_FRAMES = 120;

/** Loads the features to draw; aborted when the layer goes away. */
export type LoadFeatures = (signal: AbortSignal) => Promise<readonly CityFeature[]>;

/** The `id` of what a vector layer draws, so `scene.pick` leads back to the feature. */
export interface VectorPickTag {
  readonly citytwinFeatureId: string;
  readonly properties: Readonly<Record<string, unknown>>;
  /** The title of the layer it belongs to, for the info panel's heading. */
  readonly layerTitle: LocalizedText | null;
}

/** How a vector layer is drawn: its entry's opacity, style, dates and title. */
export interface VectorLayerOptions {
  readonly opacity: number;
  /** Without one, the default style. */
  readonly style?: VectorStyle | undefined;
  readonly time?: FeatureTimeProperties | undefined;
  readonly title?: LocalizedText | undefined;
}

interface InstanceItem {
  readonly feature: number;
  readonly id: VectorPickTag;
  readonly color: Color;
}

interface PointItem {
  readonly feature: number;
  readonly position: Cartesian3;
  readonly primitive: PointPrimitive | Billboard;
  readonly color: Color;
}

interface LabelItem {
  readonly feature: number;
  readonly position: Cartesian3;
  readonly label: Label;
  readonly widthPx: number;
}

function cartesian(p: LonLatMaybeHeight, liftM: number): Cartesian3 {
  return Cartesian3.fromDegrees(p[0], p[1], heightOf(p) + liftM);
}

/** Ground heights sampled for places without a height of their own, by {@link placeKey}. */
type GroundAt = ReadonlyMap<string, number>;

/** Where a point or label stands: its own height, else the sampled ground (0 on the ellipsoid). */
function standing(p: LonLatMaybeHeight, groundAt: GroundAt, liftM: number): Cartesian3 {
  const heightM = p.length === 3 ? p[2] : (groundAt.get(placeKey(p[0], p[1])) ?? 0);
  return Cartesian3.fromDegrees(p[0], p[1], heightM + liftM);
}

/** A ring without GeoJSON's repeated last position (Cesium polygons must not repeat it). */
function openRing(ring: readonly LonLatMaybeHeight[], liftM: number): Cartesian3[] {
  const last = ring.length - 1;
  const closed = last > 0 && ring[0]?.[0] === ring[last]?.[0] && ring[0]?.[1] === ring[last]?.[1];
  return (closed ? ring.slice(0, last) : ring).map((p) => cartesian(p, liftM));
}

function fillColorOf(css: string): Color {
  const color = Color.fromCssColorString(css);
  return css.length === 7 ? color.withAlpha(OPAQUE_FILL_ALPHA) : color;
}

/** Where a feature's label goes: its first point, the middle of its outer ring, or its line's middle. */
function labelAnchor(feature: CityFeature): LonLatMaybeHeight | null {
  const [point] = pointsOf(feature.geometry);
  if (point) return point;
  const outer = polygonsOf(feature.geometry)[0]?.[0];
  if (outer && outer.length > 0) {
    let lon = 0;
    let lat = 0;
    const ring = outer.slice(0, -1);
    for (const p of ring) {
      lon += p[0];
      lat += p[1];
    }
    return [lon / ring.length, lat / ring.length, heightOf(outer[0] as LonLatMaybeHeight)];
  }
  const line = linesOf(feature.geometry)[0];
  return line ? (line[Math.floor(line.length / 2)] ?? null) : null;
}

const iconCache = new Map<string, HTMLCanvasElement>();

/** A badge of `icon` in `css` colour, `sizePx` wide (drawn at twice the size for sharp edges). */
function iconCanvas(icon: VectorIcon, css: string, sizePx: number): HTMLCanvasElement {
  const key = `${icon}|${css}|${sizePx}`;
  const cached = iconCache.get(key);
  if (cached) return cached;
  const canvas = document.createElement('canvas');
  const pixels = Math.round(sizePx * 2);
  canvas.width = pixels;
  canvas.height = pixels;
  const g = canvas.getContext('2d');
  if (g) {
    g.scale(pixels / ICON_GRID, pixels / ICON_GRID);
    g.beginPath();
    g.arc(12, 12, 11, 0, Math.PI * 2);
    g.fillStyle = css.slice(0, 7);
    g.fill();
    g.lineWidth = 1.5;
    g.strokeStyle = '#ffffff';
    g.stroke();
    const glyph = ICON_GLYPHS[icon];
    g.fillStyle = '#ffffff';
    for (const path of glyph.fill) g.fill(new Path2D(path), 'evenodd');
    g.lineWidth = 1.6;
    g.lineCap = 'round';
    for (const path of glyph.stroke) g.stroke(new Path2D(path));
  }
  iconCache.set(key, canvas);
  return canvas;
}

/** The symbol of a cluster: a dark disc with the count, its size growing slowly with the count. */
function clusterCanvas(count: number, css: string): HTMLCanvasElement {
  const text = count > 999 ? `${Math.floor(count / 1000)}k` : String(count);
  const key = `cluster|${text}|${css}`;
  const cached = iconCache.get(key);
  if (cached) return cached;
  const sizePx = Math.min(56, 26 + 6 * Math.log10(count));
  const canvas = document.createElement('canvas');
  const pixels = Math.round(sizePx * 2);
  canvas.width = pixels;
  canvas.height = pixels;
  const g = canvas.getContext('2d');
  if (g) {
    const r = pixels / 2;
    g.beginPath();
    g.arc(r, r, r - 3, 0, Math.PI * 2);
    g.fillStyle = css.slice(0, 7);
    g.fill();
    g.lineWidth = 5;
    g.strokeStyle = 'rgba(255,255,255,0.9)';
    g.stroke();
    g.fillStyle = '#ffffff';
    g.font = `700 ${Math.round(pixels * 0.4)}px system-ui, "Segoe UI", Roboto, sans-serif`;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText(text, r, r + 1);
  }
  iconCache.set(key, canvas);
  return canvas;
}

/**
 * Creates the binding. The options come from the catalogue entry; WFS and OGC API Features layers
 * without a style are drawn in the default style.
 */
export function createVectorCesiumImpl(
  context: CesiumLayerContext,
  loadFeatures: LoadFeatures,
  { opacity, style, time, title }: VectorLayerOptions,
): LayerImplementation {
  const scene = context.viewer.scene;
  const abort = new AbortController();
  let destroyed = false;
  let visible = false;
  let alpha = opacity;
  let features: readonly CityFeature[] = [];
  let intervals: (FeatureInterval | null)[] = [];
  /** Whether each feature is inside its dates at the map's time. */
  let inTime: boolean[] = [];
  let fills: Primitive | GroundPrimitive | null = null;
  let lines: Primitive | null = null;
  /** Lines without heights, draped on the terrain. */
  let groundLines: GroundPolylinePrimitive | null = null;
  let fillItems: InstanceItem[] = [];
  let lineItems: InstanceItem[] = [];
  let groundLineItems: InstanceItem[] = [];
  let dots: PointPrimitiveCollection | null = null;
  let icons: BillboardCollection | null = null;
  let clusters: BillboardCollection | null = null;
  let labels: LabelCollection | null = null;
  let pointItems: PointItem[] = [];
  let labelItems: LabelItem[] = [];
  /** Features whose points are drawn as part of a cluster now. */
  let clustered = new Set<number>();
  /** Instance attributes wait until the primitive's workers are done. */
  let instancesDirty = false;
  /** Frames asked for in a row while something was still being prepared. */
  let preparingFrames = 0;
  const cleanups: (() => void)[] = [];

  function applyInstances(
    primitive: Primitive | GroundPrimitive | GroundPolylinePrimitive | null,
    items: readonly InstanceItem[],
  ): boolean {
    if (!primitive) return true;
    if (!primitive.ready) return false;
    const scratch = new Color();
    for (const item of items) {
      const attributes = primitive.getGeometryInstanceAttributes(item.id) as
        { color: Uint8Array; show: Uint8Array } | undefined;
      if (!attributes) continue;
      Color.clone(item.color, scratch);
      scratch.alpha *= alpha;
      attributes.color = ColorGeometryInstanceAttribute.toValue(scratch, attributes.color);
      attributes.show = ShowGeometryInstanceAttribute.toValue(inTime[item.feature] === true, attributes.show);
    }
    return true;
  }

  function flushInstances(): void {
    if (!instancesDirty) return;
    const done =
      applyInstances(fills, fillItems) &&
      applyInstances(lines, lineItems) &&
      applyInstances(groundLines, groundLineItems);
    if (done) {
      instancesDirty = false;
      context.requestRender();
    }
  }

  /**
   * After each frame: writes waiting attributes, and asks for another frame while something shown is
   * still being prepared (primitives in the workers, symbols and glyphs in the texture atlas). The
   * viewer renders only on request, and Cesium asks for no frame when they are done.
   */
  function afterRender(): void {
    flushInstances();
    if (!visible) return;
    const building = [fills, lines, groundLines].some((p) => p !== null && !p.ready);
    const atlasPending = [icons, clusters, labels].some(
      (c) => c !== null && c.length > 0 && !(c as unknown as { ready: boolean }).ready,
    );
    if (!building && !atlasPending) {
      preparingFrames = 0;
      return;
    }
    // A collection whose items are all hidden (decluttered labels) may never report ready: a bounded
    // number of extra frames, so a shown layer cannot keep the map rendering at rest.
    preparingFrames += 1;
    if (preparingFrames <= MAX_PREPARING_FRAMES) context.requestRender();
  }

  function paintPoints(): void {
    const scratch = new Color();
    for (const item of pointItems) {
      Color.clone(item.color, scratch);
      scratch.alpha *= alpha;
      item.primitive.color = scratch;
      item.primitive.show = inTime[item.feature] === true && !clustered.has(item.feature);
    }
    if (clusters)
      for (let i = 0; i < clusters.length; i++) clusters.get(i).color = Color.WHITE.withAlpha(alpha);
  }

  /** Clusters points and declutters labels for the camera as it is now. */
  function layoutOnScreen(): void {
    if (!visible || destroyed) return;
    const project = (position: Cartesian3): ScreenPoint | null => {
      const window = SceneTransforms.worldToWindowCoordinates(scene, position);
      return window ? { x: window.x, y: window.y } : null;
    };
    clustered = new Set();
    if (style?.cluster && clusters) {
      clusters.removeAll();
      const candidates = pointItems.map((item) =>
        inTime[item.feature] === true ? project(item.position) : null,
      );
      for (const cluster of clusterPoints(candidates, CLUSTER_RADIUS_PX)) {
        if (cluster.members.length < 2) continue;
        const centre = new Cartesian3();
        for (const m of cluster.members) {
          const item = pointItems[m] as PointItem;
          clustered.add(item.feature);
          Cartesian3.add(centre, item.position, centre);
        }
        Cartesian3.divideByScalar(centre, cluster.members.length, centre);
        const first = pointItems[cluster.members[0] as number] as PointItem;
        clusters.add({
          position: centre,
          image: clusterCanvas(cluster.members.length, first.color.toCssHexString()),
          scale: 0.5,
          color: Color.WHITE.withAlpha(alpha),
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
          id: { citytwinClusterSize: cluster.members.length },
        });
      }
    }
    paintPoints();
    if (labels) {
      const boxes = labelItems.map((item): LabelBox | null => {
        if (inTime[item.feature] !== true || clustered.has(item.feature)) return null;
        const at = project(item.position);
        return at ? { ...at, widthPx: item.widthPx, heightPx: LABEL_FONT_PX + 10 } : null;
      });
      const shown = declutterLabels(boxes);
      labelItems.forEach((item, i) => {
        item.label.show = shown[i] === true;
      });
    }
    context.requestRender();
  }

  function refreshTime(): void {
    const nowMs = context.mapTime.nowMs();
    const next = intervals.map((interval) => interval === null || isShownAt(interval, nowMs));
    if (next.length === inTime.length && next.every((v, i) => v === inTime[i])) return;
    inTime = next;
    instancesDirty = true;
    flushInstances();
    layoutOnScreen();
    paintPoints();
    context.requestRender();
  }

  /** Whether fills and lines are draped on the ground: a terrain to drape on, and a GPU that can. */
  function drapes(): boolean {
    return (
      context.ground.hasTerrain &&
      GroundPrimitive.isSupported(scene) &&
      GroundPolylinePrimitive.isSupported(scene)
    );
  }

  /** The ground heights of the points and label anchors without a height of their own. */
  async function sampleGround(): Promise<GroundAt> {
    if (!context.ground.hasTerrain) return new Map();
    const places = new Map<string, LonLat>();
    const want = (p: LonLatMaybeHeight | null) => {
      if (p && p.length !== 3) places.set(placeKey(p[0], p[1]), [p[0], p[1]]);
    };
    for (const feature of features) {
      for (const point of pointsOf(feature.geometry)) want(point);
      if (style?.label) want(labelAnchor(feature));
    }
    const list = [...places];
    const heights = await context.ground.heightsAt(list.map(([, place]) => place));
    return new Map(list.map(([key], i) => [key, heights[i] ?? 0]));
  }

  function build(groundAt: GroundAt): void {
    const drape = drapes();
    const resolve = createStyleResolver(style);
    const fillInstances: GeometryInstance[] = [];
    const lineInstances: GeometryInstance[] = [];
    const groundLineInstances: GeometryInstance[] = [];
    const dotCollection = new PointPrimitiveCollection({ show: false });
    const iconCollection = new BillboardCollection({ scene, show: false });
    const labelCollection = style?.label ? new LabelCollection({ scene, show: false }) : null;
    const tagOf = (feature: CityFeature): VectorPickTag => ({
      citytwinFeatureId: feature.id,
      properties: feature.properties,
      layerTitle: title ?? null,
    });
    features.forEach((feature, index) => {
      const resolved: ResolvedStyle = resolve(feature.properties);
      const show = inTime[index] === true;
      const lineColor = Color.fromCssColorString(resolved.color);
      for (const [outer, ...holes] of polygonsOf(feature.geometry)) {
        if (!outer || outer.length < 4 || resolved.fillColor === null) continue;
        const id = tagOf(feature);
        const color = fillColorOf(resolved.fillColor);
        fillItems.push({ feature: index, id, color });
        const polygonHierarchy = new PolygonHierarchy(
          openRing(outer, 0),
          holes.map((hole) => new PolygonHierarchy(openRing(hole, 0))),
        );
        fillInstances.push(
          new GeometryInstance({
            geometry: new PolygonGeometry({
              polygonHierarchy,
              // Draped, the ground gives the heights; else a level fill at the first corner's height.
              ...(drape ? {} : { height: heightOf(outer[0] as LonLatMaybeHeight) + FILL_LIFT_M }),
              vertexFormat: PerInstanceColorAppearance.FLAT_VERTEX_FORMAT,
            }),
            id,
            attributes: {
              color: ColorGeometryInstanceAttribute.fromColor(color.withAlpha(color.alpha * alpha)),
              show: new ShowGeometryInstanceAttribute(show),
            },
          }),
        );
      }
      for (const line of linesOf(feature.geometry)) {
        const liftM = LINE_LIFT_BASE_M + LINE_LIFT_PER_PX_M * resolved.lineWidthPx;
        const positions = line.map((p) => cartesian(p, liftM));
        if (positions.length < 2) continue;
        // A line with the ground's height at each vertex (the pack's roads) is drawn as it is.
        const onGround = drape && line.some((p) => p.length !== 3);
        const id = tagOf(feature);
        (onGround ? groundLineItems : lineItems).push({ feature: index, id, color: lineColor });
        (onGround ? groundLineInstances : lineInstances).push(
          new GeometryInstance({
            geometry: onGround
              ? new GroundPolylineGeometry({ positions, width: resolved.lineWidthPx })
              : new PolylineGeometry({
                  positions,
                  width: resolved.lineWidthPx,
                  vertexFormat: PolylineColorAppearance.VERTEX_FORMAT,
                  // Features are small next to the earth: straight lines, no geodesic subdivision.
                  arcType: ArcType.NONE,
                }),
            id,
            attributes: {
              color: ColorGeometryInstanceAttribute.fromColor(lineColor.withAlpha(lineColor.alpha * alpha)),
              show: new ShowGeometryInstanceAttribute(show),
            },
          }),
        );
      }
      for (const point of pointsOf(feature.geometry)) {
        const position = standing(point, groundAt, POINT_LIFT_M);
        if (resolved.icon) {
          const sizePx = resolved.pointSizePx * ICON_SCALE;
          pointItems.push({
            feature: index,
            position,
            color: Color.WHITE.clone(),
            primitive: iconCollection.add({
              position,
              image: iconCanvas(resolved.icon, resolved.color, sizePx),
              width: sizePx,
              height: sizePx,
              disableDepthTestDistance: Number.POSITIVE_INFINITY,
              show,
              id: tagOf(feature),
            }),
          });
        } else {
          pointItems.push({
            feature: index,
            position,
            color: lineColor,
            primitive: dotCollection.add({
              position,
              pixelSize: resolved.pointSizePx,
              color: lineColor.withAlpha(lineColor.alpha * alpha),
              outlineColor: Color.WHITE,
              outlineWidth: 1.5,
              disableDepthTestDistance: Number.POSITIVE_INFINITY,
              show,
              id: tagOf(feature),
            }),
          });
        }
      }
      const text = labelCollection ? labelText(feature.properties, style) : null;
      const anchor = text ? labelAnchor(feature) : null;
      if (labelCollection && text && anchor) {
        const position = standing(anchor, groundAt, POINT_LIFT_M);
        const hasSymbol = pointsOf(feature.geometry).length > 0;
        labelItems.push({
          feature: index,
          position,
          widthPx: text.length * LABEL_FONT_PX * 0.58 + 12,
          label: labelCollection.add({
            position,
            text,
            font: `600 ${LABEL_FONT_PX}px system-ui, "Segoe UI", Roboto, sans-serif`,
            style: LabelStyle.FILL,
            fillColor: Color.WHITE,
            showBackground: true,
            backgroundColor: Color.fromCssColorString('rgba(12, 18, 26, 0.78)'),
            backgroundPadding: new Cartesian2(5, 3),
            horizontalOrigin: HorizontalOrigin.CENTER,
            verticalOrigin: VerticalOrigin.BOTTOM,
            pixelOffset: new Cartesian2(0, hasSymbol ? -resolved.pointSizePx * 1.4 - 4 : 0),
            disableDepthTestDistance: Number.POSITIVE_INFINITY,
            distanceDisplayCondition: new DistanceDisplayCondition(0, LABEL_MAX_DISTANCE_M),
            show,
            id: tagOf(feature),
          }),
        });
      }
    });
    if (fillInstances.length > 0) {
      const fillOptions = {
        geometryInstances: fillInstances,
        appearance: new PerInstanceColorAppearance({ flat: true, translucent: true }),
        show: false,
      };
      fills = scene.primitives.add(
        drape
          ? new GroundPrimitive({ ...fillOptions, classificationType: ClassificationType.TERRAIN })
          : new Primitive(fillOptions),
      );
    }
    const lineOptions = (geometryInstances: GeometryInstance[]) => ({
      geometryInstances,
      appearance: new PolylineColorAppearance({ translucent: true }),
      show: false,
    });
    if (lineInstances.length > 0) lines = scene.primitives.add(new Primitive(lineOptions(lineInstances)));
    if (groundLineInstances.length > 0)
      groundLines = scene.primitives.add(
        new GroundPolylinePrimitive({
          ...lineOptions(groundLineInstances),
          classificationType: ClassificationType.TERRAIN,
        }),
      );
    dots = scene.primitives.add(dotCollection);
    icons = scene.primitives.add(iconCollection);
    clusters = style?.cluster ? scene.primitives.add(new BillboardCollection({ scene, show: false })) : null;
    labels = labelCollection ? scene.primitives.add(labelCollection) : null;
  }

  /** Takes what `build` drew off the map. */
  function clear(): void {
    for (const item of [fills, lines, groundLines, dots, icons, clusters, labels])
      if (item) scene.primitives.remove(item);
    fills = lines = groundLines = null;
    dots = null;
    icons = clusters = null;
    labels = null;
    fillItems = [];
    lineItems = [];
    groundLineItems = [];
    pointItems = [];
    labelItems = [];
    clustered = new Set();
  }

  /** Draws the features for the ground as it is now; a later call (new terrain) wins. */
  let drawing = 0;
  /** Whether the features on the map were placed on a terrain (else on the ellipsoid). */
  let drawnOnTerrain = false;
  async function draw(): Promise<void> {
    const mine = ++drawing;
    const onTerrain = context.ground.hasTerrain;
    const groundAt = await sampleGround();
    if (destroyed || mine !== drawing) return;
    drawnOnTerrain = onTerrain;
    clear();
    build(groundAt);
    setShow(visible);
    instancesDirty = true;
    preparingFrames = 0;
    layoutOnScreen();
    context.requestRender();
  }

  function setShow(show: boolean): void {
    for (const item of [fills, lines, groundLines, dots, icons, clusters, labels]) if (item) item.show = show;
  }

  return {
    async load() {
      const loaded = await loadFeatures(abort.signal);
      if (destroyed) return;
      features = loaded;
      intervals = features.map((feature) => (time ? featureInterval(feature.properties, time) : null));
      const nowMs = context.mapTime.nowMs();
      inTime = intervals.map((interval) => interval === null || isShownAt(interval, nowMs));
      await draw();
      if (destroyed) return;
      // The pack's terrain arrives after the viewer starts, or another comes: drawn again on it.
      // From the ellipsoid to the ellipsoid nothing moves: no need to build it all again.
      cleanups.push(
        context.ground.onChange(() => {
          if (context.ground.hasTerrain || drawnOnTerrain) void draw();
        }),
      );
      if (time) cleanups.push(context.mapTime.subscribe(refreshTime));
      if (style?.cluster || labels)
        cleanups.push(
          scene.camera.moveEnd.addEventListener(() => {
            preparingFrames = 0;
            layoutOnScreen();
          }),
        );
      // The primitives build in workers; attributes changed meanwhile are written when they are ready.
      cleanups.push(scene.postRender.addEventListener(afterRender));
    },
    setVisible(show) {
      visible = show;
      preparingFrames = 0;
      setShow(show);
      if (show) layoutOnScreen();
      context.requestRender();
    },
    setOpacity(value) {
      alpha = value;
      instancesDirty = true;
      flushInstances();
      paintPoints();
      if (labels) labels.show = visible && value > 0;
      context.requestRender();
    },
    destroy() {
      destroyed = true;
      abort.abort();
      for (const cleanup of cleanups.splice(0)) cleanup();
      clear();
      context.requestRender();
    },
  };
}
