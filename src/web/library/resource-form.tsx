import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { ResourceBody, ResourceView, Topic } from '@/modules/library/library.schema';
import { api, ApiError, type FieldProblem } from '@/web/api';
import { gradeOrdinal } from '@/web/format';
import { localName } from '@/web/i18n';
import { ErrorBox } from '@/web/components/status';
import { useCountryPack } from '@/web/registry/shared';

/**
 * The description of a resource, as an editor writes it: kind, level, grades, subject and curriculum topics,
 * language, licence, authors, publisher, accessibility, and for a TV lesson its channel and air date. The API
 * checks everything (the subject's grades, the topics' subject, a TV lesson's fields); each problem it
 * reports is shown under its field, in the interface language.
 */

export type Resource = Static<typeof ResourceView>;
type TopicRecord = Static<typeof Topic>;

export const RESOURCE_TYPES = [
  'video_lesson',
  'tv_lesson',
  'audio_lesson',
  'e_textbook',
  'teacher_guide',
  'steam_project',
  'extracurricular_reading',
  'worksheet',
  'other',
] as const;
const LEVELS = ['general', 'vocational', 'higher'] as const;
const LANGUAGES = ['az', 'ru', 'en'] as const;
const LICENCES = [
  'cc_by',
  'cc_by_sa',
  'cc_by_nd',
  'cc_by_nc',
  'cc_by_nc_sa',
  'cc_by_nc_nd',
  'cc0',
  'public_domain',
  'all_rights_reserved',
] as const;
const ACCESSIBILITY = ['captions', 'transcript', 'audio_description', 'tagged_pdf'] as const;

interface Draft {
  type: ResourceBody['type'];
  title: string;
  description: string;
  language: ResourceBody['language'];
  level: ResourceBody['level'];
  subject: string;
  grades: number[];
  topicIds: number[];
  authors: string;
  publisher: string;
  licence: ResourceBody['licence'];
  accessibility: ResourceBody['accessibility'];
  channel: string;
  airDate: string;
  pages: string;
}

function draftOf(r: Resource | undefined): Draft {
  return {
    type: r?.type ?? 'video_lesson',
    title: r?.title ?? '',
    description: r?.description ?? '',
    language: r?.language ?? 'az',
    level: r?.level ?? 'general',
    subject: r?.subject ?? '',
    grades: r?.grades ?? [],
    topicIds: r?.topics.map((t) => t.id) ?? [],
    authors: r?.authors.join('\n') ?? '',
    publisher: r?.publisher ?? '',
    licence: r?.licence ?? 'cc_by',
    accessibility: r?.accessibility ?? [],
    channel: r?.channel ?? '',
    airDate: r?.airDate ?? '',
    pages: r?.pages ? String(r.pages) : '',
  };
}

function bodyOf(d: Draft): ResourceBody {
  const tv = d.type === 'tv_lesson';
  return {
    type: d.type,
    title: d.title.trim(),
    description: d.description.trim(),
    language: d.language,
    level: d.level,
    grades: [...d.grades].sort((a, b) => a - b),
    subject: d.subject || null,
    topicIds: d.topicIds,
    authors: d.authors
      .split('\n')
      .map((a) => a.trim())
      .filter(Boolean),
    publisher: d.publisher.trim() || null,
    channel: tv ? d.channel.trim() || null : null,
    airDate: tv ? d.airDate || null : null,
    pages: d.pages.trim() === '' ? null : Number(d.pages.trim()),
    licence: d.licence,
    accessibility: d.accessibility,
  };
}

/** The problem text without the field name the server puts in front of it ("airDate: is required…"). */
function reasonText(problem: FieldProblem): string {
  const prefix = `${problem.field}: `;
  return problem.message.startsWith(prefix) ? problem.message.slice(prefix.length) : problem.message;
}

/** The form's field each server problem belongs to ("grades.1" → grades). */
const FORM_FIELDS = [
  'type',
  'title',
  'description',
  'language',
  'level',
  'subject',
  'grades',
  'topicIds',
  'authors',
  'publisher',
  'licence',
  'accessibility',
  'channel',
  'airDate',
  'pages',
] as const;
type FormField = (typeof FORM_FIELDS)[number];

export function ResourceForm({
  initial,
  save,
  onSaved,
  submitLabel,
}: {
  initial?: Resource;
  save: (body: ResourceBody) => Promise<Resource>;
  onSaved: (saved: Resource) => void;
  submitLabel: string;
}) {
  const { t, i18n } = useTranslation();
  const base = useId();
  const pack = useCountryPack();
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial));
  const [sent, setSent] = useState<ResourceBody | null>(null);
  const [pagesInvalid, setPagesInvalid] = useState(false);
  const [saved, setSaved] = useState(false);
  const topics = useQuery({
    queryKey: ['library', 'topics', draft.subject],
    enabled: draft.subject !== '',
    staleTime: Infinity,
    queryFn: ({ signal }) =>
      api<TopicRecord[]>(`/library/topics?subject=${encodeURIComponent(draft.subject)}`, { signal }),
  });
  const mutation = useMutation({
    mutationFn: save,
    onSuccess: (result) => {
      setSaved(true);
      onSaved(result);
    },
  });
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setSaved(false);
    setDraft((d) => ({ ...d, [key]: value }));
  };
  const toggle = <T,>(list: T[], value: T, on: boolean) =>
    on ? [...list.filter((v) => v !== value), value] : list.filter((v) => v !== value);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = bodyOf(draft);
    const badPages = body.pages !== null && body.pages !== undefined && !Number.isInteger(body.pages);
    setPagesInvalid(badPages);
    if (badPages) return;
    setSent(body);
    mutation.mutate(body);
  };

  // The server's problems, by form field; those of no field of this form go in the box above it.
  const problems = new Map<FormField, string[]>();
  const other: FieldProblem[] = [];
  const error = mutation.error;
  if (error instanceof ApiError) {
    for (const p of error.details) {
      const [root, index] = p.field.split('.');
      if (!FORM_FIELDS.includes(root as FormField)) {
        other.push(p);
        continue;
      }
      let text = reasonText(p);
      const i = Number(index);
      if (index !== undefined && sent && Number.isInteger(i)) {
        // Name the item at fault: "Grade 2: is not taught in this subject".
        if (root === 'grades')
          text = `${t('portal.gradeN', { grade: gradeOrdinal(i18n.language, sent.grades[i] ?? 0) })}: ${text}`;
        if (root === 'authors') text = `${sent.authors[i] ?? ''}: ${text}`;
        if (root === 'topicIds') {
          const topic = topics.data?.find((x) => x.id === sent.topicIds?.[i]);
          if (topic) text = `${localName(topic, i18n.language)}: ${text}`;
        }
      }
      problems.set(root as FormField, [...(problems.get(root as FormField) ?? []), text]);
    }
  }
  if (pagesInvalid) problems.set('pages', [t('libraryEditor.form.pagesInvalid')]);
  const errorId = (field: FormField) => `${base}-${field}-error`;
  const described = (field: FormField) =>
    problems.has(field)
      ? { 'aria-invalid': true as const, 'aria-describedby': errorId(field) }
      : ({} as Record<string, never>);
  const fieldError = (field: FormField) =>
    problems.has(field) ? (
      <p className="field-error" id={errorId(field)}>
        {problems.get(field)!.join(' ')}
      </p>
    ) : null;
  const id = (field: FormField) => `${base}-${field}`;

  const field = (name: FormField, label: string, control: ReactNode, hint?: string) => (
    <div className="field">
      <label htmlFor={id(name)}>{label}</label>
      {hint ? (
        <p className="hint" id={`${id(name)}-hint`}>
          {hint}
        </p>
      ) : null}
      {control}
      {fieldError(name)}
    </div>
  );
  const select = <T extends string>(
    name: FormField,
    values: readonly T[],
    labelOf: (v: T) => string,
    value: T,
    onChange: (v: T) => void,
  ) => (
    <select id={id(name)} value={value} onChange={(e) => onChange(e.target.value as T)} {...described(name)}>
      {values.map((v) => (
        <option key={v} value={v}>
          {labelOf(v)}
        </option>
      ))}
    </select>
  );

  const subjects = [...(pack.data?.subjects ?? [])].sort((a, b) =>
    localName(a, i18n.language).localeCompare(localName(b, i18n.language), i18n.language),
  );
  const subject = subjects.find((s) => s.code === draft.subject);
  const gradeNumbers = [...new Set((pack.data?.grades ?? []).map((g) => g.number))].sort((a, b) => a - b);
  const shownTopics = (topics.data ?? []).filter(
    (topic) =>
      draft.topicIds.includes(topic.id) ||
      draft.grades.length === 0 ||
      topic.grades.length === 0 ||
      topic.grades.some((g) => draft.grades.includes(g)),
  );
  const depth = (topic: TopicRecord): number => {
    let n = 0;
    let parent = topic.parentId;
    while (parent !== null && n < 5) {
      n += 1;
      parent = topics.data?.find((x) => x.id === parent)?.parentId ?? null;
    }
    return n;
  };

  return (
    <form className="form resource-form" onSubmit={submit} noValidate>
      {error && (!(error instanceof ApiError) || error.details.length === 0 || other.length > 0) ? (
        <ErrorBox error={error} />
      ) : null}
      {error instanceof ApiError && error.details.length > 0 && other.length === 0 ? (
        <p className="error" role="alert">
          {t('libraryEditor.form.fixFields')}
        </p>
      ) : null}
      {field(
        'type',
        t('libraryEditor.form.type'),
        select(
          'type',
          RESOURCE_TYPES,
          (v) => t(`portal.type.${v}`),
          draft.type,
          (v) => set('type', v),
        ),
      )}
      {field(
        'title',
        t('libraryEditor.form.title'),
        <input
          id={id('title')}
          name="title"
          value={draft.title}
          onChange={(e) => set('title', e.target.value)}
          autoComplete="off"
          {...described('title')}
        />,
      )}
      {field(
        'description',
        t('libraryEditor.form.description'),
        <textarea
          id={id('description')}
          rows={4}
          value={draft.description}
          onChange={(e) => set('description', e.target.value)}
          {...described('description')}
        />,
      )}
      {draft.type === 'tv_lesson' ? (
        <fieldset>
          <legend>{t('libraryEditor.form.tv')}</legend>
          {field(
            'channel',
            t('libraryEditor.form.channel'),
            <input
              id={id('channel')}
              value={draft.channel}
              onChange={(e) => set('channel', e.target.value)}
              autoComplete="off"
              {...described('channel')}
            />,
          )}
          {field(
            'airDate',
            t('libraryEditor.form.airDate'),
            <input
              id={id('airDate')}
              type="date"
              value={draft.airDate}
              onChange={(e) => set('airDate', e.target.value)}
              {...described('airDate')}
            />,
          )}
        </fieldset>
      ) : null}
      <div className="pair">
        {field(
          'language',
          t('libraryEditor.form.language'),
          select(
            'language',
            LANGUAGES,
            (v) => t(`portal.language.${v}`),
            draft.language,
            (v) => set('language', v),
          ),
        )}
        {field(
          'level',
          t('libraryEditor.form.level'),
          select(
            'level',
            LEVELS,
            (v) => t(`libraryEditor.level.${v}`),
            draft.level,
            (v) => set('level', v),
          ),
        )}
      </div>
      {field(
        'subject',
        t('libraryEditor.form.subject'),
        <select
          id={id('subject')}
          value={draft.subject}
          onChange={(e) => {
            const code = e.target.value;
            setSaved(false);
            // Topics belong to a subject: a new subject starts with none.
            setDraft((d) => ({ ...d, subject: code, topicIds: [] }));
          }}
          {...described('subject')}
        >
          <option value="">{t('libraryEditor.form.noSubject')}</option>
          {subjects.map((s) => (
            <option key={s.code} value={s.code}>
              {localName(s, i18n.language)}
            </option>
          ))}
        </select>,
      )}
      <fieldset aria-describedby={problems.has('grades') ? errorId('grades') : undefined}>
        <legend>{t('libraryEditor.form.grades')}</legend>
        {subject ? (
          <p className="hint">
            {t('libraryEditor.form.subjectGrades', { grades: subject.grades.join(', ') })}
          </p>
        ) : null}
        <div className="checks">
          {gradeNumbers.map((g) => (
            <label key={g} className="check">
              <input
                type="checkbox"
                checked={draft.grades.includes(g)}
                onChange={(e) => set('grades', toggle(draft.grades, g, e.target.checked))}
              />
              {g}
            </label>
          ))}
        </div>
        {fieldError('grades')}
      </fieldset>
      <fieldset aria-describedby={problems.has('topicIds') ? errorId('topicIds') : undefined}>
        <legend>{t('libraryEditor.form.topics')}</legend>
        {draft.subject === '' ? <p className="hint">{t('libraryEditor.form.topicsNeedSubject')}</p> : null}
        {draft.subject !== '' && topics.isSuccess && shownTopics.length === 0 ? (
          <p className="hint">{t('libraryEditor.form.noTopics')}</p>
        ) : null}
        {shownTopics.length > 0 ? (
          <ul className="topics">
            {shownTopics.map((topic) => (
              <li key={topic.id} style={{ paddingLeft: `${depth(topic) * 1.25}rem` }}>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={draft.topicIds.includes(topic.id)}
                    onChange={(e) => set('topicIds', toggle(draft.topicIds, topic.id, e.target.checked))}
                  />
                  {localName(topic, i18n.language)}
                </label>
              </li>
            ))}
          </ul>
        ) : null}
        {fieldError('topicIds')}
      </fieldset>
      {field(
        'authors',
        t('libraryEditor.form.authors'),
        <textarea
          id={id('authors')}
          rows={3}
          value={draft.authors}
          onChange={(e) => set('authors', e.target.value)}
          aria-describedby={
            problems.has('authors') ? `${id('authors')}-hint ${errorId('authors')}` : `${id('authors')}-hint`
          }
          aria-invalid={problems.has('authors') || undefined}
        />,
        t('libraryEditor.form.authorsHint'),
      )}
      {field(
        'publisher',
        t('libraryEditor.form.publisher'),
        <input
          id={id('publisher')}
          value={draft.publisher}
          onChange={(e) => set('publisher', e.target.value)}
          autoComplete="off"
          {...described('publisher')}
        />,
      )}
      <div className="pair">
        {field(
          'licence',
          t('libraryEditor.form.licence'),
          select(
            'licence',
            LICENCES,
            (v) => t(`portal.licenceName.${v}`),
            draft.licence,
            (v) => set('licence', v),
          ),
        )}
        {field(
          'pages',
          t('libraryEditor.form.pages'),
          <input
            id={id('pages')}
            inputMode="numeric"
            value={draft.pages}
            onChange={(e) => set('pages', e.target.value)}
            autoComplete="off"
            {...described('pages')}
          />,
        )}
      </div>
      <fieldset aria-describedby={problems.has('accessibility') ? errorId('accessibility') : undefined}>
        <legend>{t('libraryEditor.form.accessibility')}</legend>
        {ACCESSIBILITY.map((a) => (
          <label key={a} className="check">
            <input
              type="checkbox"
              checked={draft.accessibility.includes(a)}
              onChange={(e) => set('accessibility', toggle(draft.accessibility, a, e.target.checked))}
            />
            {t(`libraryEditor.access.${a}`)}
          </label>
        ))}
        {fieldError('accessibility')}
      </fieldset>
      <p className="saved" role="status">
        {saved && !mutation.isPending ? t('libraryEditor.form.saved') : ''}
      </p>
      <button type="submit" disabled={mutation.isPending}>
        {mutation.isPending ? t('common.saving') : submitLabel}
      </button>
    </form>
  );
}
