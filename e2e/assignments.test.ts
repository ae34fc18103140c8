import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { LocalStorage } from '@/server/storage';
import * as library from '@/modules/library/library.service';
import { createUserWithRole } from '@test/factories';
import { schoolDayOf, testClock, weeksAfter } from '@test/school-clock';
import { pdfBytes } from '@test/files';
import { addDays } from '@/modules/classroom/classroom.service';
import { apiLogin } from './support/api';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
import {
  expectGoodPage,
  goTo,
  HEADING,
  heading,
  launchBrowser,
  openPage,
  PHONE,
  signIn,
  switchLanguage,
} from './support/browser';

const PDF = pdfBytes();

describe('assignments: a teacher sets one, a student hands in text and a file, the teacher marks it', () => {
  let server: TestServer;
  let browser: Browser;
  let teacher: { context: BrowserContext; page: Page };
  let student: { context: BrowserContext; page: Page };
  let classId: number;
  let className: string;
  let assignmentId: number;
  const title = `Fractions ${Date.now().toString(36)}`;

  beforeAll(async () => {
    server = await startServer();
    const director = await apiLogin(server.url, 'director');
    const teacherApi = await apiLogin(server.url, 'teacher');
    const studentApi = await apiLogin(server.url, 'student');
    const schoolId = director.me.roles.find((g) => g.role === 'director')!.institutionId!;
    const classes = await director.call<{
      items: { id: number; name: string; homeroomTeacherId: number | null }[];
    }>('GET', `/institutions/${schoolId}/classes`);
    const cls = classes.body.items.find((c) => c.homeroomTeacherId === teacherApi.me.user.id)!;
    classId = cls.id;
    className = cls.name;
    const put = await director.call('PUT', `/classes/${classId}/subjects/mathematics`, {
      version: (await director.get<{ version: number }>(`/classes/${classId}/subjects`)).body.version,
      teacherId: teacherApi.me.user.id,
    });
    expect(put.status).toBe(200);
    // The demo student is in the teacher's class.
    expect((await studentApi.call('GET', `/classes/${classId}/assignments`)).status).toBe(200);
    browser = await launchBrowser();
    teacher = await openPage(browser, server.url, PHONE);
    await signIn(teacher.page, 'teacher', DEMO_PASSWORD);
    await switchLanguage(teacher.page, 'en');
    student = await openPage(browser, server.url, PHONE);
    await signIn(student.page, 'student', DEMO_PASSWORD);
    await switchLanguage(student.page, 'en');
  });
  afterAll(async () => {
    await teacher?.context.close();
    await student?.context.close();
    await browser?.close();
    await server?.stop();
  });

  it('the teacher sets an assignment for the class from a phone', async () => {
    const { page } = teacher;
    await goTo(page, 'Assignments');
    await expect.poll(() => heading(page), HEADING).toBe('Assignments');
    await page.getByRole('link', { name: className, exact: true }).click();
    await expect.poll(() => heading(page), HEADING).toBe(`Assignments of class ${className}`);
    await page.getByText('Set a new assignment').click();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Due').fill('2030-01-15T10:00');
    await page.getByLabel('Instructions').fill('Solve exercises 1–5.');
    await expectGoodPage(page, 'assignments-new-en-360');
    await page.getByRole('button', { name: 'Set the assignment' }).click();
    const link = page.getByRole('link', { name: title });
    await link.waitFor();
    assignmentId = Number((await link.getAttribute('href'))!.split('/').pop());
    expect(assignmentId).toBeGreaterThan(0);
  });

  it('the student is notified, hands in text and a PDF, in any language', async () => {
    const { page } = student;
    await page.reload();
    const bell = page.getByRole('button', { name: /Notifications/ });
    await expect.poll(() => bell.innerText(), HEADING).toMatch(/\d/);
    await bell.click();
    // The bell's own list: the student's day names the same assignment among its homework.
    await page
      .locator('#notifications-panel')
      .getByRole('link', { name: new RegExp(title) })
      .click();
    await expect.poll(() => heading(page), HEADING).toBe(title);
    await page.getByLabel('Your answer').fill('1/2 + 1/3 = 5/6');
    await page
      .getByLabel('Files')
      .setInputFiles({ name: 'work.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Version 1').waitFor();
    await page.getByRole('link', { name: 'work.pdf' }).waitFor();
    await expectGoodPage(page, 'assignments-student-en-360');
    for (const [lang, text] of [
      ['az', 'Mənim işim'],
      ['ru', 'Моя работа'],
    ] as const) {
      await switchLanguage(page, lang);
      await page.getByRole('heading', { name: text }).waitFor();
      await expectGoodPage(page, `assignments-student-${lang}-360`);
    }
    await switchLanguage(page, 'en');
  });

  it('the teacher sees who has handed in and marks the work; the student sees the mark', async () => {
    const { page } = teacher;
    await page.goto(`/assignments/${assignmentId}`);
    await expect.poll(() => heading(page), HEADING).toBe(title);
    await page.getByRole('button', { name: 'Open the work' }).first().click();
    await page.getByLabel('Mark').selectOption('5');
    await page.getByLabel('Feedback', { exact: true }).fill('Well done');
    await page.getByRole('button', { name: 'Save the feedback' }).click();
    await page.getByText('Saved.').waitFor();
    await expectGoodPage(page, 'assignments-teacher-en-360');
    const s = student.page;
    await s.goto('/my/assignments');
    await expect.poll(() => heading(s), HEADING).toBe('Assignments');
    const item = s.locator('li', { has: s.getByRole('link', { name: title }) });
    await expect.poll(() => item.innerText(), HEADING).toContain('Mark: 5');
    expect(await item.innerText()).toContain('Marked');
    await expectGoodPage(s, 'assignments-mine-en-360');
  });
});

/** The group work's date: a school Wednesday, unless CI runs this file on another day (TEST_CLOCK). */
const NOW = testClock();
/** Today at school (Asia/Baku) as YYYY-MM-DD, and a day `n` days later. */
const schoolDay = (n = 0) => addDays(schoolDayOf(NOW), n);

describe('group work: a lesson with a library video, groups formed by hand, one piece of work for the group', () => {
  let server: TestServer;
  let browser: Browser;
  let dir: string;
  let classId: number;
  let className: string;
  let lessonDate: string;
  let assignmentId: number;
  /** The demo student and a classmate of theirs, put in the same group by the teacher. */
  const murad = { username: 'student', name: 'Murad Rzayev' };
  let mate: { username: string; name: string };
  let teacher: { context: BrowserContext; page: Page };
  /** The same teacher on another device: another writer of the groups. */
  let teacherElsewhere: Awaited<ReturnType<typeof apiLogin>>;
  const title = `Kəsrlər qrupda ${Date.now().toString(36)}`;
  const videoTitle = 'Kəsrlərin toplanması: video dərs';

  beforeAll(async () => {
    server = await startServer({ clock: NOW });
    const db = server.running.database.db;
    const director = await apiLogin(server.url, 'director');
    const teacherApi = await apiLogin(server.url, 'teacher');
    teacherElsewhere = teacherApi;
    const schoolId = director.me.roles.find((g) => g.role === 'director')!.institutionId!;
    const classes = await director.call<{
      items: { id: number; name: string; academicYearId: number; homeroomTeacherId: number | null }[];
    }>('GET', `/institutions/${schoolId}/classes`);
    const cls = classes.body.items.find((c) => c.homeroomTeacherId === teacherApi.me.user.id)!;
    classId = cls.id;
    className = cls.name;
    expect(
      (
        await director.call('PUT', `/classes/${classId}/subjects/mathematics`, {
          version: (await director.get<{ version: number }>(`/classes/${classId}/subjects`)).body.version,
          teacherId: teacherApi.me.user.id,
        })
      ).status,
    ).toBe(200);
    const detail = await director.call<{ enrolled: { username: string; displayName: string }[] }>(
      'GET',
      `/classes/${classId}`,
    );
    const other = detail.body.enrolled.find((p) => p.username !== murad.username)!;
    mate = { username: other.username, name: other.displayName };

    // A mathematics period on every weekday, and this week's lessons made of it. The demo's timetable already
    // fills the class's third periods: the test's own periods take their place.
    const week = await director.call<{ entries: { id: number; weekday: number; period: number }[] }>(
      'GET',
      `/classes/${classId}/timetable`,
    );
    expect(week.status).toBe(200);
    for (const e of week.body.entries.filter((x) => x.period === 3)) {
      expect((await director.call('DELETE', `/timetable/${e.id}`)).status).toBeLessThan(300);
    }
    for (let weekday = 1; weekday <= 6; weekday++) {
      const entry = await director.call('POST', `/classes/${classId}/timetable`, {
        weekday,
        period: 3,
        subjectCode: 'mathematics',
        teacherId: teacherApi.me.user.id,
        room: null,
      });
      expect(entry.status, JSON.stringify(entry.body)).toBeLessThan(300);
    }
    const generated = await director.call('POST', `/institutions/${schoolId}/lessons/generate`, {
      academicYearId: cls.academicYearId,
      from: schoolDay(),
      to: schoolDay(7),
    });
    expect(generated.status).toBe(200);
    const lessons = await teacherApi.call<{ items: { id: number; date: string; subjectCode: string }[] }>(
      'GET',
      `/classes/${classId}/lessons?from=${schoolDay()}&to=${schoolDay(7)}`,
    );
    const lesson = lessons.body.items.find((l) => l.subjectCode === 'mathematics')!;
    expect(lesson).toBeDefined();
    lessonDate = lesson.date;

    // One small video lesson in the library, written by one editor and published by another.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-e2e-group-work-'));
    const video = path.join(dir, 'kesrler.mp4');
    execFileSync(server.config.media.ffmpeg, [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=160x90:rate=5:duration=1',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      video,
    ]);
    // No media processing here: the original is served, as on a server without ffmpeg.
    const env = {
      storage: new LocalStorage(server.config.storageDir),
      media: { ffmpeg: '/nonexistent/ffmpeg', ffprobe: '/nonexistent/ffprobe' },
    };
    const author = await createUserWithRole(db, 'editor');
    const reviewer = await createUserWithRole(db, 'editor');
    const resource = await library.createResource(
      db,
      env,
      { actorId: author.id, ip: null },
      {
        type: 'video_lesson',
        title: videoTitle,
        language: 'az',
        level: 'general',
        grades: [7],
        subject: 'mathematics',
        authors: [],
        publisher: null,
        licence: 'cc_by',
        accessibility: [],
      },
      'az',
    );
    await library.registerUpload(
      db,
      env,
      { actorId: author.id, ip: null },
      { resourceId: resource.id, role: 'main', path: video, originalName: 'kesrler.mp4' },
    );
    await library.submitResource(db, env, { actorId: author.id, ip: null }, resource.id);
    await library.reviewResource(db, env, { actorId: reviewer.id, ip: null }, resource.id, 'publish');

    browser = await launchBrowser();
    teacher = await openPage(browser, server.url, PHONE);
    await signIn(teacher.page, 'teacher', DEMO_PASSWORD);
    await switchLanguage(teacher.page, 'en');
  }, 300_000);
  afterAll(async () => {
    await teacher?.context.close();
    await browser?.close();
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Signs a student in on a fresh phone, in English, and opens the assignment's page. */
  const asStudent = async (username: string, work: (page: Page) => Promise<void>) => {
    const { context, page } = await openPage(browser, server.url, PHONE);
    try {
      await signIn(page, username, DEMO_PASSWORD);
      await switchLanguage(page, 'en');
      await page.goto(`/assignments/${assignmentId}`);
      await expect.poll(() => heading(page), HEADING).toBe(title);
      await work(page);
    } finally {
      await context.close();
    }
  };

  it('the teacher puts a library video in the lesson and sets group work linked to it', async () => {
    const { page } = teacher;
    await goTo(page, 'My lessons');
    await expect.poll(() => heading(page), HEADING).toBe('My lessons');
    // On a Sunday the first lesson is next week's.
    for (let week = 0; week < weeksAfter(schoolDay(), lessonDate); week++) {
      await page.getByRole('button', { name: 'Next week' }).click();
    }
    const lessonLink = page
      .locator('section', { has: page.locator(`time[datetime="${lessonDate}"]`) })
      .getByRole('link', { name: /Mathematics/ })
      .first();
    await lessonLink.click();
    await expect.poll(() => heading(page), HEADING).toMatch(/^Mathematics · /);
    await page.getByLabel('Topic').fill('Adding fractions');
    await page.getByLabel('Find in the library').fill('kəsrlər');
    await page.getByLabel('Video lessons only').check();
    await page.getByRole('button', { name: 'Search' }).click();
    await page
      .getByRole('list', { name: 'Library results' })
      .getByRole('button', { name: `Attach ${videoTitle}` })
      .click();
    await page.getByRole('button', { name: 'Save the lesson' }).click();
    await page.getByText('The lesson was saved.').waitFor();
    await expectGoodPage(page, 'group-work-lesson-en-360');

    await goTo(page, 'Assignments');
    await page.getByRole('link', { name: className, exact: true }).click();
    await expect.poll(() => heading(page), HEADING).toBe(`Assignments of class ${className}`);
    await page.getByText('Set a new assignment').click();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Due').fill('2030-01-15T10:00');
    await page.getByLabel('Instructions').fill('Watch the video, then solve 1–5 together.');
    const lessonSelect = page.getByLabel('Lesson');
    await expect
      .poll(() => lessonSelect.locator('option', { hasText: 'Adding fractions' }).count(), HEADING)
      .toBe(1);
    const option = lessonSelect.locator('option', { hasText: 'Adding fractions' });
    await lessonSelect.selectOption(await option.getAttribute('value'));
    await page.getByRole('radio', { name: 'Group work' }).check();
    await page.getByRole('radio', { name: 'Form them by hand on the assignment’s page' }).check();
    await expectGoodPage(page, 'group-work-new-en-360');
    await page.getByRole('button', { name: 'Set the assignment' }).click();
    const link = page.getByRole('link', { name: title });
    await link.waitFor();
    assignmentId = Number((await link.getAttribute('href'))!.split('/').pop());
    expect(assignmentId).toBeGreaterThan(0);
  });

  it('the teacher forms the groups by hand, with a select per student', async () => {
    const { page } = teacher;
    await page.getByRole('link', { name: title }).click();
    await expect.poll(() => heading(page), HEADING).toBe(title);
    await page.getByRole('region', { name: 'Lesson' }).getByRole('link', { name: videoTitle }).waitFor();
    await page.getByText('No groups yet.').waitFor();
    // Nobody is in a group yet: the form is open, each student with their own select.
    await page.getByLabel(murad.name, { exact: true }).selectOption({ label: 'New group' });
    await page.getByLabel(mate.name, { exact: true }).selectOption({ label: 'Group 1' });
    await expectGoodPage(page, 'group-work-form-groups-en-360');
    // Meanwhile the teacher saves other groups on another device: the page's save is refused, shows theirs
    // beside mine, and saves mine over theirs only when asked.
    const read = await teacherElsewhere.get<{
      groupsVersion: number;
      ungrouped: { id: number; displayName: string }[];
    }>(`/assignments/${assignmentId}`);
    const muradId = read.body.ungrouped.find((p) => p.displayName === murad.name)!.id;
    const other = await teacherElsewhere.call('PUT', `/assignments/${assignmentId}/groups`, {
      version: read.body.groupsVersion,
      groups: [{ studentIds: [muradId] }],
    });
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    await page.getByRole('button', { name: 'Save the groups' }).click();
    const conflict = page.getByTestId('stale-version');
    await conflict.getByRole('heading', { name: 'Someone else changed this' }).waitFor();
    const difference = conflict.locator('[data-difference]');
    expect(await difference.count()).toBe(1);
    expect(await difference.locator('strong').innerText()).toBe(mate.name);
    expect(await difference.locator('[data-version="theirs"]').innerText()).toBe('No group');
    expect(await difference.locator('[data-version="mine"]').innerText()).toBe('Group 1');
    await expectGoodPage(page, 'group-work-groups-conflict-en-360');
    await conflict.getByRole('button', { name: 'Save mine over theirs' }).click();
    await page.getByText('The groups were saved.').waitFor();
    const groups = page.getByRole('region', { name: 'Groups' });
    const first = groups.locator('li', { hasText: 'Group 1' });
    await expect.poll(() => first.innerText(), HEADING).toContain(murad.name);
    expect(await first.innerText()).toContain(mate.name);
    expect(await groups.getByText(/In no group/).count()).toBe(1);
  });

  it('both members hand in: the second version is the group’s, and each sees the group’s work', async () => {
    await asStudent(murad.username, async (page) => {
      // The lesson's video is there to work from.
      await page.getByRole('region', { name: 'Lesson' }).getByRole('link', { name: videoTitle }).waitFor();
      await page.getByLabel('Your answer').fill('1/2 + 1/3 = 5/6');
      await page
        .getByLabel('Files')
        .setInputFiles({ name: 'draft.pdf', mimeType: 'application/pdf', buffer: PDF });
      await page.getByRole('button', { name: 'Send' }).click();
      await page.getByText('Version 1').waitFor();
      await expectGoodPage(page, 'group-work-student-1-en-360');
    });
    await asStudent(mate.username, async (page) => {
      // The group's first version, handed in by the classmate, is already here.
      await page.getByText('Version 1').waitFor();
      await page.getByRole('link', { name: 'draft.pdf' }).waitFor();
      await page.getByRole('heading', { name: 'Hand in a new version' }).waitFor();
      await page.getByLabel('Your answer').fill('1/2 + 1/3 = 5/6, checked: 3/6 + 2/6');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.getByText('Version 2').waitFor();
      expect(await page.locator('.work-version').first().innerText()).toContain(mate.name);
      await expectGoodPage(page, 'group-work-student-2-en-360');
    });
    await asStudent(murad.username, async (page) => {
      await page.getByText('Version 2').waitFor();
      expect(await page.locator('.work-version').first().innerText()).toContain(mate.name);
    });
  });

  it('the teacher sees who has not handed in and marks the group’s work; both members see the mark', async () => {
    const { page } = teacher;
    await page.goto(`/assignments/${assignmentId}`);
    await expect.poll(() => heading(page), HEADING).toBe(title);
    const missing = page.locator('.not-submitted');
    await expect.poll(() => missing.innerText(), HEADING).toMatch(/^Not handed in yet: /);
    expect(await missing.innerText()).not.toContain(murad.name);
    expect(await missing.innerText()).not.toContain(mate.name);
    const row = page
      .getByRole('region', { name: 'Who has handed in' })
      .locator('li', { hasText: murad.name });
    expect(await row.innerText()).toContain('Group 1');
    await row.getByRole('button', { name: 'Open the work' }).click();
    await row.getByText('Version 2').waitFor();
    await row.getByLabel('Mark').selectOption('5');
    await row.getByLabel('Feedback', { exact: true }).fill('Good teamwork');
    await row.getByRole('button', { name: 'Save the feedback' }).click();
    await row.getByText('Saved.').waitFor();
    await expectGoodPage(page, 'group-work-teacher-en-360');
    for (const student of [murad, mate]) {
      await asStudent(student.username, async (s) => {
        await s.getByText('Mark: 5').waitFor();
        await s.getByText('Feedback: Good teamwork').waitFor();
        await s.getByRole('button', { name: /Notifications/ }).click();
        await s.getByRole('link', { name: new RegExp(`${title}.*has been marked: 5`) }).waitFor();
        await expectGoodPage(s, `group-work-marked-${student.username}-en-360`);
      });
    }
  });

  it('the teacher moves the due date; the students see the new one and are told', async () => {
    const { page } = teacher;
    await page.getByText('Edit the assignment').click();
    // Work is in: the kind of work can no longer change, and the assignment cannot be deleted.
    await page.getByText('Work has been handed in: the kind of work can no longer change.').waitFor();
    await page.getByText(/the assignment cannot be deleted/).waitFor();
    await page.getByLabel('Due', { exact: true }).fill('2030-02-20T12:00');
    await expectGoodPage(page, 'group-work-edit-en-360');
    await page.getByRole('button', { name: 'Save the changes' }).click();
    await expect
      .poll(() => page.locator('p.meta time').first().getAttribute('datetime'), HEADING)
      .toMatch(/^2030-02-20T/);
    for (const student of [murad, mate]) {
      await asStudent(student.username, async (s) => {
        expect(await s.locator('p.meta time').first().getAttribute('datetime')).toMatch(/^2030-02-20T/);
        await s.getByRole('button', { name: /Notifications/ }).click();
        await s.getByRole('link', { name: new RegExp(`${title}.*is now due`) }).waitFor();
      });
    }
  });

  it('the teacher deletes an assignment set by mistake, after confirming', async () => {
    const { page } = teacher;
    await page.goto(`/assignments/class/${classId}`);
    await expect.poll(() => heading(page), HEADING).toBe(`Assignments of class ${className}`);
    await page.getByText('Set a new assignment').click();
    await page.getByLabel('Title').fill('Set by mistake');
    await page.getByLabel('Due').fill('2030-03-01T10:00');
    await page.getByRole('button', { name: 'Set the assignment' }).click();
    await page.getByRole('link', { name: 'Set by mistake' }).click();
    await expect.poll(() => heading(page), HEADING).toBe('Set by mistake');
    await page.getByRole('button', { name: 'Delete the assignment' }).click();
    await page.getByText('Delete “Set by mistake”? This cannot be undone.').waitFor();
    await expectGoodPage(page, 'group-work-delete-en-360');
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await expect.poll(() => heading(page), HEADING).toBe(`Assignments of class ${className}`);
    await page.getByRole('link', { name: title }).waitFor();
    expect(await page.getByRole('link', { name: 'Set by mistake' }).count()).toBe(0);
  });
});
