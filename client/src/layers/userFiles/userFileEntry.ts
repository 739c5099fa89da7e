/**
 * The catalogue entry a user's file gets: a GeoJSON layer in a style that suits what the file holds
 * (pins for points, outlined fills for areas), pointing at its features in memory. Pure. The entry
 * stays in this page: its `memory:` URL does not pass the protocol's `LayerUrlSchema`, so it never
 * goes to the server and cannot travel in a share link.
 */
import type { LayerEntryOf, VectorStyle } from '../../../../protocol/index.ts';
import type { CityFeature } from '../../geo/geojson.ts';
import { DICTIONARIES } from '../../i18n/messages.ts';

/** The colour of users' own layers: an orange none of the live layers uses this strongly. */
export const USER_LAYER_COLOR = '#e8590c';
/** More points than this are clustered on screen. */
const CLUSTER_FROM_POINTS = 200;
const LABEL_CANDIDATES = ['name', 'Name', 'NAME', 'bezeichnung', 'Bezeichnung', 'title', 'titel', 'Titel'];

/** A style for the features: every kind of geometry in the file gets its part. */
export function suggestStyle(features: readonly CityFeature[]): VectorStyle {
  let points = 0;
  let polygons = 0;
  for (const f of features) {
    const type = f.geometry.type;
    if (type === 'Point' || type === 'MultiPoint') points++;
    else if (type === 'Polygon' || type === 'MultiPolygon') polygons++;
  }
  const label = LABEL_CANDIDATES.find(
    (name) => features.filter((f) => typeof f.properties[name] === 'string').length >= features.length / 2,
  );
  return {
    color: USER_LAYER_COLOR,
    lineWidth: polygons > 0 ? 2 : 3,
    ...(polygons > 0 ? { fillColor: `${USER_LAYER_COLOR}59` } : {}),
    ...(points > 0 ? { icon: 'pin' as const, pointSize: 11 } : {}),
    ...(points > CLUSTER_FROM_POINTS ? { cluster: true } : {}),
    ...(label && features.length <= 5000 ? { label } : {}),
  };
}

/** The entry of a user's file whose features are kept under `url` (`memory:…`). */
export function userFileEntry(
  fileName: string,
  features: readonly CityFeature[],
  url: string,
  today: Date,
): LayerEntryOf<'geojson'> {
  const slug = url.replace(/^memory:/, '');
  const describe = (locale: 'de' | 'en') =>
    DICTIONARIES[locale]['userFile.layerDescription'].replace('{file}', fileName);
  return {
    id: `user-${slug}`.slice(0, 64),
    type: 'geojson',
    title: { de: fileName, en: fileName },
    description: { de: describe('de'), en: describe('en') },
    visible: true,
    opacity: 1,
    url,
    style: suggestStyle(features),
    source: DICTIONARIES.de['userFile.source'],
    updated: today.toISOString().slice(0, 10),
  };
}
