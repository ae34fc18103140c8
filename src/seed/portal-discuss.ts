import { and, asc, eq, ne } from 'drizzle-orm';
import type { Db } from '@/server/db/database';
import { users, roleGrants, guardians } from '@/modules/identity/identity.tables';
import { areas, institutions } from '@/modules/institutions/institutions.tables';
import { boardAt } from '@/modules/portal/portal.discuss.store';
import { posts, threads, watchedWords, type Audience } from '@/modules/portal/portal.discuss.tables';
import { wordKey } from '@/modules/portal/portal.discuss.words';

/**
 * The discussions' demo: the ministry's watched words in az/ru/en (Latin and Cyrillic), and a few threads on
 * the boards of the demo student's school, its district and the nation, written by other people of the
 * school — never by the named demo accounts, whose first posts still wait for a moderator as anyone's do.
 * One pupil's post waits in the queue. Always the same, at fixed dates.
 */

export interface PortalDiscussSeedSummary {
  words: number;
  threads: number;
  posts: number;
}

const WORDS: { word: string; action: 'block' | 'censor' | 'hold' | 'flag' }[] = [
  { word: 'kazino', action: 'block' },
  { word: 'casino', action: 'block' },
  { word: 'axmaq', action: 'censor' },
  { word: 'stupid', action: 'censor' },
  { word: 'дурак', action: 'hold' },
  { word: 'ölüm', action: 'hold' },
  { word: 'telefon nömrəm', action: 'flag' },
  { word: 'мой номер', action: 'flag' },
];

export async function seedPortalDiscuss(db: Db): Promise<PortalDiscussSeedSummary> {
  await db.insert(watchedWords).values(WORDS.map((w) => ({ ...w, folded: wordKey(w.word) })));
  const summary = { words: WORDS.length, threads: 0, posts: 0 };
  const [demo] = await db
    .select({ institutionId: roleGrants.institutionId })
    .from(roleGrants)
    .innerJoin(users, eq(users.id, roleGrants.userId))
    .where(and(eq(users.username, 'student'), eq(roleGrants.role, 'student')));
  if (!demo?.institutionId) return summary;
  const [school] = await db
    .select({ areaId: institutions.areaId, path: areas.path })
    .from(institutions)
    .innerJoin(areas, eq(areas.id, institutions.areaId))
    .where(eq(institutions.id, demo.institutionId));
  if (!school) return summary;
  const people = (role: 'student' | 'teacher') =>
    db
      .select({ id: users.id })
      .from(roleGrants)
      .innerJoin(users, eq(users.id, roleGrants.userId))
      .where(
        and(
          eq(roleGrants.role, role),
          eq(roleGrants.institutionId, demo.institutionId!),
          ne(users.username, 'student'),
          ne(users.username, 'teacher'),
        ),
      )
      .orderBy(asc(users.id))
      .limit(4);
  const pupils = (await people('student')).map((p) => p.id);
  const teachers = (await people('teacher')).map((p) => p.id);
  const [parent] = await db
    .select({ id: guardians.parentId })
    .from(guardians)
    .innerJoin(users, eq(users.id, guardians.parentId))
    .where(and(eq(guardians.studentId, pupils[0] ?? -1), ne(users.username, 'parent')))
    .limit(1);
  const atSchool = {
    placeKind: 'institution' as const,
    areaId: school.areaId,
    institutionId: demo.institutionId,
    placePath: school.path,
  };
  const atDistrict = {
    placeKind: 'area' as const,
    areaId: school.areaId,
    institutionId: null,
    placePath: school.path,
  };
  const nation = { placeKind: 'nation' as const, areaId: null, institutionId: null, placePath: [] };
  let clock = new Date('2026-11-23T15:00:00+04:00').getTime();
  const tick = () => new Date((clock += 47 * 60_000));

  const thread = async (
    audience: Audience,
    place: typeof atSchool | typeof atDistrict | typeof nation,
    title: string,
    texts: { author: number | undefined; body: string; held?: boolean }[],
  ) => {
    const written = texts.filter((x) => x.author !== undefined);
    if (!written.length) return;
    const board = await boardAt(db, audience, place);
    const at = tick();
    const [th] = await db
      .insert(threads)
      .values({ boardId: board.id, authorId: written[0]!.author!, title, createdAt: at, lastPostAt: at })
      .returning();
    summary.threads++;
    let last = at;
    for (const [i, x] of written.entries()) {
      const when = i === 0 ? at : tick();
      if (!x.held) last = when;
      await db.insert(posts).values({
        threadId: th!.id,
        boardId: board.id,
        opening: i === 0,
        authorId: x.author!,
        authorPupil: audience === 'students' && pupils.includes(x.author!),
        body: x.body,
        status: x.held ? 'held' : 'published',
        review: x.held ?? false,
        reasons: x.held ? ['young'] : [],
        placeKind: board.placeKind,
        areaId: board.areaId,
        institutionId: board.institutionId,
        createdAt: when,
        queuedAt: when,
      });
      summary.posts++;
    }
    await db.update(threads).set({ lastPostAt: last }).where(eq(threads.id, th!.id));
  };

  await thread('students', atSchool, 'Riyaziyyat olimpiadasına kim hazırlaşır?', [
    { author: pupils[0], body: 'Salam! Rayon olimpiadasına hazırlaşan var? Birlikdə məsələ həll edək.' },
    { author: pupils[1], body: 'Mən varam. Keçən ilin məsələlərini tapdım, kitabxanada var.' },
    { author: teachers[0], body: 'Çərşənbə günləri dərsdən sonra 204-cü otaqda məşğələ keçirəcəyəm.' },
    { author: pupils[2], body: 'Mən də gəlmək istəyirəm!', held: true },
  ]);
  await thread('students', atSchool, 'Kitab klubu: bu ay nə oxuyuruq?', [
    { author: pupils[1], body: 'Təklifim: "Əli və Nino". Kim razıdır?' },
    { author: pupils[3], body: 'Razıyam, evdə var.' },
  ]);
  await thread('students', nation, 'Təhlükəsiz İnternet Günü: ideyalar', [
    { author: pupils[0], body: 'Sinifdə parol təhlükəsizliyi haqqında plakat hazırlayırıq.' },
  ]);
  await thread('parents', atSchool, 'Məktəbəqədər hazırlıq qrupları', [
    { author: parent?.id, body: 'Gələn il hazırlıq qrupuna yazılış nə vaxt başlayır?' },
    { author: teachers[1], body: 'Aprelin əvvəlində məktəbin saytında elan olunacaq.' },
  ]);
  await thread('parents', atDistrict, 'Məktəb avtobusu', [
    { author: parent?.id, body: 'Rayonda məktəb avtobusunun marşrutu dəyişib?' },
  ]);
  await thread('teachers', atSchool, 'Açıq dərslərin cədvəli', [
    { author: teachers[0], body: 'Dekabr üçün açıq dərslərin cədvəlini müəllimlər otağında asdım.' },
    { author: teachers[1], body: 'Təşəkkürlər! Mən 15 dekabrda fizika dərsi keçirəcəyəm.' },
  ]);
  await thread('teachers', nation, 'Элективные курсы по информатике', [
    { author: teachers[2], body: 'Кто уже ведёт курс по Python в 9 классе? Поделитесь планом.' },
    { author: teachers[1], body: 'Мы используем материалы из библиотеки, раздел «Информатика».' },
  ]);
  return summary;
}

export const describePortalDiscuss = (s: PortalDiscussSeedSummary) =>
  `portal discussions: ${s.words} watched words, ${s.threads} threads, ${s.posts} posts`;
