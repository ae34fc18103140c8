import type { ReactNode } from 'react';
import { ApiError } from '@/web/api';
import { useErrorText } from '@/web/components/status';

/**
 * The problems a failed save names, by the form field each belongs to (`options.1` and `windows/0/endsAt`
 * both belong to their first segment), and those that belong to none.
 */
export function problemsOf(error: unknown, fields: readonly string[]) {
  const details = error instanceof ApiError ? error.details : [];
  const byField = new Map<string, string[]>();
  const rest: string[] = [];
  for (const d of details) {
    const head = d.field.split(/[/.]/)[0]!;
    if (fields.includes(head)) byField.set(head, [...(byField.get(head) ?? []), d.message]);
    else rest.push(d.message);
  }
  return { byField, rest };
}

/** A form's failure: the server's message, and the problems no field shows beside itself. */
export function FormError({ error, rest }: { error: unknown; rest: string[] }) {
  const text = useErrorText();
  return (
    <div className="error" role="alert">
      <p>{text(error)}</p>
      {rest.length > 0 ? (
        <ul>
          {rest.map((m) => (
            <li key={m}>{m}</li>
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
