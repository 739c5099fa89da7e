/**
 * Colours of the buildings tileset's features by building id. The tileset binding attaches its
 * tileset and sets the base colour ("colour by" style); the parking binding sets a colour per garage;
 * the selection sets the highlight. Features are indexed when their tile first becomes visible and
 * dropped when it unloads, so a colour set before a tile loads still applies.
 *
 * This registry is the only writer of feature colours. A `Cesium3DTileStyle` would also write
 * `feature.color` whenever a tile is restyled and silently undo garage and highlight colours, so the
 * attribute styles are per-feature base colours here instead. Precedence: highlight, then override,
 * then base.
 */
import type { Cesium3DTile, Cesium3DTileContent, Cesium3DTileFeature, Cesium3DTileset, Color } from 'cesium';
import { buildingIdOf, BUILDING_ID_PROPERTY } from '../layers/types/tileset/buildingsLayer.ts';

interface IndexedContent {
  readonly features: readonly (readonly [string | null, Cesium3DTileFeature])[];
}

/** Gives the base colour of one feature from its metadata (the "colour by" style). */
export type BaseColorOf = (feature: Cesium3DTileFeature) => Color;

/** Keeps every loaded building feature coloured: highlight, else its override, else its base colour. */
export class FeatureColorRegistry {
  private readonly featuresById = new Map<string, Set<Cesium3DTileFeature>>();
  private readonly indexed = new WeakMap<Cesium3DTileContent, IndexedContent>();
  /** Every indexed leaf content, so a new base style can reach features without a building id. */
  private readonly leaves = new Set<IndexedContent>();
  private readonly overrides = new Map<string, Color>();
  private baseColorOf: BaseColorOf | null = null;
  private highlight: { readonly buildingId: string; readonly color: Color } | null = null;
  /** Buildings not drawn (a planning variant removes them). */
  private hidden: ReadonlySet<string> = new Set();
  /** Tilesets that hide other buildings than `hidden` (the compare swipe's sides). */
  private readonly hiddenOn = new Map<Cesium3DTileset, ReadonlySet<string>>();
  private readonly tilesetOf = new WeakMap<Cesium3DTileFeature, Cesium3DTileset>();

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
    // The contents indexed through this tileset, so detaching forgets them: the tileset is usually
    // destroyed next, and its features must not be recoloured after that.
    const contents = new Set<Cesium3DTileContent>();
    const onVisible = (tile: Cesium3DTile) => {
      contents.add(tile.content);
      this.index(tile.content, tileset);
    };
    const onUnload = (tile: Cesium3DTile) => {
      contents.delete(tile.content);
      this.unindex(tile.content);
    };
    const removeVisible = tileset.tileVisible.addEventListener(onVisible);
    const removeUnload = tileset.tileUnload.addEventListener(onUnload);
    return () => {
      removeVisible();
      removeUnload();
      for (const content of contents) this.unindex(content);
      contents.clear();
      this.hiddenOn.delete(tileset);
    };
  }

  /** Colours the building `buildingId`, or gives it back its base colour when `color` is null. */
  setColor(buildingId: string, color: Color | null): void {
    const current = this.overrides.get(buildingId) ?? null;
    if (current === color) return;
    if (color) this.overrides.set(buildingId, color);
    else this.overrides.delete(buildingId);
    this.recolor(buildingId);
  }

  /**
   * Draws the building `buildingId` in `color` over any other colour until another building or null
   * is highlighted; then its own colour (override or base) comes back.
   */
  setHighlight(buildingId: string | null, color: Color): void {
    const previous = this.highlight;
    if (previous?.buildingId === buildingId && previous.color === color) return;
    this.highlight = buildingId === null ? null : { buildingId, color };
    if (previous) this.recolor(previous.buildingId);
    if (buildingId !== null) this.recolor(buildingId);
  }

  /** Colours every feature without override or highlight by `baseColorOf`, or the neutral colour when null. */
  setBaseColorOf(baseColorOf: BaseColorOf | null): void {
    if (this.baseColorOf === baseColorOf) return;
    this.baseColorOf = baseColorOf;
    let changed = false;
    for (const content of this.leaves)
      for (const [id, feature] of content.features) {
        feature.color = this.colorOf(id, feature);
        changed = true;
      }
    if (changed) this.requestRender();
  }

  private colorOf(id: string | null, feature: Cesium3DTileFeature): Color {
    if (id !== null) {
      if (this.highlight?.buildingId === id) return this.highlight.color;
      const override = this.overrides.get(id);
      if (override) return override;
    }
    return this.baseColorOf ? this.baseColorOf(feature) : this.baseColor;
  }

  private recolor(buildingId: string): void {
    const features = this.featuresById.get(buildingId);
    if (!features) return;
    for (const feature of features) feature.color = this.colorOf(buildingId, feature);
    this.requestRender();
  }

  /** Hides these buildings (and shows again every one hidden before and not named now). */
  setHidden(buildingIds: Iterable<string>): void {
    const previous = this.hidden;
    this.hidden = new Set(buildingIds);
    this.showAgain(previous, this.hidden);
  }

  /**
   * Hides these buildings in `tileset` only, instead of those of `setHidden` (null: back to those).
   * The compare swipe draws each side's tileset without the buildings that side removes.
   */
  setHiddenOn(tileset: Cesium3DTileset, buildingIds: Iterable<string> | null): void {
    const previous = this.hiddenOn.get(tileset) ?? this.hidden;
    if (buildingIds === null) this.hiddenOn.delete(tileset);
    else this.hiddenOn.set(tileset, new Set(buildingIds));
    this.showAgain(previous, this.hiddenOn.get(tileset) ?? this.hidden);
  }

  private hiddenFor(feature: Cesium3DTileFeature): ReadonlySet<string> {
    const tileset = this.tilesetOf.get(feature);
    return (tileset && this.hiddenOn.get(tileset)) ?? this.hidden;
  }

  /** Sets `show` of the features of every building hidden before or now. */
  private showAgain(before: ReadonlySet<string>, now: ReadonlySet<string>): void {
    let any = false;
    for (const id of new Set([...before, ...now]))
      for (const feature of this.featuresById.get(id) ?? []) {
        const show = !this.hiddenFor(feature).has(id);
        if (feature.show !== show) {
          feature.show = show;
          any = true;
        }
      }
    if (any) this.requestRender();
  }

  /** Building ids whose features are loaded right now. */
  loadedBuildingIds(): string[] {
    return [...this.featuresById.keys()];
  }

  private index(content: Cesium3DTileContent, tileset: Cesium3DTileset): void {
    if (this.indexed.has(content)) return;
    const inner = (content as { innerContents?: Cesium3DTileContent[] }).innerContents;
    if (inner) {
      // Composite and multiple contents hold their features in inner contents.
      this.indexed.set(content, { features: [] });
      for (const c of inner) this.index(c, tileset);
      return;
    }
    const features: (readonly [string | null, Cesium3DTileFeature])[] = [];
    let changed = false;
    for (let i = 0; i < content.featuresLength; i++) {
      const feature = content.getFeature(i);
      const id = buildingIdOf(feature.getProperty(BUILDING_ID_PROPERTY));
      features.push([id, feature]);
      this.tilesetOf.set(feature, tileset);
      feature.color = this.colorOf(id, feature);
      if (id !== null && this.hiddenFor(feature).has(id)) feature.show = false;
      changed = true;
      if (id === null) continue;
      let set = this.featuresById.get(id);
      if (!set) {
        set = new Set();
        this.featuresById.set(id, set);
      }
      set.add(feature);
    }
    const entry = { features };
    this.indexed.set(content, entry);
    this.leaves.add(entry);
    if (changed) this.requestRender();
  }

  private unindex(content: Cesium3DTileContent): void {
    const entry = this.indexed.get(content);
    if (!entry) return;
    this.indexed.delete(content);
    this.leaves.delete(entry);
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
