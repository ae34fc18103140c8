import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole, linkParent } from '@test/factories';
import { academicYears } from '@/modules/institutions/institutions.tables';
import { classes, enrolments } from '@/modules/classroom/classroom.tables';
import { auditLog } from '@/modules/identity/identity.tables';
import { screen, wordKey } from '@/modules/portal/portal.discuss.words';
import { foldText } from '@/server/fold';
import { translate } from '@/server/i18n';
import { rows } from '@/server/db/database';
import { shortName } from '@/modules/portal/portal.discuss.service';
import * as store from '@/modules/portal/portal.discuss.store';
import { posts as postTable } from '@/modules/portal/portal.discuss.tables';

type Err = {
  error: { code: string; message: string; details?: { field: string; reason: string; message: string }[] };
};
type Board = { id: number; audience: string; place: { kind: string; institutionId: number | null } };
type Written = { threadId: number; postId: number; status: string; reasons: string[] };
type QueueItem = {
  postId: number;
  version: number;
  status: string;
  reasons: string[];
  body: string;
  author: string;
};

/**
 * The portal's discussions through the API on a small world: one region with two districts and a school in
 * each; pupils in grades 5 and 9, a parent, teachers, directors, a regional officer and the ministry.
 */
describe('portal discussions and moderation', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let areas: Awaited<ReturnType<typeof createAreas>>;
  let school: number;
  let otherSchool: number;
  let bureau: Session;
  let regional: Session;
  let otherRegional: Session;
  let director: Session;
  let otherDirector: Session;
  let teacher: Session;
  let young: Session;
  let older: Session;
  let parent: Session;
  let otherPupil: Session;
  const pupils: Session[] = [];
  let olderName: string;

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    areas = await createAreas(db);
    const elsewhere = await createAreas(db);
    school = (await createInstitution(db, areas.district)).id;
    otherSchool = (await createInstitution(db, areas.otherDistrict)).id;
    const as = async (role: Parameters<typeof createUserWithRole>[1], scope = {}) => {
      const u = await createUserWithRole(db, role, scope);
      return { u, s: await login(t.app, u.username, u.password) };
    };
    bureau = (await as('bureau')).s;
    regional = (await as('regional', { areaId: areas.district })).s;
    otherRegional = (await as('regional', { areaId: elsewhere.region })).s;
    director = (await as('director', { institutionId: school })).s;
    otherDirector = (await as('director', { institutionId: otherSchool })).s;
    teacher = (await as('teacher', { institutionId: school })).s;
    const [year] = await db
      .insert(academicYears)
      .values({ code: `discuss-${Date.now()}`, startsOn: '2026-09-15', endsOn: '2027-06-15' })
      .returning();
    const classOf = async (grade: number) =>
      (
        await db
          .insert(classes)
          .values({ institutionId: school, academicYearId: year!.id, grade, letter: `D${grade}` })
          .returning()
      )[0]!.id;
    const grade5 = await classOf(5);
    const grade9 = await classOf(9);
    const y = await as('student', { institutionId: school });
    await db.insert(enrolments).values({ classId: grade5, studentId: y.u.id, institutionId: school });
    young = y.s;
    const o = await as('student', { institutionId: school });
    await db.insert(enrolments).values({ classId: grade9, studentId: o.u.id, institutionId: school });
    older = o.s;
    olderName = o.u.displayName;
    for (let i = 0; i < 3; i++) {
      const p = await as('student', { institutionId: school });
      await db.insert(enrolments).values({ classId: grade9, studentId: p.u.id, institutionId: school });
      pupils.push(p.s);
    }
    const p = await createUserWithRole(db, 'parent');
    await linkParent(db, p.id, y.u.id);
    parent = await login(t.app, p.username, p.password);
    otherPupil = (await as('student', { institutionId: otherSchool })).s;
  });
  afterAll(async () => t.close());

  const get = (s: Session, url: string, lang = 'en') =>
    s.inject({ url, headers: { 'accept-language': lang } });
  const post = (s: Session, url: string, payload: object, lang = 'en') =>
    s.inject({ method: 'POST', url, payload, headers: { 'accept-language': lang } });
  const boardsOf = async (s: Session) =>
    (await get(s, '/api/portal/discuss/boards')).json<{ boards: Board[] }>().boards;
  const schoolBoard = async (s: Session, audience: string) =>
    (await boardsOf(s)).find((b) => b.audience === audience && b.place.institutionId === school)!;
  const open = async (s: Session, boardId: number, title: string, body: string) => {
    const res = await post(s, `/api/portal/discuss/boards/${boardId}/threads`, { title, body });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Written>();
  };
  const queue = async (s: Session, query = '') =>
    (await get(s, `/api/portal/moderation/queue${query}`)).json<{
      items: QueueItem[];
      next: string | null;
    }>();
  const decide = async (s: Session, postId: number, action: string, reason = '') => {
    const item = (await queue(s, '?limit=100')).items.find((i) => i.postId === postId);
    if (!item) throw new Error(`post ${postId} is not in the queue`);
    return post(s, `/api/portal/moderation/posts/${postId}`, { action, reason, version: item.version });
  };
  const threadPosts = async (s: Session, threadId: number) => {
    const res = await get(s, `/api/portal/discuss/threads/${threadId}`);
    return res.statusCode === 200
      ? res.json<{ posts: { id: number; body: string; status: string }[] }>().posts
      : null;
  };
  /** Gets an adult's first three posts approved, so their next posts go up at once. */
  const trust = async (s: Session, boardId: number) => {
    for (let i = 0; i < 3; i++) {
      const w = await open(s, boardId, `Warm-up ${i}`, 'Hello everyone');
      expect(w.status).toBe('held');
      expect((await decide(director, w.postId, 'approve')).statusCode).toBe(200);
    }
  };

  it('folds watched words to Azerbaijani Latin and matches whole words only', () => {
    const words = [
      { folded: 'durak', action: 'hold' as const },
      { folded: 'axmaq', action: 'censor' as const },
      { folded: 'spam link', action: 'flag' as const },
      { folded: 'kill', action: 'block' as const },
    ];
    expect(screen('Ты ДУРАК!', words).hold).toBe(true);
    expect(screen('Durakov is a surname', words).hold).toBe(false);
    expect(screen('Sən AXMAQsan? Yox, sən axmaq', words).text).toBe('Sən AXMAQsan? Yox, sən ■■■');
    expect(screen('Сен ахмаг… и Сән ахмаг', words).text).toBe('Сен ■■■… и Сән ■■■');
    // Any run of white space between a phrase's words, a line break too.
    expect(screen('a SPAM   link', words).flag).toBe(true);
    expect(screen('a spam\nlink', words).flag).toBe(true);
    expect(screen('a spam link here', words).flag).toBe(true);
    expect(screen('skill', words).blocked).toBeNull();
    expect(screen('I will KILL it', words).blocked).toBe('KILL');
    expect(shortName('Aysel Məmmədova')).toBe('Aysel M.');
  });

  it('censors the whole of overlapping censored phrases', () => {
    const words = [
      { folded: 'axmaq', action: 'censor' as const },
      { folded: 'axmaq adamsan', action: 'censor' as const },
    ];
    expect(screen('sən axmaq adamsan', words).text).toBe('sən ■■■');
    expect(screen('axmaq adamsan, axmaq', words).text).toBe('■■■, ■■■');
    expect(screen('sən axmaq adamsan', words.slice().reverse()).text).toBe('sən ■■■');
  });

  it('is not evaded by invisible characters, decomposed letters, marks or spacing', () => {
    const words = [
      { folded: wordKey('durak'), action: 'block' as const },
      { folded: wordKey('şərəfsiz'), action: 'block' as const },
      { folded: 'go', action: 'censor' as const },
      { folded: wordKey('spam link'), action: 'flag' as const },
    ];
    expect(screen('du\u00ADrak', words).blocked).toBe('du\u00ADrak');
    expect(screen('du\u200Brak!', words).blocked).toBe('du\u200Brak');
    expect(screen('x du\u200D\u2060\uFEFFrak', words).blocked).toBe('du\u200D\u2060\uFEFFrak');
    expect(screen('s\u0327ərəfsiz', words).blocked).toBe('s\u0327ərəfsiz');
    expect(screen('ŞƏRƏFSİZ', words).blocked).toBe('ŞƏRƏFSİZ');
    expect(screen('QIZ', [{ folded: 'qız', action: 'hold' }]).hold).toBe(true);
    // A combining mark is part of the word: "göl" written with a decomposed ö is not "go" + "l".
    expect(screen('go\u0308l', words).text).toBe('go\u0308l');
    // A mark that composes with nothing is censored with its letter.
    expect(screen('let go\u20DD now', words).text).toBe('let ■■■ now');
    expect(screen('spam\u00AD \t\r\n link', words).flag).toBe(true);
  });

  it('keeps the Azerbaijani letters distinct in watched words', () => {
    const words = [
      { folded: wordKey('ölüm'), action: 'hold' as const },
      { folded: wordKey('sik'), action: 'block' as const },
      { folded: wordKey('дурак'), action: 'hold' as const },
    ];
    expect(wordKey('ÖLÜM')).toBe('ölüm');
    expect(wordKey('Ölüm')).toBe(wordKey('ӨЛҮМ'));
    expect(screen('Mən orada olum', words).hold).toBe(false);
    expect(screen('ÖLÜM', words).hold).toBe(true);
    expect(screen('şik paltar', words).blocked).toBeNull();
    expect(screen('sik', words).blocked).toBe('sik');
    expect(screen('Ты ДУРАК', words).hold).toBe(true);
    // The library search's folding is unchanged.
    expect(foldText('Ölüm şık')).toBe('olum sik');
  });

  it('lists only the boards of a person’s audiences and places, and keeps the others out', async () => {
    const mine = await boardsOf(young);
    expect(mine.every((b) => b.audience === 'students')).toBe(true);
    expect(mine.map((b) => b.place.kind)).toEqual(['nation', 'area', 'area', 'institution']);
    const parentBoards = await boardsOf(parent);
    expect(parentBoards.every((b) => b.audience === 'parents')).toBe(true);
    const students = await schoolBoard(young, 'students');
    const teachers = await schoolBoard(teacher, 'teachers');
    const parents = await schoolBoard(parent, 'parents');
    // A parent never reads a pupils' board; a pupil never a parents' or teachers' one; another school's
    // pupil not this school's; a director of another school neither.
    expect((await get(parent, `/api/portal/discuss/boards/${students.id}`)).statusCode).toBe(404);
    expect((await get(young, `/api/portal/discuss/boards/${teachers.id}`)).statusCode).toBe(404);
    expect((await get(young, `/api/portal/discuss/boards/${parents.id}`)).statusCode).toBe(404);
    expect((await get(otherPupil, `/api/portal/discuss/boards/${students.id}`)).statusCode).toBe(404);
    expect((await get(otherDirector, `/api/portal/discuss/boards/${students.id}`)).statusCode).toBe(404);
    expect(
      (await post(parent, `/api/portal/discuss/boards/${students.id}/threads`, { title: 'x', body: 'y' }))
        .statusCode,
    ).toBe(404);
    // Staff and the district's officer do.
    for (const s of [teacher, director, regional, bureau])
      expect((await get(s, `/api/portal/discuss/boards/${students.id}`)).statusCode).toBe(200);
    expect((await get(otherRegional, `/api/portal/discuss/boards/${students.id}`)).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/portal/discuss/boards/${students.id}` })).statusCode).toBe(401);
    // Someone else's board answers as a board that does not exist, so its id reveals nothing.
    const none = await get(parent, '/api/portal/discuss/boards/2147483000');
    const others = await get(parent, `/api/portal/discuss/boards/${students.id}`);
    expect([none.statusCode, others.statusCode]).toEqual([404, 404]);
    expect(others.json<Err>().error.code).toBe(none.json<Err>().error.code);
  });

  it('reads the list of boards without writing once they exist', async () => {
    const seq = async () =>
      Number(
        (
          await rows<{ last_value: string }>(t.database.db, sql`select last_value from portal_board_id_seq`)
        )[0]!.last_value,
      );
    const everyone = [bureau, young, parent, teacher, director, regional];
    const first = await Promise.all(everyone.map(boardsOf));
    const before = await seq();
    expect(await Promise.all(everyone.map(boardsOf))).toEqual(first);
    expect(await seq()).toBe(before);
  });

  it("holds a young pupil's every post until a moderator of the school approves it, and audits it", async () => {
    const board = await schoolBoard(young, 'students');
    const w = await open(young, board.id, 'Riyaziyyat olimpiadası', 'Kim hazırlaşır?');
    expect(w.status).toBe('held');
    expect(w.reasons).toEqual(expect.arrayContaining(['young', 'new_account']));
    // Only the author sees it, marked waiting; the thread is not there for other pupils.
    expect((await threadPosts(young, w.threadId))?.[0]?.status).toBe('held');
    expect(await threadPosts(older, w.threadId)).toBeNull();
    // Another school's director and another region's officer do not have it in their queue, nor may decide.
    expect((await queue(otherDirector)).items.map((i) => i.postId)).not.toContain(w.postId);
    expect((await queue(otherRegional)).items.map((i) => i.postId)).not.toContain(w.postId);
    expect(
      (
        await post(otherDirector, `/api/portal/moderation/posts/${w.postId}`, {
          action: 'approve',
          reason: '',
          version: 1,
        })
      ).statusCode,
    ).toBe(403);
    // The district's officer sees it; the director approves it.
    expect((await queue(regional)).items.map((i) => i.postId)).toContain(w.postId);
    const item = (await queue(director)).items.find((i) => i.postId === w.postId)!;
    expect(item.author).toMatch(/^\S+( \S\.)?$/);
    const stale = await post(director, `/api/portal/moderation/posts/${w.postId}`, {
      action: 'approve',
      reason: '',
      version: item.version + 1,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json<Err>().error.code).toBe('stale_version');
    const ok = await post(director, `/api/portal/moderation/posts/${w.postId}`, {
      action: 'approve',
      reason: 'Fine',
      version: item.version,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await threadPosts(older, w.threadId))?.[0]?.status).toBe('published');
    expect((await queue(director)).items.map((i) => i.postId)).not.toContain(w.postId);
    const [entry] = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'portal_post'), eq(auditLog.entityId, String(w.postId))));
    expect(entry).toMatchObject({ action: 'approve' });
    // Even after three approved posts a pupil under 13 waits.
    for (let i = 0; i < 3; i++) {
      const more = await open(young, board.id, `Sual ${i}`, 'Salam');
      expect((await decide(director, more.postId, 'approve')).statusCode).toBe(200);
    }
    const still = await open(young, board.id, 'Yenə', 'Salam');
    expect(still.status).toBe('held');
    expect(still.reasons).toEqual(['young']);
    // Rejecting needs a reason, named in the person's language.
    const noReason = await post(director, `/api/portal/moderation/posts/${still.postId}`, {
      action: 'reject',
      reason: ' ',
      version: 1,
    });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json<Err>().error.details?.[0]).toMatchObject({ field: 'reason' });
    expect(noReason.json<Err>().error.details?.[0]?.message).toMatch(/^Səbəb: /);
    expect((await decide(director, still.postId, 'reject', 'Not on topic')).statusCode).toBe(200);
    expect(await threadPosts(older, still.threadId)).toBeNull();
  });

  it('holds the first three posts of any account, then lets an older pupil post at once', async () => {
    const board = await schoolBoard(older, 'students');
    await trust(older, board.id);
    const w = await open(older, board.id, 'Kitab klubu', 'Bu həftə nə oxuyuruq?');
    expect(w.status).toBe('published');
    const seen = await get(young, `/api/portal/discuss/boards/${board.id}`);
    const thread = seen
      .json<{ threads: { id: number; author: string }[] }>()
      .threads.find((x) => x.id === w.threadId);
    // A pupil is shown by first name and initial only.
    expect(thread?.author).toBe(shortName(olderName));
    const reply = await post(older, `/api/portal/discuss/threads/${w.threadId}/posts`, { body: 'Mən də!' });
    expect(reply.json<Written>().status).toBe('published');
  });

  it('applies the watched words: Cyrillic held, blocked with the field named, censored, flagged', async () => {
    for (const [word, action] of [
      ['дурак', 'hold'],
      ['qadağan', 'block'],
      ['axmaq', 'censor'],
      ['reklam', 'flag'],
    ]) {
      const res = await post(bureau, '/api/portal/moderation/words', { word, action });
      expect(res.statusCode, res.body).toBe(200);
    }
    expect(
      (await post(bureau, '/api/portal/moderation/words', { word: 'DURAK', action: 'flag' })).statusCode,
    ).toBe(409);
    expect(
      (await post(director, '/api/portal/moderation/words', { word: 'x', action: 'flag' })).statusCode,
    ).toBe(403);
    const board = await schoolBoard(older, 'students');
    const held = await open(older, board.id, 'Söhbət', 'Сен дурак!');
    expect(held.status).toBe('held');
    expect(held.reasons).toEqual(['word_hold']);
    const blocked = await post(
      older,
      `/api/portal/discuss/boards/${board.id}/threads`,
      { title: 'QADAĞAN', body: 'ok' },
      'az',
    );
    expect(blocked.statusCode).toBe(422);
    expect(blocked.json<Err>().error.details?.[0]).toMatchObject({ field: 'title', reason: 'blocked_word' });
    expect(blocked.json<Err>().error.details?.[0]?.message).toMatch(/^Başlıq: /);
    const censored = await open(older, board.id, 'Sual', 'Sən axmaq deyilsən');
    expect((await threadPosts(young, censored.threadId))?.[0]?.body).toBe('Sən ■■■ deyilsən');
    const flagged = await open(older, board.id, 'Endirim', 'Reklam: ucuz telefonlar');
    expect(flagged.status).toBe('published');
    const item = (await queue(director, '?limit=100')).items.find((i) => i.postId === flagged.postId);
    expect(item?.reasons).toEqual(['word_flag']);
    expect((await decide(director, flagged.postId, 'approve')).statusCode).toBe(200);
  });

  it('hides a post on its third flag, one flag a person, until a moderator restores it', async () => {
    const board = await schoolBoard(older, 'students');
    const w = await open(older, board.id, 'Futbol', 'Sabah oyun var');
    expect(w.status).toBe('published');
    expect(
      (await post(older, `/api/portal/discuss/posts/${w.postId}/flags`, { reason: 'spam' })).statusCode,
    ).toBe(409);
    const flag = (s: Session) => post(s, `/api/portal/discuss/posts/${w.postId}/flags`, { reason: 'unkind' });
    expect((await flag(pupils[0]!)).json()).toEqual({ flagged: true, hidden: false });
    expect((await flag(pupils[0]!)).json()).toEqual({ flagged: true, hidden: false });
    expect((await threadPosts(young, w.threadId))?.[0]?.status).toBe('published');
    expect((await flag(pupils[1]!)).json()).toEqual({ flagged: true, hidden: false });
    expect((await flag(pupils[2]!)).json()).toEqual({ flagged: true, hidden: true });
    expect(await threadPosts(young, w.threadId)).toBeNull();
    // The author still sees it, hidden; the moderator restores it.
    expect((await threadPosts(older, w.threadId))?.[0]?.status).toBe('hidden');
    const item = (await queue(director, '?limit=100')).items.find((i) => i.postId === w.postId);
    expect(item).toMatchObject({ status: 'hidden', flagCount: 3 });
    const notNow = await decide(director, w.postId, 'approve');
    expect(notNow.statusCode).toBe(409);
    expect(notNow.json<Err>().error.code).toBe('portal.discuss.not_now');
    expect((await decide(director, w.postId, 'restore', 'Harmless')).statusCode).toBe(200);
    expect((await threadPosts(young, w.threadId))?.[0]?.status).toBe('published');
    const audits = await t.database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'portal_post'), eq(auditLog.entityId, String(w.postId))));
    expect(audits.map((a) => a.action).sort()).toEqual(['hide', 'restore']);
  });

  it('hides a post once when its third flags come at the same moment, and stores no flag it does not count', async () => {
    const board = await schoolBoard(older, 'students');
    const w = await open(older, board.id, 'Bir anda', 'Salam hamıya');
    expect(w.status).toBe('published');
    const flaggers = [pupils[0]!, pupils[1]!, pupils[2]!, young];
    const results = await Promise.all(
      flaggers.map((s) => post(s, `/api/portal/discuss/posts/${w.postId}/flags`, { reason: 'unkind' })),
    );
    const ok = results.filter((r) => r.statusCode === 200).map((r) => r.json<{ hidden: boolean }>());
    expect(ok).toHaveLength(3);
    expect(ok.filter((r) => r.hidden)).toHaveLength(1);
    // The fourth came after the post was hidden: not stored, and not said to be.
    expect(results.filter((r) => r.statusCode === 404)).toHaveLength(1);
    const item = (await queue(director, '?limit=100')).items.find((i) => i.postId === w.postId);
    expect(item).toMatchObject({ status: 'hidden', flagCount: 3 });
    const audits = await t.database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'portal_post'), eq(auditLog.entityId, String(w.postId))));
    expect(audits.map((a) => a.action)).toEqual(['hide']);
  });

  it('takes one of two simultaneous decisions on a post; the other is told it is stale', async () => {
    const board = await schoolBoard(young, 'students');
    const w = await open(young, board.id, 'İki moderator', 'Salam');
    const item = (await queue(director, '?limit=100')).items.find((i) => i.postId === w.postId)!;
    const results = await Promise.all(
      [director, regional].map((s) =>
        post(s, `/api/portal/moderation/posts/${w.postId}`, {
          action: 'approve',
          reason: '',
          version: item.version,
        }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.statusCode === 409)!.json<Err>().error.code).toBe('stale_version');
  });

  it('does not let anyone react to or flag a reply in a thread whose opening post is hidden', async () => {
    const board = await schoolBoard(older, 'students');
    const w = await open(older, board.id, 'Gizlənən', 'Salam');
    const reply = await post(older, `/api/portal/discuss/threads/${w.threadId}/posts`, { body: 'Cavab' });
    expect(reply.json<Written>().status).toBe('published');
    const replyId = reply.json<Written>().postId;
    const react = () =>
      young.inject({ method: 'PUT', url: `/api/portal/discuss/posts/${replyId}/reactions/like` });
    expect((await react()).statusCode).toBe(200);
    for (const s of [pupils[0]!, pupils[1]!, pupils[2]!])
      await post(s, `/api/portal/discuss/posts/${w.postId}/flags`, { reason: 'unkind' });
    expect(await threadPosts(young, w.threadId)).toBeNull();
    expect((await react()).statusCode).toBe(404);
    expect(
      (await post(young, `/api/portal/discuss/posts/${replyId}/flags`, { reason: 'spam' })).statusCode,
    ).toBe(404);
  });

  it('counts reactions once a person and kind', async () => {
    const board = await schoolBoard(older, 'students');
    const w = await open(older, board.id, 'Reaksiya', 'Salam');
    const put = (s: Session) =>
      s.inject({ method: 'PUT', url: `/api/portal/discuss/posts/${w.postId}/reactions/like` });
    await put(young);
    await put(young);
    const res = await put(pupils[0]!);
    expect(res.json()).toEqual({ reactions: { like: 2 }, myReactions: ['like'] });
    const off = await young.inject({
      method: 'DELETE',
      url: `/api/portal/discuss/posts/${w.postId}/reactions/like`,
    });
    expect(off.json()).toEqual({ reactions: { like: 1 }, myReactions: [] });
  });

  it('returns markup as inert plain text', async () => {
    const board = await schoolBoard(older, 'students');
    const w = await open(older, board.id, '<img src=x onerror=alert(1)>', '<script>alert(1)</script>');
    const res = await get(young, `/api/portal/discuss/threads/${w.threadId}`);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const thread = res.json<{ title: string; posts: { body: string }[] }>();
    expect(thread.title).toBe('<img src=x onerror=alert(1)>');
    expect(thread.posts[0]!.body).toBe('<script>alert(1)</script>');
  });

  it('pages the queue by keyset, oldest first, without repeats', async () => {
    const board = await schoolBoard(young, 'students');
    for (let i = 0; i < 5; i++) await open(young, board.id, `Page ${i}`, 'Salam');
    const all = (await queue(director, '?limit=100')).items.map((i) => i.postId);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: QueueItem[]; next: string | null } = await queue(
        director,
        `?limit=2${cursor ? `&after=${cursor}` : ''}`,
      );
      seen.push(...page.items.map((i) => i.postId));
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual(all);
    expect((await get(director, '/api/portal/moderation/queue?after=nope')).statusCode).toBe(422);
    // An id beyond PostgreSQL's integer is no place in the queue either: the same 422, not a 500.
    for (const after of ['0-9999999999', '0-2147483648']) {
      const res = await get(director, `/api/portal/moderation/queue?after=${after}`);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json<Err>().error.details?.[0]).toMatchObject({ field: 'after', reason: 'cursor' });
    }
    expect((await get(director, '/api/portal/moderation/queue?after=0-2147483647')).statusCode).toBe(200);
  });

  it("merges a region's districts and schools into one queue, oldest first, paged without repeats", async () => {
    const officer = await createUserWithRole(t.database.db, 'regional', { areaId: areas.region });
    const s = await login(t.app, officer.username, officer.password);
    const other = (await boardsOf(otherPupil)).find((b) => b.place.institutionId === otherSchool)!;
    const mine = await schoolBoard(young, 'students');
    const written: number[] = [];
    for (let i = 0; i < 3; i++) {
      written.push((await open(otherPupil, other.id, `Region ${i}`, 'Salam')).postId);
      written.push((await open(young, mine.id, `Region ${i}`, 'Salam')).postId);
    }
    const all = (await queue(s, '?limit=100')).items;
    const national = (await queue(bureau, '?limit=100')).items.map((i) => i.postId);
    // Both districts' posts, in the ministry's order (the queue's), each once.
    expect(all.map((i) => i.postId)).toEqual(national.filter((id) => all.some((i) => i.postId === id)));
    expect(new Set(all.map((i) => i.postId)).size).toBe(all.length);
    expect(all.map((i) => i.postId)).toEqual(expect.arrayContaining(written));
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: QueueItem[]; next: string | null } = await queue(
        s,
        `?limit=3${cursor ? `&after=${cursor}` : ''}`,
      );
      seen.push(...page.items.map((i) => i.postId));
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual(all.map((i) => i.postId));
    expect(seen.length).toBeGreaterThanOrEqual(6);
  });

  it("refuses a moderator's decision on their own post, in the person's language", async () => {
    expect(
      (await post(bureau, '/api/portal/moderation/words', { word: 'şura elanı', action: 'flag' })).statusCode,
    ).toBe(200);
    const board = await schoolBoard(director, 'teachers');
    const w = await open(director, board.id, 'Müəllimlər', 'Şura   elanı: cümə günü saat 3-də');
    expect(w.reasons).toEqual(['word_flag']);
    const item = (await queue(director, '?limit=100')).items.find((i) => i.postId === w.postId)!;
    const res = await post(director, `/api/portal/moderation/posts/${w.postId}`, {
      action: 'approve',
      reason: '',
      version: item.version,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json<Err>().error).toMatchObject({ code: 'portal.discuss.own_decision' });
    expect(res.json<Err>().error.message).toBe(translate('az', 'portal.discuss.own_decision'));
    expect(translate('ru', 'portal.discuss.own_decision')).toMatch(/другой модератор/);
    expect(translate('en', 'portal.discuss.own_decision')).toMatch(/Another moderator/);
    expect((await decide(regional, w.postId, 'approve')).statusCode).toBe(200);
  });

  it('names the rule for a watched word without a letter or digit', async () => {
    const res = await post(bureau, '/api/portal/moderation/words', { word: '***', action: 'flag' });
    expect(res.statusCode).toBe(422);
    expect(res.json<Err>().error.details?.[0]).toMatchObject({ field: 'word', reason: 'letter' });
    expect(res.json<Err>().error.details?.[0]?.message).toBe('Söz: ən azı bir hərf və ya rəqəm olmalıdır');
    expect(translate('en', 'portal.discuss.rule.letter')).toBe('must contain a letter or digit');
    expect(translate('ru', 'portal.discuss.rule.letter')).toBe('должно содержать букву или цифру');
  });

  // Paging, editing one's own post, notifications -------------------------------------------------------------

  const put = (s: Session, url: string, payload: object, lang = 'en') =>
    s.inject({ method: 'PUT', url, payload, headers: { 'accept-language': lang } });
  type PostOut = {
    id: number;
    version: number;
    body: string;
    status: string;
    editedAt: string | null;
    editable: boolean;
  };
  const thread = async (s: Session, threadId: number, query = '') =>
    (await get(s, `/api/portal/discuss/threads/${threadId}${query}`)).json<{
      title: string;
      posts: PostOut[];
      next: string | null;
    }>();
  const mineOf = async (s: Session) =>
    (await get(s, '/api/notifications?limit=100')).json<{
      items: { kind: string; params: Record<string, unknown>; text: string }[];
    }>().items;

  it('pages a board newest activity first and a thread oldest first, across equal times, without repeats', async () => {
    const db = t.database.db;
    const board = await store.boardAt(db, 'teachers', {
      placeKind: 'nation',
      areaId: null,
      institutionId: null,
      placePath: [],
    });
    // 45 threads: 30 at the very same microsecond, 15 a second apart.
    const same = new Date('2026-12-01T10:00:00.123Z');
    const made: { id: number; at: number }[] = [];
    for (let i = 0; i < 45; i++) {
      const at = i < 30 ? same : new Date(same.getTime() - (i - 29) * 1000);
      const th = await store.insertThread(db, {
        boardId: board.id,
        title: `Page ${i}`,
        createdAt: at,
        lastPostAt: at,
      });
      await store.insertPost(db, {
        threadId: th.id,
        boardId: board.id,
        opening: true,
        body: 'x',
        status: 'published',
        reasons: [],
        placeKind: 'nation',
        createdAt: at,
      });
      made.push({ id: th.id, at: at.getTime() });
    }
    // Microseconds count: the same time plus 456 µs sorts first, exactly.
    await db.execute(
      sql`update portal_thread set last_post_at = last_post_at + interval '456 microseconds' where id = ${made[0]!.id}`,
    );
    const seen: number[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const res = await get(
        teacher,
        `/api/portal/discuss/boards/${board.id}?limit=7${after ? `&after=${after}` : ''}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json<{ threads: { id: number; title: string }[]; next: string | null }>();
      expect(page.threads.length).toBeLessThanOrEqual(7);
      seen.push(...page.threads.map((x) => x.id).filter((id) => made.some((m) => m.id === id)));
      after = page.next;
      pages++;
    } while (after && pages < 20);
    const expected = [
      made[0]!.id,
      ...made
        .slice(1)
        .sort((a, b) => b.at - a.at || b.id - a.id)
        .map((m) => m.id),
    ];
    expect(seen).toEqual(expected);
    // The default page is 20 threads.
    const first = (await get(teacher, `/api/portal/discuss/boards/${board.id}`)).json<{
      threads: unknown[];
    }>();
    expect(first.threads).toHaveLength(20);

    // A thread of 120 posts: pages of 50, oldest first.
    const th = made[1]!.id;
    for (let i = 0; i < 119; i++)
      await store.insertPost(db, {
        threadId: th,
        boardId: board.id,
        body: `reply ${i}`,
        status: 'published',
        reasons: [],
        placeKind: 'nation',
        createdAt: same,
      });
    const ids: number[] = [];
    let cursor = '';
    for (let i = 0; i < 5; i++) {
      const page = await thread(teacher, th, cursor ? `?after=${cursor}` : '');
      ids.push(...page.posts.map((p) => p.id));
      if (!page.next) break;
      cursor = page.next;
    }
    expect(ids).toHaveLength(120);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(120);
    // A cursor that is no place in the list is a 422 naming it, never a 500 (ids past a PostgreSQL integer too).
    for (const bad of ['abc', '1-2147483648', '99999999999999999-1', '1-0', '-1-5', '1.5-3'])
      for (const url of [`/api/portal/discuss/boards/${board.id}?after=${encodeURIComponent(bad)}`]) {
        const res = await get(teacher, url);
        expect(res.statusCode, `${bad}: ${res.body}`).toBe(422);
        expect(res.json<Err>().error.details?.[0]).toMatchObject({ field: 'after' });
      }
    for (const bad of ['2147483648', '0', 'x', '1-2', '99999999999']) {
      const res = await get(teacher, `/api/portal/discuss/threads/${th}?after=${bad}`);
      expect(res.statusCode, `${bad}: ${res.body}`).toBe(422);
      expect(res.json<Err>().error.details?.[0]).toMatchObject({ field: 'after' });
    }
    const az = await get(teacher, `/api/portal/discuss/threads/${th}?after=x`, 'az');
    expect(az.json<Err>().error.details?.[0]?.message).toBe('after: bu siyahıda belə yer yoxdur');
    // Page sizes are bounded: refused by the schema, the field named.
    for (const url of [
      `/api/portal/discuss/threads/${th}?limit=0`,
      `/api/portal/discuss/threads/${th}?limit=101`,
      `/api/portal/discuss/threads/${th}?limit=x`,
      `/api/portal/discuss/boards/${board.id}?limit=51`,
    ]) {
      const res = await get(teacher, url);
      expect(res.statusCode, url).toBe(400);
      expect(res.body).toMatch(/limit/);
    }
  });

  it('lets an author change their post within a day, screened again, the text before kept for moderators', async () => {
    for (const [word, action] of [
      ['qadağaedit', 'block'],
      ['tutedit', 'hold'],
      ['ulduzedit', 'censor'],
    ])
      expect((await post(bureau, '/api/portal/moderation/words', { word, action })).statusCode).toBe(200);
    const board = await schoolBoard(older, 'students');
    // `older` was trusted above: their posts go up at once.
    const w = await open(older, board.id, 'Köhnə başlıq', 'Köhnə mətn');
    expect(w.status).toBe('published');
    const url = `/api/portal/discuss/posts/${w.postId}`;
    const before = (await thread(older, w.threadId)).posts[0]!;
    expect(before).toMatchObject({ editable: true, editedAt: null });
    expect((await thread(young, w.threadId)).posts[0]!.editable).toBe(false);
    // Someone else may not; a stale version is refused with both versions.
    expect((await put(young, url, { body: 'Mənim', version: before.version })).statusCode).toBe(403);
    const stale = await put(older, url, { body: 'Yeni', version: before.version + 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json<Err>().error.code).toBe('stale_version');
    // A blocked word refuses it, the field named; a censored one is starred.
    const blocked = await put(older, url, { body: 'bu qadağaedit', version: before.version });
    expect(blocked.statusCode).toBe(422);
    expect(blocked.json<Err>().error.details?.[0]).toMatchObject({ field: 'body', reason: 'blocked_word' });
    const ok = await put(older, url, {
      title: 'Yeni başlıq',
      body: 'Yeni ulduzedit mətn',
      version: before.version,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'published', version: before.version + 1 });
    const after = await thread(young, w.threadId);
    expect(after.title).toBe('Yeni başlıq');
    expect(after.posts[0]).toMatchObject({ body: 'Yeni ■■■ mətn' });
    expect(after.posts[0]!.editedAt).not.toBeNull();
    // Moderators read the text before; no one else does.
    const revs = await get(director, `/api/portal/moderation/posts/${w.postId}/revisions`);
    expect(revs.statusCode, revs.body).toBe(200);
    expect(revs.json()).toMatchObject({
      body: 'Yeni ■■■ mətn',
      items: [{ version: before.version, title: 'Köhnə başlıq', body: 'Köhnə mətn', status: 'published' }],
    });
    expect((await get(older, `/api/portal/moderation/posts/${w.postId}/revisions`)).statusCode).toBe(403);
    expect((await get(otherDirector, `/api/portal/moderation/posts/${w.postId}/revisions`)).statusCode).toBe(
      403,
    );
    const audits = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'portal_post'), eq(auditLog.entityId, String(w.postId))));
    expect(audits.map((a) => a.action)).toContain('edit');
    // A word that holds sends it back to the queue; readers no longer see it, its author does, marked.
    const held = await put(older, url, { body: 'indi tutedit', version: before.version + 1 });
    expect(held.json()).toMatchObject({ status: 'held', reasons: ['word_hold'] });
    expect(await threadPosts(young, w.threadId)).toBeNull();
    expect((await thread(older, w.threadId)).posts[0]).toMatchObject({ status: 'held', editable: true });
    expect((await queue(director, '?limit=100')).items.map((i) => i.postId)).toContain(w.postId);
    // A thread whose first post waits takes no replies.
    const reply = await post(older, `/api/portal/discuss/threads/${w.threadId}/posts`, { body: 'x' });
    expect(reply.statusCode).toBe(409);
    // A reply has no title. After a day a shown post stays as it is; a waiting one may still be changed.
    const w2 = await open(older, board.id, 'Dünən', 'Dünənki mətn');
    const r2 = await post(older, `/api/portal/discuss/threads/${w2.threadId}/posts`, { body: 'Cavab' });
    const replyId = r2.json<Written>().postId;
    const titled = await put(older, `/api/portal/discuss/posts/${replyId}`, {
      title: 'T',
      body: 'y',
      version: 1,
    });
    expect(titled.statusCode).toBe(422);
    expect(titled.json<Err>().error.details?.[0]).toMatchObject({ field: 'title', reason: 'opening_only' });
    await t.database.db
      .update(postTable)
      .set({ createdAt: sql`now() - interval '25 hours'` })
      .where(eq(postTable.threadId, w2.threadId));
    const late = await put(older, `/api/portal/discuss/posts/${w2.postId}`, { body: 'gec', version: 1 });
    expect(late.statusCode).toBe(409);
    expect(late.json<Err>().error.code).toBe('portal.discuss.edit_closed');
    expect((await thread(older, w2.threadId)).posts[0]!.editable).toBe(false);
    await t.database.db
      .update(postTable)
      .set({ createdAt: sql`now() - interval '25 hours'` })
      .where(eq(postTable.id, w.postId));
    expect((await put(older, url, { body: 'hələ gözləyir', version: before.version + 2 })).statusCode).toBe(
      200,
    );
  });

  it('sends an approved post of a pupil under 13 back to the moderators when it is changed', async () => {
    const board = await schoolBoard(young, 'students');
    const w = await open(young, board.id, 'Kiçik', 'Salam');
    expect((await decide(director, w.postId, 'approve')).statusCode).toBe(200);
    const p = (await thread(young, w.threadId)).posts[0]!;
    expect(p.status).toBe('published');
    const res = await put(young, `/api/portal/discuss/posts/${w.postId}`, {
      body: 'Salam, dəyişdim',
      version: p.version,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'held', reasons: ['young'] });
    expect(await threadPosts(older, w.threadId)).toBeNull();
  });

  it('takes one of an edit and a decision at the same moment; the other is told it is stale', async () => {
    const board = await schoolBoard(young, 'students');
    for (let round = 0; round < 3; round++) {
      const w = await open(young, board.id, `Yarış ${round}`, 'Birinci mətn');
      const item = (await queue(director, '?limit=100')).items.find((i) => i.postId === w.postId)!;
      const results = await Promise.all([
        put(young, `/api/portal/discuss/posts/${w.postId}`, { body: 'İkinci mətn', version: item.version }),
        post(director, `/api/portal/moderation/posts/${w.postId}`, {
          action: 'approve',
          reason: '',
          version: item.version,
        }),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      const [edit, approve] = results;
      const [row] = await t.database.db.select().from(postTable).where(eq(postTable.id, w.postId));
      const revs = await store.revisionsOf(t.database.db, w.postId);
      if (edit.statusCode === 200) {
        // The edit won: the moderator approved nothing; the new text waits.
        expect(row).toMatchObject({ status: 'held', body: 'İkinci mətn', version: item.version + 1 });
        expect(revs).toHaveLength(1);
      } else {
        // The decision won: what was approved is the text the moderator read.
        expect(approve.statusCode).toBe(200);
        expect(row).toMatchObject({ status: 'published', body: 'Birinci mətn' });
        expect(revs).toHaveLength(0);
      }
    }
  });

  it('treats changed text as inert plain text, like new text', async () => {
    const board = await schoolBoard(older, 'students');
    const w = await open(older, board.id, 'Təmiz', 'Təmiz mətn');
    const p = (await thread(older, w.threadId)).posts[0]!;
    const res = await put(older, `/api/portal/discuss/posts/${w.postId}`, {
      title: '<img src=x onerror=alert(1)>',
      body: '<script>alert(1)</script>',
      version: p.version,
    });
    expect(res.statusCode, res.body).toBe(200);
    const read = await get(young, `/api/portal/discuss/threads/${w.threadId}`);
    expect(read.headers['content-type']).toMatch(/^application\/json/);
    const out = read.json<{ title: string; posts: { body: string }[] }>();
    expect(out.title).toBe('<img src=x onerror=alert(1)>');
    expect(out.posts[0]!.body).toBe('<script>alert(1)</script>');
  });

  it("tells a thread's author of replies and an author of the decision on their waiting post", async () => {
    const board = await schoolBoard(older, 'students');
    const w = await open(older, board.id, 'Bildiriş', 'Kim gəlir?');
    expect(w.status).toBe('published');
    const count = async (s: Session, kind: string) =>
      (await mineOf(s)).filter((n) => n.kind === kind && n.params.threadId === w.threadId);
    // Their own reply tells them nothing.
    await post(older, `/api/portal/discuss/threads/${w.threadId}/posts`, { body: 'Mən' });
    expect(await count(older, 'portal_reply')).toHaveLength(0);
    // A held reply tells no one until it is approved; then the thread's author and the reply's author hear.
    const held = (
      await post(young, `/api/portal/discuss/threads/${w.threadId}/posts`, { body: 'Gizli cavab mətni' })
    ).json<Written>();
    expect(held.status).toBe('held');
    expect(await count(older, 'portal_reply')).toHaveLength(0);
    expect((await decide(director, held.postId, 'approve')).statusCode).toBe(200);
    const told = await count(older, 'portal_reply');
    expect(told).toHaveLength(1);
    expect(told[0]!.params).toMatchObject({ threadId: w.threadId, postId: held.postId, title: 'Bildiriş' });
    // In the reader's language (Azerbaijani by default), never with the reply's text.
    expect(told[0]!.text).toBe('“Bildiriş” mövzunuzda yeni cavab var.');
    expect(told[0]!.text).not.toMatch(/Gizli/);
    expect((await count(young, 'portal_post_approved'))[0]?.text).toBe(
      translate('az', 'notification.portal_post_approved', { title: 'Bildiriş' }),
    );
    // A reply shown at once (a moderator's) tells the thread's author at once.
    await post(director, `/api/portal/discuss/threads/${w.threadId}/posts`, { body: 'Müdir' });
    expect(await count(older, 'portal_reply')).toHaveLength(2);
    // A rejected post: its author hears why; the thread's author hears nothing, and its text is nowhere.
    const bad = (
      await post(young, `/api/portal/discuss/threads/${w.threadId}/posts`, { body: 'Gizli pis mətn' })
    ).json<Written>();
    expect((await decide(director, bad.postId, 'reject', 'Mövzudan kənar')).statusCode).toBe(200);
    const rejected = await count(young, 'portal_post_rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.text).toBe('“Bildiriş” mövzusundakı yazınız təsdiqlənmədi: Mövzudan kənar');
    expect(await count(older, 'portal_reply')).toHaveLength(2);
    for (const n of await mineOf(older)) expect(n.text).not.toMatch(/Gizli/);
    // The author still finds their rejected post in the thread, marked; others do not.
    const mine = (await thread(young, w.threadId)).posts.find((p) => p.id === bad.postId);
    expect(mine).toMatchObject({ status: 'rejected', editable: false });
    expect((await thread(pupils[0]!, w.threadId)).posts.map((p) => p.id)).not.toContain(bad.postId);
    // In three languages.
    const params = { title: 'T', reason: 'R' };
    expect(translate('en', 'notification.portal_post_rejected', params)).toBe(
      'Your post in “T” was not approved: R',
    );
    expect(translate('ru', 'notification.portal_post_rejected', params)).toBe(
      'Ваше сообщение в теме «T» не одобрено: R',
    );
    expect(translate('en', 'notification.portal_reply', params)).toBe('New reply in your thread “T”.');
    expect(translate('ru', 'notification.portal_reply', params)).toBe('Новый ответ в вашей теме «T».');
  });
});
