import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type FieldProblem } from '@/web/api';
import { problemText, useErrorText } from '@/web/components/status';

/**
 * The problems a failed save names, by the form field each belongs to (`options.1` and `windows/0/endsAt`
 * both belong to their first segment), and those that belong to none.
 */
export function problemsOf(error: unknown, fields: readonly string[]) {
  const details = error instanceof ApiError ? error.details : [];
  const byField = new Map<string, string[]>();
  const rest: FieldProblem[] = [];
  for (const d of details) {
    const head = d.field.split(/[/.]/)[0]!;
    if (!fields.includes(head)) {
      rest.push(d);
      continue;
    }
    // The server writes `field: reason`; beside its field only the reason is shown.
    const prefix = `${d.field}: `;
    const text = d.message.startsWith(prefix) ? d.message.slice(prefix.length) : d.message;
    byField.set(head, [...(byField.get(head) ?? []), text]);
  }
  return { byField, rest };
}

/** A form's failure: the server's message, and the problems no field shows beside itself. */
export function FormError({ error, rest }: { error: unknown; rest: FieldProblem[] }) {
  const { t, i18n } = useTranslation();
  const text = useErrorText();
  return (
    <div className="error" role="alert">
      <p>{text(error)}</p>
      {rest.length > 0 ? (
        <ul>
          {rest.map((d) => (
            <li key={`${d.field}:${d.reason}`}>{problemText(t, (k) => i18n.exists(k), d)}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** One labelled control with its error beside it (`aria-describedby`, `aria-invalid`). */
export function Field({
  id,
  label,
  errors,
  hint,
  children,
}: {
  id: string;
  label: string;
  errors?: string[];
  hint?: string;
  children: (a11y: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode;
}) {
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const described = [hint ? hintId : null, errors?.length ? errorId : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {children({
        id,
        ...(errors?.length ? { 'aria-invalid': true as const } : {}),
        ...(described ? { 'aria-describedby': described } : {}),
      })}
      {errors?.length ? (
        <p className="field-error" id={errorId}>
          {errors.join(' ')}
        </p>
      ) : null}
    </div>
  );
}

/** A problem of a form as its summary lists it: the field's element id, its label, and what is wrong. */
export interface FormProblem {
  id: string;
  label: string;
  message: string;
}

/**
 * Moves the reader to a field: focuses it and scrolls it to the middle of the screen (clear of a sticky
 * header), so on a phone the field and the message beside it are in view.
 */
export function focusField(id: string) {
  const element = document.getElementById(id);
  if (!element) return;
  element.focus({ preventScroll: true });
  element.scrollIntoView({ block: 'center' });
}

/**
 * A form's problems at its top, each a link to its field (which the message beside the field repeats): what a
 * long form shows after a refused submit, so nobody has to hunt for the wrong field 2,000 px away.
 */
export function FormSummary({ title, problems }: { title: string; problems: FormProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <div className="error form-summary" role="alert">
      <p>{title}</p>
      <ul>
        {problems.map((p) => (
          <li key={`${p.id}:${p.message}`}>
            <a
              href={`#${p.id}`}
              onClick={(e) => {
                e.preventDefault();
                focusField(p.id);
              }}
            >
              {p.label}: {p.message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
