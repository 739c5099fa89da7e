/**
 * OGC SensorThings API 1.1 ingest (FROST-Server and others): the I/O shell around the pure readers in
 * `staPage.ts` and `staObservation.ts`.
 *
 * 1. Loads the catalogue (`Things?$expand=Datastreams,Locations`, every page) and says which mapped
 *    datastreams the server lacks and how many of its datastreams no mapping names.
 * 2. Fetches the newest Observation of each mapped datastream, so a viewer has a value at once.
 * 3. With `mqttUrl`: subscribes QoS 1 to `v1.1/Datastreams(id)/Observations` on a persistent session.
 * 4. Without it, or while MQTT is down: polls for Observations newer than the newest one seen; when
 *    MQTT is back, one catch-up poll fetches what was published in the gap, then polling stops.
 *
 * Nothing here throws: HTTP failures back off, bad bodies become dead letters through the hub.
 */
import type { MqttClient } from 'mqtt';
import { connectPersistent } from '../mqtt/persistentConnect.ts';
import type { Hub } from '../../hub/hub.ts';
import type { Logger } from '../../logger.ts';
import { deliverNormalized } from '../deliver.ts';
import { boundedFetch, retryDelayMs } from '../http/boundedFetch.ts';
import type { DeviceMapping, NormalizeResult } from '../normalize.ts';
import { parseTime } from '../normalize.ts';
import { datastreamIdFromTopic, normalizeStaObservation } from './staObservation.ts';
import type { StaCollectionPage, StaDatastreamInfo, StaEntity } from './staPage.ts';
import { collectDatastreams, isJsonObject, parseStaCollection, staId } from './staPage.ts';

/** MQTT payloads bigger than this are turned away unread (an Observation is a few hundred bytes). */
export const MAX_STA_MQTT_PAYLOAD_BYTES = 64 * 1024;
/** Pages of the Things catalogue (and of one Thing's Datastreams) followed at most. */
export const MAX_CATALOGUE_PAGES = 1_000;
/** Pages of one datastream's Observations followed in one poll; the rest comes in the next one. */
export const MAX_POLL_PAGES = 20;
/** Observations asked for per page when polling. */
const POLL_PAGE_SIZE = 100;
/** Datastreams polled at the same time: enough to poll hundreds per minute, gentle on the server. */
const POLL_CONCURRENCY = 4;
/** HTTP answers bigger than this are refused (a page of 100 Things with their Datastreams fits). */
const MAX_HTTP_BYTES = 16 * 1024 * 1024;
const HTTP_TIMEOUT_MS = 15_000;
/** How many ids a log line names before it says "and N more". */
const LOG_SAMPLE = 10;

/** The source as the adapter needs it: the parsed config with the password and client id resolved. */
export interface SensorThingsSource {
  readonly id: string;
  /** The service root, e.g. `https://frost.example/FROST-Server/v1.1`. */
  readonly url: string;
  readonly mqttUrl?: string | undefined;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** Fixed, so the broker keeps the session across restarts. */
  readonly clientId: string;
  readonly pollIntervalMs: number;
  readonly thingsFilter?: string | undefined;
  readonly datastreams: readonly DeviceMapping[];
}

export interface SensorThingsAdapterOptions {
  readonly source: SensorThingsSource;
  readonly hub: Hub;
  readonly logger: Logger;
  /** Receive time of a message (ms epoch); the hub's clock in the app. */
  readonly now?: () => number;
  /** The fetch to use (tests); the global one by default. */
  readonly fetch?: typeof fetch;
}

/** The outcome of the newest poll round. */
export interface SensorThingsPollOutcome {
  readonly atMs: number;
  readonly ok: boolean;
  /** Datastreams whose fetch failed in that round. */
  readonly failedDatastreams: number;
  /** The first failure, for the operator. */
  readonly message?: string;
}

/** What an operator (or a readiness check) wants to know about a SensorThings source. */
export interface SensorThingsStatus {
  readonly catalogueLoaded: boolean;
  /** Failed catalogue loads since the last success (the next try backs off accordingly). */
  readonly catalogueFailures: number;
  readonly things: number;
  /** Datastreams the server has (within `thingsFilter`). */
  readonly serverDatastreams: number;
  /** Datastreams the config maps. */
  readonly mappedDatastreams: number;
  /** Mapped datastreams the server has. */
  readonly foundDatastreams: number;
  /** Ids of mapped datastreams the catalogue does not hold. */
  readonly missingDatastreams: readonly string[];
  /** Server datastreams no mapping names. */
  readonly unmappedDatastreams: number;
  /** `mqtt` while subscribed on a live MQTT connection, else `polling`. */
  readonly mode: 'mqtt' | 'polling';
  readonly mqttConnected: boolean;
  /** Whether a poll round is running or scheduled (initial values, no MQTT, MQTT down, catch-up). */
  readonly pollingActive: boolean;
  readonly lastPoll?: SensorThingsPollOutcome;
  readonly counts: {
    readonly mqttMessages: number;
    /** Observations read from HTTP answers (initial values and polls). */
    readonly polledObservations: number;
    /** Readings the hub took. */
    readonly accepted: number;
    /** Items turned away, by the normalizer or the hub. */
    readonly rejected: number;
    /** Observations not newer than one already delivered for their datastream (polled and pushed). */
    readonly skippedOld: number;
    readonly httpFailures: number;
    readonly pollRounds: number;
    readonly catchUpRounds: number;
  };
}

export interface SensorThingsAdapter {
  start(): void;
  /** Stops timers, cancels requests in flight and closes the MQTT connection. */
  stop(): Promise<void>;
  status(): SensorThingsStatus;
}

type PageResult =
  { readonly ok: true; readonly page: StaCollectionPage } | { readonly ok: false; readonly message: string };

type FollowResult =
  | { readonly ok: true; readonly pages: number; readonly truncated: boolean }
  | { readonly ok: false; readonly message: string };

interface Catalogue {
  readonly things: number;
  readonly datastreams: ReadonlyMap<string, StaDatastreamInfo>;
}

/** A list of ids for a log line: the first few, then how many more. */
function sample(ids: readonly string[]): string {
  const shown = ids.slice(0, LOG_SAMPLE).join(', ');
  return ids.length > LOG_SAMPLE ? `${shown} and ${ids.length - LOG_SAMPLE} more` : shown;
}

/** The end of a SensorThings time (instant or `start/end` interval) in ms epoch, if it is one. */
function timeEndMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const parts = value.split('/');
  return parts.length > 2 ? undefined : parseTime(parts[parts.length - 1]);
}

/** Reads the SensorThings Observations of a source over MQTT and HTTP into the hub. */
export function createSensorThingsAdapter(options: SensorThingsAdapterOptions): SensorThingsAdapter {
  const { source, hub, logger } = options;
  const now = options.now ?? Date.now;
  const label = `sensorthings source ${source.id}`;
  const mappings = new Map(source.datastreams.map((mapping) => [mapping.sourceId, mapping]));
  const root = source.url.replace(/\/+$/, '');
  const rootUrl = new URL(`${root}/`);
  // FROST's MQTT topics start with the API version, which is the service root's last path segment.
  const version = rootUrl.pathname.split('/').filter(Boolean).at(-1);
  const topicPrefix = version !== undefined && /^v\d+\.\d+$/.test(version) ? version : 'v1.1';
  const interval = source.pollIntervalMs;
  const maxBackoffMs = Math.max(interval, Math.min(interval * 10, 300_000));
  const catalogueRetryBaseMs = Math.min(interval, 5_000);
  const authorization =
    source.username === undefined
      ? undefined
      : `Basic ${Buffer.from(`${source.username}:${source.password ?? ''}`).toString('base64')}`;

  const stopController = new AbortController();
  const baseFetch = options.fetch ?? fetch;
  // Every request ends when the adapter stops, so stop() need not wait out a slow server.
  const stoppableFetch: typeof fetch = (input, init) =>
    baseFetch(input, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, stopController.signal]) : stopController.signal,
    });

  let started = false;
  let stopped = false;
  let client: MqttClient | undefined;
  let mqttSubscribed = false;
  let subscribedTopics: readonly string[] = [];
  let catalogue: Catalogue | undefined;
  let catalogueFailures = 0;
  let catalogueTimer: NodeJS.Timeout | undefined;
  let missing: string[] = [];
  let unmapped = 0;
  /** Whether a datastream's `@iot.id` is a JSON number (unquoted in URLs and topics) or a string. */
  const idIsNumber = new Map<string, boolean>();
  /** Per datastream: the newest phenomenon time seen (ms), the lower bound of the next poll. */
  const cursors = new Map<string, number>();
  let pollTimer: NodeJS.Timeout | undefined;
  let pollDueAtMs = Infinity;
  let roundRunning = false;
  let roundFailures = 0;
  let catchUpRequested = 0;
  let catchUpDone = 0;
  let lastPoll: SensorThingsPollOutcome | undefined;
  const inFlight = new Set<Promise<unknown>>();
  const counts = {
    mqttMessages: 0,
    polledObservations: 0,
    accepted: 0,
    rejected: 0,
    skippedOld: 0,
    httpFailures: 0,
    pollRounds: 0,
    catchUpRounds: 0,
  };
  let warnedRebase = false;

  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
    return work;
  };

  /** `19` for a numeric id, `'abc'` (quotes doubled) for a string one, as FROST writes them. */
  const idLiteral = (id: string): string => {
    const numeric = idIsNumber.get(id) ?? /^-?\d+$/.test(id);
    return numeric ? id : `'${id.replaceAll("'", "''")}'`;
  };
  const topicOf = (id: string) => `${topicPrefix}/Datastreams(${idLiteral(id)})/Observations`;
  const observationsUrl = (id: string, query: string) =>
    `${root}/Datastreams(${encodeURIComponent(idLiteral(id))})/Observations?${query}`;

  const catchUpPending = () => catchUpRequested > catchUpDone;
  const pollingWanted = () =>
    mappings.size > 0 &&
    (source.mqttUrl === undefined || !mqttSubscribed || catchUpPending() || roundFailures > 0);

  /**
   * A link from an answer, to follow. FROST builds links from its `serviceRootUrl` setting, which
   * behind a proxy is often an internal address: a link that is not under the configured root but
   * has its version segment is moved onto the configured root.
   */
  const resolveLink = (link: string, fromUrl: string): string | undefined => {
    let target: URL;
    try {
      target = new URL(link, fromUrl);
    } catch {
      return undefined;
    }
    if (target.href.startsWith(rootUrl.href) || version === undefined) return target.href;
    const marker = `/${version}/`;
    const at = target.pathname.lastIndexOf(marker);
    if (at < 0) return target.href;
    const rebased = `${rootUrl.href}${target.pathname.slice(at + marker.length)}${target.search}`;
    if (!warnedRebase) {
      warnedRebase = true;
      logger.warn(
        `${label}: the server links to ${target.origin}${target.pathname.slice(0, at + marker.length - 1)}, not to the configured ${root}; following its links on the configured root (check FROST's serviceRootUrl)`,
      );
    }
    return rebased;
  };

  /** GETs one page of a collection; a failed request or an unusable body is `ok: false`. */
  const fetchPage = async (url: string, what: string, sourceId?: string): Promise<PageResult> => {
    const sameOrigin = new URL(url).origin === rootUrl.origin;
    const result = await boundedFetch(url, {
      timeoutMs: HTTP_TIMEOUT_MS,
      maxBytes: MAX_HTTP_BYTES,
      fetch: stoppableFetch,
      // Credentials go only to the configured server, never to a host a link points at.
      ...(authorization !== undefined && sameOrigin ? { headers: { authorization } } : {}),
    });
    if (stopped) return { ok: false, message: 'stopped' };
    if (!result.ok) {
      counts.httpFailures += 1;
      return { ok: false, message: result.message };
    }
    if (!('text' in result))
      return { ok: false, message: `GET ${url} answered 304 to an unconditional request` };
    const page = parseStaCollection(result.text, `${what} (GET ${url})`);
    for (const problem of page.problems) {
      hub.rejectInput(
        { reason: 'invalid-payload', message: problem, ...(sourceId !== undefined ? { sourceId } : {}) },
        source.id,
        result.text,
      );
      counts.rejected += 1;
    }
    // A page with nothing usable and something wrong is not an (empty) collection: retry it later.
    if (page.items.length === 0 && page.problems.length > 0) {
      return { ok: false, message: page.problems[0] ?? `${what}: unusable answer` };
    }
    return { ok: true, page };
  };

  /** Follows a collection from `firstUrl` through its `@iot.nextLink`s, at most `maxPages` pages. */
  const followPages = async (
    firstUrl: string,
    what: string,
    maxPages: number,
    onPage: (page: StaCollectionPage) => void,
    sourceId?: string,
  ): Promise<FollowResult> => {
    const visited = new Set<string>();
    const seenIds = new Set<string>();
    let url: string | undefined = firstUrl;
    let pages = 0;
    const looped = (nextLink: string) => {
      logger.warn(`${label}: ${what}: @iot.nextLink leads back to what was already read; stopped there`, {
        nextLink,
      });
      return { ok: true, pages, truncated: false } as const;
    };
    while (url !== undefined) {
      if (pages >= maxPages) return { ok: true, pages, truncated: true };
      visited.add(url);
      const result = await fetchPage(url, what, sourceId);
      if (!result.ok) return result;
      pages += 1;
      // A server whose links go round in circles (the same page under another URL) shows it by
      // sending only entities it sent before.
      const items = result.page.items;
      if (items.length > 0 && items.every((item) => seenIds.has(item.id))) return looped(url);
      for (const item of items) seenIds.add(item.id);
      onPage(result.page);
      const next: string | undefined =
        result.page.nextLink === undefined ? undefined : resolveLink(result.page.nextLink, url);
      if (next !== undefined && visited.has(next)) return looped(next);
      url = next;
    }
    return { ok: true, pages, truncated: false };
  };

  /** Records whether each datastream's id is a JSON number, for URLs and topics. */
  const noteIdKinds = (datastreams: unknown) => {
    if (!Array.isArray(datastreams)) return;
    for (const ds of datastreams) {
      if (!isJsonObject(ds)) continue;
      const raw = ds['@iot.id'];
      const id = staId(raw);
      if (id !== undefined) idIsNumber.set(id, typeof raw === 'number');
    }
  };

  const loadCatalogue = async (): Promise<
    { ok: true; catalogue: Catalogue } | { ok: false; message: string }
  > => {
    const things: StaEntity[] = [];
    const filter =
      source.thingsFilter === undefined ? '' : `&$filter=${encodeURIComponent(source.thingsFilter)}`;
    const thingsResult = await followPages(
      `${root}/Things?$expand=Datastreams,Locations${filter}`,
      'Things',
      MAX_CATALOGUE_PAGES,
      (page) => things.push(...page.items),
    );
    if (!thingsResult.ok) return thingsResult;
    if (thingsResult.truncated) {
      logger.warn(
        `${label}: the Things catalogue has more than ${MAX_CATALOGUE_PAGES} pages; read the first ones only`,
      );
    }
    const collected = collectDatastreams(things);
    const problems = [...collected.problems];
    const datastreams = [...collected.datastreams];
    for (const thing of things) noteIdKinds(thing.body.Datastreams);
    for (const link of collected.nextLinks) {
      const thing = things.find((t) => t.id === link.thingId);
      if (thing === undefined) continue;
      const extra: unknown[] = [];
      const nested = await followPages(
        resolveLink(link.nextLink, rootUrl.href) ?? link.nextLink,
        `Thing ${link.thingId} ${link.property}`,
        MAX_CATALOGUE_PAGES,
        (page) => extra.push(...page.items.map((item) => item.body)),
      );
      if (!nested.ok) return nested;
      noteIdKinds(extra);
      // The Thing's own fields (name, Locations) with the rest of its Datastreams, read as one Thing.
      const more = collectDatastreams([
        { ...thing.body, Datastreams: extra, 'Datastreams@iot.nextLink': undefined },
      ]);
      datastreams.push(...more.datastreams);
      problems.push(...more.problems);
    }
    if (problems.length > 0) {
      logger.warn(`${label}: ${problems.length} problems in the catalogue`, { first: problems.slice(0, 3) });
    }
    return {
      ok: true,
      catalogue: {
        things: things.length,
        datastreams: new Map(datastreams.map((ds) => [ds.datastreamId, ds])),
      },
    };
  };

  const reportCatalogue = (loaded: Catalogue) => {
    missing = [...mappings.keys()].filter((id) => !loaded.datastreams.has(id));
    const unmappedIds = [...loaded.datastreams.keys()].filter((id) => !mappings.has(id));
    unmapped = unmappedIds.length;
    logger.info(`${label}: catalogue loaded`, {
      things: loaded.things,
      datastreams: loaded.datastreams.size,
      mapped: mappings.size,
      found: mappings.size - missing.length,
    });
    if (missing.length > 0) {
      logger.warn(
        `${label}: ${missing.length} of ${mappings.size} mapped datastreams are not on the server${source.thingsFilter === undefined ? '' : ' (or not under thingsFilter)'}: ${sample(missing)}; their sensors get MQTT messages only`,
      );
    }
    if (unmapped > 0) {
      const named = unmappedIds.map((id) => `${id} "${loaded.datastreams.get(id)?.name ?? ''}"`);
      logger.info(`${label}: ${unmapped} server datastreams are not mapped to a sensor: ${sample(named)}`);
    }
  };

  /**
   * Normalizes one Observation of `datastreamId` and delivers it, unless it is not newer than what was
   * already seen for that datastream (the catch-up poll and MQTT may both bring it; the hub would
   * call the second one out of order). `rawTimeMs` moves the cursor past an Observation the
   * normalizer turned away, so a poll does not fetch it again and again.
   */
  const handleObservation = (
    datastreamId: string | undefined,
    raw: unknown,
    input: unknown,
    rawTimeMs?: number,
  ): void => {
    let result: NormalizeResult;
    try {
      result = normalizeStaObservation(raw, datastreamId, mappings, now());
    } catch (error) {
      // Normalizers do not throw; should one ever, the input is a dead letter, not a crash.
      hub.rejectInput(
        { reason: 'invalid-payload', message: `${label}: ${(error as Error).message}` },
        source.id,
        input,
      );
      counts.rejected += 1;
      return;
    }
    const tracked = datastreamId !== undefined && mappings.has(datastreamId);
    const cursor = tracked ? cursors.get(datastreamId) : undefined;
    const fresh = result.observations.filter((o) => cursor === undefined || o.observedAt > cursor);
    counts.skippedOld += result.observations.length - fresh.length;
    const delivery = deliverNormalized(hub, source.id, { ...result, observations: fresh }, input);
    counts.accepted += delivery.accepted;
    counts.rejected += delivery.rejected;
    if (tracked) {
      let newest = cursor ?? -Infinity;
      for (const o of fresh) newest = Math.max(newest, o.observedAt);
      if (rawTimeMs !== undefined) newest = Math.max(newest, rawTimeMs);
      if (Number.isFinite(newest)) cursors.set(datastreamId, newest);
    }
  };

  /** Polls one datastream: its newest Observation first, then everything after the cursor. */
  const pollDatastream = async (
    id: string,
  ): Promise<{ ok: true; truncated: boolean } | { ok: false; message: string }> => {
    const cursor = cursors.get(id);
    const query =
      cursor === undefined
        ? `$top=1&$orderby=${encodeURIComponent('phenomenonTime desc')}`
        : `$filter=${encodeURIComponent(`phenomenonTime gt ${new Date(cursor).toISOString()}`)}` +
          `&$orderby=${encodeURIComponent('phenomenonTime asc')}&$top=${POLL_PAGE_SIZE}`;
    const result = await followPages(
      observationsUrl(id, query),
      `Datastream ${id} Observations`,
      // Without a cursor only the newest one is wanted, not the history behind its nextLink.
      cursor === undefined ? 1 : MAX_POLL_PAGES,
      (page) => {
        if (stopped) return;
        for (const item of page.items) {
          counts.polledObservations += 1;
          handleObservation(id, item.body, item.body, timeEndMs(item.body.phenomenonTime));
        }
      },
      id,
    );
    if (!result.ok) return result;
    return { ok: true, truncated: cursor !== undefined && result.truncated };
  };

  const pollRound = async (): Promise<void> => {
    const catchUpAt = catchUpRequested;
    const catchUp = catchUpPending();
    const ids = [...mappings.keys()].filter((id) => catalogue?.datastreams.has(id) === true);
    let failed = 0;
    let truncated = false;
    let firstFailure: string | undefined;
    let next = 0;
    const worker = async () => {
      while (!stopped && next < ids.length) {
        const id = ids[next];
        next += 1;
        if (id === undefined) break;
        const outcome = await pollDatastream(id);
        if (!outcome.ok) {
          failed += 1;
          firstFailure ??= outcome.message;
        } else if (outcome.truncated) {
          truncated = true;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(POLL_CONCURRENCY, ids.length) }, worker));
    if (stopped) return;
    counts.pollRounds += 1;
    if (catchUp) counts.catchUpRounds += 1;
    lastPoll = {
      atMs: now(),
      ok: failed === 0,
      failedDatastreams: failed,
      ...(firstFailure !== undefined ? { message: firstFailure } : {}),
    };
    if (failed > 0) {
      roundFailures += 1;
      logger.warn(
        `${label}: ${failed} of ${ids.length} datastreams could not be polled; next try in ${retryDelayMs(roundFailures, interval, maxBackoffMs)} ms`,
        { first: firstFailure },
      );
    } else {
      if (roundFailures > 0) logger.info(`${label}: polling works again`);
      roundFailures = 0;
      // A catch-up cut short by the page cap stays pending, so the next round fetches the rest.
      if (!truncated) catchUpDone = Math.max(catchUpDone, catchUpAt);
    }
  };

  const schedulePoll = (delayMs: number) => {
    if (stopped || catalogue === undefined) return;
    if (roundRunning) {
      // The running round reschedules when it ends; a request made meanwhile makes it run again soon.
      if (delayMs === 0) pollDueAtMs = 0;
      return;
    }
    const due = Date.now() + delayMs;
    if (pollTimer !== undefined && pollDueAtMs <= due) return;
    clearTimeout(pollTimer);
    pollDueAtMs = due;
    pollTimer = setTimeout(() => {
      pollTimer = undefined;
      pollDueAtMs = Infinity;
      roundRunning = true;
      void track(pollRound()).finally(() => {
        roundRunning = false;
        const rerun = pollDueAtMs === 0;
        pollDueAtMs = Infinity;
        if (stopped || !pollingWanted()) return;
        if (roundFailures > 0) schedulePoll(retryDelayMs(roundFailures, interval, maxBackoffMs));
        else schedulePoll(rerun || catchUpPending() ? 0 : interval);
      });
    }, delayMs);
  };

  const subscribe = () => {
    const current = client;
    if (current === undefined || !current.connected) return;
    const topics = [...mappings.keys()].map(topicOf);
    if (topics.length === 0) return;
    current.subscribe(topics, { qos: 1 }, (error, granted) => {
      if (stopped) return;
      if (error) {
        // The connection closed before the SUBACK (the next connect subscribes again), or the broker
        // refused the topics (an ACL to fix on the broker). Polling goes on meanwhile.
        logger.error(`${label}: MQTT subscribe failed; polling instead`, { error: error.message });
        return;
      }
      const refused = (granted ?? []).filter((g) => g.qos >= 128).map((g) => g.topic);
      if (refused.length > 0) {
        logger.error(`${label}: the broker refused ${refused.length} subscriptions; polling instead`, {
          topics: refused.slice(0, LOG_SAMPLE),
        });
        return;
      }
      // QoS 0 keeps nothing for the adapter while it is away; the catch-up poll covers such gaps.
      const downgraded = (granted ?? []).filter((g) => g.qos < 1).map((g) => g.topic);
      if (downgraded.length > 0) {
        logger.warn(`${label}: the broker granted QoS 0 only`, { topics: downgraded.slice(0, LOG_SAMPLE) });
      }
      subscribedTopics = topics;
      if (!mqttSubscribed) logger.info(`${label}: subscribed to ${topics.length} datastreams over MQTT`);
      mqttSubscribed = true;
      // The catalogue may have arrived between this SUBSCRIBE and its SUBACK and told string ids from
      // number ids (`Datastreams('50')`): its own check saw no subscription yet, so check here.
      const wanted = [...mappings.keys()].map(topicOf);
      if (wanted.some((topic, i) => topic !== topics[i])) {
        subscribe();
        return;
      }
      // What was published before the subscription (or while MQTT was down) comes by one poll.
      if (catalogue !== undefined) {
        catchUpRequested += 1;
        schedulePoll(0);
      }
    });
  };

  const startMqtt = (url: string) => {
    client = connectPersistent(url, source);
    client.on('connect', (connack) => {
      logger.info(`${label}: MQTT connected`, { sessionPresent: connack.sessionPresent });
      // On every connect, whatever sessionPresent says: harmless on a session that has the
      // subscriptions, the only way back on one that lost them.
      subscribe();
    });
    client.on('message', (topic, payload) => {
      if (stopped) return;
      counts.mqttMessages += 1;
      if (payload.byteLength > MAX_STA_MQTT_PAYLOAD_BYTES) {
        hub.rejectInput(
          {
            reason: 'too-large',
            message: `${topic}: ${payload.byteLength} bytes, more than ${MAX_STA_MQTT_PAYLOAD_BYTES}`,
          },
          source.id,
          payload.subarray(0, 512).toString('utf8'),
        );
        counts.rejected += 1;
        return;
      }
      const text = payload.toString('utf8');
      handleObservation(datastreamIdFromTopic(topic), text, text);
    });
    client.on('close', () => {
      if (!mqttSubscribed || stopped) return;
      mqttSubscribed = false;
      logger.warn(`${label}: MQTT connection lost; polling every ${interval} ms until it is back`);
      schedulePoll(interval);
    });
    client.on('error', (error) => logger.warn(`${label}: MQTT: ${error.message}`));
  };

  const loadLoop = async (): Promise<void> => {
    catalogueTimer = undefined;
    const result = await loadCatalogue();
    if (stopped) return;
    if (!result.ok) {
      catalogueFailures += 1;
      const delay = retryDelayMs(catalogueFailures, catalogueRetryBaseMs, maxBackoffMs);
      logger.warn(`${label}: catalogue not loaded (${result.message}); next try in ${delay} ms`);
      catalogueTimer = setTimeout(() => void track(loadLoop()), delay);
      return;
    }
    catalogueFailures = 0;
    catalogue = result.catalogue;
    reportCatalogue(result.catalogue);
    // The catalogue tells number ids from string ids ('42' is quoted): subscribe again if that changed.
    const topics = [...mappings.keys()].map(topicOf);
    if (mqttSubscribed) {
      if (topics.some((topic, i) => topic !== subscribedTopics[i])) subscribe();
      // Subscribed before the catalogue came (its SUBACK could ask for no catch-up then): the first
      // round below reads what was published before the subscription, so it is that catch-up.
      else catchUpRequested += 1;
    }
    // The first round fetches the newest Observation of every datastream: the initial values.
    schedulePoll(0);
  };

  return {
    start() {
      if (started || stopped) return;
      started = true;
      // Several datastreams may feed one sensor (the hub keeps each quantity's newest value), but
      // two feeding the same quantity of it would overwrite each other in turn.
      const feeders = new Map<string, string[]>();
      for (const mapping of mappings.values()) {
        for (const field of mapping.fields) {
          const key = `${mapping.sensorId}.${field.quantity}`;
          feeders.set(key, [...(feeders.get(key) ?? []), mapping.sourceId]);
        }
      }
      for (const [quantity, ids] of feeders) {
        if (ids.length > 1)
          logger.warn(`${label}: datastreams ${ids.join(', ')} all feed ${quantity}; only one should`);
      }
      if (!/\/v\d+\.\d+$/.test(root)) {
        logger.warn(`${label}: ${root} does not end in a version (…/v1.1); is it the service root?`);
      }
      if (source.mqttUrl !== undefined) startMqtt(source.mqttUrl);
      void track(loadLoop());
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      stopController.abort();
      clearTimeout(catalogueTimer);
      clearTimeout(pollTimer);
      const current = client;
      client = undefined;
      mqttSubscribed = false;
      await Promise.allSettled([...inFlight]);
      if (current) await current.endAsync(!current.connected);
    },
    status() {
      const pollingActive = !stopped && (roundRunning || pollTimer !== undefined);
      return {
        catalogueLoaded: catalogue !== undefined,
        catalogueFailures,
        things: catalogue?.things ?? 0,
        serverDatastreams: catalogue?.datastreams.size ?? 0,
        mappedDatastreams: mappings.size,
        foundDatastreams: catalogue === undefined ? 0 : mappings.size - missing.length,
        missingDatastreams: [...missing],
        unmappedDatastreams: unmapped,
        mode: mqttSubscribed ? 'mqtt' : 'polling',
        mqttConnected: mqttSubscribed,
        pollingActive,
        ...(lastPoll !== undefined ? { lastPoll } : {}),
        counts: { ...counts },
      };
    },
  };
}
