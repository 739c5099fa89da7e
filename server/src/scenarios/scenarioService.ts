/**
 * Planning scenarios of every served city, kept on disk with every version: one JSON file per saved
 * version (`<dir>/<city>/<scenario>/v<n>.json`) and the visitors' comments beside them
 * (`comments.json`). Planners and admins save and remove; staff see every scenario and version; the
 * public and kiosks see the newest version of published scenarios, comment on them, and see the
 * comments planners approved.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../../../protocol/index.ts';
import { can } from '../../../protocol/index.ts';
import type {
  Scenario,
  ScenarioComment,
  ScenarioSummary,
  ScenarioVersion,
} from '../../../protocol/scenarios.ts';
import {
  CommentInputSchema,
  CommentSchema,
  ModerateRequestSchema,
  ScenarioGetSchema,
  ScenarioInputSchema,
  ScenarioSchema,
} from '../../../protocol/scenarios.ts';
import { zodErrorText } from '../../../protocol/zodError.ts';
import type { Logger } from '../logger.ts';
import type { Parser } from '../storage/durableFile.ts';
import { DurableFile, listParser } from '../storage/durableFile.ts';

/** A request the service turns down. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
  constructor(
    readonly code: 'not-found' | 'bad-request' | 'forbidden',
    message: string,
  ) {
    super(message);
  }
}

export interface ScenarioServiceOptions {
  readonly cityIds: readonly string[];
  /** Where scenarios are kept: a folder per city. */
  readonly dir: string;
  readonly now: () => number;
  readonly logger: Logger;
}

/** The most comments a scenario keeps; beyond it new ones are refused. */
const MAX_COMMENTS = 10_000;
const VERSION_FILE = /^v(\d+)\.json$/;

const parseComments = listParser('comments', CommentSchema);

/** A version file is one scenario: it parses whole or not at all. */
const parseScenario: Parser<Scenario> = (text) => {
  const parsed = ScenarioSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(zodErrorText(parsed.error));
  return { value: parsed.data, leftOut: [] };
};

/** Whether a role sees drafts, earlier versions and every comment (the capability table says). */
const seesDrafts = (role: Role) => can(role, 'scenarios:drafts');

/** A scenario id from a name: "Elbenplatz – Variante Süd" → "elbenplatz-variante-sud". */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 56);
  return slug === '' ? 'szenario' : slug;
}

interface Entry {
  /** The newest version. */
  latest: Scenario;
  comments: ScenarioComment[];
  commentsFile: DurableFile;
}

export class ScenarioService {
  private readonly byCity = new Map<string, Map<string, Entry>>();
  private readonly options: ScenarioServiceOptions;

  constructor(options: ScenarioServiceOptions) {
    this.options = options;
    for (const cityId of options.cityIds) this.byCity.set(cityId, this.load(cityId));
  }

  private cityDir(cityId: string): string {
    return join(this.options.dir, cityId);
  }

  /** Reads the newest version of every scenario of a city; a broken file is logged and left out. */
  private load(cityId: string): Map<string, Entry> {
    const entries = new Map<string, Entry>();
    const dir = this.cityDir(cityId);
    if (!existsSync(dir)) return entries;
    for (const id of readdirSync(dir)) {
      const versions = this.versionNumbers(cityId, id);
      for (const version of versions.slice().reverse()) {
        const scenario = this.readVersion(cityId, id, version);
        if (!scenario) continue;
        const commentsFile = this.commentsFile(cityId, id);
        entries.set(id, { latest: scenario, comments: commentsFile.read(parseComments) ?? [], commentsFile });
        break;
      }
    }
    return entries;
  }

  private versionNumbers(cityId: string, id: string): number[] {
    const dir = join(this.cityDir(cityId), id);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .map((name) => VERSION_FILE.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  /**
   * A version file. Versions are written once, so there is no previous copy: one that does not
   * parse is moved aside and the version before it serves.
   */
  private versionFile(cityId: string, id: string, version: number): DurableFile {
    return new DurableFile({
      file: join(this.cityDir(cityId), id, `v${version}.json`),
      logger: this.options.logger,
      what: `scenario ${cityId}/${id} version ${version}`,
      keepPrevious: false,
    });
  }

  private readVersion(cityId: string, id: string, version: number): Scenario | null {
    return this.versionFile(cityId, id, version).read(parseScenario) ?? null;
  }

  /** A scenario's comments file, read once at start and written on every change. */
  private commentsFile(cityId: string, id: string): DurableFile {
    return new DurableFile({
      file: join(this.cityDir(cityId), id, 'comments.json'),
      logger: this.options.logger,
      what: `comments of scenario ${cityId}/${id}`,
    });
  }

  private city(cityId: string): Map<string, Entry> {
    const city = this.byCity.get(cityId);
    if (!city) throw new ScenarioError('not-found', `no city "${cityId}"`);
    return city;
  }

  /** The entry a socket of `role` may see, or not found (a draft is not found for the public). */
  private visible(cityId: string, id: unknown, role: Role): Entry {
    const entry = typeof id === 'string' ? this.city(cityId).get(id) : undefined;
    if (!entry || (!seesDrafts(role) && !entry.latest.published))
      throw new ScenarioError('not-found', 'no such scenario');
    return entry;
  }

  /** The scenarios a socket of `role` may see, newest saved first. */
  list(cityId: string, role: Role): ScenarioSummary[] {
    return [...this.city(cityId).values()]
      .map((e) => e.latest)
      .filter((s) => seesDrafts(role) || s.published)
      .sort((a, b) => b.savedAtMs - a.savedAtMs)
      .map((s) => ({
        id: s.id,
        name: s.name,
        published: s.published,
        version: s.version,
        variants: s.variants.map((v) => ({ id: v.id, name: v.name })),
        savedBy: s.savedBy,
        savedAtMs: s.savedAtMs,
      }));
  }

  /** A scenario: its newest version, or (staff) an older one. */
  get(cityId: string, request: unknown, role: Role): Scenario {
    const parsed = ScenarioGetSchema.safeParse(request);
    if (!parsed.success) throw new ScenarioError('bad-request', zodErrorText(parsed.error));
    const { id, version } = parsed.data;
    const entry = this.visible(cityId, id, role);
    if (version === undefined || version === entry.latest.version) return entry.latest;
    if (!seesDrafts(role))
      throw new ScenarioError(
        'forbidden',
        'earlier versions are for staff; the public sees the published one',
      );
    const older = this.readVersion(cityId, id, version);
    if (!older) throw new ScenarioError('not-found', 'the scenario has no such version');
    return older;
  }

  /** Every saved version of a scenario (staff). */
  versions(cityId: string, id: unknown): ScenarioVersion[] {
    const entry = this.visible(cityId, id, 'planner');
    return this.versionNumbers(cityId, entry.latest.id).flatMap((version) => {
      const scenario =
        version === entry.latest.version ? entry.latest : this.readVersion(cityId, entry.latest.id, version);
      return scenario ? [{ version, savedBy: scenario.savedBy, savedAtMs: scenario.savedAtMs }] : [];
    });
  }

  /** Saves a new scenario or the next version of one (planners and admins). */
  save(cityId: string, input: unknown, by: string): Scenario {
    const city = this.city(cityId);
    const parsed = ScenarioInputSchema.safeParse(input);
    if (!parsed.success) throw new ScenarioError('bad-request', zodErrorText(parsed.error));
    const data = parsed.data;
    const now = this.options.now();
    let id = data.id;
    if (id === undefined) {
      const base = slugOf(data.name);
      id = base;
      for (let n = 2; city.has(id); n += 1) id = `${base}-${n}`;
    }
    const previous = city.get(id)?.latest;
    const scenario: Scenario = {
      id,
      cityId,
      name: data.name,
      description: data.description,
      variants: data.variants,
      published: data.published,
      ...(data.camera ? { camera: data.camera } : {}),
      version: (previous?.version ?? 0) + 1,
      createdBy: previous?.createdBy ?? by,
      createdAtMs: previous?.createdAtMs ?? now,
      savedBy: by,
      savedAtMs: now,
    };
    this.versionFile(cityId, id, scenario.version).write(`${JSON.stringify(scenario, null, 1)}\n`);
    const before = city.get(id);
    city.set(id, {
      latest: scenario,
      comments: before?.comments ?? [],
      commentsFile: before?.commentsFile ?? this.commentsFile(cityId, id),
    });
    return scenario;
  }

  /** Removes a scenario with all its versions and comments (planners and admins). */
  remove(cityId: string, id: unknown): { id: string } {
    const entry = this.visible(cityId, id, 'planner');
    rmSync(join(this.cityDir(cityId), entry.latest.id), { recursive: true, force: true });
    this.city(cityId).delete(entry.latest.id);
    return { id: entry.latest.id };
  }

  /** A visitor's comment on a published scenario (staff may comment on drafts too); pending. */
  comment(cityId: string, input: unknown, role: Role): ScenarioComment {
    const parsed = CommentInputSchema.safeParse(input);
    if (!parsed.success) throw new ScenarioError('bad-request', zodErrorText(parsed.error));
    const { scenarioId, variantId, position, text, author } = parsed.data;
    const entry = this.visible(cityId, scenarioId, role);
    if (!entry.latest.variants.some((v) => v.id === variantId))
      throw new ScenarioError('not-found', 'the scenario has no such variant');
    if (entry.comments.length >= MAX_COMMENTS)
      throw new ScenarioError('forbidden', 'the scenario takes no more comments');
    entry.commentsFile.assertWritable();
    const now = this.options.now();
    const comment: ScenarioComment = {
      id: `${now.toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      scenarioId,
      variantId,
      position,
      text,
      author: author === undefined || author === '' ? null : author,
      createdAtMs: now,
      state: 'pending',
      moderatedBy: null,
    };
    entry.comments.push(comment);
    this.writeComments(entry);
    return comment;
  }

  /** The comments of a scenario: all for staff, the approved ones for everyone else. */
  comments(cityId: string, scenarioId: unknown, role: Role): ScenarioComment[] {
    const entry = this.visible(cityId, scenarioId, role);
    return seesDrafts(role) ? [...entry.comments] : entry.comments.filter((c) => c.state === 'approved');
  }

  /** A planner approves or rejects a comment. */
  moderate(cityId: string, request: unknown, by: string): ScenarioComment {
    const parsed = ModerateRequestSchema.safeParse(request);
    if (!parsed.success) throw new ScenarioError('bad-request', zodErrorText(parsed.error));
    const entry = this.visible(cityId, parsed.data.scenarioId, 'planner');
    const index = entry.comments.findIndex((c) => c.id === parsed.data.commentId);
    if (index < 0) throw new ScenarioError('not-found', 'no such comment');
    entry.commentsFile.assertWritable();
    const moderated: ScenarioComment = {
      ...(entry.comments[index] as ScenarioComment),
      state: parsed.data.state,
      moderatedBy: by,
    };
    entry.comments[index] = moderated;
    this.writeComments(entry);
    return moderated;
  }

  private writeComments(entry: Entry): void {
    entry.commentsFile.write(`${JSON.stringify({ comments: entry.comments }, null, 1)}\n`);
  }
}
