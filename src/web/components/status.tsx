import { useTranslation } from 'react-i18next';
import { ApiError } from '@/web/api';

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

/** A failure, with the fields the server named and, when it makes sense, a way to try again. */
export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const text = useErrorText();
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div className="error" role="alert">
      <p>{text(error)}</p>
      {details.length > 0 ? (
        <ul>
          {details.map((d) => (
            <li key={`${d.field}:${d.reason}`}>{d.message}</li>
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
