import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type {
  Plan,
  PlanList,
  ProgrammeOptions,
  QuestionsOut,
  Results,
} from '@/modules/training/training.programmes.schema';
import { api, type Me } from '@/web/api';
import { useFormat } from '@/web/format';
import { navigate } from '@/web/router';
import { Field, FormError, problemsOf } from '@/web/components/field';
import { staleCurrent } from '@/web/components/stale-version';
import { ErrorBox } from '@/web/components/status';
import { ScrollBox } from '@/web/components/scroll-box';
import { localName } from '@/web/i18n';
import {
  isNational,
  regionalAreas,
  useAreas,
  type ProgrammeDetailRecord,
  type SessionRecord,
} from '@/web/training/common';

/** The bureau's forms: the year's plan, a programme with its seats, its questions; and a session's form. */

type PlanRecord = Static<typeof Plan>;

/** The years' plans: new, and each to rename, budget and approve (saved with the version read). */
export function PlansSection() {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const plans = useQuery({
    queryKey: ['training', 'plans'],
    queryFn: ({ signal }) => api<Static<typeof PlanList>>('/training/plans', { signal }),
  });
  const years = useQuery({
    queryKey: ['academic-years'],
    queryFn: () => api<{ id: number; code: string; isCurrent: boolean }[]>('/academic-years'),
    staleTime: Infinity,
  });
  const [form, setForm] = useState({ yearId: '', title: '', budget: '' });
  const create = useMutation({
    mutationFn: () =>
      api<PlanRecord>('/training/plans', {
        method: 'POST',
        body: {
          yearId: Number(form.yearId || years.data?.find((y) => y.isCurrent)?.id || 0),
          title: form.title,
          budget: form.budget === '' ? null : Number(form.budget),
        },
      }),
    onSuccess: async () => {
      setForm({ yearId: '', title: '', budget: '' });
      await client.invalidateQueries({ queryKey: ['training'] });
    },
  });
  const approve = useMutation({
    mutationFn: (p: PlanRecord) =>
      api<PlanRecord>(`/training/plans/${p.id}`, {
        method: 'PUT',
        body: { version: p.version, yearId: p.yearId, title: p.title, budget: p.budget, status: 'approved' },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['training'] }),
  });
  const FIELDS = ['yearId', 'title', 'budget'];
  const { byField } = problemsOf(create.error, FIELDS);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section className="card" aria-labelledby="training-plans">
      <h2 id="training-plans">{t('trainingCourses.plans')}</h2>
      <ul className="list">
        {plans.data?.items.map((p) => (
          <li key={p.id}>
            <span className="what">
              {p.yearCode}: {p.title}
            </span>
            <span className="meta">
              {t(`trainingCourses.planState.${p.status}`)} ·{' '}
              {t('trainingCourses.programmesCount', { n: f.number(p.programmes) })}
              {p.budget !== null ? <> · {t('trainingCourses.budgetOf', { n: f.number(p.budget) })}</> : null}
            </span>
            {p.status === 'draft' ? (
              <button
                type="button"
                className="secondary"
                disabled={approve.isPending}
                onClick={() => approve.mutate(p)}
              >
                {t('trainingCourses.approvePlan')}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {approve.isError ? (
        <ErrorBox
          error={approve.error}
          onRetry={() => void client.invalidateQueries({ queryKey: ['training'] })}
        />
      ) : null}
      <details>
        <summary>{t('trainingCourses.newPlan')}</summary>
        <form className="form" onSubmit={submit}>
          <Field id="plan-year" label={t('trainingCourses.year')} errors={byField.get('yearId')}>
            {(a) => (
              <select
                {...a}
                value={form.yearId}
                onChange={(e) => setForm({ ...form, yearId: e.target.value })}
              >
                <option value="">{t('trainingCourses.currentYear')}</option>
                {years.data?.map((y) => (
                  <option key={y.id} value={String(y.id)}>
                    {y.code}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="plan-title" label={t('trainingCourses.planTitle')} errors={byField.get('title')}>
            {(a) => (
              <input
                {...a}
                required
                maxLength={200}
                value={form.title}
                onChange={(e) => setForm({ ...form, title: e.target.value })}
              />
            )}
          </Field>
          <Field id="plan-budget" label={t('trainingCourses.budget')} errors={byField.get('budget')}>
            {(a) => (
              <input
                {...a}
                type="number"
                inputMode="decimal"
                min={0}
                value={form.budget}
                onChange={(e) => setForm({ ...form, budget: e.target.value })}
              />
            )}
          </Field>
          {create.isError ? (
            <FormError error={create.error} rest={problemsOf(create.error, FIELDS).rest} />
          ) : null}
          <button type="submit" disabled={create.isPending}>
            {t('trainingCourses.createPlan')}
          </button>
        </form>
      </details>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------------
// A programme

const PROGRAMME_FIELDS = [
  'planId',
  'title',
  'description',
  'mode',
  'frameworkId',
  'areaIds',
  'forBelowLevel',
  'targetGroup',
  'hours',
  'passMark',
  'validMonths',
  'budget',
  'seats',
  'status',
] as const;

interface ProgrammeValues {
  planId: string;
  title: string;
  description: string;
  mode: string;
  frameworkId: string;
  areaIds: string[];
  forBelowLevel: string;
  targetGroup: string;
  hours: string;
  passMark: string;
  validMonths: string;
  budget: string;
  seats: { areaId: string; seats: string }[];
  status: string;
}

const num = (v: string) => (v.trim() === '' ? null : Number(v));
const bodyOf = (v: ProgrammeValues) => ({
  planId: num(v.planId),
  title: v.title,
  description: v.description,
  mode: v.mode,
  frameworkId: v.frameworkId,
  areaIds: v.areaIds,
  forBelowLevel: num(v.forBelowLevel),
  targetGroup: v.targetGroup,
  hours: Number(v.hours),
  passMark: num(v.passMark),
  validMonths: num(v.validMonths),
  budget: num(v.budget),
  seats: v.seats
    .filter((s) => s.areaId !== '')
    .map((s) => ({ areaId: Number(s.areaId), seats: Number(s.seats) })),
});
const str = (n: number | null) => (n === null ? '' : String(n));
const valuesOf = (p: ProgrammeDetailRecord): ProgrammeValues => ({
  planId: str(p.planId),
  title: p.title,
  description: p.description,
  mode: p.mode,
  frameworkId: p.frameworkId,
  areaIds: p.areaIds,
  forBelowLevel: str(p.forBelowLevel),
  targetGroup: p.targetGroup,
  hours: String(p.hours),
  passMark: str(p.passMark),
  validMonths: str(p.validMonths),
  budget: str(p.budget),
  seats: p.seats.map((s) => ({ areaId: String(s.areaId), seats: String(s.seats) })),
  status: p.status,
});

function ProgrammeFields({
  values,
  onChange,
  error,
  editing,
}: {
  values: ProgrammeValues;
  onChange: (change: Partial<ProgrammeValues>) => void;
  error: unknown;
  editing: boolean;
}) {
  const { t, i18n } = useTranslation();
  const base = useId().replace(/:/g, '');
  const id = (field: string) => `${base}-${field}`;
  const { byField } = problemsOf(error, PROGRAMME_FIELDS);
  const err = (field: string) => byField.get(field);
  const plans = useQuery({
    queryKey: ['training', 'plans'],
    queryFn: ({ signal }) => api<Static<typeof PlanList>>('/training/plans', { signal }),
  });
  const options = useQuery({
    queryKey: ['training', 'options'],
    queryFn: ({ signal }) => api<Static<typeof ProgrammeOptions>>('/training/programme-options', { signal }),
  });
  const areas = useAreas();
  const districts = (areas.data ?? []).filter((a) => a.parentId !== null);
  const framework = options.data?.frameworks.find((fw) => fw.id === values.frameworkId);
  const text = (field: keyof ProgrammeValues, label: string, props: object = {}) => (
    <Field id={id(field)} label={t(label)} errors={err(field)}>
      {(a) => (
        <input
          {...a}
          {...props}
          value={values[field] as string}
          onChange={(e) => onChange({ [field]: e.target.value })}
        />
      )}
    </Field>
  );
  const numeric = { type: 'number', inputMode: 'numeric' };
  return (
    <>
      <Field id={id('planId')} label={t('trainingCourses.plan')} errors={err('planId')}>
        {(a) => (
          <select {...a} value={values.planId} onChange={(e) => onChange({ planId: e.target.value })}>
            <option value="">{t('trainingCourses.noPlan')}</option>
            {plans.data?.items.map((p) => (
              <option key={p.id} value={String(p.id)}>
                {p.yearCode}: {p.title}
              </option>
            ))}
          </select>
        )}
      </Field>
      {text('title', 'trainingCourses.programmeTitle', { required: true, maxLength: 200 })}
      <Field id={id('description')} label={t('trainingCourses.description')} errors={err('description')}>
        {(a) => (
          <textarea
            {...a}
            rows={3}
            maxLength={5000}
            value={values.description}
            onChange={(e) => onChange({ description: e.target.value })}
          />
        )}
      </Field>
      <Field id={id('mode')} label={t('trainingCourses.modeLabel')} errors={err('mode')}>
        {(a) => (
          <select {...a} value={values.mode} onChange={(e) => onChange({ mode: e.target.value })}>
            {['in_person', 'online', 'blended'].map((m) => (
              <option key={m} value={m}>
                {t(`trainingCourses.mode.${m}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={id('frameworkId')} label={t('trainingCourses.framework')} errors={err('frameworkId')}>
        {(a) => (
          <select
            {...a}
            value={values.frameworkId}
            onChange={(e) => onChange({ frameworkId: e.target.value, areaIds: [], forBelowLevel: '' })}
          >
            <option value="">{t('trainingCourses.choose')}</option>
            {options.data?.frameworks.map((fw) => (
              <option key={fw.id} value={fw.id}>
                {fw.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      {framework ? (
        <fieldset aria-describedby={err('areaIds') ? id('areaIds-error') : undefined}>
          <legend>{t('trainingCourses.areas')}</legend>
          {framework.areas.map((a) => (
            <label key={a.id} className="check">
              <input
                type="checkbox"
                checked={values.areaIds.includes(a.id)}
                onChange={() =>
                  onChange({
                    areaIds: values.areaIds.includes(a.id)
                      ? values.areaIds.filter((x) => x !== a.id)
                      : [...values.areaIds, a.id],
                  })
                }
              />
              {a.name}
            </label>
          ))}
          {err('areaIds') ? (
            <p className="field-error" id={id('areaIds-error')}>
              {err('areaIds')!.join(' ')}
            </p>
          ) : null}
        </fieldset>
      ) : null}
      <Field
        id={id('forBelowLevel')}
        label={t('trainingCourses.forBelowLevel')}
        errors={err('forBelowLevel')}
      >
        {(a) => (
          <select
            {...a}
            value={values.forBelowLevel}
            onChange={(e) => onChange({ forBelowLevel: e.target.value })}
          >
            <option value="">{t('trainingCourses.anyLevel')}</option>
            {(framework?.levels ?? []).map((code, i) => (
              <option key={code} value={String(i)}>
                {code}
              </option>
            ))}
          </select>
        )}
      </Field>
      {text('targetGroup', 'trainingCourses.targetGroup', { maxLength: 1000 })}
      {text('hours', 'trainingCourses.hoursLabel', { ...numeric, required: true, min: 1, max: 1000 })}
      {text('passMark', 'trainingCourses.passMarkField', { ...numeric, min: 1, max: 100 })}
      {text('validMonths', 'trainingCourses.validMonths', { ...numeric, min: 1, max: 600 })}
      {text('budget', 'trainingCourses.budget', { type: 'number', inputMode: 'decimal', min: 0 })}
      <fieldset>
        <legend>{t('trainingCourses.seats')}</legend>
        {values.seats.map((s, i) => (
          <div key={i} className="row-buttons">
            <Field id={id(`seat-${i}`)} label={t('trainingCourses.district')} errors={undefined}>
              {(a) => (
                <select
                  {...a}
                  value={s.areaId}
                  onChange={(e) =>
                    onChange({
                      seats: values.seats.map((x, j) => (j === i ? { ...x, areaId: e.target.value } : x)),
                    })
                  }
                >
                  <option value="">{t('trainingCourses.choose')}</option>
                  {districts.map((d) => (
                    <option key={d.id} value={String(d.id)}>
                      {localName(d, i18n.language)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id={id(`seats-${i}`)} label={t('trainingCourses.seatsCount')} errors={undefined}>
              {(a) => (
                <input
                  {...a}
                  type="number"
                  inputMode="numeric"
                  min={0}
                  value={s.seats}
                  onChange={(e) =>
                    onChange({
                      seats: values.seats.map((x, j) => (j === i ? { ...x, seats: e.target.value } : x)),
                    })
                  }
                />
              )}
            </Field>
            <button
              type="button"
              className="secondary"
              onClick={() => onChange({ seats: values.seats.filter((_, j) => j !== i) })}
            >
              {t('trainingCourses.remove')}
            </button>
          </div>
        ))}
        {err('seats') ? <p className="field-error">{err('seats')!.join(' ')}</p> : null}
        <button
          type="button"
          className="secondary"
          onClick={() => onChange({ seats: [...values.seats, { areaId: '', seats: '10' }] })}
        >
          {t('trainingCourses.addSeats')}
        </button>
      </fieldset>
      {editing ? (
        <Field id={id('status')} label={t('trainingCourses.stateLabel')} errors={err('status')}>
          {(a) => (
            <select {...a} value={values.status} onChange={(e) => onChange({ status: e.target.value })}>
              {['draft', 'open', 'closed', 'finished'].map((s) => (
                <option key={s} value={s}>
                  {t(`trainingCourses.programmeState.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
    </>
  );
}

const emptyProgramme = (): ProgrammeValues => ({
  planId: '',
  title: '',
  description: '',
  mode: 'in_person',
  frameworkId: '',
  areaIds: [],
  forBelowLevel: '',
  targetGroup: '',
  hours: '24',
  passMark: '70',
  validMonths: '36',
  budget: '',
  seats: [],
  status: 'draft',
});

/**
 * A programme proposed from the needs report (`/training/programmes?framework=…&area=…&belowLevel=…&year=…&seats=areaId:n,…`):
 * the form opens with the framework, the area, the level and the seats per district filled in.
 */
function proposed(search: string): { values: ProgrammeValues; year: string | null } | null {
  const q = new URLSearchParams(search);
  const frameworkId = q.get('framework');
  const area = q.get('area');
  if (!frameworkId || !area) return null;
  const below = q.get('belowLevel') ?? '';
  const seats = (q.get('seats') ?? '')
    .split(',')
    .map((pair) => pair.split(':'))
    .filter(([a, n]) => /^\d+$/.test(a ?? '') && /^\d+$/.test(n ?? ''))
    .map(([a, n]) => ({ areaId: a!, seats: n! }));
  return {
    values: {
      ...emptyProgramme(),
      frameworkId,
      areaIds: [area],
      forBelowLevel: /^\d+$/.test(below) ? below : '',
      seats,
    },
    year: q.get('year'),
  };
}

export function NewProgramme() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [proposal] = useState(() => proposed(window.location.search));
  const [form, setForm] = useState(() => proposal?.values ?? emptyProgramme());
  const plans = useQuery({
    queryKey: ['training', 'plans'],
    queryFn: ({ signal }) => api<Static<typeof PlanList>>('/training/plans', { signal }),
  });
  // The newest plan is the one a new programme most likely belongs to (the list is newest year first).
  const [planChosen, setPlanChosen] = useState(false);
  if (!planChosen && plans.data) {
    setPlanChosen(true);
    const plan = plans.data.items.find((p) => p.yearCode === proposal?.year) ?? plans.data.items[0];
    if (plan) setForm((v) => ({ ...v, planId: String(plan.id) }));
  }
  const create = useMutation({
    mutationFn: () =>
      api<ProgrammeDetailRecord>('/training/programmes', { method: 'POST', body: bodyOf(form) }),
    onSuccess: async (p) => {
      await client.invalidateQueries({ queryKey: ['training'] });
      navigate(`/training/programmes/${p.id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <details className="card" open={proposal !== null}>
      <summary>{t('trainingCourses.newProgramme')}</summary>
      <form className="form" onSubmit={submit} noValidate>
        <ProgrammeFields
          values={form}
          onChange={(c) => setForm({ ...form, ...c })}
          error={create.error}
          editing={false}
        />
        {create.isError ? (
          <FormError error={create.error} rest={problemsOf(create.error, PROGRAMME_FIELDS).rest} />
        ) : null}
        <button type="submit" disabled={create.isPending}>
          {t('trainingCourses.createProgramme')}
        </button>
      </form>
    </details>
  );
}

/** Changing a programme: saved with the version read; a conflict says so and offers theirs. */
export function EditProgramme({ programme }: { programme: ProgrammeDetailRecord }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [form, setForm] = useState(() => valuesOf(programme));
  const [version, setVersion] = useState(programme.version);
  const save = useMutation({
    mutationFn: () =>
      api<ProgrammeDetailRecord>(`/training/programmes/${programme.id}`, {
        method: 'PUT',
        body: { ...bodyOf(form), status: form.status, version },
      }),
    onSuccess: (saved) => {
      setVersion(saved.version);
      client.setQueryData(['training', 'programme', programme.id], saved);
      void client.invalidateQueries({ queryKey: ['training', 'programmes'] });
    },
  });
  const stale = staleCurrent<ProgrammeDetailRecord>(save.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <details className="card">
      <summary>{t('trainingCourses.editProgramme')}</summary>
      <form className="form" onSubmit={submit} noValidate>
        <ProgrammeFields
          values={form}
          onChange={(c) => setForm({ ...form, ...c })}
          error={save.error}
          editing
        />
        {stale ? (
          <div className="error" role="alert">
            <p>{t('trainingCourses.conflict')}</p>
            <div className="row-buttons">
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  setForm(valuesOf(stale));
                  setVersion(stale.version);
                  save.reset();
                }}
              >
                {t('trainingCourses.loadTheirs')}
              </button>
              <button
                type="button"
                onClick={() => {
                  setVersion(stale.version);
                  save.reset();
                }}
              >
                {t('trainingCourses.keepMine')}
              </button>
            </div>
          </div>
        ) : save.isError ? (
          <FormError error={save.error} rest={problemsOf(save.error, PROGRAMME_FIELDS).rest} />
        ) : null}
        {save.isSuccess ? <p role="status">{t('trainingCourses.saved')}</p> : null}
        <button type="submit" disabled={save.isPending || stale !== null}>
          {t('trainingCourses.save')}
        </button>
      </form>
    </details>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Sessions

const SESSION_FIELDS = ['areaId', 'startsAt', 'endsAt', 'place', 'url', 'capacity'];

export function NewSession({ programme: p, me }: { programme: ProgrammeDetailRecord; me: Me }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const areas = useAreas();
  const national = isNational(me);
  const mine = regionalAreas(me);
  const choices = (areas.data ?? []).filter(
    (a) => a.parentId !== null && (national || mine.includes(a.id) || a.path.some((x) => mine.includes(x))),
  );
  const empty = () => ({
    areaId: national ? '' : String(mine[0] ?? ''),
    startsAt: '',
    endsAt: '',
    place: '',
    url: '',
    capacity: '25',
  });
  const [form, setForm] = useState(empty);
  const create = useMutation({
    mutationFn: () =>
      api<SessionRecord>(`/training/programmes/${p.id}/sessions`, {
        method: 'POST',
        body: {
          areaId: form.areaId === '' ? null : Number(form.areaId),
          startsAt: form.startsAt ? new Date(form.startsAt).toISOString() : '',
          endsAt: form.endsAt ? new Date(form.endsAt).toISOString() : '',
          place: form.place.trim() === '' ? null : form.place,
          url: form.url.trim() === '' ? null : form.url,
          capacity: Number(form.capacity),
        },
      }),
    onSuccess: async () => {
      setForm(empty());
      await client.invalidateQueries({ queryKey: ['training'] });
    },
  });
  const { byField, rest } = problemsOf(create.error, SESSION_FIELDS);
  const input = (
    field: 'startsAt' | 'endsAt' | 'place' | 'url' | 'capacity',
    label: string,
    props: object,
  ) => (
    <Field id={`session-${field}`} label={t(label)} errors={byField.get(field)}>
      {(a) => (
        <input
          {...a}
          {...props}
          value={form[field]}
          onChange={(e) => setForm({ ...form, [field]: e.target.value })}
        />
      )}
    </Field>
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <details className="card">
      <summary>{t('trainingCourses.newSession')}</summary>
      <form className="form" onSubmit={submit} noValidate>
        <Field id="session-areaId" label={t('trainingCourses.district')} errors={byField.get('areaId')}>
          {(a) => (
            <select {...a} value={form.areaId} onChange={(e) => setForm({ ...form, areaId: e.target.value })}>
              {national ? <option value="">{t('trainingCourses.allDistricts')}</option> : null}
              {choices.map((x) => (
                <option key={x.id} value={String(x.id)}>
                  {localName(x, i18n.language)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {input('startsAt', 'trainingCourses.startsAt', { type: 'datetime-local', required: true })}
        {input('endsAt', 'trainingCourses.endsAt', { type: 'datetime-local', required: true })}
        {p.mode !== 'online' ? input('place', 'trainingCourses.place', { maxLength: 500 }) : null}
        {p.mode !== 'in_person'
          ? input('url', 'trainingCourses.link', { type: 'url', maxLength: 500 })
          : null}
        {input('capacity', 'trainingCourses.capacity', { type: 'number', inputMode: 'numeric', min: 1 })}
        {create.isError ? <FormError error={create.error} rest={rest} /> : null}
        {create.isSuccess ? <p role="status">{t('trainingCourses.saved')}</p> : null}
        <button type="submit" disabled={create.isPending}>
          {t('trainingCourses.addSession')}
        </button>
      </form>
    </details>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Questions of the final assessment (single and multiple choice, true or false)

type QuestionsRecord = Static<typeof QuestionsOut>;
interface DraftQuestion {
  kind: 'single' | 'multiple' | 'true_false';
  prompt: string;
  points: string;
  options: string[];
  correct: number[];
  truth: boolean;
}

const draftOf = (q: QuestionsRecord['questions'][number]): DraftQuestion => ({
  kind: q.kind === 'multiple' || q.kind === 'true_false' ? q.kind : 'single',
  prompt: q.prompt,
  points: String(q.points),
  options: q.options ?? ['', ''],
  correct: q.correct ?? [],
  truth: q.truth ?? true,
});
const questionBody = (q: DraftQuestion) =>
  q.kind === 'true_false'
    ? { kind: q.kind, prompt: q.prompt, points: Number(q.points), truth: q.truth }
    : { kind: q.kind, prompt: q.prompt, points: Number(q.points), options: q.options, correct: q.correct };

export function QuestionsEditor({ programmeId }: { programmeId: number }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const saved = useQuery({
    queryKey: ['training', 'questions', programmeId],
    queryFn: ({ signal }) =>
      api<QuestionsRecord>(`/training/programmes/${programmeId}/questions`, { signal }),
  });
  const [draft, setDraft] = useState<{ version: number; questions: DraftQuestion[] } | null>(null);
  const current =
    draft ??
    (saved.data ? { version: saved.data.version, questions: saved.data.questions.map(draftOf) } : null);
  const save = useMutation({
    mutationFn: () =>
      api<QuestionsRecord>(`/training/programmes/${programmeId}/questions`, {
        method: 'PUT',
        body: { version: current!.version, questions: current!.questions.map(questionBody) },
      }),
    onSuccess: (out) => {
      client.setQueryData(['training', 'questions', programmeId], out);
      setDraft(null);
      void client.invalidateQueries({ queryKey: ['training', 'programme', programmeId] });
    },
  });
  if (!current) return saved.isError ? <ErrorBox error={saved.error} /> : null;
  const change = (i: number, c: Partial<DraftQuestion>) =>
    setDraft({ ...current, questions: current.questions.map((q, j) => (j === i ? { ...q, ...c } : q)) });
  const errorsOf = (i: number) =>
    (save.error as { details?: { field: string; message: string }[] } | null)?.details
      ?.filter((d) => d.field.split(/[/.]/)[0] === 'questions' && d.field.split(/[/.]/)[1] === String(i))
      .map((d) => d.message.slice(d.message.indexOf(': ') + 2));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <details className="card">
      <summary>{t('trainingCourses.questions', { n: current.questions.length })}</summary>
      <form className="form" onSubmit={submit} noValidate>
        {current.questions.map((q, i) => (
          <fieldset key={i}>
            <legend>{t('trainingCourses.questionN', { n: i + 1 })}</legend>
            <Field id={`q-${i}-kind`} label={t('trainingCourses.kind')}>
              {(a) => (
                <select
                  {...a}
                  value={q.kind}
                  onChange={(e) => change(i, { kind: e.target.value as DraftQuestion['kind'] })}
                >
                  {(['single', 'multiple', 'true_false'] as const).map((k) => (
                    <option key={k} value={k}>
                      {t(`trainingCourses.kinds.${k}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id={`q-${i}-prompt`} label={t('trainingCourses.prompt')} errors={errorsOf(i)}>
              {(a) => (
                <textarea
                  {...a}
                  rows={2}
                  value={q.prompt}
                  onChange={(e) => change(i, { prompt: e.target.value })}
                />
              )}
            </Field>
            {q.kind === 'true_false' ? (
              <label className="check">
                <input
                  type="checkbox"
                  checked={q.truth}
                  onChange={(e) => change(i, { truth: e.target.checked })}
                />
                {t('trainingCourses.statementTrue')}
              </label>
            ) : (
              q.options.map((o, j) => (
                <div key={j} className="row-buttons">
                  <label className="check">
                    <input
                      type={q.kind === 'single' ? 'radio' : 'checkbox'}
                      name={`q-${i}-correct`}
                      checked={q.correct.includes(j)}
                      onChange={() =>
                        change(i, {
                          correct:
                            q.kind === 'single'
                              ? [j]
                              : q.correct.includes(j)
                                ? q.correct.filter((x) => x !== j)
                                : [...q.correct, j],
                        })
                      }
                    />
                    {t('trainingCourses.correct')}
                  </label>
                  <input
                    aria-label={t('trainingCourses.optionN', { n: j + 1 })}
                    value={o}
                    onChange={(e) =>
                      change(i, { options: q.options.map((x, k) => (k === j ? e.target.value : x)) })
                    }
                  />
                </div>
              ))
            )}
            <div className="row-buttons">
              {q.kind !== 'true_false' ? (
                <button
                  type="button"
                  className="secondary"
                  onClick={() => change(i, { options: [...q.options, ''] })}
                >
                  {t('trainingCourses.addOption')}
                </button>
              ) : null}
              <button
                type="button"
                className="secondary"
                onClick={() =>
                  setDraft({ ...current, questions: current.questions.filter((_, j) => j !== i) })
                }
              >
                {t('trainingCourses.removeQuestion')}
              </button>
            </div>
          </fieldset>
        ))}
        <button
          type="button"
          className="secondary"
          onClick={() =>
            setDraft({
              ...current,
              questions: [
                ...current.questions,
                { kind: 'single', prompt: '', points: '1', options: ['', ''], correct: [], truth: true },
              ],
            })
          }
        >
          {t('trainingCourses.addQuestion')}
        </button>
        {save.isError ? (
          staleCurrent(save.error) ? (
            <div className="error" role="alert">
              <p>{t('trainingCourses.conflict')}</p>
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  setDraft(null);
                  save.reset();
                  void saved.refetch();
                }}
              >
                {t('trainingCourses.loadTheirs')}
              </button>
            </div>
          ) : (
            <FormError error={save.error} rest={[]} />
          )
        ) : null}
        {save.isSuccess ? <p role="status">{t('trainingCourses.saved')}</p> : null}
        <button type="submit" disabled={save.isPending}>
          {t('trainingCourses.saveQuestions')}
        </button>
      </form>
    </details>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Results

export function ResultsSection({ programmeId }: { programmeId: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const results = useQuery({
    queryKey: ['training', 'results', programmeId],
    queryFn: ({ signal }) =>
      api<Static<typeof Results>>(`/training/programmes/${programmeId}/results`, { signal }),
  });
  if (!results.data) return results.isError ? <ErrorBox error={results.error} /> : null;
  return (
    <section className="card" aria-labelledby="programme-results">
      <h2 id="programme-results">{t('trainingCourses.results')}</h2>
      {results.data.byArea.length === 0 ? <p>{t('trainingCourses.noResults')}</p> : null}
      <ScrollBox label={t('trainingCourses.results')}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('trainingCourses.district')}</th>
              <th scope="col">{t('trainingCourses.seats')}</th>
              <th scope="col">{t('trainingCourses.enrolled')}</th>
              <th scope="col">{t('trainingCourses.approvedCount')}</th>
              <th scope="col">{t('trainingCourses.attendedCount')}</th>
              <th scope="col">{t('trainingCourses.passed')}</th>
            </tr>
          </thead>
          <tbody>
            {results.data.byArea.map((r) => (
              <tr key={r.areaId ?? 0}>
                <th scope="row">{r.name}</th>
                <td>{r.seats === null ? '—' : f.number(r.seats)}</td>
                <td>{f.number(r.enrolled)}</td>
                <td>{f.number(r.approved)}</td>
                <td>{f.number(r.attended)}</td>
                <td>{f.number(r.passed)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollBox>
    </section>
  );
}
