/**
 * How search text is made comparable: lower case, German umlauts folded both ways (`Böblingen`,
 * `Boeblingen` and `Boblingen` become one word), `ß` as `ss`, other accents dropped, punctuation as
 * word breaks, and the street-type abbreviations people type (`Str.`, `str`) written out. Pure; the
 * index and the query go through the same functions, so whatever is folded is folded on both sides.
 */

/** Umlaut digraphs as typed on keyboards without umlauts; `ä` and `ae` both become `a`. */
const DIGRAPHS: readonly [RegExp, string][] = [
  [/ae/g, 'a'],
  [/oe/g, 'o'],
  [/ue/g, 'u'],
];

/** Street-type words that are written joined to a name (`Goethestraße`) and are also indexed alone. */
export const STREET_SUFFIXES = ['strasse', 'weg', 'allee', 'gasse', 'platz', 'ring', 'steig'] as const;

/**
 * One word folded: `Straße` -> `strasse`, `Str` -> `strasse`, `Goethestr` -> `goethestrasse`,
 * `Böblingen` / `Boeblingen` -> `boblingen`.
 */
function foldWord(word: string): string {
  let folded = word;
  for (const [pattern, replacement] of DIGRAPHS) folded = folded.replace(pattern, replacement);
  // `str`, `str.` (the dot is gone by now) and `goethestr` mean Straße.
  if (folded.endsWith('str')) folded = `${folded}asse`;
  return folded;
}

/**
 * The words of `text`, folded. Letters and digits only; a house number with a letter (`12a`) stays
 * one word.
 */
export function searchTokens(text: string): string[] {
  const plain = text
    .toLowerCase()
    .replaceAll('ß', 'ss')
    .replaceAll('ä', 'ae')
    .replaceAll('ö', 'oe')
    .replaceAll('ü', 'ue')
    // Other accents (é, č, å): the letter without its mark.
    .normalize('NFD')
    .replace(/\p{M}+/gu, '');
  return plain
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0)
    .map(foldWord);
}

/** The whole text folded into one comparable string: its words joined by single spaces. */
export function normalizeSearchText(text: string): string {
  return searchTokens(text).join(' ');
}

/**
 * The words a name is indexed under: its own words, and for a joined street name its stem and its
 * type (`goethestrasse` also as `goethe` and `strasse`), so `Goethe Str` finds `Goethestraße`.
 */
export function indexTokens(text: string): string[] {
  const tokens = new Set<string>();
  for (const token of searchTokens(text)) {
    tokens.add(token);
    for (const suffix of STREET_SUFFIXES) {
      if (token.length > suffix.length + 2 && token.endsWith(suffix)) {
        tokens.add(token.slice(0, -suffix.length));
        tokens.add(suffix);
      }
    }
  }
  return [...tokens];
}

/**
 * The Damerau-Levenshtein distance of `a` and `b` (optimal string alignment: insertions,
 * deletions, substitutions and swaps of neighbours, each 1), or `max + 1` as soon as it is known to
 * exceed `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const width = b.length + 1;
  if (rows[0].length < width)
    rows = [new Int32Array(width * 2), new Int32Array(width * 2), new Int32Array(width * 2)];
  // Three rows: the one before the previous (for swaps), the previous and the current.
  let [before, previous, current] = rows;
  for (let j = 0; j < width; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, (before[j - 2] as number) + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  const distance = previous[b.length] as number;
  return distance > max ? max + 1 : distance;
}

/** The rows `editDistance` works in, kept between calls (searches run one at a time on the event loop). */
let rows: [Int32Array, Int32Array, Int32Array] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * How many typos a query word may have: none up to 3 letters (too many words are that close),
 * one up to 7, two from 8. Numbers (house numbers, ids) must be typed right.
 */
export function allowedTypos(word: string): number {
  if (/\d/.test(word)) return 0;
  if (word.length <= 3) return 0;
  return word.length <= 7 ? 1 : 2;
}
