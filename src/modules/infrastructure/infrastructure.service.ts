import { allows, grantsOf, type Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, notFound, type FieldProblem } from '@/server/errors';
import { defineMessages, translate, type Locale } from '@/server/i18n';
import { staleVersion } from '@/server/versions';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import * as store from '@/modules/infrastructure/infrastructure.store';
import type { DEVICE_EVENTS, devices } from '@/modules/infrastructure/infrastructure.tables';
import type { SchoolYearInput } from '@/modules/infrastructure/infrastructure.schema';
import * as clock from '@/server/clock';
import { recordProblems, type RecordFacts } from '@/modules/infrastructure/registry.rules';
import { ictTrainedFromRecords } from '@/modules/infrastructure/ict-trained.store';

defineMessages({
  en: {
    registry_invalid: 'The record has mistakes; nothing was saved.',
    not_submitted: 'Only a record the school has saved can be reviewed.',
    registry_not_saved: 'Save the record as a draft first; then send it for review.',
    asset_tag_taken: 'The asset tag {tag} is already used.',
    same_institution: 'The device is already at that institution.',
    device_disposed: 'A disposed device cannot be changed.',
    project_code_taken: 'The project code {code} is already used.',
    'rule.trained_exceeds_teachers': 'cannot be more than the number of teachers ({teachers})',
    'rule.no_electricity_details': 'must be empty when the school has no electricity',
    'rule.duplicate': 'is given twice',
    'rule.unknown_level': 'is not an education level of the country ({levels})',
    'rule.shift_exceeds': 'the school runs {shifts} shift(s)',
    'rule.working_exceeds_total': 'cannot be more than the total ({total})',
    'rule.unknown_project': 'is not an active project',
    'warn.missing': 'is not filled in',
    'warn.students_differ':
      'the students by level, sex and shift add up to {sum}, the institution has {total}',
    'warn.lab_without_computers': 'a computer lab but no teaching computers',
    'warn.electricity_no_hours': 'electricity, but 0 hours a day',
    'rule.required': 'must be filled in',
    'rule.hours_exceed_day': 'a day has at most {hours} hours',
    'registry.field.teachers': 'Teachers',
    'registry.field.teachersIctTrained': 'Teachers trained in ICT',
    'registry.field.classrooms': 'Classrooms',
    'registry.field.hasComputerLab': 'Computer lab',
    'registry.field.electricity': 'Electricity',
    'registry.field.electricitySource': 'Main source of electricity',
    'registry.field.electricityHours': 'Hours of electricity a day',
    'registry.field.pupilsInternet': 'Pupils can use the internet for learning',
    'registry.field.students': 'Students by level, sex and shift',
    'registry.field.links': 'Internet link {n}',
    'registry.field.deviceCounts': 'Devices, row {n}',
    'registry.field.participations': 'Digital projects',
    'registry.field.water': 'Drinking water at the school',
    'registry.field.latrines': 'Toilets (latrines)',
    'registry.field.studentsGirls': 'Girls (all pupils)',
    'registry.field.studentsBoys': 'Boys (all pupils)',
    'registry.field.studentsOther': 'Pupils of other or unstated sex',
    'registry.field.refugeePupils': 'Refugee pupils',
    'registry.field.refugeeStudents': 'Number of refugee pupils',
    'registry.field.admPersonnel': 'Administrative staff',
    'registry.field.computersDesired': 'Computers the school should have',
    'rule.no_refugees': 'must be empty or 0 when the school has no refugee pupils',
  },
  az: {
    registry_invalid: 'Qeyddə səhvlər var; heç nə saxlanılmadı.',
    not_submitted: 'Yalnız məktəbin saxladığı qeyd yoxlanıla bilər.',
    registry_not_saved: 'Əvvəlcə qeydi qaralama kimi saxlayın, sonra yoxlamaya göndərin.',
    asset_tag_taken: '{tag} inventar nömrəsi artıq istifadə olunur.',
    same_institution: 'Cihaz artıq həmin müəssisədədir.',
    device_disposed: 'Silinmiş cihaz dəyişdirilə bilməz.',
    project_code_taken: '{code} layihə kodu artıq istifadə olunur.',
    'rule.trained_exceeds_teachers': 'müəllimlərin sayından ({teachers}) çox ola bilməz',
    'rule.no_electricity_details': 'məktəbdə elektrik olmadıqda boş olmalıdır',
    'rule.duplicate': 'iki dəfə verilib',
    'rule.unknown_level': 'ölkənin təhsil səviyyəsi deyil ({levels})',
    'rule.shift_exceeds': 'məktəb {shifts} növbədə işləyir',
    'rule.working_exceeds_total': 'ümumi saydan ({total}) çox ola bilməz',
    'rule.unknown_project': 'aktiv layihə deyil',
    'warn.missing': 'doldurulmayıb',
    'warn.students_differ': 'səviyyə, cins və növbə üzrə şagirdlərin cəmi {sum}, müəssisədə isə {total}',
    'warn.lab_without_computers': 'kompüter sinfi var, amma tədris kompüteri yoxdur',
    'warn.electricity_no_hours': 'elektrik var, amma gündə 0 saat',
    'rule.required': 'doldurulmalıdır',
    'rule.hours_exceed_day': 'sutkada ən çoxu {hours} saat var',
    'registry.field.teachers': 'Müəllimlər',
    'registry.field.teachersIctTrained': 'İKT üzrə hazırlıqlı müəllimlər',
    'registry.field.classrooms': 'Sinif otaqları',
    'registry.field.hasComputerLab': 'Kompüter sinfi',
    'registry.field.electricity': 'Elektrik',
    'registry.field.electricitySource': 'Əsas elektrik mənbəyi',
    'registry.field.electricityHours': 'Gündə elektrik saatları',
    'registry.field.pupilsInternet': 'Şagirdlər internetdən təlim üçün istifadə edə bilir',
    'registry.field.students': 'Səviyyə, cins və növbə üzrə şagirdlər',
    'registry.field.links': 'İnternet xətti {n}',
    'registry.field.deviceCounts': 'Cihazlar, sətir {n}',
    'registry.field.participations': 'Rəqəmsal layihələr',
    'registry.field.water': 'Məktəbdə içməli su',
    'registry.field.latrines': 'Tualetlər',
    'registry.field.studentsGirls': 'Qızlar (bütün şagirdlər)',
    'registry.field.studentsBoys': 'Oğlanlar (bütün şagirdlər)',
    'registry.field.studentsOther': 'Cinsi başqa və ya göstərilməmiş şagirdlər',
    'registry.field.refugeePupils': 'Qaçqın şagirdlər',
    'registry.field.refugeeStudents': 'Qaçqın şagirdlərin sayı',
    'registry.field.admPersonnel': 'İnzibati işçilər',
    'registry.field.computersDesired': 'Məktəbdə olmalı olan kompüterlər',
    'rule.no_refugees': 'məktəbdə qaçqın şagird olmadıqda boş və ya 0 olmalıdır',
  },
  ru: {
    registry_invalid: 'В записи есть ошибки; ничего не сохранено.',
    not_submitted: 'Проверить можно только запись, сохранённую школой.',
    registry_not_saved: 'Сначала сохраните запись как черновик, затем отправьте её на проверку.',
    asset_tag_taken: 'Инвентарный номер {tag} уже используется.',
    same_institution: 'Устройство уже находится в этом учреждении.',
    device_disposed: 'Списанное устройство нельзя изменить.',
    project_code_taken: 'Код проекта {code} уже используется.',
    'rule.trained_exceeds_teachers': 'не может быть больше числа учителей ({teachers})',
    'rule.no_electricity_details': 'должно быть пустым, если в школе нет электричества',
    'rule.duplicate': 'указано дважды',
    'rule.unknown_level': 'не является уровнем образования страны ({levels})',
    'rule.shift_exceeds': 'школа работает в {shifts} смен(ы)',
    'rule.working_exceeds_total': 'не может быть больше общего числа ({total})',
    'rule.unknown_project': 'не является действующим проектом',
    'warn.missing': 'не заполнено',
    'warn.students_differ': 'сумма учеников по уровням, полу и сменам — {sum}, у учреждения — {total}',
    'warn.lab_without_computers': 'есть компьютерный класс, но нет учебных компьютеров',
    'warn.electricity_no_hours': 'электричество есть, но 0 часов в день',
    'rule.required': 'нужно заполнить',
    'rule.hours_exceed_day': 'в сутках не больше {hours} часов',
    'registry.field.teachers': 'Учителя',
    'registry.field.teachersIctTrained': 'Учителя, обученные ИКТ',
    'registry.field.classrooms': 'Классные комнаты',
    'registry.field.hasComputerLab': 'Компьютерный класс',
    'registry.field.electricity': 'Электричество',
    'registry.field.electricitySource': 'Основной источник электричества',
    'registry.field.electricityHours': 'Часов электричества в день',
    'registry.field.pupilsInternet': 'Ученики могут пользоваться интернетом для учёбы',
    'registry.field.students': 'Ученики по уровням, полу и сменам',
    'registry.field.links': 'Интернет-подключение {n}',
    'registry.field.deviceCounts': 'Устройства, строка {n}',
    'registry.field.participations': 'Цифровые проекты',
    'registry.field.water': 'Питьевая вода в школе',
    'registry.field.latrines': 'Туалеты',
    'registry.field.studentsGirls': 'Девочки (все ученики)',
    'registry.field.studentsBoys': 'Мальчики (все ученики)',
    'registry.field.studentsOther': 'Ученики другого или неуказанного пола',
    'registry.field.refugeePupils': 'Ученики-беженцы',
    'registry.field.refugeeStudents': 'Число учеников-беженцев',
    'registry.field.admPersonnel': 'Административный персонал',
    'registry.field.computersDesired': 'Сколько компьютеров должно быть в школе',
    'rule.no_refugees': 'должно быть пустым или 0, если в школе нет учеников-беженцев',
  },
});

/** The benchmark download speed when none is set: Giga's default, 20 Mbit/s. */
export const DEFAULT_BENCHMARK_MBPS = 20;
/** Below this, a connection is bad whatever the benchmark (Giga). */
export const BAD_BELOW_MBPS = 1;

export type ConnectivityStatus = 'good' | 'moderate' | 'bad' | 'unknown';

/** Good at or above the benchmark, bad under 1 Mbit/s, moderate between; unknown without a measurement. */
export function connectivityStatus(
  downloadMbps: number | null | undefined,
  benchmarkMbps: number,
): ConnectivityStatus {
  if (downloadMbps === null || downloadMbps === undefined) return 'unknown';
  if (downloadMbps >= benchmarkMbps) return 'good';
  return downloadMbps < BAD_BELOW_MBPS ? 'bad' : 'moderate';
}

export async function benchmarkMbps(db: Db): Promise<number> {
  return (await store.getSetting(db, 'benchmark_mbps')) ?? DEFAULT_BENCHMARK_MBPS;
}

/** The national settings as one record, with its version. */
export async function registrySettings(db: Db) {
  return { version: await store.settingsVersion(db), benchmarkMbps: await benchmarkMbps(db) };
}

/**
 * Saves the national settings from the version read: every row locked and checked, then all written at the
 * next version; a save from an older version is refused with both versions.
 */
export async function saveRegistrySettings(
  db: Db,
  ctx: ChangeContext,
  input: { version: number; benchmarkMbps: number },
) {
  return db.transaction(async (tx) => {
    const stale = async () => staleVersion(input, await registrySettings(tx));
    if ((await store.settingsVersion(tx, true)) !== input.version) throw await stale();
    const before = await benchmarkMbps(tx);
    if (!(await store.putSettings(tx, input.version, { benchmark_mbps: input.benchmarkMbps }))) {
      throw await stale();
    }
    await audit(tx, ctx, {
      action: 'update',
      entity: 'registry_setting',
      entityId: 'benchmark_mbps',
      before: { benchmarkMbps: before },
      after: { benchmarkMbps: input.benchmarkMbps },
    });
    return registrySettings(tx);
  });
}

/**
 * A field of the record named in the reader's language: `teachers` → "Teachers", `deviceCounts.2.working` →
 * "Devices, row 3", `students.4.level` → "Students by level, sex and shift". Never the field's code.
 */
function fieldLabel(locale: Locale, field: string): string {
  const [head, index] = field.split('.');
  return translate(locale, `registry.field.${head}`, {
    n: index === undefined ? '' : Number(index) + 1,
  }).trim();
}

const problem = (
  locale: Locale,
  field: string,
  rule: string,
  params: Record<string, unknown> = {},
): FieldProblem => ({
  field,
  reason: rule,
  message: `${fieldLabel(locale, field)}: ${translate(locale, `rule.${rule}`, params)}`,
});

const warning = (locale: Locale, field: string, code: string, params: Record<string, unknown> = {}) => ({
  field,
  code,
  message: `${fieldLabel(locale, field)}: ${translate(locale, `warn.${code}`, params)}`,
});

/**
 * The rules a record must keep to be saved and sent for review (`registry.rules.ts`, the form's too), checked
 * against the country's levels, the school's shifts and the active projects; each broken one names its field.
 */
async function checkRecord(
  db: Db,
  institution: institutionsStore.InstitutionRow,
  input: SchoolYearInput,
  locale: Locale,
  complete = true,
): Promise<FieldProblem[]> {
  const facts: RecordFacts = {
    levels: (await institutionsStore.countryPack(db)).levels.map((l) => l.code),
    shifts: institution.shifts,
    activeProjectIds: await store.activeProjectIds(
      db,
      input.participations.map((p) => p.projectId),
    ),
  };
  return recordProblems(input, facts, { complete }).map((x) => problem(locale, x.field, x.rule, x.params));
}

/** The record's Giga facts of the year (see `giga` in the schema): on the form, copied to a new year. */
const GIGA_FIELDS = [
  'water',
  'latrines',
  'studentsGirls',
  'studentsBoys',
  'studentsOther',
  'refugeePupils',
  'refugeeStudents',
  'admPersonnel',
  'computersDesired',
] as const;
type GigaFacts = { [K in (typeof GIGA_FIELDS)[number]]-?: Exclude<SchoolYearInput[K], undefined> };

const gigaFacts = (source: Partial<Record<(typeof GIGA_FIELDS)[number], unknown>> | undefined) =>
  Object.fromEntries(GIGA_FIELDS.map((f) => [f, source?.[f] ?? null])) as GigaFacts;

type RecordValues = Omit<SchoolYearInput, 'participations' | 'version' | 'pupilsInternet' | keyof GigaFacts> &
  GigaFacts & {
    pupilsInternet: boolean | null;
    participations: { projectId: number; evidence: string | null; verified: boolean }[];
    countedDevices: SchoolYearInput['deviceCounts'];
  };

/** What looks wrong or is missing in a saved record: shown to the school and the reviewer, never refused. */
function recordWarnings(institution: institutionsStore.InstitutionRow, record: RecordValues, locale: Locale) {
  const warnings: ReturnType<typeof warning>[] = [];
  for (const field of [
    'teachers',
    'teachersIctTrained',
    'classrooms',
    'hasComputerLab',
    'electricity',
  ] as const) {
    if (record[field] === null) warnings.push(warning(locale, field, 'missing'));
  }
  if (record.students.length === 0) warnings.push(warning(locale, 'students', 'missing'));
  const sum = record.students.reduce((n, s) => n + s.students, 0);
  if (record.students.length > 0 && institution.studentCount > 0 && sum !== institution.studentCount) {
    warnings.push(warning(locale, 'students', 'students_differ', { sum, total: institution.studentCount }));
  }
  const teachingComputers = record.deviceCounts
    .filter((d) => d.purpose !== 'administration' && ['desktop', 'laptop', 'tablet'].includes(d.kind))
    .reduce((n, d) => n + d.total, 0);
  if (record.hasComputerLab && teachingComputers === 0) {
    warnings.push(warning(locale, 'hasComputerLab', 'lab_without_computers'));
  }
  // Whether pupils can use it is what makes internet count for SDG 4.a.1 (b): asked of a connected school.
  if (record.links.length > 0 && record.pupilsInternet === null) {
    warnings.push(warning(locale, 'pupilsInternet', 'missing'));
  }
  if (record.electricity && record.electricityHours === 0) {
    warnings.push(warning(locale, 'electricityHours', 'electricity_no_hours'));
  }
  return warnings;
}

async function requireYear(db: Db, yearId: number) {
  const year = (await institutionsStore.listAcademicYears(db)).find((y) => y.id === yearId);
  if (!year) throw notFound('academic_year');
  return year;
}

async function requireInstitution(db: Db, id: number) {
  const institution = await institutionsStore.findInstitution(db, id);
  if (!institution) throw notFound('institution');
  return institution;
}

/**
 * A school's record for a year. When nothing was saved for that year yet, the last saved year's values come
 * back (`saved: false`, state draft) for the school to start from; device counts of a school with an item
 * inventory are always today's items for the current year. `deviceCounts` are the totals (items and counted
 * devices); `countedDevices`, the part the school counts without item records, which its form edits.
 */
export async function getSchoolYear(db: Db, institutionId: number, yearId: number, locale: Locale) {
  const institution = await requireInstitution(db, institutionId);
  await requireYear(db, yearId);
  const row = await store.findSchoolYear(db, institutionId, yearId);
  const sourceYear = row ? yearId : await store.previousSavedYear(db, institutionId, yearId);
  const source = sourceYear === null ? undefined : await store.findSchoolYear(db, institutionId, sourceYear);
  const parts = sourceYear === null ? undefined : await store.schoolYearParts(db, institutionId, sourceYear);
  const inventory = await store.hasInventory(db, institutionId);
  // A year not saved yet may have counts of its own already (a school's items keep the current year's):
  // those are its totals; the devices it counts start from the last saved year, as the rest of the draft.
  const own = row ? undefined : await store.yearDeviceCounts(db, institutionId, yearId);
  const totals = own?.length ? own : (parts?.deviceCounts ?? []);
  const counted = parts?.deviceCounts ?? own ?? [];
  const fed = await ictTrainedFromRecords(db, institutionId, yearId);
  const teachers = source?.teachers ?? null;
  const record: RecordValues = {
    teachers,
    teachersIctTrained: fed !== null ? Math.min(fed, teachers ?? fed) : (source?.teachersIctTrained ?? null),
    classrooms: source?.classrooms ?? null,
    hasComputerLab: source?.hasComputerLab ?? null,
    electricity: source?.electricity ?? null,
    electricitySource: source?.electricitySource ?? null,
    electricityHours: source?.electricityHours ?? null,
    pupilsInternet: source?.pupilsInternet ?? null,
    ...gigaFacts(source),
    students: (parts?.students ?? []).map(({ level, sex, shift, students }) => ({
      level,
      sex,
      shift,
      students,
    })),
    links: (parts?.links ?? []).map(
      ({ purpose, type, educationNetwork, provider, downloadMbps, uploadMbps }) => ({
        purpose,
        type,
        educationNetwork,
        provider,
        downloadMbps,
        uploadMbps,
      }),
    ),
    deviceCounts: totals.map(({ kind, purpose, total, working }) => ({
      kind,
      purpose,
      total,
      working,
    })),
    countedDevices: counted
      .filter((d) => d.untracked > 0 || d.source === 'reported')
      .map(({ kind, purpose, untracked, untrackedWorking }) => ({
        kind,
        purpose,
        total: untracked,
        working: untrackedWorking,
      })),
    participations: (parts?.participations ?? []).map(({ projectId, evidence, verified }) => ({
      projectId,
      evidence,
      verified: row ? verified : false,
    })),
  };
  return {
    institutionId,
    academicYearId: yearId,
    saved: row !== undefined,
    state: row?.state ?? ('draft' as const),
    reviewNote: row?.reviewNote ?? null,
    verifiedAt: row?.verifiedAt?.toISOString() ?? null,
    updatedAt: row?.updatedAt.toISOString() ?? null,
    version: row?.version ?? 0,
    hasInventory: inventory,
    ictTrainedFromRecords: fed,
    ...record,
    warnings: row ? recordWarnings(institution, record, locale) : [],
  };
}

/**
 * Saves a school's record for a year, replacing what was there, in one transaction with its audit entry.
 * Saving (`mode: 'submit'`, the default) makes it `submitted` for the region to review, refused for a record
 * that breaks any rule; a verified record saved again needs verifying again. Saving as a draft (`mode:
 * 'draft'`) keeps it for the school to come back to, not sent: it may leave fields empty but never breaks a
 * rule between fields it fills in; it takes the record out of review (a verified one needs sending and
 * verifying again) and keeps the reviewer's note of a record sent back.
 */
export async function saveSchoolYear(
  db: Db,
  ctx: ChangeContext,
  institutionId: number,
  yearId: number,
  input: SchoolYearInput,
  locale: Locale,
  mode: 'submit' | 'draft' = 'submit',
) {
  await db.transaction(async (tx) => {
    const institution = await requireInstitution(tx, institutionId);
    await requireYear(tx, yearId);
    // A school with ICT training records has its ICT-trained count from them, whatever the form says.
    const fed = await ictTrainedFromRecords(tx, institutionId, yearId);
    if (fed !== null) input = { ...input, teachersIctTrained: Math.min(fed, input.teachers ?? fed) };
    const problems = await checkRecord(tx, institution, input, locale, mode === 'submit');
    if (problems.length) throw new AppError(422, 'registry_invalid', {}, problems);
    const before = await getSchoolYear(tx, institutionId, yearId, locale);
    if (before.version !== input.version) throw staleVersion(input, before);
    const { version, students, links, deviceCounts, participations, ...fields } = input;
    const written = await store.saveSchoolYearAt(tx, version, {
      institutionId,
      academicYearId: yearId,
      ...fields,
      state: mode === 'submit' ? 'submitted' : 'draft',
      verifiedBy: null,
      verifiedAt: null,
      reviewNote: mode === 'submit' ? null : before.reviewNote,
      updatedBy: ctx.actorId,
      updatedAt: clock.now(),
    });
    if (!written) throw staleVersion(input, await getSchoolYear(tx, institutionId, yearId, locale));
    // The counts in the record are the devices the school counts, not item records: all of its devices
    // without items; with items, what is added to them.
    const inventory = await store.hasInventory(tx, institutionId);
    await store.replaceParts(tx, institutionId, yearId, {
      students,
      links,
      deviceCounts: inventory
        ? undefined
        : deviceCounts.map((d) => ({
            ...d,
            untracked: d.total,
            untrackedWorking: d.working,
            source: 'reported' as const,
          })),
      participations: participations.map((p) => ({ ...p, verified: false })),
    });
    if (inventory) await syncInventoryCounts(tx, institutionId, yearId, deviceCounts);
    const after = await getSchoolYear(tx, institutionId, yearId, locale);
    await audit(tx, ctx, {
      action: mode === 'submit' ? 'update' : 'save',
      entity: 'registry_school_year',
      entityId: `${institutionId}/${yearId}`,
      before: before.saved ? strip(before) : null,
      after: strip(after),
    });
  });
  return getSchoolYear(db, institutionId, yearId, locale);
}

/**
 * Sends a draft the school saved for review, as it is, when it is still the `version` the sender read: refused
 * with `409 stale_version` (the record as it is now in `details.current`) when anyone wrote it since — saved,
 * sent, reviewed — so nobody sends a record they have not seen; with `422 registry_invalid` (every broken rule
 * in `details`, as saving does) when it breaks a rule or leaves a required field empty; with `409
 * registry_not_saved` when nothing was saved for the year. A record already sent or verified, at the version
 * read, is left as it is.
 */
export async function submitSchoolYear(
  db: Db,
  ctx: ChangeContext,
  institutionId: number,
  yearId: number,
  version: number,
  locale: Locale,
) {
  await db.transaction(async (tx) => {
    const institution = await requireInstitution(tx, institutionId);
    await requireYear(tx, yearId);
    const row = await store.lockSchoolYear(tx, institutionId, yearId);
    if (!row) throw new AppError(409, 'registry_not_saved');
    const record = await getSchoolYear(tx, institutionId, yearId, locale);
    if (record.version !== version) throw staleVersion({ version }, record);
    // Already sent (or verified): nothing to do.
    if (row.state !== 'draft') return;
    const values: SchoolYearInput = {
      version: record.version,
      teachers: record.teachers,
      teachersIctTrained: record.teachersIctTrained,
      classrooms: record.classrooms,
      hasComputerLab: record.hasComputerLab,
      electricity: record.electricity,
      electricitySource: record.electricitySource,
      electricityHours: record.electricityHours,
      pupilsInternet: record.pupilsInternet,
      ...gigaFacts(record),
      students: record.students,
      links: record.links,
      deviceCounts: record.deviceCounts,
      participations: record.participations.map(({ projectId, evidence }) => ({ projectId, evidence })),
    };
    const problems = await checkRecord(tx, institution, values, locale, true);
    if (problems.length) throw new AppError(422, 'registry_invalid', {}, problems);
    await store.setReview(tx, institutionId, yearId, {
      state: 'submitted',
      verifiedBy: null,
      verifiedAt: null,
      reviewNote: null,
    });
    await audit(tx, ctx, {
      action: 'submit',
      entity: 'registry_school_year',
      entityId: `${institutionId}/${yearId}`,
      before: { state: row.state },
      after: { state: 'submitted' },
    });
  });
  return getSchoolYear(db, institutionId, yearId, locale);
}

/** The record without what is derived, for the audit log. */
const strip = ({ warnings: _, ...rest }: Awaited<ReturnType<typeof getSchoolYear>>) => rest;

/** The region's review: verify the record (and its project participations), or send it back with a note. */
export async function reviewSchoolYear(
  db: Db,
  ctx: ChangeContext,
  institutionId: number,
  yearId: number,
  decision: 'verify' | 'return',
  note: string | undefined,
  locale: Locale,
) {
  await db.transaction(async (tx) => {
    const before = await store.lockSchoolYear(tx, institutionId, yearId);
    if (!before || before.state === 'draft') throw new AppError(409, 'not_submitted');
    const after =
      decision === 'verify'
        ? await store.setReview(tx, institutionId, yearId, {
            state: 'verified',
            verifiedBy: ctx.actorId,
            verifiedAt: clock.now(),
            reviewNote: null,
          })
        : await store.setReview(tx, institutionId, yearId, {
            state: 'draft',
            verifiedBy: null,
            verifiedAt: null,
            reviewNote: note ?? null,
          });
    if (decision === 'verify') await store.verifyParticipations(tx, institutionId, yearId, ctx.actorId);
    await audit(tx, ctx, {
      action: decision,
      entity: 'registry_school_year',
      entityId: `${institutionId}/${yearId}`,
      before: { state: before.state },
      after: { state: after!.state, reviewNote: after!.reviewNote },
    });
  });
  return getSchoolYear(db, institutionId, yearId, locale);
}

/**
 * The schools and the state of their record for a year, for the review list. A regional officer sees only
 * their areas: an area they ask for must be one of them (the route checks), and without one, all of theirs.
 */
export async function schoolsForReview(
  db: Db,
  actor: Actor,
  q: {
    yearId: number;
    areaId?: number;
    state?: store.SchoolYearRow['state'] | 'none';
    limit: number;
    offset: number;
  },
) {
  await requireYear(db, q.yearId);
  const national = allows(actor, ['admin', 'bureau']);
  const areaIds = q.areaId
    ? [q.areaId]
    : national
      ? null
      : grantsOf(actor, ['regional']).flatMap((g) => (g.areaId === null ? [] : [g.areaId]));
  return store.schoolsWithState(db, { ...q, areaIds });
}

// Devices

/** The current academic year's id, whose device counts follow the items. */
async function currentYearId(db: Db): Promise<number | null> {
  return (await institutionsStore.listAcademicYears(db)).find((y) => y.isCurrent)?.id ?? null;
}

/**
 * Keeps a school's device counts for the year (the current one by default) in step with its items: its items
 * plus the devices it counts without an item record, kept as they were unless `counted` gives them anew.
 */
export async function syncInventoryCounts(
  db: Db,
  institutionId: number,
  yearId?: number,
  counted?: SchoolYearInput['deviceCounts'],
): Promise<void> {
  const year = yearId ?? (await currentYearId(db));
  if (year === null) return;
  await store.replaceInventoryCounts(
    db,
    institutionId,
    year,
    await store.inventoryCounts(db, institutionId),
    counted,
  );
}

/** `syncInventoryCounts` for many schools at once (the current year), in one statement. */
export async function syncInventoryCountsOf(db: Db, institutionIds: number[]): Promise<void> {
  if (institutionIds.length === 0) return;
  const year = await currentYearId(db);
  if (year !== null) await store.recountInventories(db, institutionIds, year);
}

export type DeviceInput = Omit<typeof devices.$inferInsert, 'id' | 'institutionId' | 'updatedAt'>;

export async function createDevice(
  db: Db,
  ctx: ChangeContext,
  institutionId: number,
  input: DeviceInput & { note?: string },
): Promise<store.DeviceRow> {
  return db.transaction(async (tx) => {
    await requireInstitution(tx, institutionId);
    if (await store.findDeviceByTag(tx, input.assetTag)) {
      throw new AppError(409, 'asset_tag_taken', { tag: input.assetTag });
    }
    const { note, ...values } = input;
    const device = await store.insertDevice(tx, { ...values, institutionId });
    await store.insertDeviceEvent(tx, {
      deviceId: device.id,
      institutionId,
      kind: 'delivered',
      note: note ?? null,
      actorId: ctx.actorId,
    });
    await syncInventoryCounts(tx, institutionId);
    await audit(tx, ctx, { action: 'create', entity: 'device', entityId: device.id, after: device });
    return device;
  });
}

/** Changes a device and writes what happened to its history; `disposed` also sets the status. */
export async function updateDevice(
  db: Db,
  ctx: ChangeContext,
  deviceId: number,
  input: Partial<DeviceInput> & {
    event: Exclude<(typeof DEVICE_EVENTS)[number], 'delivered' | 'moved'>;
    note?: string;
  },
): Promise<store.DeviceRow> {
  return db.transaction(async (tx) => {
    const before = await store.findDevice(tx, deviceId);
    if (!before) throw notFound('device');
    if (before.status === 'disposed') throw new AppError(409, 'device_disposed');
    const { event, note, ...changes } = input;
    if (event === 'disposed') changes.status = 'disposed';
    if (event === 'audited' && changes.lastAuditOn === undefined) {
      changes.lastAuditOn = clock.now().toISOString().slice(0, 10);
    }
    const after = await store.updateDevice(tx, deviceId, changes);
    await store.insertDeviceEvent(tx, {
      deviceId,
      institutionId: after.institutionId,
      kind: event,
      note: note ?? null,
      actorId: ctx.actorId,
    });
    await syncInventoryCounts(tx, after.institutionId);
    await audit(tx, ctx, { action: event, entity: 'device', entityId: deviceId, before, after });
    return after;
  });
}

/** Moves a device to another institution; both schools' counts follow. */
export async function moveDevice(
  db: Db,
  ctx: ChangeContext,
  deviceId: number,
  toInstitutionId: number,
  note: string | undefined,
): Promise<store.DeviceRow> {
  return db.transaction(async (tx) => {
    const before = await store.findDevice(tx, deviceId);
    if (!before) throw notFound('device');
    if (before.status === 'disposed') throw new AppError(409, 'device_disposed');
    if (before.institutionId === toInstitutionId) throw new AppError(409, 'same_institution');
    await requireInstitution(tx, toInstitutionId);
    const after = await store.updateDevice(tx, deviceId, { institutionId: toInstitutionId });
    await store.insertDeviceEvent(tx, {
      deviceId,
      institutionId: toInstitutionId,
      fromInstitutionId: before.institutionId,
      kind: 'moved',
      note: note ?? null,
      actorId: ctx.actorId,
    });
    await syncInventoryCounts(tx, before.institutionId);
    await syncInventoryCounts(tx, toInstitutionId);
    await audit(tx, ctx, { action: 'move', entity: 'device', entityId: deviceId, before, after });
    return after;
  });
}

// Connectivity

/** Records a measurement from the platform's speed test (or an import), for the school it was taken at. */
export async function recordMeasurement(
  db: Db,
  ctx: ChangeContext,
  institutionId: number,
  m: { downloadMbps: number; uploadMbps: number | null; latencyMs: number | null; measuredAt?: Date },
  source: 'speedtest' | 'import',
): Promise<void> {
  await requireInstitution(db, institutionId);
  await store.insertMeasurement(db, {
    institutionId,
    measuredAt: m.measuredAt ?? new Date(),
    downloadMbps: m.downloadMbps,
    uploadMbps: m.uploadMbps,
    latencyMs: m.latencyMs,
    source,
    recordedBy: ctx.actorId,
  });
}

/** A school's weekly roll-up (last 12 weeks) and its status: the newest week's median against the benchmark. */
export async function connectivity(db: Db, institutionId: number) {
  await requireInstitution(db, institutionId);
  const benchmark = await benchmarkMbps(db);
  const weeks = (await store.weeklyMeasurements(db, institutionId, 12)).map((w) => ({
    ...w,
    status: connectivityStatus(w.downloadMbps, benchmark),
  }));
  const latest = (await store.latestMeasurements(db, institutionId, 20)).map((m) => ({
    measuredAt: m.measuredAt.toISOString(),
    downloadMbps: m.downloadMbps,
    uploadMbps: m.uploadMbps,
    latencyMs: m.latencyMs,
    source: m.source,
  }));
  return { benchmarkMbps: benchmark, status: weeks[0]?.status ?? ('unknown' as const), weeks, latest };
}

// Projects

export async function createProject(
  db: Db,
  ctx: ChangeContext,
  input: Omit<store.ProjectRow, 'id' | 'version'>,
): Promise<store.ProjectRow> {
  return db.transaction(async (tx) => {
    if (await store.findProjectByCode(tx, input.code)) {
      throw new AppError(409, 'project_code_taken', { code: input.code });
    }
    const row = await store.insertProject(tx, input);
    await audit(tx, ctx, { action: 'create', entity: 'registry_project', entityId: row.id, after: row });
    return row;
  });
}

export async function changeProject(
  db: Db,
  ctx: ChangeContext,
  id: number,
  input: Omit<store.ProjectRow, 'id'>,
): Promise<store.ProjectRow> {
  return db.transaction(async (tx) => {
    const before = await store.findProject(tx, id);
    if (!before) throw notFound('project');
    const { version, ...values } = input;
    // Refused before any work when the read is old; the write below checks it again under the row lock.
    if (before.version !== version) throw staleVersion(input, before);
    const other = await store.findProjectByCode(tx, input.code);
    if (other && other.id !== id) throw new AppError(409, 'project_code_taken', { code: input.code });
    const after = await store.updateProject(tx, id, version, values);
    if (!after) throw staleVersion(input, (await store.findProject(tx, id))!);
    await audit(tx, ctx, { action: 'update', entity: 'registry_project', entityId: id, before, after });
    return after;
  });
}

/**
 * Days after the academic year starts by which a school's ICT record for the year is due (submitted for
 * review), as the directors' home shows it. A fixed rule until a country setting carries the date.
 */
export const RECORD_DUE_DAYS = 30;

/** The date a year's ICT record is due, from the year's first day (YYYY-MM-DD). */
export function recordDueOn(yearStartsOn: string): string {
  return new Date(Date.parse(`${yearStartsOn}T00:00:00Z`) + RECORD_DUE_DAYS * 86_400_000)
    .toISOString()
    .slice(0, 10);
}
