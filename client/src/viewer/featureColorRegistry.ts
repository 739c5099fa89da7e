/**
 * Colours of the buildings tileset's features by building id. The tileset binding attaches its
 * tileset; the parking binding sets a colour per garage. Features are indexed when their tile first
 * becomes visible and dropped when it unloads, so a colour set before a tile loads still applies.
 */
import type { Cesium3DTile, Cesium3DTileContent, Cesium3DTileFeature, Cesium3DTileset, Color } from 'cesium';
import { buildingIdOf, BUILDING_ID_PROPERTY } from '../layers/buildingsLayer.ts';

interface IndexedContent {
  readonly features: readonly (readonly [string | null, Cesium3DTileFeature])[];
}

/** Keeps every loaded building feature coloured: its override, else the neutral base colour. */
export class FeatureColorRegistry {
  private readonly featuresById = new Map<string, Set<Cesium3DTileFeature>>();
  private readonly indexed = new WeakMap<Cesium3DTileContent, IndexedContent>();
  private readonly overrides = new Map<string, Color>();

  /**
   * @param baseColor colour of buildings without an override
   * @param requestRender asks for a frame after colours changed (request-render mode)
   */
  constructor(
    private readonly baseColor: Color,
    private readonly requestRender: () => void,
  ) {}

  /** Starts colouring the features of `tileset`; returns the function that stops it. */
  attach(tileset: Cesium3DTileset): () => void {
    const onVisible = (tile: Cesium3DTile) => this.index(tile.content);
    const onUnload = (tile: Cesium3DTile) => this.unindex(tile.content);
    const removeVisible = tileset.tileVisible.addEventListener(onVisible);
    const removeUnload = tileset.tileUnload.addEventListener(onUnload);
    return () => {
      removeVisible();
      removeUnload();
    };
  }

  /** Colours the building `buildingId`, or gives it back its base colour when `color` is null. */
  setColor(buildingId: string, color: Color | null): void {
    const current = this.overrides.get(buildingId) ?? null;
    if (current === color) return;
    if (color) this.overrides.set(buildingId, color);
    else this.overrides.delete(buildingId);
    const features = this.featuresById.get(buildingId);
    if (!features) return;
    for (const feature of features) feature.color = color ?? this.baseColor;
    this.requestRender();
  }

  /** Building ids whose features are loaded right now. */
  loadedBuildingIds(): string[] {
    return [...this.featuresById.keys()];
  }

  private index(content: Cesium3DTileContent): void {
    if (this.indexed.has(content)) return;
    const inner = (content as { innerContents?: Cesium3DTileContent[] }).innerContents;
    if (inner) {
      // Composite and multiple contents hold their features in inner contents.
      this.indexed.set(content, { features: [] });
      for (const c of inner) this.index(c);
      return;
    }
    const features: (readonly [string | null, Cesium3DTileFeature])[] = [];
    let changed = false;
    for (let i = 0; i < content.featuresLength; i++) {
      const feature = content.getFeature(i);
      const id = buildingIdOf(feature.getProperty(BUILDING_ID_PROPERTY));
      features.push([id, feature]);
      feature.color = (id !== null ? this.overrides.get(id) : undefined) ?? this.baseColor;
      changed = true;
      if (id === null) continue;
      let set = this.featuresById.get(id);
      if (!set) {
        set = new Set();
        this.featuresById.set(id, set);
      }
      set.add(feature);
    }
    this.indexed.set(content, { features });
    if (changed) this.requestRender();
  }

  private unindex(content: Cesium3DTileContent): void {
    const entry = this.indexed.get(content);
    if (!entry) return;
    this.indexed.delete(content);
    const inner = (content as { innerContents?: Cesium3DTileContent[] }).innerContents;
    if (inner) for (const c of inner) this.unindex(c);
    for (const [id, feature] of entry.features) {
      if (id === null) continue;
      const set = this.featuresById.get(id);
      set?.delete(feature);
      if (set?.size === 0) this.featuresById.delete(id);
    }
  }
}
