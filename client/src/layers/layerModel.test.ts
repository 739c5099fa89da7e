import { describe, expect, it } from 'vitest';
import type { LayerEntry } from '../../../protocol/index.ts';
import { LayerModel, type LayerImplementation } from './layerModel.ts';

const entry = (visible = true): LayerEntry => ({
  id: 'parking',
  type: 'live',
  kind: 'parking',
  title: { de: 'Parken', en: 'Parking' },
  visible,
  opacity: 1,
});

/** An implementation whose load the test finishes by hand, recording what the model asks of it. */
function controllable() {
  let finish: (error?: Error) => void = () => undefined;
  const calls: string[] = [];
  const impl: LayerImplementation = {
    load: () => {
      calls.push('load');
      return new Promise<void>((resolve, reject) => {
        finish = (error) => (error ? reject(error) : resolve());
      });
    },
    setVisible: (visible) => calls.push(`visible:${visible}`),
    destroy: () => calls.push('destroy'),
  };
  return { impl, calls, finish: (error?: Error) => finish(error) };
}

describe('LayerModel', () => {
  it('goes INACTIVE -> LOADING -> ACTIVE and shows the layer once loaded', async () => {
    const model = new LayerModel(entry(false));
    const { impl, calls, finish } = controllable();
    model.bind(impl);
    expect(model.state).toBe('INACTIVE');
    const activation = model.activate();
    expect(model.state).toBe('LOADING');
    finish();
    await activation;
    expect(model.state).toBe('ACTIVE');
    expect(calls).toEqual(['load', 'visible:false']);
  });

  it('applies the opacity on load and passes later changes, clamped to 0..1', async () => {
    const model = new LayerModel(entry(true));
    const { impl, calls, finish } = controllable();
    impl.setOpacity = (opacity) => calls.push(`opacity:${opacity}`);
    model.setOpacity(0.4);
    model.bind(impl);
    finish();
    await model.activate();
    model.setOpacity(1.7);
    model.setOpacity(Number.NaN);
    expect(calls).toEqual(['load', 'opacity:0.4', 'visible:true', 'opacity:1']);
    expect(model.getView().opacity).toBe(1);
  });

  it('returns the same promise when activated twice and loads once', () => {
    const model = new LayerModel(entry(false));
    const { impl, calls } = controllable();
    model.bind(impl);
    expect(model.activate()).toBe(model.activate());
    expect(calls).toEqual(['load']);
  });

  it('starts loading on bind when the layer is visible', () => {
    const model = new LayerModel(entry(true));
    const { impl, calls } = controllable();
    model.bind(impl);
    expect(model.state).toBe('LOADING');
    expect(calls).toEqual(['load']);
  });

  it('does not become active when destroyed while loading', async () => {
    const model = new LayerModel(entry(false));
    const { impl, calls, finish } = controllable();
    model.bind(impl);
    const activation = model.activate();
    model.destroy();
    finish();
    await activation;
    expect(model.state).toBe('INACTIVE');
    expect(calls).toEqual(['load', 'destroy']);
    await expect(model.activate()).rejects.toThrow(/destroyed/);
  });

  it('goes back to INACTIVE with the error after a failed load, and tries again on the next activate', async () => {
    const model = new LayerModel(entry(false));
    const { impl, finish } = controllable();
    model.bind(impl);
    const first = model.activate();
    finish(new Error('404 tileset.json'));
    await expect(first).rejects.toThrow('404');
    expect(model.getView()).toEqual({
      state: 'INACTIVE',
      visible: false,
      opacity: 1,
      error: '404 tileset.json',
    });
    const second = model.activate();
    expect(second).not.toBe(first);
    expect(model.state).toBe('LOADING');
  });

  it('passes visibility changes to an active implementation and notifies listeners', async () => {
    const model = new LayerModel(entry(true));
    const { impl, calls, finish } = controllable();
    let notified = 0;
    model.subscribe(() => notified++);
    model.bind(impl);
    finish();
    await model.activate();
    model.setVisible(false);
    expect(calls).toEqual(['load', 'visible:true', 'visible:false']);
    expect(model.visible).toBe(false);
    expect(notified).toBeGreaterThanOrEqual(3);
  });

  it('can be unbound and bound to a new renderer', async () => {
    const model = new LayerModel(entry(true));
    const first = controllable();
    model.bind(first.impl);
    model.unbind();
    expect(first.calls).toEqual(['load', 'destroy']);
    expect(model.state).toBe('INACTIVE');
    const second = controllable();
    model.bind(second.impl);
    second.finish();
    await model.activate();
    expect(model.state).toBe('ACTIVE');
    first.finish();
    expect(model.state).toBe('ACTIVE');
  });

  it('refuses to activate without a renderer', async () => {
    await expect(new LayerModel(entry()).activate()).rejects.toThrow(/no renderer/);
  });
});
