/**
 * The ground under the town: Cesium's bundled Natural Earth II for the world, the chosen basemap over
 * it (the pack's own vector map by default, or a WMTS, WMS or XYZ map the pack or the config offers),
 * and the pack's terrain when it has one. Only a basemap the user picks may reach another server.
 */
import {
  buildModuleUrl,
  Credit,
  ImageryLayer,
  TileMapServiceImageryProvider,
  UrlTemplateImageryProvider,
  WebMapServiceImageryProvider,
  WebMapTileServiceImageryProvider,
  type ImageryProvider,
  type TerrainProvider,
  type Viewer,
} from 'cesium';
import type { Basemap, MapSetup } from '../../../protocol/index.ts';
import { createPlaceLabels, type PlaceLabels } from '../basemap/placeLabelsCesiumImpl.ts';
import { terrainProviderFor } from './terrainProvider.ts';

/** Makes the imagery of a `pack` basemap in its style from the pack's vector tiles. */
export type PackBasemapFactory = (tilesUrl: string, style: 'light' | 'dark') => Promise<ImageryProvider>;

/** Makes the screen-space place names of a `pack` basemap (they are not drawn into its tiles). */
export type PlaceLabelsFactory = (tilesUrl: string, style: 'light' | 'dark') => Promise<PlaceLabels>;

/**
 * A credit shown on the map itself, not only in the credits' list: whoever made a map wants to be
 * named where it is seen (a condition of CC BY and of the German survey's licences). Plain text.
 */
export function onScreenCredit(text: string): Credit {
  return new Credit(
    text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
    true,
  );
}

/** The world under the town: muted, so the town's map and the live colours carry the picture. */
export function naturalEarthLayer(dark = false): ImageryLayer {
  return ImageryLayer.fromProviderAsync(
    TileMapServiceImageryProvider.fromUrl(buildModuleUrl('Assets/Textures/NaturalEarthII')),
    dark
      ? { brightness: 0.35, saturation: 0.3, contrast: 1.0 }
      : { brightness: 0.75, saturation: 0.45, contrast: 1.05 },
  );
}

/** The imagery provider of a basemap; `pack` needs the pack's tiles. */
export function basemapProvider(
  basemap: Basemap,
  setup: MapSetup,
  packFactory: PackBasemapFactory,
): Promise<ImageryProvider> {
  switch (basemap.type) {
    case 'pack':
      if (!setup.packTiles) return Promise.reject(new Error('the town map is not built'));
      return packFactory(setup.packTiles.url, basemap.style);
    case 'wmts':
      return Promise.resolve(
        new WebMapTileServiceImageryProvider({
          url: basemap.url,
          layer: basemap.layer,
          style: basemap.style,
          format: basemap.format,
          tileMatrixSetID: basemap.tileMatrixSet,
          credit: onScreenCredit(basemap.attribution),
          ...(basemap.maximumLevel === undefined ? {} : { maximumLevel: basemap.maximumLevel }),
        }),
      );
    case 'wms':
      return Promise.resolve(
        new WebMapServiceImageryProvider({
          url: basemap.url,
          layers: basemap.layers,
          parameters: { format: basemap.format, styles: basemap.styles ?? '', version: basemap.version },
          credit: onScreenCredit(basemap.attribution),
          ...(basemap.maximumLevel === undefined ? {} : { maximumLevel: basemap.maximumLevel }),
        }),
      );
    case 'xyz':
      return Promise.resolve(
        new UrlTemplateImageryProvider({
          url: basemap.url,
          ...(basemap.subdomains ? { subdomains: basemap.subdomains } : {}),
          maximumLevel: basemap.maximumLevel,
          credit: onScreenCredit(basemap.attribution),
        }),
      );
  }
}

/** The pack's terrain while it loads (the ellipsoid if it fails), or null for the plain ellipsoid. */
export function terrainOf(setup: MapSetup): Promise<TerrainProvider> | null {
  return setup.terrain ? terrainProviderFor(setup.terrain) : null;
}

/** Switches the basemap of a viewer. */
export interface MapGround {
  /** The basemap shown (or being loaded), null: Natural Earth only. */
  readonly basemapId: string | null;
  /** Shows the basemap `id`; resolves once its first tiles can be asked for. */
  setBasemap(id: string): Promise<void>;
  destroy(): void;
}

/**
 * Lays the basemap over the viewer's Natural Earth layer (index 0). A failed basemap leaves Natural
 * Earth visible and rejects with the reason.
 */
export function createMapGround(
  viewer: Viewer,
  setup: MapSetup,
  packFactory: PackBasemapFactory,
  requestRender: () => void,
  placeLabelsFactory: PlaceLabelsFactory = (url, style) =>
    createPlaceLabels(viewer, url, style, requestRender),
): MapGround {
  /** The basemap asked for last, and the imagery layer on the map (an earlier one until it loads). */
  let currentId: string | null = null;
  let shown: ImageryLayer | null = null;
  let destroyed = false;
  /** Counts switches: an older basemap arriving late is dropped. */
  let generation = 0;
  /** The pack's place names, made once with the first pack basemap, hidden under other maps. */
  let placeLabels: Promise<PlaceLabels | null> | null = null;

  /** Shows the place names in the style of a pack basemap, or hides them (style null). */
  function showPlaceLabels(style: 'light' | 'dark' | null): void {
    if (style !== null && !placeLabels && setup.packTiles) {
      placeLabels = placeLabelsFactory(setup.packTiles.url, style).catch((error: unknown) => {
        // The map works without names: say why once and go on.
        console.error('[viewer] place names failed', error);
        return null;
      });
    }
    void placeLabels?.then((labels) => {
      if (!labels) return;
      // A later switch or destroy decides; read the state when the names are there.
      if (destroyed) {
        labels.destroy();
        return;
      }
      const current = setup.basemaps.find((b) => b.id === currentId);
      const wanted = current?.type === 'pack' ? current.style : null;
      if (wanted) labels.setStyle(wanted);
      labels.setVisible(wanted !== null);
    });
  }
  return {
    get basemapId() {
      return currentId;
    },
    async setBasemap(id) {
      const basemap = setup.basemaps.find((b) => b.id === id);
      if (!basemap) throw new Error(`no basemap ${id}`);
      if (currentId === id) return;
      generation += 1;
      const mine = generation;
      currentId = id;
      const provider = await basemapProvider(basemap, setup, packFactory);
      if (destroyed || mine !== generation) return;
      const layer = new ImageryLayer(provider);
      // Above Natural Earth, below every catalogue image layer.
      viewer.imageryLayers.add(layer, 1);
      if (shown) viewer.imageryLayers.remove(shown, true);
      shown = layer;
      // The world beneath matches the style (dark under the dark map).
      const world = viewer.imageryLayers.get(0);
      const dark = basemap.type === 'pack' && basemap.style === 'dark';
      world.brightness = dark ? 0.35 : 0.75;
      world.saturation = dark ? 0.3 : 0.45;
      showPlaceLabels(basemap.type === 'pack' ? basemap.style : null);
      requestRender();
    },
    destroy() {
      destroyed = true;
      void placeLabels?.then((labels) => labels?.destroy());
    },
  };
}
