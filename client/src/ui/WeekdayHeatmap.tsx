/**
 * A weekday × hour heatmap of one quantity's mean (a road's speed: when does it jam?), as an HTML
 * table: rows Monday to Sunday, columns the hours 0–23 of the city's time zone, each cell coloured
 * on the ramp of `chartModel.ts` and carrying its value as text for screen readers and as a tooltip.
 * An hour without readings stays visibly empty (hatched), never the colour of a low value.
 */
import type { CSSProperties } from 'react';
import type { WeekdayHourProfile } from '../../../protocol/history.ts';
import { heatmapColor, heatmapDomain, heatmapGradientCss } from '../history/chartModel.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import type { MessageKey, Translator } from '../i18n/messages.ts';
import { formatQuantity, quantityLabel } from '../sensors/quantities.ts';

const WEEKDAY_KEYS: readonly MessageKey[] = [
  'history.weekday0',
  'history.weekday1',
  'history.weekday2',
  'history.weekday3',
  'history.weekday4',
  'history.weekday5',
  'history.weekday6',
];
const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

/** Column headers shown in sight every this many hours; the others are there for screen readers. */
const VISIBLE_HOUR_EVERY = 3;

/** Props of {@link WeekdayHeatmap}. */
export interface WeekdayHeatmapProps {
  readonly profile: WeekdayHourProfile;
  /** How many weeks the profile averages, for the caption. */
  readonly weeks: number;
}

function valueText(quantity: string, value: number, translator: Translator): string {
  const formatted = formatQuantity(quantity, value, translator);
  return [formatted.value, formatted.unit].filter((part) => part !== '').join(' ');
}

/** The heatmap of `profile`; the caller shows loading, error and empty states. */
export function WeekdayHeatmap({ profile, weeks }: WeekdayHeatmapProps) {
  const translator = useTranslator();
  const t = translator.t;
  const domain = heatmapDomain(profile.mean);
  const label = quantityLabel(profile.quantity, translator);
  return (
    <div className="heatmap">
      <table className="heatmap-table">
        <caption>{t('history.heatmapCaption', { quantity: label, weeks })}</caption>
        <thead>
          <tr>
            <td>
              <span className="visually-hidden">{t('history.heatmapCorner')}</span>
            </td>
            {HOURS.map((hour) => (
              <th key={hour} scope="col">
                <span className={hour % VISIBLE_HOUR_EVERY === 0 ? undefined : 'visually-hidden'}>
                  {hour}
                </span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {WEEKDAY_KEYS.map((dayKey, day) => {
            const dayName = t(dayKey);
            return (
              <tr key={dayKey}>
                <th scope="row">{dayName}</th>
                {HOURS.map((hour) => {
                  const value = profile.mean[day]?.[hour] ?? null;
                  const color = heatmapColor(value, domain);
                  const text =
                    value === null ? t('history.noData') : valueText(profile.quantity, value, translator);
                  const style: CSSProperties | undefined = color ? { backgroundColor: color } : undefined;
                  return (
                    <td
                      key={hour}
                      className={color ? 'heatmap-cell' : 'heatmap-cell heatmap-empty'}
                      style={style}
                      title={t('history.heatmapCell', { day: dayName, hour: String(hour), value: text })}
                      data-value={value ?? undefined}
                    >
                      <span className="visually-hidden">{text}</span>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="heatmap-legend" aria-hidden="true">
        {domain && (
          <>
            <span>{valueText(profile.quantity, domain.min, translator)}</span>
            <span className="heatmap-ramp" style={{ backgroundImage: heatmapGradientCss() }} />
            <span>{valueText(profile.quantity, domain.max, translator)}</span>
          </>
        )}
        <span className="heatmap-cell heatmap-empty heatmap-swatch" />
        <span>{t('history.noData')}</span>
      </div>
    </div>
  );
}
