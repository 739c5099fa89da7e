/**
 * "Planung": planning scenarios of the town. Everyone sees the published ones, switches between their
 * variants and the town as it is (A/B) and compares their key figures side by side; planners create
 * scenarios, draw new buildings into a variant (footprint on the map, then heights, storeys, roof and
 * use), demolish existing buildings by clicking them, and save: every save is a new version.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type {
  ImportNote,
  ProposedBuilding,
  Scenario,
  ScenarioImportResult,
  ScenarioInput,
  ScenarioSummary,
} from '../../../protocol/index.ts';
import {
  BUILDING_USES,
  MAX_SOCKET_MESSAGE_BYTES,
  ProposedBuildingSchema,
  ROOF_TYPES,
} from '../../../protocol/index.ts';
import { isModelFile, type ImportFileOptions } from '../planning/importFile.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import { formatNumber } from '../i18n/format.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { buildingFigures, UNIT_ASSUMPTIONS, variantFigures } from '../planning/figures.ts';
import type { ScenarioDraft } from '../planning/scenarioDraft.ts';
import {
  addBuilding,
  addImported,
  draftOf,
  footprintOf,
  inputOf,
  newDraft,
  removeBuilding,
  toggleRemoved,
} from '../planning/scenarioDraft.ts';
import { parseNumber } from '../alarms/ruleForm.ts';
import type { DrawMode } from '../viewer/incidentsCesiumImpl.ts';
import type { GroundOverlay } from '../viewer/scenarioCesiumImpl.ts';
import type { TownBuilding } from '../planning/sunStudy.ts';
import { SunStudy } from './SunStudy.tsx';
import { SunPosition } from './SunPosition.tsx';
import { reportHtml } from '../planning/report.ts';
import { formatDateTime } from './Timeline.tsx';
import { downloadFile } from './download.ts';
import type { TrafficApi } from './TrafficEffect.tsx';
import { TrafficEffect } from './TrafficEffect.tsx';
import type { CommentsApi } from './ScenarioComments.tsx';
import { ScenarioComments } from './ScenarioComments.tsx';

export interface PlanningApi {
  readonly list: () => Promise<ScenarioSummary[]>;
  readonly get: (id: string) => Promise<Scenario>;
  readonly save: (input: ScenarioInput) => Promise<Scenario>;
  /** Reads a CityGML, CityJSON, GLB or glTF file into proposed buildings (planners). */
  readonly importFile: (file: File, options: ImportFileOptions) => Promise<ScenarioImportResult>;
  readonly comments: CommentsApi;
}

/** What the map shows of a scenario: the variant's buildings and the ones it removes; null: as is. */
export type ScenarioView = {
  readonly scenarioId: string | null;
  readonly variantId: string;
  readonly buildings: readonly ProposedBuilding[];
  readonly removedBuildingIds: readonly string[];
} | null;

export interface PlanningPanelProps {
  readonly api: PlanningApi;
  /** Planners and admins edit and save. */
  readonly canPlan: boolean;
  /** Shows a variant on the map (null: the town as it is). */
  readonly onShow: (view: ScenarioView) => void;
  /** Starts drawing on the map; returns the stop function (null while there is no map). */
  readonly onDraw:
    ((mode: DrawMode, onChange: (corners: readonly [number, number][]) => void) => () => void) | null;
  /** Takes the next building clicks on the map (null: gives them back to the map). */
  readonly onPickBuildings: (listener: ((buildingId: string) => void) | null) => void;
  /** The scenario and variant of the link (`?scenario=&variant=`, and `cmp=` the swipe's sides), opened once. */
  readonly initial: {
    readonly scenarioId: string;
    readonly variantId: string | null;
    readonly compare?: { readonly left: string; readonly right: string } | null;
  } | null;
  /** The map as a PNG data URL, for the report (null without a map). */
  readonly snapshot: () => string | null;
  /** Roads of the town, counted flows and drawing a variant's road effects. */
  readonly traffic: TrafficApi;
  /** Comments: a map click as a 3D point, their markers, and flying to one. */
  readonly onPickPoint: ((onPoint: (point: [number, number, number]) => void) => () => void) | null;
  readonly onMarkers: (
    markers: { id: string; position: readonly [number, number, number]; label: string }[],
  ) => void;
  readonly onFlyTo: (lon: number, lat: number) => void;
  /** The compare swipe: the two sides (null ends it) and where the split is (0..1). */
  readonly onCompare: (sides: CompareSides | null) => void;
  readonly split: number;
  readonly onSplit: (position: number) => void;
  /** For the sun study: the town's buildings, a heat map on the map, and where the town is. */
  readonly sun: {
    readonly loadTown: () => Promise<TownBuilding[]>;
    readonly onOverlay: (overlay: GroundOverlay | null) => void;
    readonly lat: number;
    readonly lon: number;
    readonly timeZone: string;
    /** Lights the map as the sun stands at an instant, with shadows; null: normal light. */
    readonly onSunTime: (epochMs: number | null) => void;
  };
}

/** What each side of the swipe shows. */
export interface CompareSides {
  /** The variant ids (or `as-is`) of the two sides, for the link. */
  readonly ids: { readonly left: string; readonly right: string };
  readonly left: {
    readonly buildings: readonly ProposedBuilding[];
    readonly removedBuildingIds: readonly string[];
  };
  readonly right: {
    readonly buildings: readonly ProposedBuilding[];
    readonly removedBuildingIds: readonly string[];
  };
}

/** The town as it is, as a side of the swipe. */
const AS_IS = 'as-is';

interface BuildingForm {
  readonly name: string;
  readonly eaves: string;
  readonly storeys: string;
  readonly roof: ProposedBuilding['roof'];
  readonly roofHeight: string;
  readonly use: ProposedBuilding['use'];
}

const NEW_BUILDING: BuildingForm = {
  name: '',
  eaves: '12',
  storeys: '4',
  roof: 'flat',
  roofHeight: '0',
  use: 'residential',
};

export function PlanningPanel({
  api,
  canPlan,
  onShow,
  onDraw,
  onPickBuildings,
  initial,
  sun,
  onCompare,
  split,
  onSplit,
  onPickPoint,
  onMarkers,
  onFlyTo,
  traffic,
  snapshot,
}: PlanningPanelProps) {
  const translator = useTranslator();
  const number = (value: number, digits = 0) => formatNumber(value, translator.intlLocale, digits);
  const [list, setList] = useState<ScenarioSummary[] | null>(null);
  const [draft, setDraft] = useState<ScenarioDraft | null>(null);
  /** The variant shown, or null for the town as it is. */
  const [variantId, setVariantId] = useState<string | null>(null);
  const [status, setStatus] = useState<{ text: string; problem: boolean } | null>(null);
  const [newName, setNewName] = useState('');
  const [corners, setCorners] = useState<readonly [number, number][]>([]);
  const [drawing, setDrawing] = useState(false);
  const [form, setForm] = useState<BuildingForm | null>(null);
  const [demolishing, setDemolishing] = useState(false);
  const stopDrawing = useRef<(() => void) | null>(null);
  /** The sun-hours result of the variant shown, for the report. */
  const [sunResult, setSunResult] = useState<{ summary: string; image: string } | null>(null);
  /** Saved by whom and when (for the report). */
  const [savedInfo, setSavedInfo] = useState<{ by: string | null; atMs: number } | null>(null);
  /** The swipe's sides (variant ids or `as-is`), or null while not comparing. */
  const [compare, setCompare] = useState<{ left: string; right: string } | null>(null);
  const openedInitial = useRef(false);
  /** Importing a file: the file, where it goes and how a glTF model is turned and scaled. */
  const [importFile, setImportFile] = useState<File | null>(null);
  const [importPlace, setImportPlace] = useState<[number, number] | null>(null);
  const [pickingPlace, setPickingPlace] = useState(false);
  const [importHeading, setImportHeading] = useState('0');
  const [importScale, setImportScale] = useState('1');
  const [importCrs, setImportCrs] = useState('');
  const [importUse, setImportUse] = useState<ProposedBuilding['use']>('residential');
  const [importing, setImporting] = useState(false);
  const [importNotes, setImportNotes] = useState<readonly ImportNote[]>([]);
  const stopPickingPlace = useRef<(() => void) | null>(null);
  useEffect(() => () => stopPickingPlace.current?.(), []);

  const refresh = useCallback(() => {
    api.list().then(setList, (error: unknown) =>
      setStatus({
        text: translator.t('planning.loadError', { message: (error as Error).message }),
        problem: true,
      }),
    );
  }, [api, translator]);
  useEffect(() => refresh(), [refresh]);

  /** Opens a scenario; false when it could not be loaded (the status says why). */
  const open = useCallback(
    async (id: string, variant: string | null): Promise<boolean> => {
      try {
        const scenario = await api.get(id);
        setSavedInfo({ by: scenario.savedBy, atMs: scenario.savedAtMs });
        const loaded = draftOf(scenario);
        setDraft(loaded);
        setVariantId(
          variant !== null && loaded.variants.some((v) => v.id === variant)
            ? variant
            : (loaded.variants[0]?.id ?? null),
        );
        setStatus(null);
        return true;
      } catch (error) {
        setStatus({
          text: translator.t('planning.loadError', { message: (error as Error).message }),
          problem: true,
        });
        return false;
      }
    },
    [api, translator],
  );
  useEffect(() => {
    if (openedInitial.current || initial === null) return;
    openedInitial.current = true;
    // A link opened while the connection comes up or blips: tried again, 2, 4, 6 and 8 s later.
    void (async () => {
      for (let attempt = 1; attempt <= 5; attempt += 1) {
        if (await open(initial.scenarioId, initial.variantId)) {
          // The link's swipe, when both its sides are there.
          if (initial.compare) setCompare(initial.compare);
          return;
        }
        if (attempt === 5) return;
        await new Promise((resolve) => setTimeout(resolve, 2000 * attempt));
      }
    })();
  }, [initial, open]);

  // The map shows the chosen variant (or the town as it is).
  const shown = draft?.variants.find((v) => v.id === variantId) ?? null;
  useEffect(() => {
    onShow(
      draft && shown
        ? {
            scenarioId: draft.id ?? null,
            variantId: shown.id,
            buildings: shown.buildings,
            removedBuildingIds: shown.removedBuildingIds,
          }
        : null,
    );
  }, [draft, shown, onShow]);
  useEffect(() => () => onShow(null), [onShow]);

  // The swipe follows its sides and the draft's changes.
  const sideOf = useCallback(
    (id: string) => {
      const v = draft?.variants.find((x) => x.id === id);
      return { buildings: v?.buildings ?? [], removedBuildingIds: v?.removedBuildingIds ?? [] };
    },
    [draft],
  );
  useEffect(() => {
    onCompare(
      compare && draft ? { ids: compare, left: sideOf(compare.left), right: sideOf(compare.right) } : null,
    );
  }, [compare, draft, sideOf, onCompare]);
  useEffect(() => () => onCompare(null), [onCompare]);

  // Demolishing: building clicks on the map go to the variant.
  useEffect(() => {
    if (!demolishing || !shown) {
      onPickBuildings(null);
      return;
    }
    const id = shown.id;
    onPickBuildings((buildingId) => setDraft((d) => (d ? toggleRemoved(d, id, buildingId) : d)));
    return () => onPickBuildings(null);
  }, [demolishing, shown, onPickBuildings]);
  useEffect(() => () => stopDrawing.current?.(), []);

  const shownId = shown?.id;
  const toggleClosedRoad = useCallback(
    (segmentId: string) => {
      if (shownId === undefined) return;
      setDraft((d) =>
        d
          ? {
              ...d,
              variants: d.variants.map((v) =>
                v.id === shownId
                  ? {
                      ...v,
                      closedSegmentIds: v.closedSegmentIds.includes(segmentId)
                        ? v.closedSegmentIds.filter((id) => id !== segmentId)
                        : [...v.closedSegmentIds, segmentId],
                    }
                  : v,
              ),
            }
          : d,
      );
    },
    [shownId],
  );

  const startDrawing = () => {
    if (!onDraw) return;
    setDemolishing(false);
    setCorners([]);
    setForm(null);
    setDrawing(true);
    stopDrawing.current = onDraw('Polygon', setCorners);
  };
  const finishDrawing = () => {
    stopDrawing.current?.();
    stopDrawing.current = null;
    setDrawing(false);
    if (footprintOf(corners)) setForm(NEW_BUILDING);
  };

  const addDrawn = () => {
    if (!draft || !shown || !form) return;
    const footprint = footprintOf(corners);
    const eaves = parseNumber(form.eaves);
    const storeys = parseNumber(form.storeys);
    const roofHeight = form.roof === 'flat' ? 0 : parseNumber(form.roofHeight);
    const bad = (field: MessageKey) =>
      setStatus({ text: translator.t('planning.badNumber', { field: translator.t(field) }), problem: true });
    if (eaves === null || eaves <= 0) return bad('planning.field.eaves');
    if (storeys === null || storeys < 1 || !Number.isInteger(storeys)) return bad('planning.field.storeys');
    if (roofHeight === null || roofHeight < 0) return bad('planning.field.roofHeight');
    if (!footprint) return;
    setDraft(
      addBuilding(draft, shown.id, {
        ...(form.name.trim() === '' ? {} : { name: form.name.trim() }),
        footprint,
        eavesHeightM: eaves,
        roofHeightM: roofHeight,
        roof: form.roof,
        storeys,
        use: form.use,
      }),
    );
    setForm(null);
    setCorners([]);
    setStatus(null);
  };

  const pickImportPlace = () => {
    if (!onPickPoint) return;
    if (pickingPlace) {
      stopPickingPlace.current?.();
      stopPickingPlace.current = null;
      setPickingPlace(false);
      return;
    }
    setPickingPlace(true);
    stopPickingPlace.current = onPickPoint(([lon, lat]) => {
      stopPickingPlace.current = null;
      setPickingPlace(false);
      setImportPlace([lon, lat]);
    });
  };

  const runImport = async () => {
    if (!draft || !shown || !importFile) return;
    const model = isModelFile(importFile.name);
    const heading = parseNumber(importHeading);
    const scale = parseNumber(importScale);
    const bad = (field: MessageKey) =>
      setStatus({ text: translator.t('planning.badNumber', { field: translator.t(field) }), problem: true });
    if (model && (heading === null || Math.abs(heading) > 360)) return bad('planning.import.heading');
    if (model && (scale === null || scale <= 0)) return bad('planning.import.scale');
    if (model && importPlace === null) {
      setStatus({ text: translator.t('planning.import.needsPlace'), problem: true });
      return;
    }
    setImporting(true);
    setImportNotes([]);
    try {
      const result = await api.importFile(importFile, {
        place: importPlace ?? undefined,
        crs: importCrs,
        ...(model ? { headingDeg: heading ?? 0, scale: scale ?? 1, use: importUse } : {}),
      });
      const buildings = result.buildings.map((b) => ProposedBuildingSchema.parse(b));
      const added = addImported(draft, shown.id, buildings);
      setDraft(added.draft);
      setImportNotes(result.notes);
      setStatus({
        text: translator.t('planning.import.done', {
          count: buildings.length,
          file: importFile.name,
          notes: result.notes.length,
        }),
        problem: false,
      });
      const first = buildings[0]?.footprint[0];
      if (first) onFlyTo(first[0], first[1]);
    } catch (error) {
      setStatus({
        text: translator.t('planning.import.error', {
          file: importFile.name,
          message: (error as Error).message,
        }),
        problem: true,
      });
    } finally {
      setImporting(false);
    }
  };

  const save = async () => {
    if (!draft) return;
    const input = inputOf(draft);
    // Socket.io closes the connection on a message over its limit: say so before sending.
    const bytes = new TextEncoder().encode(JSON.stringify(input)).byteLength;
    if (bytes > MAX_SOCKET_MESSAGE_BYTES - 64 * 1024) {
      setStatus({
        text: translator.t('planning.tooLarge', {
          size: number(bytes / 1024 / 1024, 1),
          limit: number(MAX_SOCKET_MESSAGE_BYTES / 1024 / 1024),
        }),
        problem: true,
      });
      return;
    }
    try {
      const saved = await api.save(input);
      setSavedInfo({ by: saved.savedBy, atMs: saved.savedAtMs });
      setDraft(draftOf(saved));
      setStatus({ text: translator.t('planning.saved', { version: saved.version }), problem: false });
      refresh();
    } catch (error) {
      setStatus({
        text: translator.t('planning.saveError', { message: (error as Error).message }),
        problem: true,
      });
    }
  };

  const downloadReport = () => {
    if (!draft || !shown) return;
    const time = (ms: number) => formatDateTime(ms, translator.intlLocale, sun.timeZone);
    const html = reportHtml({
      lang: translator.locale,
      title: draft.name,
      subtitle: [
        draft.version > 0 && savedInfo
          ? savedInfo.by === null
            ? translator.t('report.versionAnonymous', { version: draft.version, time: time(savedInfo.atMs) })
            : translator.t('report.version', {
                version: draft.version,
                by: savedInfo.by,
                time: time(savedInfo.atMs),
              })
          : translator.t('report.unsaved'),
        translator.t('report.variant', { variant: shown.name }),
      ],
      viewImage: snapshot(),
      figures: {
        caption: translator.t('planning.figures'),
        columns: draft.variants.map((v) => v.name),
        rows: figuresRows.map(([key, value]) => ({
          label: translator.t(key),
          values: draft.variants.map(value),
        })),
        note: translator.t('planning.unitsNote', {
          net: number(UNIT_ASSUMPTIONS.netShare * 100),
          size: number(UNIT_ASSUMPTIONS.meanUnitM2),
        }),
      },
      sections: [
        {
          heading: translator.t('report.buildings', { variant: shown.name }),
          lines: [
            ...(shown.buildings.length === 0
              ? [translator.t('report.noBuildings')]
              : shown.buildings.map((b) => {
                  const f = buildingFigures(b);
                  return translator.t('planning.buildingLine', {
                    name: b.name ?? b.id,
                    storeys: b.storeys,
                    height: number(f.maxHeightM, 1),
                    area: number(f.footprintM2),
                  });
                })),
            ...(shown.removedBuildingIds.length > 0
              ? [translator.t('report.demolished', { ids: shown.removedBuildingIds.join(', ') })]
              : []),
            ...(shown.closedSegmentIds.length > 0
              ? [translator.t('report.closed', { ids: shown.closedSegmentIds.join(', ') })]
              : []),
          ],
        },
        ...(sunResult
          ? [{ heading: translator.t('report.sun'), lines: [sunResult.summary], image: sunResult.image }]
          : []),
      ],
      footer: translator.t('report.footer', { time: time(Date.now()) }),
    });
    downloadFile(`bericht-${draft.id ?? 'entwurf'}-${shown.id}.html`, html, 'text/html');
  };

  const figuresRows: [MessageKey, (v: ScenarioDraft['variants'][number]) => string][] = [
    ['planning.figure.buildings', (v) => number(v.buildings.length)],
    ['planning.figure.footprint', (v) => `${number(variantFigures(v.buildings).footprintM2)} m²`],
    ['planning.figure.gfa', (v) => `${number(variantFigures(v.buildings).grossFloorAreaM2)} m²`],
    ['planning.figure.volume', (v) => `${number(variantFigures(v.buildings).volumeM3)} m³`],
    ['planning.figure.maxHeight', (v) => `${number(variantFigures(v.buildings).maxHeightM, 1)} m`],
    ['planning.figure.units', (v) => number(variantFigures(v.buildings).units)],
    ['planning.figure.removed', (v) => number(v.removedBuildingIds.length)],
  ];

  return (
    <details
      className="planning-panel health-panel"
      data-testid="planning-panel"
      open={draft !== null || undefined}
    >
      <summary className="panel-heading">{translator.t('planning.title')}</summary>
      {!draft && (
        <>
          {list !== null && list.length === 0 && (
            <p className="muted">{translator.t(canPlan ? 'planning.none' : 'planning.noPublished')}</p>
          )}
          {list !== null && list.length > 0 && (
            <ul className="rule-list">
              {list.map((s) => (
                <li key={s.id} className="rule-item" data-scenario-id={s.id}>
                  <p className="alarm-line">
                    <span className="alarm-rule">{s.name}</span>
                  </p>
                  <p className="muted">
                    {translator.t('planning.version', { version: s.version })} ·{' '}
                    {translator.t(s.published ? 'planning.published' : 'planning.draft')}
                  </p>
                  <button
                    type="button"
                    className="button"
                    onClick={() => void open(s.id, null)}
                    aria-label={translator.t('planning.openLabel', { name: s.name })}
                  >
                    {translator.t('planning.open')}
                  </button>
                </li>
              ))}
            </ul>
          )}
          {canPlan && (
            <form
              className="screens-wall"
              onSubmit={(event) => {
                event.preventDefault();
                if (newName.trim() === '') return;
                const created = newDraft(newName.trim(), [
                  translator.t('planning.variantA'),
                  translator.t('planning.variantB'),
                ]);
                setDraft(created);
                setVariantId('a');
                setNewName('');
                setStatus(null);
              }}
            >
              <label htmlFor="planning-new-name">{translator.t('planning.newName')}</label>
              <input
                id="planning-new-name"
                type="text"
                maxLength={120}
                value={newName}
                onChange={(e) => setNewName(e.currentTarget.value)}
                data-testid="planning-new-name"
              />
              <button type="submit" className="button" data-testid="planning-create">
                {translator.t('planning.new')}
              </button>
            </form>
          )}
        </>
      )}
      {draft && (
        <div className="planning-scenario" data-testid="planning-scenario" data-version={draft.version}>
          <h3 className="subheading">{draft.name}</h3>
          <p className="muted" data-testid="planning-version">
            {draft.version === 0
              ? translator.t('planning.unsaved')
              : translator.t('planning.version', { version: draft.version })}
          </p>
          <div className="alarm-actions" role="group" aria-label={translator.t('planning.variants')}>
            {draft.variants.map((v) => (
              <button
                key={v.id}
                type="button"
                className="button"
                aria-pressed={variantId === v.id}
                onClick={() => setVariantId(v.id)}
                data-testid={`planning-variant-${v.id}`}
              >
                {v.name}
              </button>
            ))}
            <button
              type="button"
              className="button"
              aria-pressed={variantId === null}
              onClick={() => setVariantId(null)}
              data-testid="planning-as-is"
            >
              {translator.t('planning.asIs')}
            </button>
          </div>

          <div className="alarm-actions">
            <button
              type="button"
              className="button"
              aria-pressed={compare !== null}
              onClick={() =>
                setCompare((c) =>
                  c
                    ? null
                    : {
                        left: draft.variants[0]?.id ?? AS_IS,
                        right: draft.variants[1]?.id ?? AS_IS,
                      },
                )
              }
              data-testid="planning-compare"
            >
              {translator.t(compare ? 'planning.compareEnd' : 'planning.compare')}
            </button>
          </div>
          {compare && (
            <div className="planning-compare" data-testid="planning-compare-controls">
              {(['left', 'right'] as const).map((side) => (
                <label key={side}>
                  <span>{translator.t(side === 'left' ? 'planning.left' : 'planning.right')}</span>{' '}
                  <select
                    value={compare[side]}
                    onChange={(e) => setCompare({ ...compare, [side]: e.currentTarget.value })}
                    data-testid={`planning-compare-${side}`}
                  >
                    {draft.variants.map((v) => (
                      <option key={v.id} value={v.id}>
                        {v.name}
                      </option>
                    ))}
                    <option value={AS_IS}>{translator.t('planning.asIs')}</option>
                  </select>
                </label>
              ))}
              <label htmlFor="planning-split">{translator.t('planning.split')}</label>
              <input
                id="planning-split"
                type="range"
                min={0}
                max={100}
                value={Math.round(split * 100)}
                onChange={(e) => onSplit(Number(e.currentTarget.value) / 100)}
                data-testid="planning-split"
              />
              <p className="muted">{translator.t('planning.compareNote')}</p>
            </div>
          )}

          <table className="health-table planning-figures" data-testid="planning-figures">
            <caption className="subheading">{translator.t('planning.figures')}</caption>
            <thead>
              <tr>
                <th scope="col" />
                {draft.variants.map((v) => (
                  <th key={v.id} scope="col">
                    {v.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {figuresRows.map(([key, value]) => (
                <tr key={key} data-figure={key}>
                  <th scope="row">{translator.t(key)}</th>
                  {draft.variants.map((v) => (
                    <td key={v.id} data-variant={v.id}>
                      {value(v)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted planning-note">
            {translator.t('planning.unitsNote', {
              net: number(UNIT_ASSUMPTIONS.netShare * 100),
              size: number(UNIT_ASSUMPTIONS.meanUnitM2),
            })}
          </p>

          {shown && shown.buildings.length > 0 && (
            <>
              <h4 className="subheading">{translator.t('planning.buildings', { variant: shown.name })}</h4>
              <ul className="screens-walls" data-testid="planning-buildings">
                {shown.buildings.map((b) => {
                  const f = buildingFigures(b);
                  const name = b.name ?? b.id;
                  return (
                    <li key={b.id} data-building-id={b.id}>
                      {translator.t('planning.buildingLine', {
                        name,
                        storeys: b.storeys,
                        height: number(f.maxHeightM, 1),
                        area: number(f.footprintM2),
                      })}
                      {b.source && ` ${translator.t('planning.importedFrom', { file: b.source.file })}`}{' '}
                      {canPlan && (
                        <button
                          type="button"
                          className="button"
                          onClick={() => setDraft(removeBuilding(draft, shown.id, b.id))}
                          aria-label={translator.t('planning.removeBuildingLabel', { name })}
                        >
                          {translator.t('planning.removeBuilding')}
                        </button>
                      )}
                    </li>
                  );
                })}
              </ul>
            </>
          )}

          {canPlan && shown && (
            <div className="planning-tools">
              <div className="alarm-actions">
                <button
                  type="button"
                  className="button"
                  aria-pressed={drawing}
                  disabled={!onDraw || form !== null}
                  onClick={() => (drawing ? finishDrawing() : startDrawing())}
                  data-testid="planning-draw"
                >
                  {translator.t(drawing ? 'planning.drawDone' : 'planning.draw')}
                </button>
                <button
                  type="button"
                  className="button"
                  aria-pressed={demolishing}
                  disabled={drawing}
                  onClick={() => setDemolishing((on) => !on)}
                  data-testid="planning-demolish"
                >
                  {translator.t(demolishing ? 'planning.demolishActive' : 'planning.demolish')}
                </button>
              </div>
              {drawing && (
                <p className="muted" role="status">
                  {translator.t('planning.drawHint', { count: corners.length })}
                </p>
              )}
              {form && (
                <form
                  className="rule-form"
                  data-testid="planning-building-form"
                  aria-label={translator.t('planning.building', { variant: shown.name })}
                  onSubmit={(event) => {
                    event.preventDefault();
                    addDrawn();
                  }}
                >
                  <label htmlFor="planning-b-name">{translator.t('planning.field.name')}</label>
                  <input
                    id="planning-b-name"
                    type="text"
                    maxLength={120}
                    value={form.name}
                    onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
                  />
                  <DecimalField
                    id="planning-b-eaves"
                    label={translator.t('planning.field.eaves')}
                    value={form.eaves}
                    onChange={(eaves) => setForm({ ...form, eaves })}
                    testId="planning-eaves"
                  />
                  <label htmlFor="planning-b-storeys">{translator.t('planning.field.storeys')}</label>
                  <input
                    id="planning-b-storeys"
                    type="text"
                    inputMode="numeric"
                    value={form.storeys}
                    onChange={(e) => setForm({ ...form, storeys: e.currentTarget.value })}
                    data-testid="planning-storeys"
                  />
                  <label htmlFor="planning-b-roof">{translator.t('planning.field.roof')}</label>
                  <select
                    id="planning-b-roof"
                    value={form.roof}
                    onChange={(e) =>
                      setForm({ ...form, roof: e.currentTarget.value as BuildingForm['roof'] })
                    }
                  >
                    {ROOF_TYPES.map((roof) => (
                      <option key={roof} value={roof}>
                        {translator.t(`planning.roof.${roof}`)}
                      </option>
                    ))}
                  </select>
                  {form.roof !== 'flat' && (
                    <>
                      <DecimalField
                        id="planning-b-roof-height"
                        label={translator.t('planning.field.roofHeight')}
                        value={form.roofHeight}
                        onChange={(roofHeight) => setForm({ ...form, roofHeight })}
                      />
                    </>
                  )}
                  <UseField
                    id="planning-b-use"
                    value={form.use}
                    onChange={(use) => setForm({ ...form, use })}
                  />
                  <div className="alarm-actions">
                    <button type="submit" className="button" data-testid="planning-add">
                      {translator.t('planning.add')}
                    </button>
                    <button type="button" className="button" onClick={() => setForm(null)}>
                      {translator.t('planning.cancel')}
                    </button>
                  </div>
                </form>
              )}
              <form
                className="rule-form"
                data-testid="planning-import"
                aria-label={translator.t('planning.import.title', { variant: shown.name })}
                onSubmit={(event) => {
                  event.preventDefault();
                  void runImport();
                }}
              >
                <label htmlFor="planning-import-file">{translator.t('planning.import.file')}</label>
                <input
                  id="planning-import-file"
                  type="file"
                  accept=".gml,.xml,.citygml,.json,.cityjson,.jsonl,.glb,.gltf"
                  onChange={(e) => {
                    setImportFile(e.currentTarget.files?.[0] ?? null);
                    setImportNotes([]);
                  }}
                  data-testid="planning-import-file"
                />
                <p className="muted">{translator.t('planning.import.hint')}</p>
                <div className="alarm-actions">
                  <button
                    type="button"
                    className="button"
                    aria-pressed={pickingPlace}
                    disabled={!onPickPoint}
                    onClick={pickImportPlace}
                    data-testid="planning-import-place"
                  >
                    {translator.t(pickingPlace ? 'planning.import.picking' : 'planning.import.pickPlace')}
                  </button>
                </div>
                <p className="muted" data-testid="planning-import-place-shown">
                  {importPlace
                    ? translator.t('planning.import.placeSet', {
                        lon: number(importPlace[0], 5),
                        lat: number(importPlace[1], 5),
                      })
                    : translator.t('planning.import.noPlace')}
                </p>
                {importFile && isModelFile(importFile.name) ? (
                  <>
                    <DecimalField
                      id="planning-import-heading"
                      label={translator.t('planning.import.heading')}
                      value={importHeading}
                      onChange={setImportHeading}
                      testId="planning-import-heading"
                    />
                    <DecimalField
                      id="planning-import-scale"
                      label={translator.t('planning.import.scale')}
                      value={importScale}
                      onChange={setImportScale}
                      testId="planning-import-scale"
                    />
                    <UseField id="planning-import-use" value={importUse} onChange={setImportUse} />
                  </>
                ) : (
                  <>
                    <label htmlFor="planning-import-crs">{translator.t('planning.import.crs')}</label>
                    <input
                      id="planning-import-crs"
                      type="text"
                      placeholder="EPSG:25832"
                      value={importCrs}
                      onChange={(e) => setImportCrs(e.currentTarget.value)}
                      data-testid="planning-import-crs"
                    />
                  </>
                )}
                <div className="alarm-actions">
                  <button
                    type="submit"
                    className="button"
                    disabled={importFile === null || importing}
                    aria-busy={importing}
                    data-testid="planning-import-run"
                  >
                    {translator.t(importing ? 'planning.import.running' : 'planning.import.run')}
                  </button>
                </div>
                {importNotes.length > 0 && (
                  <ul className="screens-walls" data-testid="planning-import-notes">
                    {importNotes.slice(0, 8).map((note, i) => (
                      <li key={i}>{note.objectId ? `${note.objectId}: ${note.message}` : note.message}</li>
                    ))}
                    {importNotes.length > 8 && (
                      <li>{translator.t('planning.import.moreNotes', { count: importNotes.length - 8 })}</li>
                    )}
                  </ul>
                )}
              </form>
              {shown.removedBuildingIds.length > 0 && (
                <>
                  <p className="muted">
                    {translator.t('planning.demolished', {
                      variant: shown.name,
                      count: shown.removedBuildingIds.length,
                    })}
                  </p>
                  <ul className="screens-walls" data-testid="planning-demolished">
                    {shown.removedBuildingIds.map((id) => (
                      <li key={id} data-building-id={id}>
                        {id}{' '}
                        <button
                          type="button"
                          className="button"
                          onClick={() => setDraft(toggleRemoved(draft, shown.id, id))}
                          aria-label={translator.t('planning.restoreLabel', { id })}
                        >
                          {translator.t('planning.restore')}
                        </button>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </div>
          )}

          {shown && (
            <TrafficEffect
              api={traffic}
              closedIds={shown.closedSegmentIds}
              onToggle={canPlan ? toggleClosedRoad : null}
              onPickPoint={onPickPoint}
            />
          )}
          <SunPosition lat={sun.lat} lon={sun.lon} timeZone={sun.timeZone} onSunTime={sun.onSunTime} />
          {shown && (
            <SunStudy
              variant={shown}
              loadTown={sun.loadTown}
              onOverlay={sun.onOverlay}
              lat={sun.lat}
              lon={sun.lon}
              onResult={setSunResult}
            />
          )}

          {draft.id !== undefined && draft.version > 0 && (
            <ScenarioComments
              api={api.comments}
              scenarioId={draft.id}
              variant={shown}
              variantName={(id) => draft.variants.find((v) => v.id === id)?.name ?? id}
              canModerate={canPlan}
              onPickPoint={onPickPoint}
              onMarkers={onMarkers}
              onFlyTo={onFlyTo}
            />
          )}

          {canPlan && (
            <label className="rule-check">
              <input
                type="checkbox"
                checked={draft.published}
                onChange={(e) => setDraft({ ...draft, published: e.currentTarget.checked })}
                data-testid="planning-published"
              />
              <span>{translator.t('planning.published')}</span>
            </label>
          )}
          <div className="alarm-actions">
            {canPlan && (
              <button
                type="button"
                className="button"
                onClick={() => void save()}
                data-testid="planning-save"
              >
                {translator.t('planning.save')}
              </button>
            )}
            {shown && (
              <button type="button" className="button" onClick={downloadReport} data-testid="planning-report">
                {translator.t('report.download')}
              </button>
            )}
            <button
              type="button"
              className="button"
              onClick={() => {
                stopDrawing.current?.();
                stopDrawing.current = null;
                setDrawing(false);
                setDemolishing(false);
                setForm(null);
                setCompare(null);
                setDraft(null);
                setVariantId(null);
              }}
            >
              {translator.t('planning.close')}
            </button>
          </div>
        </div>
      )}
      <p className={status?.problem ? 'quality-note' : 'muted'} role="status" data-testid="planning-status">
        {status?.text ?? ''}
      </p>
    </details>
  );
}

/** A labelled text field for a number, typed the user's way (a decimal comma too). */
function DecimalField({
  id,
  label,
  value,
  onChange,
  testId,
}: {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly testId?: string;
}) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        data-testid={testId}
      />
    </>
  );
}

/** A building's use, as a labelled list. */
function UseField({
  id,
  value,
  onChange,
}: {
  readonly id: string;
  readonly value: ProposedBuilding['use'];
  readonly onChange: (use: ProposedBuilding['use']) => void;
}) {
  const translator = useTranslator();
  return (
    <>
      <label htmlFor={id}>{translator.t('planning.field.use')}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value as ProposedBuilding['use'])}
      >
        {BUILDING_USES.map((use) => (
          <option key={use} value={use}>
            {translator.t(`planning.use.${use}`)}
          </option>
        ))}
      </select>
    </>
  );
}
