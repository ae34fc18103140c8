import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '@/web/format';
import { upload, UploadError } from '@/web/library/tus';

/**
 * Sending a file to a resource: a resumable (tus) upload with a progress bar. A dropped connection is retried
 * from where the server stopped; a paused upload, or one whose page was closed, continues when the same file
 * is chosen again. The server's refusals (not a kind the library takes, too large, empty) are said plainly.
 */

const ROLES = ['main', 'caption', 'transcript', 'attachment'] as const;
type Role = (typeof ROLES)[number];

/** Which files each role takes, for the file picker (the server decides by content, not by this). */
const ACCEPT: Record<Role, string> = {
  main: 'video/*,audio/*,application/pdf,application/epub+zip,.mkv,.epub',
  caption: 'text/vtt,.vtt',
  transcript: 'text/vtt,.vtt,application/pdf',
  attachment: 'application/pdf,application/epub+zip,image/jpeg,image/png,.epub',
};

/** Bytes as a person reads them. */
export function useBytes() {
  const f = useFormat();
  return (bytes: number) =>
    bytes >= 1024 ** 3
      ? `${f.number(Math.round((bytes / 1024 ** 3) * 10) / 10)} GB`
      : bytes >= 1024 * 1024
        ? `${f.number(Math.round((bytes / 1024 / 1024) * 10) / 10)} MB`
        : `${f.number(Math.max(bytes === 0 ? 0 : 1, Math.round(bytes / 1024)))} KB`;
}

type Status =
  | { kind: 'idle' }
  | { kind: 'sending'; sent: number; total: number; resumedFrom: number | null }
  | { kind: 'done'; name: string; sent: number; total: number }
  | { kind: 'failed'; error: UploadError; sent: number; total: number };

export function UploadPanel({ resourceId, onUploaded }: { resourceId: number; onUploaded: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const bytes = useBytes();
  const base = useId();
  const [role, setRole] = useState<Role>('main');
  const [file, setFile] = useState<File | null>(null);
  const [missing, setMissing] = useState(false);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const controller = useRef<AbortController | null>(null);
  // Leaving the page stops sending; the upload stays resumable on the server.
  useEffect(() => () => controller.current?.abort(), []);

  const start = async () => {
    if (!file) {
      setMissing(true);
      return;
    }
    const abort = new AbortController();
    controller.current = abort;
    let resumedFrom: number | null = null;
    setStatus({ kind: 'sending', sent: 0, total: file.size, resumedFrom });
    let last = { sent: 0, total: file.size };
    try {
      await upload({
        file,
        resourceId,
        role,
        signal: abort.signal,
        onResume: (offset) => {
          resumedFrom = offset;
        },
        onProgress: (sent, total) => {
          last = { sent, total };
          setStatus({ kind: 'sending', sent, total, resumedFrom });
        },
      });
      setStatus({ kind: 'done', name: file.name, sent: file.size, total: file.size });
      setFile(null);
      onUploaded();
    } catch (error) {
      const e = error instanceof UploadError ? error : new UploadError('unknown', '');
      setStatus({ kind: 'failed', error: e, ...last });
    } finally {
      controller.current = null;
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void start();
  };

  /** What went wrong, in the interface language: our words for what we know, else the server's. */
  const message = (e: UploadError): string => {
    switch (e.code) {
      case 'library_file_type':
        return t('libraryEditor.upload.refusedType', { role: t(`portal.fileRole.${role}`) });
      case 'network':
        return t('libraryEditor.upload.dropped');
      case 'aborted':
        return t('libraryEditor.upload.paused');
      case 'upload_gone':
        return t('libraryEditor.upload.gone');
      default:
        return e.message || t('common.unknownError');
    }
  };

  const sending = status.kind === 'sending';
  const progressId = `${base}-progress`;
  const shown = status.kind === 'idle' ? null : status;
  return (
    <form className="form upload" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={`${base}-role`}>{t('libraryEditor.upload.role')}</label>
        <select
          id={`${base}-role`}
          value={role}
          disabled={sending}
          onChange={(e) => setRole(e.target.value as Role)}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`portal.fileRole.${r}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${base}-file`}>{t('libraryEditor.upload.file')}</label>
        <p className="hint" id={`${base}-hint`}>
          {t(`libraryEditor.upload.accepts.${role}`)}
        </p>
        <input
          id={`${base}-file`}
          type="file"
          accept={ACCEPT[role]}
          disabled={sending}
          aria-describedby={missing ? `${base}-hint ${base}-missing` : `${base}-hint`}
          aria-invalid={missing || undefined}
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setMissing(false);
            if (status.kind !== 'sending') setStatus({ kind: 'idle' });
          }}
        />
        {missing ? (
          <p className="field-error" id={`${base}-missing`}>
            {t('libraryEditor.upload.chooseFirst')}
          </p>
        ) : null}
      </div>
      {shown ? (
        <div className="field">
          <label htmlFor={progressId}>{t('libraryEditor.upload.progress')}</label>
          <progress id={progressId} max={Math.max(1, shown.total)} value={shown.sent} />
          <p className="meta">
            {t('libraryEditor.upload.sent', {
              sent: bytes(shown.sent),
              total: bytes(shown.total),
              percent: f.percent(shown.total ? shown.sent / shown.total : 0),
            })}
          </p>
          {status.kind === 'sending' && status.resumedFrom ? (
            <p className="note">
              {t('libraryEditor.upload.resumed', {
                percent: f.percent(status.total ? status.resumedFrom / status.total : 0),
              })}
            </p>
          ) : null}
        </div>
      ) : null}
      {status.kind === 'failed' ? (
        <div className="error" role="alert">
          <p>{message(status.error)}</p>
          {status.error.resumable && status.error.code !== 'aborted' ? (
            <p>{t('libraryEditor.upload.canResume')}</p>
          ) : null}
        </div>
      ) : null}
      {status.kind === 'done' ? (
        <p className="saved" role="status">
          {t('libraryEditor.upload.done', { name: status.name })}
        </p>
      ) : null}
      <div className="row-buttons">
        {sending ? (
          <button type="button" className="secondary" onClick={() => controller.current?.abort()}>
            {t('libraryEditor.upload.pause')}
          </button>
        ) : (
          <button type="submit">
            {status.kind === 'failed' && status.error.resumable && file
              ? t('libraryEditor.upload.resume')
              : t('libraryEditor.upload.send')}
          </button>
        )}
      </div>
    </form>
  );
}
