/**
 * The alarms of every served city, as the server runs them: one engine per city fed by its hub, a
 * sweep once a second, numbered changes handed to `emit` (the gateway sends them to the staff sockets
 * of the city as reliable events), acknowledgements, and the rules: the defaults, the config's, and
 * what operators changed at run time (kept in a JSON file so they survive a restart).
 */
import type { Alarm, AlarmChange, AlarmList, AlarmRule, AlarmRuleInput } from '../../../protocol/alarms.ts';
import { AlarmAckRequestSchema, AlarmRuleSchema } from '../../../protocol/alarms.ts';
import type { Observation, Sensor } from '../../../protocol/index.ts';
import { zodErrorText } from '../../../protocol/zodError.ts';
import type { Logger } from '../logger.ts';
import { DurableFile, listParser } from '../storage/durableFile.ts';
import { AlarmEngine, AlarmError } from './alarmEngine.ts';
import { DEFAULT_RULES } from './defaultRules.ts';

export interface AlarmServiceOptions {
  readonly cities: ReadonlyMap<string, { readonly sensors: readonly Sensor[] }>;
  /** Rules of the config: each replaces the default of its id or adds one. */
  readonly configRules?: readonly AlarmRuleInput[] | undefined;
  /** Where operators' changes to the rules are kept; none: they last until the server stops. */
  readonly rulesFile?: string | undefined;
  readonly now: () => number;
  readonly logger: Logger;
  /** Sends one change to the staff of the city. */
  readonly emit: (cityId: string, change: AlarmChange) => void;
  /** Sends the rules to the staff of every city after an operator changed one. */
  readonly emitRules?: ((rules: readonly AlarmRule[]) => void) | undefined;
  readonly sweepIntervalMs?: number | undefined;
}

/** Merges rule lists by id: later ones replace earlier ones of the same id. */
export function mergeRules(...lists: readonly (readonly AlarmRuleInput[])[]): AlarmRule[] {
  const byId = new Map<string, AlarmRule>();
  for (const list of lists) for (const rule of list) byId.set(rule.id, AlarmRuleSchema.parse(rule));
  return [...byId.values()];
}

const parseRules = listParser('rules', AlarmRuleSchema);

export class AlarmService {
  private readonly engines = new Map<string, AlarmEngine>();
  private readonly seqs = new Map<string, number>();
  private readonly options: AlarmServiceOptions;
  /** Rules changed by operators, by id (persisted). */
  private readonly edited = new Map<string, AlarmRule>();
  private rules: AlarmRule[];
  private readonly rulesFile: DurableFile | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: AlarmServiceOptions) {
    this.options = options;
    this.rulesFile = options.rulesFile
      ? new DurableFile({ file: options.rulesFile, logger: options.logger, what: 'alarm rules' })
      : undefined;
    // A broken file must not stop the control room: the defaults and the config's rules run.
    for (const rule of this.rulesFile?.read(parseRules) ?? []) this.edited.set(rule.id, rule);
    this.rules = mergeRules(DEFAULT_RULES, options.configRules ?? [], [...this.edited.values()]);
    for (const [cityId, city] of options.cities) {
      this.seqs.set(cityId, 0);
      this.engines.set(
        cityId,
        new AlarmEngine({
          cityId,
          sensors: city.sensors,
          rules: this.rules,
          now: options.now,
          onChange: (alarm) => this.changed(cityId, alarm),
        }),
      );
    }
  }

  private changed(cityId: string, alarm: Alarm): void {
    const seq = (this.seqs.get(cityId) ?? 0) + 1;
    this.seqs.set(cityId, seq);
    this.options.emit(cityId, { seq, alarm });
  }

  record(cityId: string, sensor: Sensor, observation: Observation): void {
    this.engines.get(cityId)?.record(sensor, observation);
  }

  start(): void {
    this.timer ??= setInterval(() => {
      for (const engine of this.engines.values()) engine.sweep();
    }, this.options.sweepIntervalMs ?? 1000);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private engine(cityId: string): AlarmEngine {
    const engine = this.engines.get(cityId);
    if (!engine) throw new AlarmError('not-found', `no city "${cityId}"`);
    return engine;
  }

  /** The open alarms of a city and the rules, with the number of the last change. */
  list(cityId: string): AlarmList {
    return { seq: this.seqs.get(cityId) ?? 0, alarms: this.engine(cityId).list(), rules: this.rules };
  }

  /** Sweeps now (tests; the timer does it once a second). */
  sweep(): void {
    for (const engine of this.engines.values()) engine.sweep();
  }

  acknowledge(cityId: string, request: unknown, by: string): Alarm {
    const parsed = AlarmAckRequestSchema.safeParse(request);
    if (!parsed.success) throw new AlarmError('bad-request', zodErrorText(parsed.error));
    return this.engine(cityId).acknowledge(parsed.data.alarmId, by, parsed.data.comment);
  }

  /** Adds or changes a rule for every city (an operator's edit); kept in the rules file. */
  setRule(input: unknown): AlarmRule {
    const parsed = AlarmRuleSchema.safeParse(input);
    if (!parsed.success) throw new AlarmError('bad-request', zodErrorText(parsed.error));
    const rule = parsed.data;
    // Before anything changes: a file that could not be read is not written over.
    this.rulesFile?.assertWritable();
    this.edited.set(rule.id, rule);
    this.rules = mergeRules(this.rules, [rule]);
    for (const engine of this.engines.values()) engine.setRules(this.rules);
    this.writeEdited();
    this.options.emitRules?.(this.rules);
    return rule;
  }

  private writeEdited(): void {
    this.rulesFile?.write(`${JSON.stringify({ rules: [...this.edited.values()] }, null, 2)}\n`);
  }
}
