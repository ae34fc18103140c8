import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError, type FieldProblem } from '@/web/api';

/** Shown while something loads; announced politely, once. */
export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status">
      {t('common.loading')}
    </p>
  );
}

/** The text to show for a failure: the server's translated message, or our own when there was no answer. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation();
  return (error) => {
    if (error instanceof ApiError && error.message) return error.message;
    if (error instanceof ApiError && error.code === 'network') return t('common.networkError');
    return t('common.unknownError');
  };
}

/**
 * A field problem as a person reads it. The server writes `field: reason` with the field's path
 * (`entries.3.mark.value`); the path is replaced by the field's name in the reader's language where the web
 * app knows it (`fields.*`, by the path's last named part), and left out otherwise: never shown as code.
 */
export function problemText(t: TFunction, exists: (key: string) => boolean, d: FieldProblem): string {
  const prefix = `${d.field}: `;
  if (!d.message.startsWith(prefix)) return d.message;
  const reason = d.message.slice(prefix.length);
  const name = d.field
    .split('.')
    .filter((part) => !/^\d+$/.test(part))
    .at(-1);
  return name && exists(`fields.${name}`) ? `${t(`fields.${name}`)}: ${reason}` : reason;
}

/** A failure, with the fields the server named and, when it makes sense, a way to try again. */
export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, i18n } = useTranslation();
  const text = useErrorText();
  const exists = (key: string) => i18n.exists(key);
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div className="error" role="alert">
      <p>{text(error)}</p>
      {details.length > 0 ? (
        <ul>
          {details.map((d) => (
            <li key={`${d.field}:${d.reason}`}>{problemText(t, exists, d)}</li>
          ))}
        </ul>
      ) : null}
      {onRetry ? (
        <button type="button" className="secondary" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}
