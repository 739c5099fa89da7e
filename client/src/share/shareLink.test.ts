import { describe, expect, it } from 'vitest';
import type { LayerEntry } from '../../../protocol/index.ts';
import { hrefWithShareState, hrefWithoutTownState, readShareState, type ShareState } from './shareLink.ts';

const BASE = 'http://twin.example/?city=boeblingen-demo&profile=kiosk';

const wms: LayerEntry = {
  id: 'user-wms-1',
  type: 'wms',
  title: { de: 'Bebauungspläne', en: 'Zoning plans' },
  url: 'https://geo.example.de/wms',
  layers: 'bplan',
  version: '1.3.0',
  format: 'image/png',
  featureInfo: true,
  time: false,
  visible: true,
  opacity: 0.6,
};

const full: ShareState = {
  camera: { lon: 9.0123, lat: 48.6789, heightM: 650.5, headingDeg: 12.5, pitchDeg: -35, rollDeg: 0 },
  basemap: 'town-dark',
  layers: [
    { id: 'buildings', visible: true, opacity: 1 },
    { id: 'roads', visible: false, opacity: 1 },
    { id: 'broadband', visible: true, opacity: 0.45 },
  ],
  added: [wms],
  atMs: Date.parse('2026-12-01T08:30:00Z'),
  selection: { kind: 'sensor', id: 'parking-p3' },
  scenario: { scenarioId: 'sc-1', variantId: 'v-2' },
  compare: { left: 'asis', right: 'v-2', split: 0.4 },
  locale: 'en',
};

describe('share links', () => {
  it('carry the whole state and read it back', () => {
    const href = hrefWithShareState(BASE, full);
    const back = readShareState(new URL(href).search);
    expect(back).toEqual(full);
    // Other parameters stay.
    expect(new URL(href).searchParams.get('profile')).toBe('kiosk');
  });

  it('still open a link of the old form (camera, time, scenario only)', () => {
    const state = readShareState(
      '?cam=9.015000,48.665736,1500.0,0.0,-35.0&t=2026-11-30T10:00:00Z&scenario=sc-9&variant=v-1',
    );
    expect(state.camera).toMatchObject({ lon: 9.015, lat: 48.665736, heightM: 1500, pitchDeg: -35 });
    expect(state.atMs).toBe(Date.parse('2026-11-30T10:00:00Z'));
    expect(state.scenario).toEqual({ scenarioId: 'sc-9', variantId: 'v-1' });
    expect(state.layers).toBeNull();
    expect(state.basemap).toBeNull();
    expect(state.added).toEqual([]);
    expect(state.locale).toBeNull();
  });

  it('drops what it cannot read instead of failing', () => {
    const state = readShareState(
      '?cam=x&map=<script>&lyr=roads~2,ok~1~150,good~0~30&sel=bus:1&cmp=a,b,7&lang=fr&add=!!!',
    );
    expect(state).toMatchObject({
      camera: null,
      basemap: null,
      selection: null,
      compare: null,
      locale: null,
    });
    expect(state.layers).toEqual([{ id: 'good', visible: false, opacity: 0.3 }]);
    expect(state.added).toEqual([]);
  });

  it('lets no link add the town buildings, a live layer or a layer from a non-http address', () => {
    const evil = [
      { ...wms, id: 'x1', type: 'live', kind: 'parking' },
      { ...wms, id: 'x2', url: 'javascript:alert(1)' },
      { ...wms, id: 'x3', type: 'tileset', url: 'https://evil.example/tileset.json' },
      wms,
    ];
    const href = hrefWithShareState(BASE, { added: evil as LayerEntry[] });
    expect(readShareState(new URL(href).search).added.map((e) => e.id)).toEqual(['user-wms-1']);
  });

  it('removes parameters whose state is empty and leaves unmentioned ones', () => {
    const withAll = hrefWithShareState(BASE, full);
    const href = hrefWithShareState(withAll, { selection: null, atMs: null, compare: null });
    const params = new URL(href).searchParams;
    expect(params.has('sel')).toBe(false);
    expect(params.has('t')).toBe(false);
    expect(params.has('cmp')).toBe(false);
    expect(params.get('map')).toBe('town-dark');
  });

  it('leave out what belongs to one town when another opens, keeping language, time and the rest', () => {
    const href = hrefWithoutTownState(hrefWithShareState(BASE, full));
    const params = new URL(href).searchParams;
    for (const name of ['cam', 'map', 'lyr', 'add', 'sel', 'scenario', 'variant', 'cmp'])
      expect(params.has(name), name).toBe(false);
    expect(params.get('lang')).toBe('en');
    expect(params.get('t')).toBe('2026-12-01T08:30:00Z');
    expect(params.get('profile')).toBe('kiosk');
  });
});
