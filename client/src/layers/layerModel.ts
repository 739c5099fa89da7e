/**
 * The engine-agnostic layer model: id, catalog entry, visibility and the lifecycle
 * INACTIVE -> LOADING -> ACTIVE. What a layer draws lives in a {@link LayerImplementation} bound to it
 * by the viewer (`*CesiumImpl.ts`), so this model is testable without a renderer.
 */
import type { LayerEntry } from '../../../protocol/index.ts';

/** Lifecycle of a layer. */
export type LayerState = 'INACTIVE' | 'LOADING' | 'ACTIVE';

/** What a renderer provides for one layer. */
export interface LayerImplementation {
  /** Loads sources and creates what the layer draws. Checks for `destroy()` after each await. */
  load(): Promise<void>;
  /** Shows or hides everything the layer draws. Called only after `load()` resolved. */
  setVisible(visible: boolean): void;
  /** Sets how opaque the layer is drawn, 0 to 1; layers without the notion leave it out. */
  setOpacity?(opacity: number): void;
  /** Frees everything; safe at any point, also while `load()` is pending. */
  destroy(): void;
}

/** The part of a layer the UI reads; replaced as a whole on every change. */
export interface LayerView {
  readonly state: LayerState;
  readonly visible: boolean;
  /** 0 (invisible) to 1 (opaque). */
  readonly opacity: number;
  /** The last load failure, shown next to the toggle. */
  readonly error: string | null;
}

/** One layer of the catalog. */
export class LayerModel {
  /** The catalog id. */
  readonly id: string;
  /** The catalog entry this layer was made from. */
  readonly entry: LayerEntry;
  private view: LayerView;
  private implementation: LayerImplementation | null = null;
  private activation: Promise<void> | null = null;
  private destroyed = false;
  private readonly listeners = new Set<() => void>();

  constructor(entry: LayerEntry) {
    this.id = entry.id;
    this.entry = entry;
    this.view = { state: 'INACTIVE', visible: entry.visible, opacity: entry.opacity, error: null };
  }

  /** The current view; the same object until something changes (for `useSyncExternalStore`). */
  readonly getView = (): LayerView => this.view;

  /** Registers `listener` for changes of the view; returns the unsubscribe function. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  get state(): LayerState {
    return this.view.state;
  }

  get visible(): boolean {
    return this.view.visible;
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Attaches the renderer's implementation; a layer already visible starts loading at once. */
  bind(implementation: LayerImplementation): void {
    if (this.destroyed) {
      implementation.destroy();
      return;
    }
    if (this.implementation) throw new Error(`Layer ${this.id} is already bound to a renderer.`);
    this.implementation = implementation;
    if (this.view.visible) void this.activate().catch(() => undefined);
  }

  /**
   * Loads the layer. Calling it again while loading or after loading returns the same promise; after
   * a failure the next call tries again.
   */
  activate(): Promise<void> {
    if (this.destroyed) return Promise.reject(new Error(`Layer ${this.id} was destroyed.`));
    const implementation = this.implementation;
    if (!implementation) return Promise.reject(new Error(`Layer ${this.id} has no renderer bound.`));
    if (this.activation) return this.activation;
    this.update({ state: 'LOADING', error: null });
    const activation = implementation.load().then(
      () => {
        // Destroyed or unbound while loading: the implementation is gone, nothing to show.
        if (this.destroyed || this.implementation !== implementation) return;
        this.update({ state: 'ACTIVE' });
        implementation.setOpacity?.(this.view.opacity);
        implementation.setVisible(this.view.visible);
      },
      (error: unknown) => {
        if (this.destroyed || this.implementation !== implementation) return;
        this.activation = null;
        this.update({ state: 'INACTIVE', error: error instanceof Error ? error.message : String(error) });
        throw error;
      },
    );
    this.activation = activation;
    return activation;
  }

  /** Shows or hides the layer; showing an inactive bound layer activates it. */
  setVisible(visible: boolean): void {
    if (this.destroyed || visible === this.view.visible) return;
    this.update({ visible });
    if (this.view.state === 'ACTIVE') this.implementation?.setVisible(visible);
    else if (visible && this.implementation) void this.activate().catch(() => undefined);
  }

  /** Sets the opacity, clamped to 0..1; applied now when loaded, else when it loads. */
  setOpacity(opacity: number): void {
    const value = Math.min(1, Math.max(0, opacity));
    if (this.destroyed || !Number.isFinite(value) || value === this.view.opacity) return;
    this.update({ opacity: value });
    if (this.view.state === 'ACTIVE') this.implementation?.setOpacity?.(value);
  }

  /**
   * Detaches and frees the renderer's implementation (the viewer is going away); the model keeps its
   * visibility and can be bound again.
   */
  unbind(): void {
    if (!this.implementation) return;
    const implementation = this.implementation;
    this.implementation = null;
    this.activation = null;
    implementation.destroy();
    this.update({ state: 'INACTIVE', error: null });
  }

  /** Frees the implementation; the model stays readable but does nothing more. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.implementation?.destroy();
    this.implementation = null;
    this.activation = null;
    this.update({ state: 'INACTIVE' });
    this.listeners.clear();
  }

  private update(patch: Partial<LayerView>): void {
    this.view = { ...this.view, ...patch };
    for (const listener of [...this.listeners]) listener();
  }
}
