/**
 * Draws one map tile from a decoded vector tile with a style: ground, areas, street casings and
 * fills, rail, then the labels (places first, then street names along their streets). Works on any
 * 2D canvas context (an OffscreenCanvas in the tile worker, an HTMLCanvasElement otherwise), and on
 * a recording fake in unit tests.
 */
import type { BasemapStyle, LabelRule, PaintRule } from './basemapStyles.ts';
import { matchesFilter, valueAtZoom } from './basemapStyles.ts';
import type { DecodedFeature, DecodedTile } from './decodeBasemapTile.ts';
import type { LabelBox, PixelPoint } from './labelPlacement.ts';
import { boxesOverlap, centreDistancePx, joinLines, placeLineLabel } from './labelPlacement.ts';
import type { PixelTransform } from './tileGeometry.ts';

/** The part of a 2D canvas context the basemap draws with. */
export interface DrawContext {
  fillStyle: unknown;
  strokeStyle: unknown;
  lineWidth: number;
  lineCap: CanvasLineCap;
  lineJoin: CanvasLineJoin;
  font: string;
  textAlign: CanvasTextAlign;
  textBaseline: CanvasTextBaseline;
  save(): void;
  restore(): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  closePath(): void;
  arc(x: number, y: number, radius: number, startAngle: number, endAngle: number): void;
  fill(fillRule?: CanvasFillRule): void;
  stroke(): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  translate(x: number, y: number): void;
  rotate(angle: number): void;
  fillText(text: string, x: number, y: number): void;
  strokeText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
  setLineDash(segments: number[]): void;
}

/** What one drawing needs besides the tile. */
export interface DrawTileOptions {
  readonly style: BasemapStyle;
  /** The requested zoom (widths and labels follow it, not the data's zoom). */
  readonly zoom: number;
  readonly transform: PixelTransform;
  readonly tileSizePx: number;
}

/** Pixels between two labels of the same street in one tile, at least. */
const SAME_NAME_DISTANCE_PX = 150;
const HALO_WIDTH_PX = 3;

function toPixels(ring: readonly { x: number; y: number }[], t: PixelTransform): PixelPoint[] {
  return ring.map((p) => ({ x: p.x * t.scale + t.offsetX, y: p.y * t.scale + t.offsetY }));
}

function tracePath(
  ctx: DrawContext,
  rings: readonly (readonly { x: number; y: number }[])[],
  t: PixelTransform,
  close: boolean,
): void {
  for (const ring of rings) {
    ring.forEach((p, i) => {
      const x = p.x * t.scale + t.offsetX;
      const y = p.y * t.scale + t.offsetY;
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    if (close) ctx.closePath();
  }
}

function featuresOf(tile: DecodedTile, layer: string): readonly DecodedFeature[] {
  return tile[layer]?.features ?? [];
}

function paint(ctx: DrawContext, tile: DecodedTile, rule: PaintRule, options: DrawTileOptions): void {
  if (rule.minZoom !== undefined && options.zoom < rule.minZoom) return;
  const wanted = rule.kind === 'fill' ? 3 : 2;
  const features = featuresOf(tile, rule.layer).filter(
    (f) => f.type === wanted && matchesFilter(rule, f.properties.class, f.type),
  );
  if (features.length === 0) return;
  // One path per rule: overlapping areas are wound as the tile spec wants, so `nonzero` fills them.
  ctx.beginPath();
  for (const feature of features) tracePath(ctx, feature.geometry, options.transform, rule.kind === 'fill');
  if (rule.kind === 'fill') {
    ctx.fillStyle = rule.color;
    ctx.fill('nonzero');
    if (rule.outline && options.zoom >= 15) {
      ctx.strokeStyle = rule.outline;
      ctx.lineWidth = 1;
      ctx.setLineDash([]);
      ctx.stroke();
    }
    return;
  }
  const width = valueAtZoom(rule.width, options.zoom);
  if (width < 0.2) return;
  ctx.strokeStyle = rule.color;
  ctx.lineWidth = width;
  ctx.lineCap = rule.dash ? 'butt' : 'round';
  ctx.lineJoin = 'round';
  ctx.setLineDash(rule.dash ? [...rule.dash] : []);
  ctx.stroke();
  ctx.setLineDash([]);
}

function fontOf(style: BasemapStyle, sizePx: number, weight = 400, italic = false): string {
  return `${italic ? 'italic ' : ''}${weight} ${sizePx}px ${style.fontFamily}`;
}

function drawText(ctx: DrawContext, text: string, box: LabelBox, color: string, halo: string): void {
  ctx.save();
  ctx.translate(box.x, box.y);
  if (box.angle !== 0) ctx.rotate(box.angle);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = halo;
  ctx.lineWidth = HALO_WIDTH_PX;
  ctx.strokeText(text, 0, 0);
  ctx.fillStyle = color;
  ctx.fillText(text, 0, 0);
  ctx.restore();
}

function labelText(feature: DecodedFeature, field: string): string | undefined {
  const value = feature.properties[field];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function rankOf(feature: DecodedFeature): number {
  const rank = feature.properties.rank;
  return typeof rank === 'number' ? rank : 99;
}

function boxTouchesTile(box: LabelBox, sizePx: number): boolean {
  const r = Math.hypot(box.width, box.height) / 2;
  return box.x + r > 0 && box.y + r > 0 && box.x - r < sizePx && box.y - r < sizePx;
}

function label(
  ctx: DrawContext,
  tile: DecodedTile,
  rule: LabelRule,
  options: DrawTileOptions,
  placed: LabelBox[],
): void {
  if (options.zoom < rule.minZoom) return;
  if (rule.kind === 'pointLabel' && rule.maxZoom !== undefined && options.zoom > rule.maxZoom) return;
  const { style, transform, tileSizePx } = options;
  const wanted = rule.kind === 'pointLabel' ? 1 : rule.kind === 'lineLabel' ? 2 : 3;
  const features = featuresOf(tile, rule.layer).filter(
    (f) => f.type === wanted && matchesFilter(rule, f.properties.class, f.type) && labelText(f, rule.field),
  );
  if (rule.kind === 'pointLabel') {
    const earlier = [...placed];
    // Biggest places first, then by name, so neighbouring tiles decide alike.
    features.sort(
      (a, b) =>
        rankOf(a) - rankOf(b) ||
        String(labelText(a, rule.field)).localeCompare(String(labelText(b, rule.field))),
    );
    for (const feature of features) {
      const raw = labelText(feature, rule.field) as string;
      const text = rule.upperCase ? raw.toUpperCase() : raw;
      const rank = rankOf(feature);
      const sizePx =
        rule.sizePxByRank[Math.min(rank, rule.sizePxByRank.length) - 1] ??
        rule.sizePxByRank[rule.sizePxByRank.length - 1] ??
        12;
      ctx.font = fontOf(style, sizePx, rule.weight, rule.italic);
      const point = toPixels(feature.geometry[0] ?? [], transform)[0];
      if (!point) continue;
      const withDot = rule.dot !== undefined && options.zoom <= rule.dot.maxZoom;
      const box: LabelBox = {
        x: point.x,
        y: withDot ? point.y - sizePx * 0.85 : point.y,
        width: ctx.measureText(text).width + 4,
        height: sizePx + 2,
        angle: 0,
      };
      // Names of one rule were thinned for the whole map when the tiles were built, so neighbouring
      // tiles agree; here they only keep clear of what earlier rules placed.
      if (!boxTouchesTile(box, tileSizePx) || earlier.some((other) => boxesOverlap(box, other))) continue;
      placed.push(box);
      if (withDot && rule.dot) {
        ctx.beginPath();
        ctx.arc(point.x, point.y, rule.dot.radiusPx, 0, Math.PI * 2);
        ctx.fillStyle = rule.dot.color;
        ctx.fill();
      }
      drawText(ctx, text, box, rule.color, rule.halo);
    }
    return;
  }
  if (rule.kind === 'areaLabel') {
    ctx.font = fontOf(style, rule.sizePx, 500, rule.italic);
    for (const feature of features) {
      const text = labelText(feature, rule.field) as string;
      const ring = toPixels(feature.geometry[0] ?? [], transform);
      if (ring.length === 0) continue;
      const xs = ring.map((p) => p.x);
      const ys = ring.map((p) => p.y);
      const box: LabelBox = {
        x: (Math.min(...xs) + Math.max(...xs)) / 2,
        y: (Math.min(...ys) + Math.max(...ys)) / 2,
        width: ctx.measureText(text).width + 4,
        height: rule.sizePx + 2,
        angle: 0,
      };
      const inside =
        box.x - box.width / 2 > 2 &&
        box.x + box.width / 2 < tileSizePx - 2 &&
        box.y - box.height / 2 > 2 &&
        box.y + box.height / 2 < tileSizePx - 2;
      if (!inside || placed.some((other) => boxesOverlap(box, other))) continue;
      placed.push(box);
      drawText(ctx, text, box, rule.color, rule.halo);
    }
    return;
  }
  ctx.font = fontOf(style, rule.sizePx, rule.weight);
  // One street comes as many segments: join those of one name, then label the joined lines.
  const linesByName = new Map<string, PixelPoint[][]>();
  for (const feature of features) {
    const text = labelText(feature, rule.field) as string;
    const lines = linesByName.get(text) ?? [];
    for (const line of feature.geometry) lines.push(toPixels(line, transform));
    linesByName.set(text, lines);
  }
  for (const [text, lines] of linesByName) {
    const textWidthPx = ctx.measureText(text).width;
    const same: LabelBox[] = [];
    const joined = joinLines(lines).sort((a, b) => lineLengthPx(b) - lineLengthPx(a));
    for (const line of joined) {
      const box = placeLineLabel(line, { textWidthPx, textHeightPx: rule.sizePx, tileSizePx, placed });
      if (!box || same.some((other) => centreDistancePx(box, other) < SAME_NAME_DISTANCE_PX)) continue;
      placed.push(box);
      same.push(box);
      drawText(ctx, text, box, rule.color, rule.halo);
    }
  }
}

function lineLengthPx(line: readonly PixelPoint[]): number {
  let sum = 0;
  for (let i = 1; i < line.length; i++) {
    const a = line[i - 1] as PixelPoint;
    const b = line[i] as PixelPoint;
    sum += Math.hypot(b.x - a.x, b.y - a.y);
  }
  return sum;
}

/**
 * Draws the tile: the style's ground, then its paint rules, then its labels. `tile` undefined (no
 * data here) draws the ground only, so the map has no holes.
 */
export function drawBasemapTile(
  ctx: DrawContext,
  tile: DecodedTile | undefined,
  options: DrawTileOptions,
): void {
  ctx.fillStyle = options.style.background;
  ctx.fillRect(0, 0, options.tileSizePx, options.tileSizePx);
  if (!tile) return;
  for (const rule of options.style.paint) paint(ctx, tile, rule, options);
  const placed: LabelBox[] = [];
  for (const rule of options.style.labels) label(ctx, tile, rule, options, placed);
}
