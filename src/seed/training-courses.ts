import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';
import { Random } from '@/seed/random';
import { webinars } from '@/modules/webinars/webinars.tables';
import {
  attempts,
  enrolments,
  frameworkAreas,
  frameworks,
  plans,
  programmeSeats,
  programmes,
  questions,
  sessions,
  type Localised,
} from '@/modules/training/training.tables';

/**
 * The demo's training courses: an approved plan for the current academic year with four programmes — one
 * blended programme open now, whose session in the demo district started at the seed's day and lasts two
 * weeks (so the whole flow can be tried today: enrol, approval by `region`, attendance, the assessment), an
 * in-person one without an assessment, an online one (a webinar), and one finished last term — and
 * enrolments of other teachers in various states. The demo `teacher` account is not enrolled anywhere.
 */

export interface TrainingCoursesContext {
  seed: number;
  academicYearId: number;
  demoAreaId: number;
  /** The start of the seed's school day. */
  now: Date;
}

export interface TrainingCoursesSummary {
  programmes: number;
  sessions: number;
  enrolments: number;
}

const L = (az: string, ru: string, en: string): Localised => ({ az, ru, en });
const DAY = 86_400_000;

/** The framework the programmes develop: the pack's self-assessment framework, else DigCompEdu's outline. */
async function framework(tx: Db): Promise<{ id: string; areaIds: string[] }> {
  const [chosen] = await rows<{ id: string }>(
    tx,
    sql`select id from ${frameworks} order by self_assessment desc, position, id limit 1`,
  );
  if (!chosen) {
    // Without the pack's frameworks (loaded by the frameworks use case), DigCompEdu's six areas by name.
    const levels = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'].map((code) => ({
      code,
      name: L(code, code, code),
      description: L('', '', ''),
    }));
    await tx
      .insert(frameworks)
      .values({
        id: 'digcompedu',
        position: 1,
        name: L('DigCompEdu', 'DigCompEdu', 'DigCompEdu'),
        description: L('', '', ''),
        levels,
        selfAssessment: true,
      })
      .onConflictDoNothing();
    const names = [
      L('Peşəkar fəaliyyət', 'Профессиональная деятельность', 'Professional engagement'),
      L('Rəqəmsal resurslar', 'Цифровые ресурсы', 'Digital resources'),
      L('Tədris və öyrənmə', 'Преподавание и обучение', 'Teaching and learning'),
      L('Qiymətləndirmə', 'Оценивание', 'Assessment'),
      L(
        'Şagirdlərin imkanlarının genişləndirilməsi',
        'Расширение возможностей учащихся',
        'Empowering learners',
      ),
      L(
        'Şagirdlərin rəqəmsal bacarıqlarının inkişafı',
        'Развитие цифровой компетентности учащихся',
        'Facilitating learners’ digital competence',
      ),
    ];
    await tx
      .insert(frameworkAreas)
      .values(
        names.map((name, i) => ({
          id: `digcompedu.${i + 1}`,
          frameworkId: 'digcompedu',
          position: i + 1,
          name,
          description: L('', '', ''),
        })),
      )
      .onConflictDoNothing();
  }
  const id = chosen?.id ?? 'digcompedu';
  const areas = await rows<{ id: string }>(
    tx,
    sql`select id from ${frameworkAreas} where framework_id = ${id} order by position, id`,
  );
  return { id, areaIds: areas.map((a) => a.id) };
}

export async function seedTrainingCourses(
  tx: Db,
  ctx: TrainingCoursesContext,
): Promise<TrainingCoursesSummary> {
  const random = new Random(ctx.seed ^ 0x7c0e5);
  const [bureau] = await rows<{ id: number }>(
    tx,
    sql`select id from identity_user where username = 'bureau'`,
  );
  const [region] = await rows<{ id: number }>(
    tx,
    sql`select id from identity_user where username = 'region'`,
  );
  const [director] = await rows<{ id: number }>(
    tx,
    sql`select id from identity_user where username = 'director'`,
  );
  if (!bureau || !region || !director) return { programmes: 0, sessions: 0, enrolments: 0 };
  // Other teachers of the demo district's schools (never the demo `teacher` account), the demo school's first.
  const teachers = await rows<{ userId: number; institutionId: number }>(
    tx,
    sql`select distinct on (u.id) u.id as "userId", g.institution_id as "institutionId"
        from identity_user u
          join identity_role_grant g on g.user_id = u.id and g.role = 'teacher'
          join institutions_institution i on i.id = g.institution_id
          join institutions_area a on a.id = i.area_id
        where ${ctx.demoAreaId} = any(a.path) and u.username <> 'teacher'
        order by u.id
        limit 12`,
  );
  const fw = await framework(tx);
  const area = (i: number) => fw.areaIds[i % Math.max(1, fw.areaIds.length)];
  const [plan] = await tx
    .insert(plans)
    .values({
      yearId: ctx.academicYearId,
      title: 'Müəllimlərin İKT üzrə təlim planı',
      budget: 250000,
      status: 'approved',
      createdBy: bureau.id,
    })
    .returning();
  const programme = async (
    values: Omit<typeof programmes.$inferInsert, 'planId' | 'createdBy' | 'frameworkId'>,
  ) =>
    (
      await tx
        .insert(programmes)
        .values({ ...values, planId: plan!.id, frameworkId: fw.id, createdBy: bureau.id })
        .returning()
    )[0]!;
  const open = await programme({
    title: 'Rəqəmsal dərs: onlayn təlim alətləri',
    description:
      'Dərsdə rəqəmsal resursların seçilməsi, hazırlanması və paylaşılması; onlayn tapşırıqlar və onların qiymətləndirilməsi.',
    mode: 'blended',
    areaIds: [area(1), area(2)].filter((a): a is string => a !== undefined),
    forBelowLevel: 2,
    targetGroup: 'Ümumi təhsil müəssisələrinin fənn müəllimləri (A1–A2 səviyyəsi)',
    hours: 24,
    passMark: 70,
    validMonths: 36,
    budget: 90000,
    status: 'open',
  });
  const board = await programme({
    title: 'İnteraktiv lövhə ilə iş',
    description: 'İnteraktiv lövhədə dərsin qurulması: əsas alətlər və hazır materiallar.',
    mode: 'in_person',
    areaIds: [area(2)].filter((a): a is string => a !== undefined),
    forBelowLevel: 3,
    targetGroup: 'İbtidai sinif müəllimləri',
    hours: 12,
    passMark: null,
    validMonths: null,
    budget: 40000,
    status: 'open',
  });
  const ai = await programme({
    title: 'Təhsildə süni intellekt',
    description: 'Süni intellekt alətlərinin dərsdə məsuliyyətli istifadəsi.',
    mode: 'online',
    areaIds: [area(4), area(5)].filter((a): a is string => a !== undefined),
    forBelowLevel: 4,
    targetGroup: 'Bütün müəllimlər',
    hours: 16,
    passMark: 60,
    validMonths: 24,
    budget: 30000,
    status: 'open',
  });
  const safety = await programme({
    title: 'Kibertəhlükəsizlik əsasları',
    description: 'Şəxsi məlumatların qorunması, parollar, fişinq.',
    mode: 'in_person',
    areaIds: [area(0)].filter((a): a is string => a !== undefined),
    forBelowLevel: 2,
    targetGroup: 'İnformatika müəllimləri',
    hours: 8,
    passMark: 60,
    validMonths: 36,
    budget: 20000,
    status: 'finished',
  });
  await tx.insert(programmeSeats).values([
    { programmeId: open.id, areaId: ctx.demoAreaId, seats: 40 },
    { programmeId: board.id, areaId: ctx.demoAreaId, seats: 25 },
    { programmeId: safety.id, areaId: ctx.demoAreaId, seats: 20 },
  ]);

  const session = async (values: Omit<typeof sessions.$inferInsert, 'createdBy'>) =>
    (
      await tx
        .insert(sessions)
        .values({ ...values, createdBy: region.id })
        .returning()
    )[0]!;
  // Starts at the seed's day and lasts two weeks: the demo teacher can enrol, attend and pass it today.
  const openSession = await session({
    programmeId: open.id,
    areaId: ctx.demoAreaId,
    startsAt: ctx.now,
    endsAt: new Date(ctx.now.getTime() + 14 * DAY),
    place: 'Rayon təhsil şöbəsi, kompüter otağı; onlayn tapşırıqlar platformada',
    capacity: 25,
  });
  await session({
    programmeId: open.id,
    areaId: null,
    startsAt: new Date(ctx.now.getTime() + 30 * DAY),
    endsAt: new Date(ctx.now.getTime() + 44 * DAY),
    place: 'Bakı, Respublika Təhsil İnkişafı Mərkəzi',
    capacity: 30,
  });
  await session({
    programmeId: board.id,
    areaId: ctx.demoAreaId,
    startsAt: new Date(ctx.now.getTime() + 10 * DAY + 10 * 3_600_000),
    endsAt: new Date(ctx.now.getTime() + 12 * DAY + 15 * 3_600_000),
    place: 'Rayon təhsil şöbəsi, 2-ci mərtəbə',
    capacity: 20,
  });
  const aiStart = new Date(ctx.now.getTime() + 7 * DAY + 11 * 3_600_000);
  const [webinar] = await tx
    .insert(webinars)
    .values({
      title: ai.title,
      description: ai.description,
      areaId: null,
      startsAt: aiStart,
      durationMinutes: 180,
      url: 'https://meet.edu.az/ai-2026',
      capacity: 200,
      createdBy: bureau.id,
    })
    .returning();
  await session({
    programmeId: ai.id,
    areaId: null,
    startsAt: aiStart,
    endsAt: new Date(aiStart.getTime() + 3 * 3_600_000),
    place: null,
    webinarId: webinar!.id,
    capacity: 200,
  });
  const pastSession = await session({
    programmeId: safety.id,
    areaId: ctx.demoAreaId,
    startsAt: new Date(ctx.now.getTime() - 60 * DAY),
    endsAt: new Date(ctx.now.getTime() - 58 * DAY),
    place: 'Rayon təhsil şöbəsi',
    capacity: 20,
  });

  const q = (
    programmeId: number,
    position: number,
    kind: string,
    body: object,
    answer: object,
    points = 1,
  ) => ({ programmeId, position, kind, body, answer, points });
  await tx.insert(questions).values([
    q(
      open.id,
      0,
      'single',
      {
        prompt: 'Dərs materialını bütün sinfə paylaşmağın ən təhlükəsiz yolu hansıdır?',
        options: [
          'Platformada sinfin səhifəsində',
          'Şəxsi e-poçtdan hər şagirdə',
          'Sosial şəbəkədə açıq paylaşımla',
        ],
      },
      { correct: [0] },
    ),
    q(
      open.id,
      1,
      'multiple',
      {
        prompt: 'Hansılar açıq lisenziyadır?',
        options: ['CC BY', 'CC BY-SA', 'Bütün hüquqlar qorunur'],
      },
      { correct: [0, 1] },
    ),
    q(open.id, 2, 'true_false', { prompt: 'Onlayn test dərhal rəy verə bilər.' }, { truth: true }),
    q(
      open.id,
      3,
      'single',
      {
        prompt: 'Şagirdin işinə rəy üçün hansı daha faydalıdır?',
        options: ['Yalnız bal', 'Konkret şərh və növbəti addım', 'Heç bir rəy'],
      },
      { correct: [1] },
    ),
    q(
      safety.id,
      0,
      'single',
      {
        prompt: 'Güclü parol hansıdır?',
        options: ['123456', 'ad+doğum ili', 'Uzun ifadə, hərf, rəqəm və işarə'],
      },
      { correct: [2] },
    ),
    q(
      ai.id,
      0,
      'true_false',
      { prompt: 'Süni intellektin cavabını yoxlamadan şagirdə vermək olar.' },
      { truth: false },
    ),
  ]);

  // Other teachers: in the open programme's session some approved, some asking, one nominated by the director;
  // in the finished one, most completed and one failed.
  let count = 0;
  const enrol = async (
    programmeId: number,
    sessionId: number,
    t: { userId: number; institutionId: number },
    status: (typeof enrolments.$inferInsert)['status'],
    extra: Partial<typeof enrolments.$inferInsert> = {},
  ) => {
    count++;
    const decided = status === 'requested' || status === 'nominated' ? {} : { decidedBy: region.id };
    return (
      await tx
        .insert(enrolments)
        .values({
          programmeId,
          sessionId,
          userId: t.userId,
          institutionId: t.institutionId,
          status,
          origin: status === 'nominated' ? 'director' : 'self',
          requestedBy: status === 'nominated' ? director.id : t.userId,
          decidedAt: decided.decidedBy ? new Date(ctx.now.getTime() - 2 * DAY) : null,
          createdAt: new Date(ctx.now.getTime() - 5 * DAY),
          ...decided,
          ...extra,
        })
        .returning()
    )[0]!;
  };
  const openStates = ['approved', 'approved', 'approved', 'requested', 'nominated', 'rejected'] as const;
  for (const [i, t] of teachers.slice(0, openStates.length).entries()) {
    const status = openStates[i]!;
    await enrol(
      open.id,
      openSession.id,
      t,
      status,
      status === 'rejected' ? { note: 'Növbəti qrupa yazılın.' } : {},
    );
  }
  for (const [i, t] of teachers.slice(openStates.length, openStates.length + 5).entries()) {
    // The last one fell short of the pass mark.
    const score = i === 4 ? random.int(30, 55) : random.int(62, 100);
    const passed = score >= 60;
    const completedAt = new Date(pastSession.endsAt.getTime() + random.int(1, 5) * DAY);
    const e = await enrol(safety.id, pastSession.id, t, passed ? 'completed' : 'failed', {
      attended: true,
      score,
      completedAt: passed ? completedAt : null,
    });
    await tx.insert(attempts).values({
      enrolmentId: e.id,
      startedAt: completedAt,
      submittedAt: completedAt,
      points: score / 100,
      maxPoints: 1,
      passed,
    });
  }
  return { programmes: 4, sessions: 6, enrolments: count };
}

export const describeTrainingCourses = (s: TrainingCoursesSummary): string =>
  `training: ${s.programmes} programmes, ${s.sessions} sessions, ${s.enrolments} enrolments`;
