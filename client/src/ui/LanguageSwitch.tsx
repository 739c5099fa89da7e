/**
 * DE / EN switch. The choice is remembered by the i18n store and set as `<html lang>`.
 */
import { useI18nStore, useTranslator } from '../i18n/I18nContext.tsx';
import { LOCALES, type Locale, type MessageKey } from '../i18n/messages.ts';

const CODE_KEYS: Readonly<Record<Locale, MessageKey>> = { de: 'language.codeDe', en: 'language.codeEn' };
const NAME_KEYS: Readonly<Record<Locale, MessageKey>> = { de: 'language.nameDe', en: 'language.nameEn' };

/** A group of toggle buttons, one per language; the active one is pressed. */
export function LanguageSwitch() {
  const store = useI18nStore();
  const translator = useTranslator();
  return (
    <div className="language-switch" role="group" aria-label={translator.t('language.label')}>
      {LOCALES.map((locale) => (
        <button
          key={locale}
          type="button"
          className="language-button"
          lang={locale}
          aria-pressed={translator.locale === locale}
          title={translator.t(NAME_KEYS[locale])}
          onClick={() => store.setLocale(locale)}
        >
          {translator.t(CODE_KEYS[locale])}
          <span className="visually-hidden"> {translator.t(NAME_KEYS[locale])}</span>
        </button>
      ))}
    </div>
  );
}
