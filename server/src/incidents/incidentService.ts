/**
 * Incidents of every served city: saved and removed by staff, kept in a JSON file (they last days),
 * and sent as `incident:changed` to everyone who may see them: a public incident to every socket of
 * the city, an internal one to its staff only; an incident that stops being public is removed from
 * the public's maps.
 */
import type { Incident, IncidentChange } from '../../../protocol/incidents.ts';
import { IncidentInputSchema, IncidentSchema } from '../../../protocol/incidents.ts';
import { zodErrorText } from '../../../protocol/zodError.ts';
import type { Logger } from '../logger.ts';
import { DurableFile, listParser } from '../storage/durableFile.ts';

/** A request the service turns down. */
export class IncidentError extends Error {
  override name = 'IncidentError';
  constructor(
    readonly code: 'not-found' | 'bad-request',
    message: string,
  ) {
    super(message);
  }
}

export type IncidentAudience = 'public' | 'staff';

export interface IncidentServiceOptions {
  readonly cityIds: readonly string[];
  /** Where incidents are kept; none: they last until the server stops. */
  readonly file?: string | undefined;
  readonly now: () => number;
  readonly logger: Logger;
  /** Sends a change to the public (every socket of the city) or to its staff only. */
  readonly emit: (cityId: string, audience: IncidentAudience, change: IncidentChange) => void;
}

/** The most incidents a city keeps (ended ones go first). */
const MAX_PER_CITY = 2000;

const parseIncidents = listParser('incidents', IncidentSchema);

export class IncidentService {
  private readonly byCity = new Map<string, Map<string, Incident>>();
  private readonly options: IncidentServiceOptions;
  private readonly file: DurableFile | undefined;
  private nextNumber = 1;

  constructor(options: IncidentServiceOptions) {
    this.options = options;
    this.file = options.file
      ? new DurableFile({ file: options.file, logger: options.logger, what: 'incidents' })
      : undefined;
    for (const cityId of options.cityIds) this.byCity.set(cityId, new Map());
    for (const incident of this.file?.read(parseIncidents) ?? [])
      this.byCity.get(incident.cityId)?.set(incident.id, incident);
  }

  private write(): void {
    const incidents = [...this.byCity.values()].flatMap((city) => [...city.values()]);
    this.file?.write(`${JSON.stringify({ incidents }, null, 2)}\n`);
  }

  private city(cityId: string): Map<string, Incident> {
    const city = this.byCity.get(cityId);
    if (!city) throw new IncidentError('not-found', `no city "${cityId}"`);
    return city;
  }

  /** The incidents of a city one may see: all for staff, the public ones for everyone else. */
  list(cityId: string, staff: boolean): Incident[] {
    return [...this.city(cityId).values()]
      .filter((incident) => staff || incident.public)
      .sort((a, b) => a.startsAtMs - b.startsAtMs);
  }

  /** Saves a new incident or a change to one (`id` given), in `by`'s name. */
  save(cityId: string, input: unknown, by: string): Incident {
    const parsed = IncidentInputSchema.safeParse(input);
    if (!parsed.success) throw new IncidentError('bad-request', zodErrorText(parsed.error));
    const city = this.city(cityId);
    // Before anything changes: a file that could not be read is not written over.
    this.file?.assertWritable();
    const { id: givenId, ...fields } = parsed.data;
    const nowMs = this.options.now();
    const before = givenId === undefined ? undefined : city.get(givenId);
    if (givenId !== undefined && !before) throw new IncidentError('not-found', 'no such incident');
    const incident: Incident = {
      ...fields,
      ...(fields.description?.trim()
        ? { description: fields.description.trim() }
        : { description: undefined }),
      id: before?.id ?? this.newId(city, cityId, nowMs),
      cityId,
      createdBy: before?.createdBy ?? by,
      createdAtMs: before?.createdAtMs ?? nowMs,
      updatedBy: by,
      updatedAtMs: nowMs,
      version: (before?.version ?? 0) + 1,
    };
    if (incident.description === undefined) delete incident.description;
    city.set(incident.id, incident);
    this.prune(city, nowMs);
    this.write();
    this.announce(cityId, incident.id, incident, before?.public ?? false);
    return incident;
  }

  /**
   * An id no incident of the city has: the counter starts again at each start, so one saved in the
   * same millisecond as a kept one would otherwise replace it.
   */
  private newId(city: Map<string, Incident>, cityId: string, nowMs: number): string {
    let id: string;
    do id = `${cityId}-i${nowMs.toString(36)}-${(this.nextNumber++).toString(36)}`;
    while (city.has(id));
    return id;
  }

  /** Removes an incident. */
  remove(cityId: string, id: unknown): { id: string } {
    if (typeof id !== 'string' || id === '')
      throw new IncidentError('bad-request', 'give the id of the incident');
    const city = this.city(cityId);
    const before = city.get(id);
    if (!before) throw new IncidentError('not-found', 'no such incident');
    this.file?.assertWritable();
    city.delete(id);
    this.write();
    this.announce(cityId, id, null, before.public);
    return { id };
  }

  private announce(cityId: string, id: string, incident: Incident | null, wasPublic: boolean): void {
    if (incident?.public) this.options.emit(cityId, 'public', { id, incident });
    else if (wasPublic) {
      // Off the public's maps; staff (in the public room too) get the internal incident after it.
      this.options.emit(cityId, 'public', { id, incident: null });
      if (incident) this.options.emit(cityId, 'staff', { id, incident });
    } else this.options.emit(cityId, 'staff', { id, incident });
  }

  /** Keeps a city's list bounded: the incidents that ended longest ago go first. */
  private prune(city: Map<string, Incident>, nowMs: number): void {
    if (city.size <= MAX_PER_CITY) return;
    const ended = [...city.values()]
      .filter((i) => i.endsAtMs !== null && i.endsAtMs < nowMs)
      .sort((a, b) => (a.endsAtMs ?? 0) - (b.endsAtMs ?? 0));
    for (const incident of ended.slice(0, city.size - MAX_PER_CITY)) city.delete(incident.id);
  }
}
