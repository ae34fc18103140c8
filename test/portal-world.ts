import type { Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError } from '@/server/errors';
import { resolvePlace, type PlaceIn } from '@/modules/portal/portal.place';
import * as news from '@/modules/portal/portal.news.store';
import * as events from '@/modules/portal/portal.events.store';
import * as courses from '@/modules/portal/portal.courses.store';
import * as courseEdits from '@/modules/portal/portal.courses.edit.store';
import { saferInternetDay } from '@/modules/portal/portal.courses.pack';
import { campaignYear } from '@/modules/portal/portal.sid.service';
import { DEFAULT_PACK_DIR } from '@/modules/institutions/country-pack';
import { now } from '@/server/clock';
import { seedSafetyCourses } from '@/seed/safety-courses';
import { classes } from '@/modules/classroom/classroom.tables';
import { eq } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalStorage } from '@/server/storage';
import { coverFileName } from '@/modules/portal/portal.covers.view';
import { solidPng } from '@test/files';

/** The portal's fixtures for the route walk: per publishing role, items of a place that role publishes for. */
export interface PortalWorld {
  /** Per publisher, a news item and an event of its own place, and spares that deletions use up. */
  news: Partial<Record<Role, number>>;
  events: Partial<Record<Role, number>>;
  spareNews: Partial<Record<Role, number>>;
  spareEvents: Partial<Record<Role, number>>;
  /** A published event with plenty of places, for registering. */
  openEventId: number;
  /** Per publisher, an item whose cover the walk sets, and one whose cover it removes (each at version 1). */
  coverNews: Partial<Record<Role, number>>;
  coverSpare: Partial<Record<Role, number>>;
  /** A cover's file name under /api/portal/covers/ (set when the world has a storage directory). */
  coverName: string;
}

export const PORTAL_PUBLISHERS = ['admin', 'bureau', 'editor', 'regional', 'director'] as const;

/** The place each publisher of the walk publishes for. */
export const placeOf = (role: Role | null, w: { areaId: number; schoolId: number }): PlaceIn =>
  role === 'regional'
    ? { kind: 'area', areaId: w.areaId }
    : role === 'director'
      ? { kind: 'institution', institutionId: w.schoolId }
      : { kind: 'nation' };

const text = (s: string) => ({ az: s, ru: s, en: s });
const DAY = 86_400_000;

/** A news item as the walk's editors send it. */
export const portalArticleBody = (role: Role | null, w: { areaId: number; schoolId: number }) => ({
  place: placeOf(role, w),
  title: text('Walk'),
  summary: text(''),
  body: text('<p>Walk</p>'),
  tags: ['walk'],
  publishAt: new Date(Date.now() - DAY).toISOString(),
});

/** An event as the walk's editors send it. */
export const portalEventBody = (role: Role | null, w: { areaId: number; schoolId: number }) => ({
  place: placeOf(role, w),
  title: text('Walk'),
  description: text(''),
  start: '2027-03-10T10:00',
  end: '2027-03-10T12:00',
  timeZone: 'Asia/Baku',
  repeat: null,
  repeatCount: null,
  repeatUntil: null,
  venue: 'Walk',
  onlineUrl: '',
  grades: [],
  roles: [],
  capacity: 1000,
});

export async function portalWorld(
  db: Db,
  w: { areaId: number; schoolId: number },
  storageDir?: string,
): Promise<PortalWorld> {
  const out: PortalWorld = {
    news: {},
    events: {},
    spareNews: {},
    spareEvents: {},
    openEventId: 0,
    coverNews: {},
    coverSpare: {},
    coverName: '',
  };
  const refuse = () => new AppError(422, 'portal.invalid');
  for (const role of PORTAL_PUBLISHERS) {
    const place = await resolvePlace(db, placeOf(role, w), refuse);
    const article = () =>
      news.insertArticle(db, {
        ...place,
        title: text('Walk'),
        summary: text(''),
        body: text('<p>Walk</p>'),
        tags: [],
        publishAt: new Date(Date.now() - DAY),
        authorId: null,
      });
    const event = () => {
      const startsAt = new Date(Date.now() + 30 * DAY);
      const endsAt = new Date(startsAt.getTime() + 7_200_000);
      return events.insertEvent(db, {
        ...place,
        title: text('Walk'),
        description: text(''),
        startsAt,
        endsAt,
        lastEndsAt: endsAt,
        timeZone: 'Asia/Baku',
        repeat: null,
        repeatCount: null,
        repeatUntil: null,
        venue: '',
        onlineUrl: '',
        grades: [],
        roles: [],
        capacity: 1000,
        authorId: null,
      });
    };
    out.news[role] = (await article()).id;
    out.spareNews[role] = (await article()).id;
    out.events[role] = (await event()).id;
    out.spareEvents[role] = (await event()).id;
    out.coverNews[role] = (await article()).id;
    out.coverSpare[role] = (await article()).id;
  }
  out.openEventId = out.events.bureau!;
  if (storageDir) {
    // The bureau's item gets a cover straight through the store and the storage layer.
    const png = solidPng(8, 6, [0, 0, 255]);
    const key = `portal/covers/${out.news.bureau}/${createHash('sha256').update(png).digest('hex')}.png`;
    const temp = path.join(os.tmpdir(), `walk-cover-${process.pid}-${Date.now()}`);
    writeFileSync(temp, png);
    await new LocalStorage(storageDir).putFile(key, temp);
    const cover = {
      key,
      contentType: 'image/png' as const,
      width: 8,
      height: 6,
      bytes: png.length,
      alt: text('Walk'),
    };
    await news.setCover(db, out.news.bureau!, 1, cover);
    out.coverName = `${out.news.bureau}-${coverFileName(cover)}`;
  }
  return out;
}

/** The internet-safety courses and Safer Internet Day for the route walk: the pack's courses and campaign. */
export interface PortalCoursesWorld {
  courseId: number;
  lessonId: number;
  /** An answer to each question of the lesson (right or wrong: any answer of the question's kind). */
  answers: Record<string, unknown>[];
  campaignId: number;
  heldOn: string;
  /** A lesson of the course the content staff's walk edits (not the one the pupils' walk takes). */
  editLessonId: number;
  /** Per content editor, a lesson no pupil took, that the walk removes. */
  spareLessons: Partial<Record<Role, number>>;
}

/** A lesson as the content staff's walk sends it: one true-or-false question. */
export const courseLessonBody = () => ({
  topic: 'privacy',
  title: text('Walk'),
  body: text('Walk'),
  resourceIds: [],
  questions: [{ kind: 'true_false', points: 1, prompt: text('Walk?'), truth: true }],
});

export async function portalCoursesWorld(db: Db, opts: { classId: number }): Promise<PortalCoursesWorld> {
  await seedSafetyCourses(db, { packDir: DEFAULT_PACK_DIR, demo: false, seed: 0, now: now() });
  // The course of the class's grade band: a class starts only the course of its grades.
  const [cls] = await db.select({ grade: classes.grade }).from(classes).where(eq(classes.id, opts.classId));
  const course = (await courses.listCourses(db)).find(
    (c) => c.gradeFrom <= cls!.grade && cls!.grade <= c.gradeTo,
  );
  const [lesson, second] = await courses.lessonsOf(db, course!.id);
  const spareLessons: Partial<Record<Role, number>> = {};
  for (const role of ['admin', 'bureau', 'editor'] as const) {
    const l = courseLessonBody();
    spareLessons[role] = (
      await courseEdits.insertLesson(db, course!.id, {
        ...l,
        topic: 'privacy',
        questions: [
          {
            kind: 'true_false',
            points: 1,
            prompt: l.questions[0]!.prompt,
            body: { az: {}, ru: {}, en: {} },
            key: { truth: true },
          },
        ],
      })
    ).id;
  }
  const year = campaignYear();
  const campaign = await courses.campaignOfYear(db, year);
  const answers = lesson!.questions.map((q): Record<string, unknown> => {
    const identity = (n: number) => Array.from({ length: n }, (_, i) => i);
    switch (q.kind) {
      case 'true_false':
        return { truth: true };
      case 'single':
        return { choice: 0 };
      case 'multiple':
        return { choices: [0] };
      case 'ordering':
        return { order: identity(q.body.az.items!.length) };
      case 'matching':
        return { pairs: identity(q.body.az.left!.length) };
      case 'numeric':
        return { number: 0 };
      case 'short_text':
        return { text: 'x' };
    }
  });
  return {
    courseId: course!.id,
    lessonId: lesson!.id,
    answers,
    campaignId: campaign!.id,
    heldOn: saferInternetDay(year),
    editLessonId: second!.id,
    spareLessons,
  };
}
