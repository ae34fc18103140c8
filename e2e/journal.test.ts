import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { JournalView, LinkCode } from '@/web/journal/types';
import { startServer, type TestServer } from './support/server';
import { DEMO_PASSWORD } from './support/demo-accounts';
import { schoolDayOf, testClock } from '@test/school-clock';
import {
  goTo,
  HEADING,
  heading,
  launchBrowser,
  openPage,
  PHONE,
  signIn,
  switchLanguage,
  expectGoodPage,
} from './support/browser';

/** Someone signed in to the API directly: a second session beside the browser's, as another device would be. */
interface ApiSession {
  me: { user: { id: number; displayName: string }; roles: { role: string; institutionId: number | null }[] };
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

async function apiSession(base: string, username: string, password = DEMO_PASSWORD): Promise<ApiSession> {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const me = (await login.json()) as ApiSession['me'] & { csrfToken: string };
  return {
    me,
    async call<T>(method: string, path: string, body?: unknown) {
      const response = await fetch(`${base}/api${path}`, {
        method,
        headers: {
          cookie,
          'x-csrf-token': me.csrfToken,
          'accept-language': 'en',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json().catch(() => null)) as T };
    },
  };
}

/** The journal runs on a school Wednesday at 10:00, after the day's first lesson has begun, whatever the real time. */
const CLOCK = testClock();
const today = () => schoolDayOf(CLOCK);
const SUBJECT = 'mathematics';

describe('the class journal: offline marking, conflicts, parents, closing a term', () => {
  let server: TestServer;
  let browser: Browser;
  let director: ApiSession;
  let teacherApi: ApiSession;
  let schoolId: number;
  let classId: number;
  let className: string;
  let term: { code: string; startsOn: string; endsOn: string };
  let column: string;
  let students: { id: number; displayName: string }[];
  let teacher: { context: BrowserContext; page: Page };
  /** Lessons of mathematics a student was present at this term, by student, before the column was marked. */
  const presentBefore = new Map<number, number>();

  /** The journal as the API gives it now, read by the teacher's second session. */
  const journal = async () => {
    const r = await teacherApi.call<JournalView>(
      'GET',
      `/journal/classes/${classId}/subjects/${SUBJECT}?term=${term.code}`,
    );
    expect(r.status).toBe(200);
    return r.body;
  };
  const cellOf = (view: JournalView, studentId: number) =>
    view.cells.find((c) => c.studentId === studentId && c.key === column);
  /** How many lessons of mathematics the student was present at this term, as the director reads it. */
  const presentInMaths = async (studentId: number) => {
    const r = await director.call<{ subjects: { code: string; attendance: Record<string, number> }[] }>(
      'GET',
      `/journal/students/${studentId}/overview?term=${term.code}`,
    );
    expect(r.status).toBe(200);
    return r.body.subjects.find((x) => x.code === SUBJECT)?.attendance.present ?? 0;
  };
  /** `Present: n` exactly (not the start of a larger number). */
  const presentText = (n: number) => new RegExp(`Present: ${n}(?!\\d)`);
  const syncState = (page: Page) => page.locator('.sync-state').innerText();
  const row = (page: Page, studentId: number) => page.locator(`li[data-student="${studentId}"]`);
  const openJournal = async (page: Page) => {
    await page.goto(`/journal/${classId}?subject=${SUBJECT}&term=${term.code}`);
    await expect.poll(() => heading(page), HEADING).toBe(`${className} — Mathematics`);
    await page.locator('#journal-column').waitFor();
  };

  beforeAll(async () => {
    server = await startServer({ clock: CLOCK });
    director = await apiSession(server.url, 'director');
    teacherApi = await apiSession(server.url, 'teacher');
    schoolId = director.me.roles.find((g) => g.role === 'director')!.institutionId!;
    const teacherId = teacherApi.me.user.id;
    // The living demo: the demo teacher already teaches mathematics in their homeroom class, on the demo's
    // bells and weekly timetable, with the term's lessons so far and a journal of the past ones.
    const years = await director.call<{ id: number; isCurrent: boolean }[]>('GET', '/academic-years');
    const year = years.body.find((y) => y.isCurrent)!;
    const classes = await director.call<{
      items: { id: number; name: string; homeroomTeacherId: number | null }[];
    }>('GET', `/institutions/${schoolId}/classes`);
    const cls = classes.body.items.find((c) => c.homeroomTeacherId === teacherId)!;
    classId = cls.id;
    className = cls.name;
    const pack = await director.call<{
      calendar: { academicYearId: number; kind: string; code: string; startsOn: string; endsOn: string }[];
    }>('GET', '/country-pack');
    const terms = pack.body.calendar.filter((e) => e.kind === 'term' && e.academicYearId === year.id);
    term =
      terms.find((t) => t.startsOn <= today() && today() <= t.endsOn) ??
      terms.filter((t) => t.startsOn <= today()).at(-1)!;
    let view = await journal();
    students = view.students;
    expect(students.length).toBeGreaterThanOrEqual(4);
    expect(view.canEdit).toBe(true);
    // The latest lesson that has begun: the journal takes nothing for one that has not.
    column = view.columns.filter((c) => c.kind === 'lesson' && c.started).at(-1)!.key;
    // A clean column to mark: whatever the demo wrote in it (a lesson of an earlier day) is cleared, as the
    // teacher would, so that the tests below start from an empty column.
    const written = view.cells.filter((c) => c.key === column && (c.attendance !== null || c.mark !== null));
    if (written.length > 0) {
      const cleared = await teacherApi.call(
        'POST',
        `/journal/classes/${classId}/subjects/${SUBJECT}/entries`,
        {
          term: term.code,
          entries: written.map((c) => ({
            studentId: c.studentId,
            key: column,
            attendance: null,
            mark: null,
            baseVersion: c.version,
          })),
        },
      );
      expect(cleared.status).toBe(200);
      view = await journal();
    }
    for (const s of students) {
      const cell = cellOf(view, s.id);
      expect(cell?.attendance ?? null).toBeNull();
      expect(cell?.mark ?? null).toBeNull();
    }
    // What the students' overviews count in mathematics before the tests mark the column.
    for (const s of students) presentBefore.set(s.id, await presentInMaths(s.id));
    browser = await launchBrowser();
    teacher = await openPage(browser, server.url, PHONE);
    await signIn(teacher.page, 'teacher', DEMO_PASSWORD);
    await switchLanguage(teacher.page, 'en');
  });
  afterAll(async () => {
    await teacher?.context.close();
    await browser?.close();
    await server?.stop();
  });

  it('a teacher marks the whole class offline on a phone, and the marks arrive when the connection returns', async () => {
    const { page, context } = teacher;
    await expectGoodPage(page, 'journal-teacher-home-en-360');
    await goTo(page, 'Class journal');
    await expect.poll(() => heading(page), HEADING).toBe('Class journal');
    await page.locator(`li[data-class="${classId}"]`).getByRole('link', { name: 'Mathematics' }).click();
    await expect.poll(() => heading(page), HEADING).toBe(`${className} — Mathematics`);
    expect(await page.locator('#journal-column').inputValue()).toBe(column);
    await expectGoodPage(page, 'journal-teacher-en-360');
    // In Azerbaijani and Russian too: every string translated, still accessible.
    for (const [lang, subject] of [
      ['az', 'Riyaziyyat'],
      ['ru', 'Математика'],
    ] as const) {
      await switchLanguage(page, lang);
      await expect.poll(() => heading(page), HEADING).toBe(`${className} — ${subject}`);
      expect(await page.locator('main').innerText()).not.toMatch(/journal\.[a-zA-Z]/);
      await page.getByRole('button', { name: lang === 'az' ? 'Bütün yarımil' : 'Всё полугодие' }).click();
      await page.locator('.journal-grid').waitFor();
      await expectGoodPage(page, `journal-teacher-grid-${lang}-360`);
      await page.getByRole('button', { name: lang === 'az' ? 'Bir dərs' : 'Один урок' }).click();
    }
    await switchLanguage(page, 'en');

    await context.setOffline(true);
    await page.getByRole('button', { name: 'All present' }).click();
    await row(page, students[0]!.id).getByRole('radio', { name: 'Absent', exact: true }).check();
    await row(page, students[1]!.id).getByLabel('Mark').selectOption('5');
    await row(page, students[1]!.id).getByLabel('Comment').fill('Excellent answer');
    await page.getByRole('button', { name: `Save (${students.length})` }).click();
    await expect.poll(() => syncState(page)).toContain('You are offline');
    expect(await syncState(page)).toContain(`${students.length} changes are kept on this device`);
    // Kept in the browser's storage (so a reload keeps them), and nothing reached the server.
    const stored = await page.evaluate(() =>
      Object.keys(localStorage).filter((k) => k.startsWith('maktab.journal.outbox.')),
    );
    expect(stored).toEqual([`maktab.journal.outbox.${teacherApi.me.user.id}`]);
    const meanwhile = await journal();
    for (const s of students) {
      expect(cellOf(meanwhile, s.id)?.attendance ?? null).toBeNull();
      expect(cellOf(meanwhile, s.id)?.mark ?? null).toBeNull();
    }
    await expectGoodPage(page, 'journal-offline-en-360');

    await context.setOffline(false);
    await expect.poll(() => syncState(page), { timeout: 15_000 }).toBe('All changes are saved.');
    const view = await journal();
    expect(cellOf(view, students[0]!.id)?.attendance?.code).toBe('absent');
    expect(cellOf(view, students[1]!.id)).toMatchObject({
      attendance: { code: 'present' },
      mark: { value: 5, comment: 'Excellent answer' },
    });
    for (const s of students.slice(2)) expect(cellOf(view, s.id)?.attendance?.code).toBe('present');
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('journal')))).toEqual(
      [],
    );
  });

  it('keeps what could not be sent across a reload, and sends it on the next try', async () => {
    const { page } = teacher;
    await openJournal(page);
    // The server cannot be reached for saving (the page itself still loads).
    await page.route('**/api/journal/**/entries', (route) => route.abort('internetdisconnected'));
    await row(page, students[0]!.id).getByRole('radio', { name: 'Late', exact: true }).check();
    await page.getByRole('button', { name: 'Save (1)' }).click();
    await expect.poll(() => syncState(page)).toContain('Sending 1 changes');
    await page.reload();
    await page.locator('#journal-column').waitFor();
    await expect
      .poll(() => row(page, students[0]!.id).locator('legend').innerText())
      .toContain('not sent yet');
    expect(
      await row(page, students[0]!.id).getByRole('radio', { name: 'Late', exact: true }).isChecked(),
    ).toBe(true);
    await page.unroute('**/api/journal/**/entries');
    await expect.poll(() => syncState(page), { timeout: 30_000 }).toBe('All changes are saved.');
    expect(cellOf(await journal(), students[0]!.id)?.attendance?.code).toBe('late');
  });

  it('shows a cell someone else changed meanwhile, with both values, and saves only what the teacher chooses', async () => {
    const { page } = teacher;
    await openJournal(page);
    const target = students[2]!;
    // Another device of the same class changes the cell after the page loaded it.
    const before = cellOf(await journal(), target.id)!;
    const other = await teacherApi.call('POST', `/journal/classes/${classId}/subjects/${SUBJECT}/entries`, {
      term: term.code,
      entries: [{ studentId: target.id, key: column, mark: { value: 3 }, baseVersion: before.version }],
    });
    expect(other.status).toBe(200);

    await row(page, target.id).getByLabel('Mark').selectOption('4');
    await page.getByRole('button', { name: 'Save (1)' }).click();
    const conflict = page.locator(`[data-conflict="${target.id}:${column}"]`);
    await conflict.waitFor();
    await expect
      .poll(() => page.getByRole('heading', { name: 'Someone else changed these cells' }).count())
      .toBe(1);
    expect(await conflict.locator('[data-version="theirs"]').innerText()).toContain('mark 3');
    expect(await conflict.locator('[data-version="mine"]').innerText()).toContain('mark 4');
    expect(await conflict.locator('dt').first().innerText()).toContain(teacherApi.me.user.displayName);
    // Nothing was overwritten.
    expect(cellOf(await journal(), target.id)?.mark?.value).toBe(3);
    await expectGoodPage(page, 'journal-conflict-en-360');

    await conflict.getByRole('button', { name: 'Keep mine' }).click();
    await expect.poll(() => conflict.count()).toBe(0);
    await expect.poll(() => syncState(page), { timeout: 15_000 }).toBe('All changes are saved.');
    expect(cellOf(await journal(), target.id)?.mark?.value).toBe(4);
  });

  it('a parent links with a code the director issued, sees only their child, and is refused another', async () => {
    const child = students[3]!;
    const stranger = students[1]!;
    const d = await openPage(browser, server.url, PHONE);
    const p = await openPage(browser, server.url, PHONE);
    try {
      // The director issues a code in the journal, shown large.
      await signIn(d.page, 'director', DEMO_PASSWORD);
      await switchLanguage(d.page, 'en');
      await expectGoodPage(d.page, 'journal-director-home-en-360');
      await goTo(d.page, 'Class journal');
      await expect.poll(() => heading(d.page), HEADING).toBe('Class journal');
      await expectGoodPage(d.page, 'journal-director-journal-en-360');
      await d.page.getByRole('link', { name: `${className}: codes for parents` }).click();
      await expect.poll(() => heading(d.page), HEADING).toBe(`${className}: codes for parents`);
      await d.page.getByRole('button', { name: `Issue a code — ${child.displayName}` }).click();
      const shown = d.page.locator('[data-link-code]');
      await shown.waitFor();
      const code = (await shown.innerText()).trim();
      expect(code).toMatch(/^[A-Z0-9-]{8,}$/);
      await expectGoodPage(d.page, 'journal-link-code-en-360');

      // A new account without any role yet.
      const created = await (
        await apiSession(server.url, 'admin')
      ).call('POST', '/users', {
        username: 'aynur.parent',
        password: 'parent-pass-1',
        displayName: 'Aynur Məmmədova',
        grants: [],
      });
      expect(created.status).toBe(201);
      await p.page.goto('/login');
      await switchLanguage(p.page, 'en');
      await p.page.locator('input[name="username"]').fill('aynur.parent');
      await p.page.locator('input[name="password"]').fill('parent-pass-1');
      await p.page.locator('form button[type="submit"]').click();
      await expect.poll(() => heading(p.page), HEADING).toBe('Your account has no role');
      await p.page.getByRole('link', { name: /Got a code from the school/ }).click();
      await expect.poll(() => heading(p.page), HEADING).toBe('Link your child');
      await expectGoodPage(p.page, 'journal-link-child-en-360');
      await p.page.getByLabel('Code').fill('WRONG-CODE1');
      await p.page.getByRole('button', { name: 'Link', exact: true }).click();
      await p.page.getByRole('alert').waitFor();
      await p.page.getByLabel('Code').fill(code);
      await p.page.getByRole('button', { name: 'Link', exact: true }).click();
      await p.page.getByText(`${child.displayName} is now linked to your account.`).waitFor();
      await p.page.getByRole('link', { name: 'Go to my children' }).click();
      await expect.poll(() => heading(p.page), HEADING).toBe('My children');
      await expect
        .poll(() => p.page.locator('section.card h2[id^="child-"]').allInnerTexts(), HEADING)
        .toEqual([child.displayName]);
      // The journal's notices: none yet, since the child's marks were given before the parent was linked.
      await p.page.getByText('No notices yet: absences and new marks will appear here.').waitFor();
      const overview = p.page.locator(`.student-journal[data-student="${child.id}"]`);
      await overview.getByRole('heading', { name: 'Marks and attendance by subject' }).waitFor();
      await overview.locator('[data-subject="mathematics"]').waitFor();
      // Present at the marked lesson, one more than before it (students[0] was marked absent, then late).
      expect(child.id).not.toBe(students[0]!.id);
      expect(await presentInMaths(child.id)).toBe(presentBefore.get(child.id)! + 1);
      expect(await overview.locator('[data-subject="mathematics"]').innerText()).toMatch(
        presentText(presentBefore.get(child.id)! + 1),
      );
      await expectGoodPage(p.page, 'journal-parent-home-en-360');

      // Another child's journal is not theirs to see, nor the code reusable.
      const refused = await p.page.request.get(
        `/api/journal/students/${stranger.id}/overview?term=${term.code}`,
      );
      expect(refused.status()).toBe(403);
      const card = await p.page.request.get(
        `/api/journal/reports/report-card?studentId=${stranger.id}&term=${term.code}`,
      );
      expect(card.status()).toBe(403);
      const own = await p.page.request.get(`/api/journal/students/${child.id}/overview?term=${term.code}`);
      expect(own.status()).toBe(200);
      await p.page.goto(`/journal/student/${stranger.id}`);
      await p.page.getByRole('alert').waitFor();
      const again = await apiSession(server.url, 'parent');
      expect((await again.call<LinkCode>('POST', '/journal/link', { code })).status).toBe(400);
    } finally {
      await d.context.close();
      await p.context.close();
    }
  });

  it('a student sees their own marks and attendance, and no one else’s', async () => {
    const s = await openPage(browser, server.url, PHONE);
    try {
      await signIn(s.page, 'student', DEMO_PASSWORD);
      await switchLanguage(s.page, 'en');
      const me = students.find((x) => x.displayName === 'Murad Rzayev')!;
      await expectGoodPage(s.page, 'journal-student-home-en-360');
      await s.page.getByRole('link', { name: 'My marks and attendance' }).click();
      await expect.poll(() => heading(s.page), HEADING).toBe('Marks and attendance');
      const maths = s.page.locator(`.student-journal[data-student="${me.id}"] [data-subject="mathematics"]`);
      await maths.waitFor();
      expect(me.id).not.toBe(students[0]!.id);
      expect(await presentInMaths(me.id)).toBe(presentBefore.get(me.id)! + 1);
      expect(await maths.innerText()).toMatch(presentText(presentBefore.get(me.id)! + 1));
      await expectGoodPage(s.page, 'journal-student-en-360');
      const other = await s.page.request.get(
        `/api/journal/students/${students[0]!.id}/overview?term=${term.code}`,
      );
      expect(other.status()).toBe(403);
    } finally {
      await s.context.close();
    }
  });

  it('after the director closes the term, a plain edit is refused and a correction with a reason is kept in the history', async () => {
    const d = await openPage(browser, server.url, PHONE);
    try {
      await signIn(d.page, 'director', DEMO_PASSWORD);
      await switchLanguage(d.page, 'en');
      await d.page.goto('/journal');
      await expect.poll(() => heading(d.page), HEADING).toBe('Class journal');
      const close = d.page.getByRole('button', { name: /^Close / });
      await close.click();
      await d.page.getByRole('button', { name: 'Yes, close it' }).click();
      await d.page.locator(`[data-term-closed="${term.code}"]`).waitFor();
      await expectGoodPage(d.page, 'journal-director-closed-en-360');
    } finally {
      await d.context.close();
    }

    const target = students[0]!;
    const cell = cellOf(await journal(), target.id)!;
    const plain = await teacherApi.call<{ error: { code: string } }>(
      'POST',
      `/journal/classes/${classId}/subjects/${SUBJECT}/entries`,
      {
        term: term.code,
        entries: [
          { studentId: target.id, key: column, attendance: { code: 'present' }, baseVersion: cell.version },
        ],
      },
    );
    expect(plain.status).toBe(409);
    expect(plain.body.error.code).toBe('term_closed');

    const { page } = teacher;
    await openJournal(page);
    await page.getByText('This term is closed').waitFor();
    await row(page, target.id).getByRole('radio', { name: 'Present', exact: true }).check();
    const save = page.getByRole('button', { name: 'Save (1)' });
    expect(await save.isDisabled()).toBe(true);
    await page.getByLabel('Reason for the correction').fill('Came in with a late pass');
    await save.click();
    await expect.poll(() => syncState(page), { timeout: 15_000 }).toBe('All changes are saved.');
    expect(cellOf(await journal(), target.id)?.attendance?.code).toBe('present');

    // The cell's history shows every change, the correction with its reason.
    await page.getByRole('button', { name: 'Whole term' }).click();
    await page
      .getByRole('button', { name: new RegExp(`^${target.displayName}, .*: Present$`) })
      .last()
      .click();
    await page.getByRole('button', { name: 'History' }).click();
    const history = page.getByRole('list', { name: 'History' });
    await history.waitFor();
    const steps = await history.locator('li').allInnerTexts();
    expect(steps.length).toBeGreaterThanOrEqual(3);
    expect(steps.at(-1)).toContain('correction: Came in with a late pass');
    await expectGoodPage(page, 'journal-history-en-360');
  });
});
