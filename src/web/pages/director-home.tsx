import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type CountryPackRecord, type InstitutionRecord, type Me } from '@/web/api';
import { useFormat } from '@/web/format';
import { localName } from '@/web/i18n';
import { Page } from '@/web/components/page';
import { Link } from '@/web/router';
import { ErrorBox, Loading } from '@/web/components/status';
import { useAreas } from '@/web/pages/regional-home';
import { DirectorToday } from '@/web/pages/director-day';

/** A director's home: the school's day, then each school they direct, its record, and the details a director may change. */
export function DirectorHome({ me }: { me: Me }) {
  const { t } = useTranslation();
  const schoolIds = [
    ...new Set(
      me.roles
        .filter((g) => g.role === 'director')
        .flatMap((g) => (g.institutionId ? [g.institutionId] : [])),
    ),
  ];
  return (
    <Page title={t('director.title')} intro={t('director.intro')}>
      <p className="cta">
        <Link to="/school/ict">{t('schoolIct.open')}</Link>
      </p>
      <DirectorToday />
      {schoolIds.map((id) => (
        <School key={id} id={id} />
      ))}
    </Page>
  );
}

function School({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const areas = useAreas();
  const school = useQuery({
    queryKey: ['institution', id],
    queryFn: () => api<InstitutionRecord>(`/institutions/${id}`),
  });
  if (school.isPending) return <Loading />;
  if (school.isError) return <ErrorBox error={school.error} onRetry={() => void school.refetch()} />;
  const s = school.data;
  const area = areas.data?.find((a) => a.id === s.areaId);
  return (
    <section aria-labelledby={`school-${id}`} className="card">
      <h2 id={`school-${id}`}>{localName(s, i18n.language)}</h2>
      <dl className="record">
        <div>
          <dt>{t('director.code')}</dt>
          <dd>{s.code}</dd>
        </div>
        <div>
          <dt>{t('director.kind')}</dt>
          <dd>{t(`kind.${s.kind}`)}</dd>
        </div>
        <div>
          <dt>{t('director.area')}</dt>
          <dd>{area ? localName(area, i18n.language) : '—'}</dd>
        </div>
        <div>
          <dt>{t('director.ownership')}</dt>
          <dd>{t(`ownership.${s.ownership}`)}</dd>
        </div>
        <div>
          <dt>{t('director.locality')}</dt>
          <dd>{t(`locality.${s.locality}`)}</dd>
        </div>
        <div>
          <dt>{t('director.status')}</dt>
          <dd>{t(`status.${s.status}`)}</dd>
        </div>
        <div>
          <dt>{t('director.students')}</dt>
          <dd>{f.number(s.studentCount)}</dd>
        </div>
        <div>
          <dt>{t('director.teachers')}</dt>
          <dd>{f.number(s.teacherCount)}</dd>
        </div>
        <div>
          <dt>{t('director.updatedAt')}</dt>
          <dd>
            <time dateTime={s.updatedAt}>{f.dateTime(s.updatedAt)}</time>
          </dd>
        </div>
      </dl>
      <p className="note">{t('director.masterDataNote')}</p>
      <EditSchool school={s} />
    </section>
  );
}

type Draft = {
  nameAz: string;
  nameRu: string;
  nameEn: string;
  latitude: string;
  longitude: string;
  levels: string[];
  shifts: number;
  /** Giga's facts of the school a director knows. */
  address: string;
  establishedYear: string;
};

const draftOf = (s: InstitutionRecord): Draft => ({
  nameAz: s.nameAz,
  nameRu: s.nameRu,
  nameEn: s.nameEn,
  latitude: s.latitude === null ? '' : String(s.latitude),
  longitude: s.longitude === null ? '' : String(s.longitude),
  levels: s.levels,
  shifts: s.shifts,
  address: s.address ?? '',
  establishedYear:
    s.establishedYear === null || s.establishedYear === undefined ? '' : String(s.establishedYear),
});

/** A founding year as typed: empty, or a whole year from 1000 to 2100 (the API's bounds). */
function foundingYear(text: string): number | null | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const n = Number(trimmed);
  return /^\d{4}$/.test(trimmed) && n >= 1000 && n <= 2100 ? n : 'invalid';
}

/** Coordinates are typed with either a dot or a comma (Azerbaijani and Russian keyboards give a comma). */
function coordinate(text: string): number | null | 'invalid' {
  const trimmed = text.trim().replace(',', '.');
  if (trimmed === '') return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : 'invalid';
}

/** The form for what a director may change: names, location, levels taught, shifts, address, founding year. Sends only what changed. */
function EditSchool({ school }: { school: InstitutionRecord }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const base = useId();
  const [draft, setDraft] = useState<Draft>(() => draftOf(school));
  const [saved, setSaved] = useState(false);
  const [invalid, setInvalid] = useState<string[]>([]);
  const pack = useQuery({
    queryKey: ['country-pack'],
    queryFn: () => api<CountryPackRecord>('/country-pack'),
    staleTime: Infinity,
  });
  const save = useMutation({
    mutationFn: (changes: Partial<InstitutionRecord>) =>
      api<InstitutionRecord>(`/institutions/${school.id}`, { method: 'PATCH', body: changes }),
    onSuccess: (updated) => {
      client.setQueryData(['institution', school.id], updated);
      setDraft(draftOf(updated));
      setSaved(true);
    },
  });

  // Levels offered: the country pack's, plus any the school already has that the pack does not list.
  const packLevels = pack.data?.levels ?? [];
  const levelOptions = [
    ...packLevels.map((l) => ({ code: l.code, label: localName(l, i18n.language) })),
    ...school.levels.filter((c) => !packLevels.some((l) => l.code === c)).map((c) => ({ code: c, label: c })),
  ];

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setSaved(false);
    setDraft((d) => ({ ...d, [key]: value }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const changes: Partial<InstitutionRecord> = {};
    const latitude = coordinate(draft.latitude);
    const longitude = coordinate(draft.longitude);
    const establishedYear = foundingYear(draft.establishedYear);
    const wrong = [
      ...(latitude === 'invalid' ? ['latitude'] : []),
      ...(longitude === 'invalid' ? ['longitude'] : []),
      ...(establishedYear === 'invalid' ? ['establishedYear'] : []),
    ];
    setInvalid(wrong);
    if (latitude === 'invalid' || longitude === 'invalid' || establishedYear === 'invalid') return;
    const address = draft.address.trim() === '' ? null : draft.address.trim();
    if (address !== (school.address ?? null)) changes.address = address;
    if (establishedYear !== (school.establishedYear ?? null)) changes.establishedYear = establishedYear;
    const next = { ...draft, latitude, longitude };
    if (next.nameAz !== school.nameAz) changes.nameAz = next.nameAz;
    if (next.nameRu !== school.nameRu) changes.nameRu = next.nameRu;
    if (next.nameEn !== school.nameEn) changes.nameEn = next.nameEn;
    if (next.latitude !== school.latitude) changes.latitude = next.latitude;
    if (next.longitude !== school.longitude) changes.longitude = next.longitude;
    if (next.shifts !== school.shifts) changes.shifts = next.shifts;
    if (next.levels.join() !== school.levels.join()) changes.levels = next.levels;
    if (Object.keys(changes).length === 0) {
      setSaved(true);
      return;
    }
    save.mutate(changes);
  };

  const text = (key: 'nameAz' | 'nameRu' | 'nameEn' | 'latitude' | 'longitude', lang?: string) => {
    const id = `${base}-${key}`;
    const bad = invalid.includes(key);
    return (
      <div className="field">
        <label htmlFor={id}>{t(`director.${key}`)}</label>
        <input
          id={id}
          lang={lang}
          inputMode={lang ? undefined : 'decimal'}
          value={draft[key]}
          aria-invalid={bad ? true : undefined}
          aria-describedby={bad ? `${id}-error` : undefined}
          onChange={(e) => set(key, e.target.value)}
          required={Boolean(lang)}
        />
        {bad ? (
          <p className="field-error" id={`${id}-error`}>
            {t('director.notANumber')}
          </p>
        ) : null}
      </div>
    );
  };

  return (
    <form className="form" onSubmit={submit} aria-labelledby={`${base}-title`}>
      <h3 id={`${base}-title`}>{t('director.edit')}</h3>
      {text('nameAz', 'az')}
      {text('nameRu', 'ru')}
      {text('nameEn', 'en')}
      <div className="pair">
        {text('latitude')}
        {text('longitude')}
      </div>
      <fieldset>
        <legend>{t('director.levels')}</legend>
        {levelOptions.length === 0 ? <p>{t('director.noLevels')}</p> : null}
        {levelOptions.map((l) => (
          <label key={l.code} className="check">
            <input
              type="checkbox"
              checked={draft.levels.includes(l.code)}
              onChange={(e) =>
                set(
                  'levels',
                  e.target.checked ? [...draft.levels, l.code] : draft.levels.filter((c) => c !== l.code),
                )
              }
            />
            {l.label}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`${base}-shifts`}>{t('director.shifts')}</label>
        <select
          id={`${base}-shifts`}
          value={draft.shifts}
          onChange={(e) => set('shifts', Number(e.target.value))}
        >
          {[1, 2, 3].map((n) => (
            <option key={n} value={n}>
              {t(`director.shiftCount${n}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${base}-address`}>{t('profile.giga.address')}</label>
        <input
          id={`${base}-address`}
          value={draft.address}
          maxLength={500}
          autoComplete="street-address"
          onChange={(e) => set('address', e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${base}-establishedYear`}>{t('profile.giga.establishedYear')}</label>
        <input
          id={`${base}-establishedYear`}
          inputMode="numeric"
          value={draft.establishedYear}
          aria-invalid={invalid.includes('establishedYear') ? true : undefined}
          aria-describedby={invalid.includes('establishedYear') ? `${base}-establishedYear-error` : undefined}
          onChange={(e) => set('establishedYear', e.target.value)}
        />
        {invalid.includes('establishedYear') ? (
          <p className="field-error" id={`${base}-establishedYear-error`}>
            {t('director.notAYear')}
          </p>
        ) : null}
      </div>
      {save.isError ? <ErrorBox error={save.error} /> : null}
      <div role="status" className="saved">
        {saved ? t('director.saved') : ''}
      </div>
      <button type="submit" disabled={save.isPending}>
        {save.isPending ? t('common.saving') : t('common.save')}
      </button>
    </form>
  );
}
