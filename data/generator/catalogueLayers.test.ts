import { describe, expect, it } from 'vitest';
import { LayerCatalogSchema, type LayerEntry } from '../../protocol/index.ts';
import { demoCatalogue, DEMO_GROUPS } from './catalogueLayers.ts';
import { CENTRE_LON_LAT } from './districtPlan.ts';
import { createLocalProjection } from './geometry.ts';
import { buildStreetNetwork } from './streetNetwork.ts';

const catalogue = demoCatalogue(
  buildStreetNetwork(),
  createLocalProjection(CENTRE_LON_LAT),
  'boeblingen-demo',
);
const entries = LayerCatalogSchema.parse({ groups: DEMO_GROUPS, layers: catalogue.layers }).layers;
const filesByUrl = new Map(catalogue.files.map((f) => [`/data/boeblingen-demo/${f.fileName}`, f]));

function featuresOf(entry: LayerEntry) {
  const file = entry.type === 'geojson' ? filesByUrl.get(entry.url) : undefined;
  if (!file) throw new Error(`${entry.id}: no file`);
  return file.features;
}

function positionsOf(geometry: { coordinates: unknown }): number[][] {
  const out: number[][] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value) && typeof value[0] === 'number') out.push(value as number[]);
    else if (Array.isArray(value)) value.forEach(walk);
  };
  walk(geometry.coordinates);
  return out;
}

describe('demoCatalogue', () => {
  it('gives every layer a file of its own, synthetic, with source, licence, date and both languages', () => {
    expect(entries).toHaveLength(catalogue.files.length);
    for (const entry of entries) {
      expect(featuresOf(entry).length, entry.id).toBeGreaterThan(0);
      expect(entry).toMatchObject({ synthetic: true, source: 'Demo-Daten (synthetisch)', visible: false });
      expect(entry.licence && entry.updated && entry.description?.de && entry.description.en).toBeTruthy();
    }
  });

  it('places everything on the district, rounded to 6 decimals, polygons closed', () => {
    const [lon0, lat0] = CENTRE_LON_LAT;
    for (const file of catalogue.files) {
      for (const feature of file.features) {
        for (const [lon, lat] of positionsOf(feature.geometry)) {
          expect(Math.abs((lon as number) - lon0), file.fileName).toBeLessThan(0.02);
          expect(Math.abs((lat as number) - lat0), file.fileName).toBeLessThan(0.012);
          expect(Math.round((lon as number) * 1e6) / 1e6).toBe(lon);
        }
        if (feature.geometry.type === 'Polygon') {
          const ring = feature.geometry.coordinates[0] ?? [];
          expect(ring[0]).toEqual(ring[ring.length - 1]);
          expect(ring.length).toBeGreaterThanOrEqual(4);
        }
      }
    }
  });

  it('puts every feature into a class of its layer’s style', () => {
    for (const entry of entries) {
      const by = entry.type === 'geojson' ? entry.style?.byProperty : undefined;
      if (!by) continue;
      for (const feature of featuresOf(entry)) {
        const value = feature.properties[by.property];
        const inValues = by.values !== undefined && String(value) in by.values;
        const inRanges = (by.ranges ?? []).some(
          (r) =>
            typeof value === 'number' &&
            (r.min === undefined || value >= r.min) &&
            (r.max === undefined || value < r.max),
        );
        expect(inValues || inRanges, `${entry.id} ${feature.id}: ${String(value)}`).toBe(true);
      }
    }
  });

  it('dates road works and Reallabore so that some run on 7 December 2026 and some do not', () => {
    const day = Date.parse('2026-12-07');
    for (const id of ['roadworks', 'reallabore']) {
      const entry = entries.find((e) => e.id === id);
      const time = entry?.type === 'geojson' ? entry.time : undefined;
      if (!entry || !time) throw new Error(`${id} has no time`);
      const running = featuresOf(entry).map((f) => {
        const from = Date.parse(String(f.properties[time.fromProperty]));
        const to = Date.parse(String(f.properties[time.toProperty]));
        expect(from, `${f.id}`).toBeLessThan(to);
        return from <= day && day <= to;
      });
      expect(running, id).toContain(true);
      expect(running, id).toContain(false);
    }
  });

  it('shows gateways as antennas, school districts with their schools', () => {
    const gateways = entries.find((e) => e.id === 'lorawan-gateways');
    expect(gateways?.type === 'geojson' && gateways.style?.icon).toBe('antenna');
    const schools = entries.find((e) => e.id === 'school-districts');
    const kinds = schools ? featuresOf(schools).map((f) => f.geometry.type) : [];
    expect(kinds.filter((k) => k === 'Point')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'Polygon')).toHaveLength(4);
  });
});
