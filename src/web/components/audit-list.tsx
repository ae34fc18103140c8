import { useTranslation } from 'react-i18next';
import type { AuditRecord } from '@/web/api';
import { useFormat } from '@/web/format';

/**
 * The audit log as people read it: what was done to what ("Published: contest — Olympiad"), who did it and
 * when — never a table name, an id or a code. An action or kind the web app does not know yet reads as a
 * plain "Change: record".
 */
export function AuditList({ entries }: { entries: AuditRecord[] }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const known = (key: string) => i18n.exists(key);
  return (
    <ol className="list audit">
      {entries.map((entry) => {
        const action = t(
          known(`audit.action.${entry.action}`) ? `audit.action.${entry.action}` : 'audit.action.other',
        );
        const entity = t(
          known(`audit.entity.${entry.entity}`) ? `audit.entity.${entry.entity}` : 'audit.entity.other',
        );
        const label = entry.label.join(', ');
        return (
          <li key={entry.id}>
            <span className="what">
              {label ? t('audit.lineLabel', { action, entity, label }) : t('audit.line', { action, entity })}
            </span>
            <span className="meta">
              <time dateTime={entry.at}>{f.dateTime(entry.at)}</time>
              {' · '}
              {entry.actorName ?? t('admin.system')}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
