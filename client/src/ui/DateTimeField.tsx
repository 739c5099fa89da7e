/**
 * A date and time typed and shown in the UI language (`06.12.2026 14:30` in German,
 * `2026-12-06 14:30` in English), where the browser's `datetime-local` input would follow the
 * browser's locale instead (see `i18n/dateTimeText.ts`). The value is the wall-clock form
 * `YYYY-MM-DDTHH:mm`, as before. What is typed is taken on Enter or when the field loses focus; text
 * that is not a time, a day the calendar lacks, or a time outside `min`–`max` is refused with a
 * message that says what was wrong, the field marked invalid, and the value kept as it was. Escape
 * puts back the value shown before typing.
 */
import { useId, useState } from 'react';
import { useTranslator } from '../i18n/I18nContext.tsx';
import {
  DATE_TIME_PATTERN,
  formatDateTimeText,
  parseDateTimeText,
  type WallClock,
} from '../i18n/dateTimeText.ts';

/** The example in hints when the field holds no time. */
const EXAMPLE: WallClock = '2026-03-21T14:30';

export interface DateTimeFieldProps {
  readonly value: WallClock;
  /** Called with a checked value, only when it differs from `value` (`''` when emptied, if `optional`). */
  readonly onChange: (value: WallClock) => void;
  readonly id?: string;
  readonly min?: WallClock;
  readonly max?: WallClock;
  readonly disabled?: boolean;
  /** May be emptied (an incident without an end). */
  readonly optional?: boolean;
  readonly className?: string;
  readonly 'data-testid'?: string;
}

export function DateTimeField(props: DateTimeFieldProps) {
  const { value, onChange, min, max, disabled, optional } = props;
  const translator = useTranslator();
  const generatedId = useId();
  const id = props.id ?? generatedId;
  /** What is being typed; null while the field shows `value`. */
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const locale = translator.locale;
  const pattern = DATE_TIME_PATTERN[locale];
  const example = formatDateTimeText(value || EXAMPLE, locale);

  const commit = () => {
    if (draft === null) return;
    const parsed = parseDateTimeText(draft);
    if (!parsed.ok && parsed.problem === 'empty' && optional) {
      setDraft(null);
      setError(null);
      if (value !== '') onChange('');
      return;
    }
    if (!parsed.ok) {
      const text = draft.trim();
      setError(
        parsed.problem === 'empty'
          ? translator.t('dateTime.empty', { example })
          : parsed.problem === 'format'
            ? translator.t('dateTime.format', { pattern, example })
            : translator.t(parsed.problem === 'date' ? 'dateTime.date' : 'dateTime.time', { text }),
      );
      return;
    }
    if ((min && parsed.value < min) || (max && parsed.value > max)) {
      setError(
        translator.t('dateTime.range', {
          min: formatDateTimeText(min ?? '', locale),
          max: formatDateTimeText(max ?? '', locale),
        }),
      );
      return;
    }
    setDraft(null);
    setError(null);
    if (parsed.value !== value) onChange(parsed.value);
  };

  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <span className={`date-time-field${props.className ? ` ${props.className}` : ''}`}>
      <input
        id={id}
        type="text"
        autoComplete="off"
        spellCheck={false}
        size={16}
        value={draft ?? formatDateTimeText(value, locale)}
        placeholder={pattern}
        title={translator.t('dateTime.hint', { pattern, example })}
        disabled={disabled}
        aria-invalid={error !== null}
        aria-describedby={error !== null ? `${errorId} ${hintId}` : hintId}
        data-testid={props['data-testid']}
        onChange={(event) => setDraft(event.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            commit();
          } else if (event.key === 'Escape' && draft !== null) {
            event.preventDefault();
            event.stopPropagation();
            setDraft(null);
            setError(null);
          }
        }}
      />
      <span id={hintId} className="visually-hidden">
        {translator.t('dateTime.hint', { pattern, example })}
      </span>
      {error !== null && (
        <span id={errorId} className="date-time-error" role="alert" data-testid="date-time-error">
          {error}
        </span>
      )}
    </span>
  );
}
