/**
 * The incidents a viewer knows: the list the server answered, kept current by `incident:changed`
 * (an older version of an incident never replaces a newer one). Pure apart from its listeners.
 */
import type { Incident } from '../../../protocol/index.ts';
import { IncidentChangeSchema, IncidentSchema, incidentActiveAt } from '../../../protocol/index.ts';

export class IncidentStore {
  private incidents: ReadonlyMap<string, Incident> = new Map();
  private readonly listeners = new Set<() => void>();

  readonly getAll = (): ReadonlyMap<string, Incident> => this.incidents;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Replaces everything with an `incident:list` answer; false when it is malformed. */
  applyList(raw: unknown): boolean {
    const parsed = IncidentSchema.array().safeParse(raw);
    if (!parsed.success) return false;
    this.set(new Map(parsed.data.map((incident) => [incident.id, incident])));
    return true;
  }

  /** Takes one `incident:changed`; false when it is malformed. */
  applyChange(raw: unknown): boolean {
    const parsed = IncidentChangeSchema.safeParse(raw);
    if (!parsed.success) return false;
    const { id, incident } = parsed.data;
    const held = this.incidents.get(id);
    if (incident && held && held.version > incident.version) return true;
    const next = new Map(this.incidents);
    if (incident) next.set(id, incident);
    else next.delete(id);
    this.set(next);
    return true;
  }

  /** The incidents in force at `atMs`, earliest start first. */
  activeAt(atMs: number): Incident[] {
    return [...this.incidents.values()]
      .filter((incident) => incidentActiveAt(incident, atMs))
      .sort((a, b) => a.startsAtMs - b.startsAtMs);
  }

  clear(): void {
    this.set(new Map());
  }

  private set(incidents: ReadonlyMap<string, Incident>): void {
    this.incidents = incidents;
    for (const listener of [...this.listeners]) listener();
  }
}
