import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '@/web/api';
import { useFormat } from '@/web/format';
import '@/web/components/stale-version.css';

/** One field that differs between the saved version and the user's: its label and both values, as text. */
export interface VersionDifference {
  field: string;
  label: string;
  theirs: string;
  mine: string;
}

/** The saved version of a record from a refused save (409 `stale_version`), or null for any other error. */
export function staleCurrent<T>(error: unknown): T | null {
  return error instanceof ApiError && error.code === 'stale_version' && error.versions
    ? (error.versions.current as T)
    : null;
}

/**
 * "Someone else changed this": a save refused because the record changed after it was read (as the class
 * journal shows its conflicts). The fields that differ, theirs beside the user's; the user loads theirs
 * (dropping their own changes) or saves theirs over it, knowingly. Nothing is written until they choose.
 */
export function StaleVersion({
  differences,
  updatedAt,
  busy,
  onReload,
  onOverwrite,
}: {
  differences: VersionDifference[];
  /** When the saved version was written, if known. */
  updatedAt: string | null;
  busy?: boolean;
  onReload: () => void;
  onOverwrite: () => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId().replace(/:/g, '');
  const heading = useRef<HTMLHeadingElement>(null);
  // Brought into view and focused when it appears: the save button the user pressed is far below on a phone.
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <section className="stale-version" aria-labelledby={`${id}-title`} data-testid="stale-version">
      <h2 id={`${id}-title`} tabIndex={-1} ref={heading}>
        {t('stale.title')}
      </h2>
      <p>{updatedAt ? t('stale.introWhen', { when: f.dateTime(updatedAt) }) : t('stale.intro')}</p>
      {differences.length > 0 ? (
        <ul>
          {differences.map((d) => (
            <li key={d.field} data-difference={d.field}>
              <strong>{d.label}</strong>
              <dl>
                <div>
                  <dt>{t('stale.theirs')}</dt>
                  <dd data-version="theirs">{d.theirs || '—'}</dd>
                </div>
                <div>
                  <dt>{t('stale.mine')}</dt>
                  <dd data-version="mine">{d.mine || '—'}</dd>
                </div>
              </dl>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('stale.sameValues')}</p>
      )}
      <div className="row-buttons">
        <button type="button" className="secondary" onClick={onReload} disabled={busy}>
          {t('stale.reload')}
        </button>
        <button type="button" onClick={onOverwrite} disabled={busy}>
          {t('stale.overwrite')}
        </button>
      </div>
    </section>
  );
}

/** The differences between two flat records, field by field, through `show` (null: the field is not shown). */
export function differencesOf<K extends string>(
  fields: readonly K[],
  theirs: Record<K, unknown>,
  mine: Record<K, unknown>,
  label: (field: K) => string,
  show: (field: K, value: unknown) => string,
): VersionDifference[] {
  return fields.flatMap((field) => {
    const a = show(field, theirs[field]);
    const b = show(field, mine[field]);
    return a === b ? [] : [{ field, label: label(field), theirs: a, mine: b }];
  });
}
