/**
 * The cold-start baseline of `npm run bench:viewer`: a bare Cesium Viewer made the way the app makes
 * its own (offline imagery, ellipsoid, no widgets that reach the network), and nothing else. It
 * records when its first frame was rendered, as the app's probe does.
 */
import { createCesiumViewer } from '../../src/viewer/createCesiumViewer.ts';

declare global {
  interface Window {
    __bareFirstFrameMs?: number;
  }
}

const viewer = createCesiumViewer(document.getElementById('map') as HTMLElement);
const remove = viewer.scene.postRender.addEventListener(() => {
  remove();
  window.__bareFirstFrameMs = performance.now();
});
viewer.scene.requestRender();
