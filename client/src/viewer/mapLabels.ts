/**
 * The look of every map label: light text on a dark plate, readable over buildings, imagery and sky
 * on a kiosk screen, never hidden behind buildings.
 */
import {
  Cartesian2,
  Cartesian3,
  Color,
  DistanceDisplayCondition,
  HorizontalOrigin,
  LabelStyle,
  NearFarScalar,
  VerticalOrigin,
} from 'cesium';
import type { LonLatHeight } from '../../../protocol/index.ts';

/** Text colour of fresh values. */
export const LABEL_TEXT = Color.WHITE;
/** Text colour of stale, offline and missing values: dimmer, so they never read like fresh ones. */
export const LABEL_TEXT_DIM = Color.fromCssColorString('#b7c0ca');

/** Options shared by all map labels (spread into `LabelCollection.add`). */
export function mapLabelOptions() {
  return {
    font: '600 15px system-ui, "Segoe UI", Roboto, sans-serif',
    style: LabelStyle.FILL,
    fillColor: LABEL_TEXT,
    showBackground: true,
    backgroundColor: Color.fromCssColorString('rgba(12, 18, 26, 0.84)'),
    backgroundPadding: new Cartesian2(7, 5),
    horizontalOrigin: HorizontalOrigin.CENTER,
    verticalOrigin: VerticalOrigin.BOTTOM,
    pixelOffset: new Cartesian2(0, -10),
    // Labels stay readable in front of buildings; they mark values, not geometry.
    disableDepthTestDistance: Number.POSITIVE_INFINITY,
    scaleByDistance: new NearFarScalar(300, 1.0, 6000, 0.65),
    distanceDisplayCondition: new DistanceDisplayCondition(0, 12_000),
  };
}

/** A `[lon, lat, height]` position lifted by `liftM` metres, as a Cesium position. */
export function positionOf([lon, lat, heightM]: LonLatHeight, liftM = 0): Cartesian3 {
  return Cartesian3.fromDegrees(lon, lat, heightM + liftM);
}
