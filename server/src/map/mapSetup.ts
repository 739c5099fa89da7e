/**
 * What the viewer needs to draw the ground of one town: the basemaps it may offer (the pack's own
 * vector map in a light and a dark style when its tiles are built, then the pack's `basemaps.json`,
 * then the config's `map.basemaps`) and the terrain when the pack's DEM was built into tiles.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Basemap, LayerEntry, MapSetup } from '../../../protocol/index.ts';
import type { CityPack } from '../cityPack/loadCityPack.ts';

/** The pack's own map, light (the default) and dark (the control room's). */
export function packBasemaps(cityName: string): Basemap[] {
  return [
    {
      id: 'town',
      type: 'pack',
      style: 'light',
      title: { de: 'Stadtplan', en: 'Town map' },
      attribution: cityName,
    },
    {
      id: 'town-dark',
      type: 'pack',
      style: 'dark',
      title: { de: 'Stadtplan dunkel', en: 'Town map, dark' },
      attribution: cityName,
    },
  ];
}

/**
 * The map setup of `pack`; `tilesDir` is where the tiles are built (served at `/tiles/`). Checked
 * on each call: the tiles may be built while the server runs.
 */
export function mapSetupOf(pack: CityPack, tilesDir: string, configured: readonly Basemap[]): MapSetup {
  const cityId = pack.city.id;
  const hasPackTiles = existsSync(join(tilesDir, cityId, 'basemap', 'basemap.json'));
  const hasTerrain = existsSync(join(tilesDir, cityId, 'terrain', 'layer.json'));
  const own = hasPackTiles ? packBasemaps(pack.city.attribution ?? pack.city.name) : [];
  const seen = new Set<string>();
  const basemaps = [...own, ...pack.basemaps, ...configured].filter((b) => {
    if (seen.has(b.id)) return false;
    seen.add(b.id);
    return true;
  });
  return {
    basemaps,
    packTiles: hasPackTiles ? { url: `/tiles/${cityId}/basemap` } : null,
    terrain: hasTerrain ? { url: `/tiles/${cityId}/terrain` } : null,
  };
}

/** The URL of a catalogue entry or basemap, if it has one. */
function urlOf(item: LayerEntry | Basemap): string | undefined {
  return 'url' in item ? item.url : undefined;
}

/**
 * The origins of every external service the packs' catalogues and the basemaps name, so the
 * Content-Security-Policy lets the viewer load them without listing them twice.
 */
export function externalOrigins(items: readonly (LayerEntry | Basemap)[]): string[] {
  const origins = new Set<string>();
  for (const item of items) {
    const url = urlOf(item);
    if (!url || !/^https?:\/\//i.test(url)) continue;
    try {
      // A {s} subdomain template is not a host; allow the domain's subdomains instead.
      const parsed = new URL(url.replace('{s}', 'any-subdomain'));
      const host = parsed.host.replace(/^any-subdomain\./, '*.');
      origins.add(`${parsed.protocol}//${host}`);
    } catch {
      // The schema accepted it; an URL the platform cannot read is simply not allowed.
    }
  }
  return [...origins].sort();
}
