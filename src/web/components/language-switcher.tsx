import { useId, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, isLocale } from '@/web/i18n';
import { chooseLanguage, useMe } from '@/web/session';
import { useErrorText } from '@/web/components/status';

/**
 * The language choice: a native select, which every phone renders as its own accessible picker. Each
 * language is written in itself and marked with its `lang`, so screen readers pronounce it right.
 */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const me = useMe().data;
  const client = useQueryClient();
  const id = useId();
  const errorText = useErrorText();
  const [error, setError] = useState<unknown>(null);
  return (
    <div className="language">
      <label htmlFor={id}>{t('language.label')}</label>
      <select
        id={id}
        value={i18n.language}
        onChange={(event) => {
          const value = event.target.value;
          if (!isLocale(value)) return;
          setError(null);
          chooseLanguage(value, me, client).catch(setError);
        }}
      >
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
      {error ? (
        <span className="inline-error" role="alert">
          {errorText(error)}
        </span>
      ) : null}
    </div>
  );
}
