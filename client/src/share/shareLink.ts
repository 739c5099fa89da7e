/**
 * The shareable state of the map in its link: camera (`cam`), basemap (`map`), layers with their
 * visibility and opacity (`lyr`), layers the user added from a service (`add`), time (`t`),
 * selection (`sel`), scenario and variant (`scenario`, `variant`), the compare swipe (`cmp`) and the
 * language (`lang`). Pure. Links written before (only `cam`, `t`, `scenario`, `variant`) read the
 * same; a parameter that cannot be read is left out, never an error.
 */
import { z } from 'zod';
import type { CameraView, LayerEntry } from '../../../protocol/index.ts';
import { LayerEntrySchema } from '../../../protocol/index.ts';
import { isLocale, type Locale } from '../i18n/messages.ts';
import { cameraFromParam, cameraParam } from '../windows/cameraLink.ts';

/** A layer's state in a link. */
export interface LinkLayer {
  readonly id: string;
  readonly visible: boolean;
  /** 0..1, in steps of 1 %. */
  readonly opacity: number;
}

/** What is selected: a sensor or a building. */
export type LinkSelection = { readonly kind: 'sensor' | 'building'; readonly id: string };

/** Two variants side by side and where the split is (0..1). */
export interface LinkCompare {
  readonly left: string;
  readonly right: string;
  readonly split: number;
}

export interface ShareState {
  readonly camera: CameraView | null;
  readonly basemap: string | null;
  /** Every catalogue layer's state; null: as the catalogue starts. */
  readonly layers: readonly LinkLayer[] | null;
  /** Layers added from a service URL (files dropped by the user stay on their machine). */
  readonly added: readonly LayerEntry[];
  readonly atMs: number | null;
  readonly selection: LinkSelection | null;
  readonly scenario: { readonly scenarioId: string; readonly variantId: string | null } | null;
  readonly compare: LinkCompare | null;
  readonly locale: Locale | null;
}

/** The parameters this module owns (others, like `city` or `profile`, are kept as they are). */
export const SHARE_PARAMS = [
  'cam',
  'map',
  'lyr',
  'add',
  't',
  'sel',
  'scenario',
  'variant',
  'cmp',
  'lang',
] as const;

/** Longest link part read: a hostile link cannot make the page parse megabytes. */
const MAX_PARAM_CHARS = 8_000;
/** Most layers a link may add. */
const MAX_ADDED = 20;
const ID = /^[A-Za-z0-9_.:-]{1,64}$/;
/** What a user can add from a service (never the town's buildings or a live layer). */
const ADDABLE_TYPES = new Set<string>([
  'wms',
  'wmts',
  'wfs',
  'ogcapi-features',
  'geojson',
  '3dtiles',
  'czml',
]);

function layersParam(layers: readonly LinkLayer[]): string {
  return layers
    .map((l) => `${l.id}~${l.visible ? 1 : 0}${l.opacity < 1 ? `~${Math.round(l.opacity * 100)}` : ''}`)
    .join(',');
}

function layersFromParam(value: string | null): LinkLayer[] | null {
  if (value === null || value.length > MAX_PARAM_CHARS) return null;
  const layers: LinkLayer[] = [];
  for (const part of value.split(',')) {
    const [id, visible, opacity] = part.split('~');
    if (id === undefined || !ID.test(id) || (visible !== '0' && visible !== '1')) continue;
    const percent = opacity === undefined ? 100 : Number(opacity);
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) continue;
    layers.push({ id, visible: visible === '1', opacity: percent / 100 });
  }
  return layers.length > 0 ? layers : null;
}

function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(value: string): string {
  const binary = atob(value.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** Only layers from a service travel in a link; each is checked like a catalogue entry. */
function addedFromParam(value: string | null): LayerEntry[] {
  if (value === null || value.length > MAX_PARAM_CHARS) return [];
  try {
    const parsed = z
      .array(z.unknown())
      .max(MAX_ADDED)
      .safeParse(JSON.parse(fromBase64url(value)));
    if (!parsed.success) return [];
    return parsed.data.flatMap((raw) => {
      const entry = LayerEntrySchema.safeParse(raw);
      if (!entry.success || !ADDABLE_TYPES.has(entry.data.type)) return [];
      return 'url' in entry.data && /^https?:\/\//.test(entry.data.url) ? [entry.data] : [];
    });
  } catch {
    return [];
  }
}

function selectionFromParam(value: string | null): LinkSelection | null {
  const match = value === null ? null : /^(sensor|building):(.{1,200})$/.exec(value);
  if (!match) return null;
  return { kind: match[1] as 'sensor' | 'building', id: match[2] as string };
}

function compareFromParam(value: string | null): LinkCompare | null {
  const parts = value?.split(',') ?? [];
  if (parts.length !== 3) return null;
  const [left, right, split] = parts as [string, string, string];
  const position = Number(split);
  if (!ID.test(left) || !ID.test(right) || !Number.isFinite(position) || position < 0 || position > 1)
    return null;
  return { left, right, split: position };
}

function timeFromParam(value: string | null): number | null {
  if (value === null || value === '') return null;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/** The state a link (its `?query`) holds. */
export function readShareState(search: string): ShareState {
  const params = new URLSearchParams(search);
  const scenarioId = params.get('scenario');
  const lang = params.get('lang');
  const basemap = params.get('map');
  return {
    camera: cameraFromParam(params.get('cam')),
    basemap: basemap !== null && ID.test(basemap) ? basemap : null,
    layers: layersFromParam(params.get('lyr')),
    added: addedFromParam(params.get('add')),
    atMs: timeFromParam(params.get('t')),
    selection: selectionFromParam(params.get('sel')),
    scenario:
      scenarioId === null || scenarioId === '' ? null : { scenarioId, variantId: params.get('variant') },
    compare: compareFromParam(params.get('cmp')),
    locale: isLocale(lang) ? lang : null,
  };
}

/** `href` with the share parameters set from `state` (absent parts removed); other parameters kept. */
export function hrefWithShareState(href: string, state: Partial<ShareState>): string {
  const url = new URL(href);
  const set = (name: string, value: string | null) => {
    if (value === null || value === '') url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  };
  if ('camera' in state) set('cam', state.camera ? cameraParam(state.camera) : null);
  if ('basemap' in state) set('map', state.basemap ?? null);
  if ('layers' in state) set('lyr', state.layers ? layersParam(state.layers) : null);
  if ('added' in state)
    set('add', state.added && state.added.length > 0 ? base64url(JSON.stringify(state.added)) : null);
  if ('atMs' in state)
    set(
      't',
      state.atMs === null || state.atMs === undefined
        ? null
        : new Date(Math.floor(state.atMs / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    );
  if ('selection' in state)
    set('sel', state.selection ? `${state.selection.kind}:${state.selection.id}` : null);
  if ('scenario' in state) {
    set('scenario', state.scenario?.scenarioId ?? null);
    set('variant', state.scenario?.variantId ?? null);
  }
  if ('compare' in state)
    set(
      'cmp',
      state.compare ? `${state.compare.left},${state.compare.right},${state.compare.split.toFixed(3)}` : null,
    );
  if ('locale' in state) set('lang', state.locale ?? null);
  return url.toString();
}

/**
 * `href` without what belongs to the town shown (camera, basemap, layers, selection, scenario,
 * comparison): another town opens at its own home view. Language, time and other parameters are kept.
 */
export function hrefWithoutTownState(href: string): string {
  return hrefWithShareState(href, {
    camera: null,
    basemap: null,
    layers: null,
    added: [],
    selection: null,
    scenario: null,
    compare: null,
  });
}
