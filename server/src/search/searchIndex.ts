/**
 * The search index of one city: every findable thing (a {@link SearchEntry}) under the folded
 * words of its name, and a query that ranks them. Built once when the pack loads; a query reads it
 * and changes nothing. Pure.
 *
 * Matching, per query word: the same word (1), a word it begins (0.8: typing), one or two typos
 * (0.7 / 0.55, by word length: see `allowedTypos`), or the beginning of a word with typos (0.5). A
 * word weighs by how rare it is among the entries, so `Straße` (hundreds of streets) counts little
 * beside `Calwer`; a name that begins with the whole query, or is it, ranks above the rest.
 */
import type { SearchResult, SearchResultKind, Visibility } from '../../../protocol/index.ts';
import { MAX_SEARCH_RESULTS } from '../../../protocol/index.ts';
import {
  allowedTypos,
  editDistance,
  indexTokens,
  normalizeSearchText,
  searchTokens,
} from './normalizeText.ts';

/** Something the search can find. */
export interface SearchEntry {
  readonly result: Omit<SearchResult, 'source'>;
  /** Who may find it: sensors carry their own; everything else is public. */
  readonly visibility: Visibility;
  /** Further text it is found by (ids, the address of a named building, the kind's words). */
  readonly keywords?: string;
  /** A second name that counts like the label when the query is all of it or its beginning (an address). */
  readonly altLabel?: string;
  /**
   * The sensor whose result stands for this entry (a garage's building is found as the garage):
   * where the caller may see that sensor, this entry is left out.
   */
  readonly shownAsSensorId?: string;
}

/** Word scores of the kinds of match. */
const SCORE = { exact: 1, prefix: 0.8, typo1: 0.7, typo2: 0.55, typoPrefix: 0.5 } as const;
/** Bonus for a label that begins with the whole query, and for one that is the query. */
const LABEL_PREFIX_BONUS = 0.3;
const LABEL_EXACT_BONUS = 0.4;
/** Among equal scores, the broader thing first. */
const KIND_ORDER: Readonly<Record<SearchResultKind, number>> = {
  coordinate: 0,
  place: 1,
  street: 2,
  garage: 3,
  building: 4,
  sensor: 5,
  address: 6,
};
/** A word found in an entry's keywords (address, id) counts this much of one in its name. */
const KEYWORD_FACTOR = 0.75;
/** The most a word with digits weighs. */
const NUMBER_WEIGHT_CAP = 1;
/** The town and its places, then streets, lead among otherwise equal matches. */
const KIND_PRIOR: Readonly<Record<SearchResultKind, number>> = {
  coordinate: 0,
  place: 0.1,
  street: 0.05,
  garage: 0,
  building: 0,
  sensor: 0,
  address: 0,
};
/** A result must reach this score, and half the best one's. */
const MIN_SCORE = 0.3;
const MIN_SHARE_OF_BEST = 0.5;
/** Most results of kind `address` in one answer whose query has no digit. */
const MAX_ADDRESS_RESULTS_WITHOUT_NUMBER = 3;
/** Most results of kind `sensor` in one answer. */
const MAX_SENSOR_RESULTS = 4;
/** Query words looked at, and letters per word: a pasted paragraph costs no more than a sentence. */
const MAX_QUERY_WORDS = 8;
const MAX_WORD_CHARS = 40;

/** A ranked hit before it becomes a result. */
interface Hit {
  readonly entry: number;
  readonly score: number;
}

/** The index; {@link SearchIndex.query} is the only way in. */
export class SearchIndex {
  private readonly entries: readonly SearchEntry[];
  private readonly labels: readonly string[];
  private readonly altLabels: readonly (string | undefined)[];
  /** Folded word -> the entries that have it. */
  private readonly postings = new Map<string, number[]>();
  /** Per entry, the words of its label (the rest came from its keywords). */
  private readonly labelWords: readonly ReadonlySet<string>[];
  private readonly words: readonly string[];
  private readonly numericWords: ReadonlySet<string>;
  /** Sensor ids that have an entry, with their visibility (for `shownAsSensorId`). */
  private readonly sensorVisibility = new Map<string, Visibility>();

  constructor(entries: readonly SearchEntry[]) {
    this.entries = entries;
    this.labels = entries.map((entry) => normalizeSearchText(entry.result.label));
    this.altLabels = entries.map((entry) =>
      entry.altLabel === undefined ? undefined : normalizeSearchText(entry.altLabel),
    );
    this.labelWords = entries.map((entry) => new Set(indexTokens(entry.result.label)));
    entries.forEach((entry, index) => {
      const words = new Set([
        ...indexTokens(entry.result.label),
        ...(entry.keywords ? indexTokens(entry.keywords) : []),
      ]);
      for (const word of words) {
        const list = this.postings.get(word);
        if (list) list.push(index);
        else this.postings.set(word, [index]);
      }
      if (entry.result.sensorId !== undefined && entry.shownAsSensorId === undefined)
        this.sensorVisibility.set(entry.result.sensorId, entry.visibility);
    });
    this.words = [...this.postings.keys()];
    this.numericWords = new Set(this.words.filter((word) => /\d/.test(word)));
  }

  /** How many entries it holds. */
  get size(): number {
    return this.entries.length;
  }

  /** How much a word tells: rare words more (inverse document frequency). */
  private weightOf(word: string | undefined): number {
    const count = word === undefined ? 0 : (this.postings.get(word)?.length ?? 0);
    return Math.log(1 + this.entries.length / (1 + count));
  }

  /** The index words `queryWord` matches, with their score. */
  private matchesOf(queryWord: string): Map<string, number> {
    const matches = new Map<string, number>();
    const typos = allowedTypos(queryWord);
    for (const word of this.words) {
      let score = 0;
      if (word === queryWord) score = SCORE.exact;
      else if (word.startsWith(queryWord)) score = SCORE.prefix;
      // Ids and house numbers are never a typo of a word (a query word with digits allows none).
      else if (typos > 0 && !this.numericWords.has(word)) {
        const distance = editDistance(queryWord, word, typos);
        if (distance <= typos) score = distance === 1 ? SCORE.typo1 : SCORE.typo2;
        else if (word.length > queryWord.length) {
          // Typing with a typo: the word's beginning of the same length (give or take a letter).
          const begin = Math.min(
            editDistance(queryWord, word.slice(0, queryWord.length), typos),
            editDistance(queryWord, word.slice(0, queryWord.length + 1), typos),
          );
          if (begin <= typos) score = SCORE.typoPrefix;
        }
      }
      if (score > 0) matches.set(word, score);
    }
    return matches;
  }

  /**
   * The best entries for `query` that a caller with `visibilities` may see, at most `limit`, best
   * first.
   */
  query(
    query: string,
    visibilities: readonly Visibility[],
    limit: number = MAX_SEARCH_RESULTS,
  ): Omit<SearchResult, 'source'>[] {
    const queryWords = [...new Set(searchTokens(query))]
      .slice(0, MAX_QUERY_WORDS)
      .map((word) => word.slice(0, MAX_WORD_CHARS));
    if (queryWords.length === 0) return [];
    const visible = (entry: SearchEntry): boolean => {
      if (!visibilities.includes(entry.visibility)) return false;
      if (entry.shownAsSensorId === undefined) return true;
      const sensorVisibility = this.sensorVisibility.get(entry.shownAsSensorId);
      return sensorVisibility === undefined || !visibilities.includes(sensorVisibility);
    };

    const sums = new Map<number, number>();
    let totalWeight = 0;
    for (const queryWord of queryWords) {
      const matches = this.matchesOf(queryWord);
      // The word weighs as its best reading: an exact word by its own rarity, a typo by the word meant.
      let bestWord: string | undefined;
      let bestScore = 0;
      for (const [word, score] of matches)
        if (score > bestScore || (score === bestScore && this.weightOf(word) > this.weightOf(bestWord))) {
          bestWord = word;
          bestScore = score;
        }
      // A house number alone says little (every street has a 12): it may not outweigh a name.
      const weight = /\d/.test(queryWord)
        ? Math.min(NUMBER_WEIGHT_CAP, this.weightOf(bestWord))
        : this.weightOf(bestWord);
      totalWeight += weight;
      const perEntry = new Map<number, number>();
      for (const [word, score] of matches)
        for (const entry of this.postings.get(word) ?? []) {
          const own = (this.labelWords[entry] as ReadonlySet<string>).has(word)
            ? score
            : score * KEYWORD_FACTOR;
          if (own > (perEntry.get(entry) ?? 0)) perEntry.set(entry, own);
        }
      for (const [entry, score] of perEntry) sums.set(entry, (sums.get(entry) ?? 0) + weight * score);
    }
    if (totalWeight === 0) return [];

    const folded = queryWords.join(' ');
    const hits: Hit[] = [];
    for (const [entry, sum] of sums) {
      const candidate = this.entries[entry] as SearchEntry;
      if (!visible(candidate)) continue;
      const label = this.labels[entry] as string;
      let score = sum / totalWeight + KIND_PRIOR[candidate.result.kind];
      const altLabel = this.altLabels[entry];
      if (label === folded || altLabel === folded) score += LABEL_EXACT_BONUS;
      else if (label.startsWith(folded) || altLabel?.startsWith(folded)) score += LABEL_PREFIX_BONUS;
      hits.push({ entry, score });
    }
    const best = hits.reduce((max, hit) => Math.max(max, hit.score), 0);
    const floor = Math.max(MIN_SCORE, best * MIN_SHARE_OF_BEST);
    const results: Omit<SearchResult, 'source'>[] = [];
    let sensors = 0;
    let addresses = 0;
    const askedForNumber = queryWords.some((word) => /\d/.test(word));
    for (const hit of hits.filter((h) => h.score >= floor).sort((a, b) => this.compare(a, b))) {
      if (results.length >= limit) break;
      const result = (this.entries[hit.entry] as SearchEntry).result;
      // A street's name is in the name of each of its counting points: a few of them, not the list.
      if (result.kind === 'sensor' && ++sensors > MAX_SENSOR_RESULTS) continue;
      // Without a house number asked for, a street's first houses are not what was meant.
      if (result.kind === 'address' && !askedForNumber && ++addresses > MAX_ADDRESS_RESULTS_WITHOUT_NUMBER)
        continue;
      results.push(result);
    }
    return results;
  }

  /** Best score first; then the broader kind, the shorter label, the label's alphabet. */
  private compare(a: Hit, b: Hit): number {
    if (Math.abs(a.score - b.score) > 1e-9) return b.score - a.score;
    const ea = (this.entries[a.entry] as SearchEntry).result;
    const eb = (this.entries[b.entry] as SearchEntry).result;
    return (
      KIND_ORDER[ea.kind] - KIND_ORDER[eb.kind] ||
      ea.label.length - eb.label.length ||
      ea.label.localeCompare(eb.label, 'de')
    );
  }
}
