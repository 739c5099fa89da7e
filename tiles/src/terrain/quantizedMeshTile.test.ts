import * as Cesium from 'cesium';
import { Cartesian3, Ellipsoid } from 'cesium';
import { describe, expect, it } from 'vitest';
import {
  decodeQuantizedMesh,
  encodeQuantizedMesh,
  horizonOcclusionPoint,
  meshTile,
} from './quantizedMeshTile.ts';
import { geodeticToEcef } from '../geodesy.ts';
import { tileRangeOf, tileRectangleDeg } from './terrainTiling.ts';

/** Cesium's horizon culling, which it ships but does not declare in its types. */
interface Occluder {
  computeHorizonCullingPointPossiblyUnderEllipsoid(
    directionToPoint: Cartesian3,
    positions: Cartesian3[],
    minimumHeight: number,
  ): Cartesian3 | undefined;
  isScaledSpacePointVisiblePossiblyUnderEllipsoid(point: Cartesian3, minimumHeight: number): boolean;
}
const { EllipsoidalOccluder } = Cesium as unknown as {
  EllipsoidalOccluder: new (ellipsoid: Ellipsoid, cameraPosition?: Cartesian3) => Occluder;
};

/** A level-13 tile over Böblingen, and a relief over it: a valley and a hill, 410 to 480 m. */
const [x13, y13] = tileRangeOf(13, [9.01, 48.68, 9.01, 48.68]);
const tile = { z: 13, x: x13, y: y13 };
const relief = (lonDeg: number, latDeg: number) =>
  430 + 40 * Math.sin((lonDeg - 9) * 300) * Math.cos((latDeg - 48.6) * 250) + 100 * (latDeg - 48.68);

/** The height Cesium draws at a vertex: the header's range, the quantized height. */
function vertexHeightM(mesh: ReturnType<typeof meshTile>, i: number): number {
  return mesh.minHeightM + ((mesh.height[i] ?? 0) / 32767) * (mesh.maxHeightM - mesh.minHeightM);
}

describe('quantized-mesh-1.0 tiles', () => {
  it('reads back exactly what it writes', () => {
    const mesh = meshTile(tile, relief, 0.5);
    const decoded = decodeQuantizedMesh(encodeQuantizedMesh(mesh));
    expect(decoded.minHeightM).toBe(mesh.minHeightM);
    expect(decoded.maxHeightM).toBe(mesh.maxHeightM);
    expect(decoded.centre).toEqual(mesh.centre);
    expect(decoded.boundingSphere).toEqual(mesh.boundingSphere);
    expect(decoded.horizonOcclusionPoint).toEqual(mesh.horizonOcclusionPoint);
    for (const key of [
      'u',
      'v',
      'height',
      'triangles',
      'westIndices',
      'southIndices',
      'eastIndices',
      'northIndices',
    ] as const) {
      expect(Array.from(decoded[key])).toEqual(Array.from(mesh[key]));
    }
  });

  it('puts its vertices on the ground within the tolerance, the corners on the tile corners', () => {
    const mesh = meshTile(tile, relief, 0.5);
    const [west, south, east, north] = tileRectangleDeg(tile);
    expect(mesh.triangles.length / 3).toBeGreaterThan(2);
    expect(mesh.triangles.length / 3).toBeLessThan(2 * 64 * 64);
    for (let i = 0; i < mesh.u.length; i++) {
      const lon = west + ((mesh.u[i] ?? 0) / 32767) * (east - west);
      const lat = south + ((mesh.v[i] ?? 0) / 32767) * (north - south);
      // A vertex is a grid sample; its u and v are rounded to 1/32767 of the tile.
      expect(Math.abs(vertexHeightM(mesh, i) - relief(lon, lat))).toBeLessThan(0.05);
    }
    const corners = new Set(Array.from(mesh.u, (u, i) => `${u},${mesh.v[i]}`));
    for (const corner of ['0,0', '32767,0', '0,32767', '32767,32767']) expect(corners.has(corner)).toBe(true);
  });

  it('turns every triangle counter-clockwise seen from above', () => {
    const mesh = meshTile(tile, relief, 0.5);
    for (let t = 0; t < mesh.triangles.length; t += 3) {
      const [a = 0, b = 0, c = 0] = [mesh.triangles[t], mesh.triangles[t + 1], mesh.triangles[t + 2]];
      const cross =
        ((mesh.u[b] ?? 0) - (mesh.u[a] ?? 0)) * ((mesh.v[c] ?? 0) - (mesh.v[a] ?? 0)) -
        ((mesh.v[b] ?? 0) - (mesh.v[a] ?? 0)) * ((mesh.u[c] ?? 0) - (mesh.u[a] ?? 0));
      expect(cross).toBeGreaterThan(0);
    }
  });

  it('lists exactly the vertices on each edge', () => {
    const mesh = meshTile(tile, relief, 0.5);
    const on = (values: Uint16Array, value: number) =>
      Array.from(values.keys()).filter((i) => values[i] === value);
    expect(Array.from(mesh.westIndices)).toEqual(on(mesh.u, 0));
    expect(Array.from(mesh.eastIndices)).toEqual(on(mesh.u, 32767));
    expect(Array.from(mesh.southIndices)).toEqual(on(mesh.v, 0));
    expect(Array.from(mesh.northIndices)).toEqual(on(mesh.v, 32767));
  });

  it('writes flat ground as two triangles, with every height at 0', () => {
    const mesh = meshTile({ z: 0, x: 0, y: 0 }, () => 0, 100);
    expect(mesh.triangles.length / 3).toBe(2);
    expect(Array.from(mesh.height)).toEqual([0, 0, 0, 0]);
    expect(decodeQuantizedMesh(encodeQuantizedMesh(mesh)).u).toHaveLength(4);
  });

  it('bounds every vertex by its sphere', () => {
    const mesh = meshTile(tile, relief, 0.5);
    const [west, south, east, north] = tileRectangleDeg(tile);
    const [cx, cy, cz, radius] = mesh.boundingSphere;
    for (let i = 0; i < mesh.u.length; i++) {
      const p = geodeticToEcef([
        west + ((mesh.u[i] ?? 0) / 32767) * (east - west),
        south + ((mesh.v[i] ?? 0) / 32767) * (north - south),
        vertexHeightM(mesh, i),
      ]);
      expect(Math.hypot(p[0] - cx, p[1] - cy, p[2] - cz)).toBeLessThanOrEqual(radius + 1e-6);
    }
  });
});

describe('horizonOcclusionPoint', () => {
  const positionsOf = (mesh: ReturnType<typeof meshTile>, z: number, x: number, y: number) => {
    const [west, south, east, north] = tileRectangleDeg({ z, x, y });
    return Array.from(mesh.u, (u, i) =>
      geodeticToEcef([
        west + (u / 32767) * (east - west),
        south + ((mesh.v[i] ?? 0) / 32767) * (north - south),
        vertexHeightM(mesh, i),
      ]),
    );
  };

  it("is Cesium's own point for a tile above and for one partly below the ellipsoid", () => {
    const occluder = new EllipsoidalOccluder(Ellipsoid.WGS84);
    for (const [heightAt, minHeight] of [
      [relief, 0],
      // A polder in the Netherlands: down to 6 m below the ellipsoid.
      [(lon: number, lat: number) => -6 + 3 * Math.sin(lon * 900) + 2 * Math.cos(lat * 700), -6],
    ] as const) {
      const mesh = meshTile(tile, heightAt, 0.5);
      const positions = positionsOf(mesh, tile.z, tile.x, tile.y);
      const centre = new Cartesian3(...mesh.boundingSphere.slice(0, 3));
      const expected = occluder.computeHorizonCullingPointPossiblyUnderEllipsoid(
        centre,
        positions.map((p) => new Cartesian3(...p)),
        Math.min(minHeight, mesh.minHeightM),
      );
      if (!expected) throw new Error('Cesium found no point');
      const ours = horizonOcclusionPoint(positions, [centre.x, centre.y, centre.z], mesh.minHeightM);
      expect(ours[0]).toBeCloseTo(expected.x, 9);
      expect(ours[1]).toBeCloseTo(expected.y, 9);
      expect(ours[2]).toBeCloseTo(expected.z, 9);
    }
  });

  it('keeps a root tile (a hemisphere) in view from above the town, and hides it from the far side', () => {
    const west = meshTile({ z: 0, x: 0, y: 0 }, () => 0, 100);
    const point = new Cartesian3(...west.horizonOcclusionPoint);
    const seenFrom = (lon: number, lat: number, heightM: number) =>
      new EllipsoidalOccluder(
        Ellipsoid.WGS84,
        Cartesian3.fromDegrees(lon, lat, heightM),
      ).isScaledSpacePointVisiblePossiblyUnderEllipsoid(point, 0);
    // From 1,000 km above Böblingen France is in view, and it lies in the western root tile.
    expect(seenFrom(9, 48.7, 1_000_000)).toBe(true);
    expect(seenFrom(-60, 10, 500)).toBe(true);
    // From low above the Indian Ocean, on the other side of the globe, none of it is.
    expect(seenFrom(90, 0, 100_000)).toBe(false);
  });
});
