/**
 * What closing road segments does to the traffic, with a simple, documented assignment model:
 * the road network is a graph (segment ends within a metre are one junction; every segment can be
 * driven both ways at its speed limit); the flow of a closed segment (vehicles per hour: its counter's
 * reading where it has one, else a typical flow of its road class) is moved in full onto the fastest
 * detour between its two ends that uses no closed segment ("all or nothing", no capacity limits, no
 * change of the trips themselves). Every segment of a detour gets that flow on top; a closed segment
 * without any detour keeps its flow as "cannot divert". Pure.
 */
import { metresPerDegree } from './figures.ts';

export interface RoadSegment {
  readonly id: string;
  readonly name: string;
  readonly roadClass: string;
  readonly speedLimitKmh: number;
  readonly coordinates: readonly (readonly [number, number])[];
}

/** Typical flows by road class (vehicles per hour in the day), for segments without a counter. */
export const TYPICAL_FLOW_VPH: Readonly<Record<string, number>> = {
  primary: 1200,
  secondary: 700,
  tertiary: 350,
  residential: 80,
};
const DEFAULT_FLOW_VPH = 100;

export interface RoadGraph {
  readonly segments: ReadonlyMap<
    string,
    RoadSegment & { readonly from: number; readonly to: number; readonly lengthM: number }
  >;
  /** Per junction: the segments that meet there. */
  readonly junctions: readonly (readonly string[])[];
}

function lengthOf(coordinates: readonly (readonly [number, number])[]): number {
  let total = 0;
  for (let i = 1; i < coordinates.length; i += 1) {
    const [lon0, lat0] = coordinates[i - 1] as readonly [number, number];
    const [lon1, lat1] = coordinates[i] as readonly [number, number];
    const scale = metresPerDegree((lat0 + lat1) / 2);
    total += Math.hypot((lon1 - lon0) * scale.lon, (lat1 - lat0) * scale.lat);
  }
  return total;
}

/** The graph of a town's roads (the city pack's `roads.geojson` line strings). */
export function roadGraph(segments: readonly RoadSegment[]): RoadGraph {
  const keys = new Map<string, number>();
  const junctions: string[][] = [];
  // Ends within about a metre (1e-5° of latitude) are one junction.
  const junction = ([lon, lat]: readonly [number, number]) => {
    const key = `${Math.round(lon * 1e5)},${Math.round(lat * 1e5)}`;
    let index = keys.get(key);
    if (index === undefined) {
      index = junctions.length;
      keys.set(key, index);
      junctions.push([]);
    }
    return index;
  };
  const byId = new Map<string, RoadSegment & { from: number; to: number; lengthM: number }>();
  for (const segment of segments) {
    if (segment.coordinates.length < 2) continue;
    const from = junction(segment.coordinates[0] as readonly [number, number]);
    const to = junction(segment.coordinates[segment.coordinates.length - 1] as readonly [number, number]);
    if (from === to) continue;
    byId.set(segment.id, { ...segment, from, to, lengthM: lengthOf(segment.coordinates) });
    junctions[from]?.push(segment.id);
    junctions[to]?.push(segment.id);
  }
  return { segments: byId, junctions };
}

/** Seconds to drive a segment at its speed limit. */
const secondsOf = (s: { lengthM: number; speedLimitKmh: number }) =>
  s.lengthM / (Math.max(5, s.speedLimitKmh) / 3.6);

/** The fastest path between two junctions avoiding `closed` (Dijkstra): segment ids, or null. */
export function fastestPath(
  graph: RoadGraph,
  from: number,
  to: number,
  closed: ReadonlySet<string>,
): string[] | null {
  const n = graph.junctions.length;
  const time = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const via: (string | null)[] = new Array<string | null>(n).fill(null);
  const done = new Uint8Array(n);
  time[from] = 0;
  for (;;) {
    let best = -1;
    for (let j = 0; j < n; j += 1)
      if (!done[j] && (best < 0 || (time[j] as number) < (time[best] as number))) best = j;
    if (best < 0 || time[best] === Number.POSITIVE_INFINITY) return null;
    if (best === to) break;
    done[best] = 1;
    for (const id of graph.junctions[best] ?? []) {
      if (closed.has(id)) continue;
      const s = graph.segments.get(id);
      if (!s) continue;
      const next = s.from === best ? s.to : s.from;
      const t = (time[best] as number) + secondsOf(s);
      if (t < (time[next] as number)) {
        time[next] = t;
        via[next] = id;
      }
    }
  }
  const path: string[] = [];
  for (let j = to; j !== from;) {
    const id = via[j];
    if (id === null || id === undefined) return null;
    path.push(id);
    const s = graph.segments.get(id);
    if (!s) return null;
    j = s.from === j ? s.to : s.from;
  }
  return path.reverse();
}

export interface ClosureEffect {
  /** Extra vehicles per hour per segment on the detours (only segments that change). */
  readonly added: ReadonlyMap<string, number>;
  /** Per closed segment: its flow, where it comes from, and its detour (null: none). */
  readonly closures: readonly {
    readonly id: string;
    readonly flowVph: number;
    readonly measured: boolean;
    readonly detour: readonly string[] | null;
    /** Seconds the detour takes longer than the segment did, at the speed limits. */
    readonly extraSeconds: number | null;
  }[];
  /** Vehicles per hour of closed segments without any detour. */
  readonly cannotDivertVph: number;
}

/**
 * The effect of closing `closedIds`: `measuredFlow` gives a segment's counted vehicles per hour where
 * it has a counter (undefined: none, the typical flow of its class is used).
 */
export function closureEffect(
  graph: RoadGraph,
  closedIds: readonly string[],
  measuredFlow: (segmentId: string) => number | undefined,
): ClosureEffect {
  const closed = new Set(closedIds.filter((id) => graph.segments.has(id)));
  const added = new Map<string, number>();
  const closures: ClosureEffect['closures'][number][] = [];
  let cannotDivertVph = 0;
  for (const id of closed) {
    const segment = graph.segments.get(id);
    if (!segment) continue;
    const counted = measuredFlow(id);
    const measured = counted !== undefined && Number.isFinite(counted);
    const flowVph = measured
      ? (counted as number)
      : (TYPICAL_FLOW_VPH[segment.roadClass] ?? DEFAULT_FLOW_VPH);
    const detour = fastestPath(graph, segment.from, segment.to, closed);
    if (detour === null) cannotDivertVph += flowVph;
    else for (const d of detour) added.set(d, (added.get(d) ?? 0) + flowVph);
    const extraSeconds =
      detour === null
        ? null
        : detour.reduce(
            (sum, d) => sum + secondsOf(graph.segments.get(d) as { lengthM: number; speedLimitKmh: number }),
            0,
          ) - secondsOf(segment);
    closures.push({ id, flowVph, measured, detour, extraSeconds });
  }
  return { added, closures, cannotDivertVph };
}

/** The segment nearest a point (`[lon, lat]`) within `maxM` metres, or null. */
export function nearestSegment(graph: RoadGraph, point: readonly [number, number], maxM = 25): string | null {
  const scale = metresPerDegree(point[1]);
  const toLocal = ([lon, lat]: readonly [number, number]) => [
    (lon - point[0]) * scale.lon,
    (lat - point[1]) * scale.lat,
  ];
  let best: { id: string; distance: number } | null = null;
  for (const [id, s] of graph.segments)
    for (let i = 1; i < s.coordinates.length; i += 1) {
      const [ax, ay] = toLocal(s.coordinates[i - 1] as readonly [number, number]) as [number, number];
      const [bx, by] = toLocal(s.coordinates[i] as readonly [number, number]) as [number, number];
      const dx = bx - ax;
      const dy = by - ay;
      const t =
        dx === 0 && dy === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy)));
      const distance = Math.hypot(ax + t * dx, ay + t * dy);
      if (distance <= maxM && (!best || distance < best.distance)) best = { id, distance };
    }
  return best?.id ?? null;
}

/** Road segments from a city pack's `roads.geojson`; features it cannot use are left out. */
export function roadSegmentsOf(raw: unknown): RoadSegment[] {
  const features = (raw as { features?: unknown[] } | null)?.features;
  if (!Array.isArray(features)) throw new Error('roads.geojson: not a FeatureCollection');
  return features.flatMap((feature) => {
    const f = feature as {
      properties?: { id?: unknown; name?: unknown; roadClass?: unknown; speedLimitKmh?: unknown };
      geometry?: { type?: unknown; coordinates?: unknown };
    };
    const p = f.properties ?? {};
    if (
      typeof p.id !== 'string' ||
      f.geometry?.type !== 'LineString' ||
      !Array.isArray(f.geometry.coordinates)
    )
      return [];
    const coordinates = (f.geometry.coordinates as unknown[]).filter(
      (c): c is [number, number] => Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number',
    );
    return [
      {
        id: p.id,
        name: typeof p.name === 'string' ? p.name : p.id,
        roadClass: typeof p.roadClass === 'string' ? p.roadClass : 'residential',
        speedLimitKmh: typeof p.speedLimitKmh === 'number' ? p.speedLimitKmh : 50,
        coordinates: coordinates.map(([lon, lat]) => [lon, lat] as [number, number]),
      },
    ];
  });
}
