import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  api,
  type AcademicYearRecord,
  type CountryPackRecord,
  type InstitutionRecord,
  type ProjectRecord,
  type RegistryRecord,
} from '@/web/api';
import { useFormat } from '@/web/format';
import { ScrollBox } from '@/web/components/scroll-box';
import { localName } from '@/web/i18n';

/**
 * What the registry's pages share: the reference data they all need (years, levels, projects), the state
 * badge, the warnings and a read-only view of a school's yearly record.
 */

/** The academic years; the current one is marked. They change once a year. */
export function useYears() {
  return useQuery({
    queryKey: ['academic-years'],
    queryFn: () => api<AcademicYearRecord[]>('/academic-years'),
    staleTime: Infinity,
  });
}

/** The current academic year, once the years have loaded (null when none is marked current). */
export function useCurrentYear(): {
  year: AcademicYearRecord | null | undefined;
  query: ReturnType<typeof useYears>;
} {
  const query = useYears();
  const year = query.data ? (query.data.find((y) => y.isCurrent) ?? null) : undefined;
  return { year, query };
}

/** The country pack (levels, grades…): it changes a few times a year. */
export function useCountryPack() {
  return useQuery({
    queryKey: ['country-pack'],
    queryFn: () => api<CountryPackRecord>('/country-pack'),
    staleTime: Infinity,
  });
}

/** The digital projects schools can take part in. */
export function useProjects() {
  return useQuery({
    queryKey: ['registry', 'projects'],
    queryFn: () => api<ProjectRecord[]>('/registry/projects'),
    staleTime: 10 * 60_000,
  });
}

/** One institution's directory record. */
export function useInstitution(id: number) {
  return useQuery({
    queryKey: ['institution', id],
    queryFn: () => api<InstitutionRecord>(`/institutions/${id}`),
  });
}

/** The query key of a school's record for a year, shared so a save or review refreshes every view of it. */
export const recordKey = (institutionId: number, yearId: number) =>
  ['registry', institutionId, yearId] as const;

/** A school's ICT record for a year. */
export function useRegistryRecord(institutionId: number, yearId: number | undefined) {
  return useQuery({
    queryKey: recordKey(institutionId, yearId ?? 0),
    queryFn: () => api<RegistryRecord>(`/institutions/${institutionId}/registry/${yearId}`),
    enabled: yearId !== undefined,
  });
}

/** The state of a record: not saved yet, draft (or sent back), submitted, verified. */
export type RecordState = RegistryRecord['state'] | 'none';

/** A record's state as a coloured badge; the word carries the meaning, the colour only helps scanning. */
export function StateBadge({ state }: { state: RecordState }) {
  const { t } = useTranslation();
  return (
    <span className={`badge state-${state}`} data-state={state}>
      {t(`registry.state.${state}`)}
    </span>
  );
}

/** The warnings the server found in a saved record: shown, never blocking. */
export function Warnings({ record }: { record: RegistryRecord }) {
  const { t } = useTranslation();
  if (record.warnings.length === 0) return null;
  return (
    <div className="warning">
      <p>{t('registry.warnings')}</p>
      <ul>
        {record.warnings.map((w) => (
          <li key={`${w.field}:${w.code}`}>{w.message}</li>
        ))}
      </ul>
    </div>
  );
}

/** A nullable yes/no as a word. */
export function useYesNo(): (value: boolean | null) => string {
  const { t } = useTranslation();
  return (value) => (value === null ? '—' : value ? t('registry.yes') : t('registry.no'));
}

/** A school's yearly record, read-only: for the reviewer and the school's profile. */
export function RecordView({ record }: { record: RegistryRecord }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const yesNo = useYesNo();
  const pack = useCountryPack();
  const projects = useProjects();
  const num = (n: number | null) => (n === null ? '—' : f.number(n));
  const levelName = (code: string) => {
    const level = pack.data?.levels.find((l) => l.code === code);
    return level ? localName(level, i18n.language) : code;
  };
  const levels = [...new Set(record.students.map((s) => s.level))];
  const shifts = [...new Set(record.students.map((s) => s.shift))].sort();
  const students = (level: string, sex: string, shift: number) =>
    record.students.find((s) => s.level === level && s.sex === sex && s.shift === shift)?.students;
  const total = record.students.reduce((n, s) => n + s.students, 0);
  return (
    <>
      <h3>{t('registry.staffRooms')}</h3>
      <dl className="record">
        <div>
          <dt>{t('registry.teachers')}</dt>
          <dd data-field="teachers">{num(record.teachers)}</dd>
        </div>
        <div>
          <dt>{t('registry.teachersIctTrained')}</dt>
          <dd data-field="teachersIctTrained">{num(record.teachersIctTrained)}</dd>
        </div>
        <div>
          <dt>{t('registry.classrooms')}</dt>
          <dd>{num(record.classrooms)}</dd>
        </div>
        <div>
          <dt>{t('registry.hasComputerLab')}</dt>
          <dd>{yesNo(record.hasComputerLab)}</dd>
        </div>
      </dl>
      <h3>{t('registry.electricityTitle')}</h3>
      <dl className="record">
        <div>
          <dt>{t('registry.electricity')}</dt>
          <dd>{yesNo(record.electricity)}</dd>
        </div>
        <div>
          <dt>{t('registry.electricitySource')}</dt>
          <dd>{record.electricitySource ? t(`registry.source.${record.electricitySource}`) : '—'}</dd>
        </div>
        <div>
          <dt>{t('registry.electricityHours')}</dt>
          <dd>{num(record.electricityHours)}</dd>
        </div>
      </dl>
      <h3>{t('registry.factsTitle')}</h3>
      <dl className="record">
        <div>
          <dt>{t('registry.studentsGirls')}</dt>
          <dd data-field="studentsGirls">{num(record.studentsGirls)}</dd>
        </div>
        <div>
          <dt>{t('registry.studentsBoys')}</dt>
          <dd data-field="studentsBoys">{num(record.studentsBoys)}</dd>
        </div>
        <div>
          <dt>{t('registry.studentsOther')}</dt>
          <dd data-field="studentsOther">{num(record.studentsOther)}</dd>
        </div>
        <div>
          <dt>{t('registry.refugeePupils')}</dt>
          <dd data-field="refugeePupils">{yesNo(record.refugeePupils)}</dd>
        </div>
        <div>
          <dt>{t('registry.refugeeStudents')}</dt>
          <dd data-field="refugeeStudents">{num(record.refugeeStudents)}</dd>
        </div>
        <div>
          <dt>{t('registry.admPersonnel')}</dt>
          <dd data-field="admPersonnel">{num(record.admPersonnel)}</dd>
        </div>
        <div>
          <dt>{t('registry.computersDesired')}</dt>
          <dd data-field="computersDesired">{num(record.computersDesired)}</dd>
        </div>
        <div>
          <dt>{t('registry.water')}</dt>
          <dd data-field="water">{yesNo(record.water)}</dd>
        </div>
        <div>
          <dt>{t('registry.latrines')}</dt>
          <dd data-field="latrines">{num(record.latrines)}</dd>
        </div>
      </dl>
      <h3>{t('registry.studentsTitle')}</h3>
      {record.students.length === 0 ? (
        <p>{t('registry.noneReported')}</p>
      ) : (
        <ScrollBox label={t('registry.studentsTitle')}>
          <table className="table">
            <caption className="visually-hidden">{t('registry.studentsTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('registry.level')}</th>
                {shifts.map((shift) => (
                  <th key={shift} scope="col" className="num">
                    {t(`class.shiftN${shift}`, { defaultValue: String(shift) })}: {t('registry.sex.female')} /{' '}
                    {t('registry.sex.male')}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {levels.map((level) => (
                <tr key={level}>
                  <th scope="row">{levelName(level)}</th>
                  {shifts.map((shift) => (
                    <td key={shift} className="num">
                      {num(students(level, 'female', shift) ?? null)} /{' '}
                      {num(students(level, 'male', shift) ?? null)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            {t('registry.studentsTotal')}: {f.number(total)}
          </p>
        </ScrollBox>
      )}
      <h3>{t('registry.linksTitle')}</h3>
      {record.links.length === 0 ? <p>{t('registry.noLinks')}</p> : null}
      <ul className="list">
        {record.links.map((link, i) => (
          <li key={i}>
            <span className="what">
              {t(`registry.linkType.${link.type}`)} · {t(`registry.purpose.${link.purpose}`)}
            </span>
            <span className="meta">
              {link.provider ?? '—'} · {num(link.downloadMbps)} / {num(link.uploadMbps)} {t('registry.mbps')}
              {link.educationNetwork ? ` · ${t('registry.educationNetwork')}` : ''}
            </span>
          </li>
        ))}
      </ul>
      <dl className="record">
        <div>
          <dt>{t('registry.pupilsInternet')}</dt>
          <dd>{yesNo(record.pupilsInternet)}</dd>
        </div>
      </dl>
      <h3>{t('registry.devicesTitle')}</h3>
      {record.deviceCounts.length === 0 ? (
        <p>{t('registry.noneReported')}</p>
      ) : (
        <DeviceCountTable counts={record.deviceCounts} caption={t('registry.devicesTitle')} hideCaption />
      )}
      <h3>{t('registry.projectsTitle')}</h3>
      {record.participations.length === 0 ? <p>{t('registry.noProjects')}</p> : null}
      <ul className="list">
        {record.participations.map((p) => {
          const project = projects.data?.find((x) => x.id === p.projectId);
          return (
            <li key={p.projectId}>
              <span className="what">{project ? localName(project, i18n.language) : `#${p.projectId}`}</span>
              <span className="meta">
                {p.evidence ?? t('registry.noEvidence')}
                {p.verified ? ` · ${t('registry.verifiedFlag')}` : ''}
              </span>
            </li>
          );
        })}
      </ul>
    </>
  );
}

/** A school's device counts by kind and purpose: total and working. */
export function DeviceCountTable({
  counts,
  caption,
  hideCaption = false,
}: {
  counts: RegistryRecord['deviceCounts'];
  caption: string;
  hideCaption?: boolean;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <table className="table">
      <caption className={hideCaption ? 'visually-hidden' : undefined}>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('registry.kind')}</th>
          <th scope="col" className="num">
            {t('registry.total')}
          </th>
          <th scope="col" className="num">
            {t('registry.working')}
          </th>
        </tr>
      </thead>
      <tbody>
        {counts.map((d) => (
          <tr key={`${d.kind}/${d.purpose}`}>
            <th scope="row">
              {t(`registry.deviceKind.${d.kind}`)} ({t(`registry.purpose.${d.purpose}`)})
            </th>
            <td className="num">{f.number(d.total)}</td>
            <td className="num">{f.number(d.working)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
