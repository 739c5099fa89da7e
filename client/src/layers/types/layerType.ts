/**
 * What a layer type provides: its legend (pure, used by the panels) and its Cesium binding, loaded
 * with the map in a chunk of its own so the panels never wait for Cesium. A type is registered once,
 * in `index.ts`.
 */
import type { LayerEntry, LayerEntryOf, LayerType } from '../../../../protocol/index.ts';
import type { TileStreamingProbe } from '../../perfProbe.ts';
import type { CesiumLayerContext } from '../../viewer/layerContext.ts';
import type { TileSettings } from '../../viewer/viewerProfile.ts';
import type { LayerImplementation } from '../layerModel.ts';
import type { LegendEntry } from '../palette.ts';
import type { BuildingsCesiumImpl } from './tileset/buildingsCesiumImpl.ts';
import type { BuildingColorMode } from './tileset/buildingsLayer.ts';

/** What a legend may depend on besides its own entry. */
export interface LegendContext {
  /** The whole catalogue (the buildings' legend shows garages only when a parking layer exists). */
  readonly catalog: readonly LayerEntry[];
  readonly buildingColorMode: BuildingColorMode;
}

/** What the map hands a binding besides the shared context. */
export interface CesiumLayerEnv {
  /** Streaming settings of tilesets (the profile's: public, kiosk, operator). */
  readonly tileSettings: TileSettings;
  readonly tileProbe: TileStreamingProbe;
  /** The town's buildings tileset announces itself (the compare swipe and the ready check use it). */
  onBuildings(tileset: BuildingsCesiumImpl, visible: boolean): void;
}

/** Creates the Cesium binding of one catalogue entry. */
export type CesiumLayerFactory<T extends LayerType> = (
  context: CesiumLayerContext,
  entry: LayerEntryOf<T>,
  env: CesiumLayerEnv,
) => LayerImplementation;

/** One layer type. */
export interface LayerTypeDefinition<T extends LayerType> {
  readonly type: T;
  /** The legend rows of an entry of this type. */
  legend(entry: LayerEntryOf<T>, context: LegendContext): readonly LegendEntry[];
  /**
   * The legend as an image the service draws (WMS GetLegendGraphic, a capabilities LegendURL), shown
   * beside or instead of the rows; null when there is none. Types without one leave it out.
   */
  legendImageUrl?(entry: LayerEntryOf<T>): string | null;
  /** The Cesium binding; a dynamic import, so it lands in the map's chunks. */
  loadCesium(): Promise<CesiumLayerFactory<T>>;
}
