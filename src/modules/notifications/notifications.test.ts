import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login } from '@test/harness';
import { createUserWithRole } from '@test/factories';
import { ensureSubjects } from '@test/classroom-world';
import { subjects } from '@/modules/institutions/institutions.tables';
import { notify } from '@/modules/notifications/notifications.service';

/**
 * The caller's notifications: newest first in pages, the unread count with every page (the first page reads both
 * in one query, a later one apart), only their own, subjects named in the caller's language (theirs: Azerbaijani here).
 */

interface Body {
  unread: number;
  items: { id: number; kind: string; text: string; read: boolean; params: Record<string, unknown> }[];
  nextBefore: number | null;
}

describe('notifications', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;

  beforeAll(async () => {
    t = await createTestApp();
    await ensureSubjects(t.database.db);
  });
  afterAll(() => t.close());

  it('pages newest first with the unread count on every page, and names a subject added since', async () => {
    const db = t.database.db;
    const me = await createUserWithRole(db, 'bureau');
    const other = await createUserWithRole(db, 'bureau');
    const s = await login(t.app, me.username, me.password);
    const list = async (query = '') => {
      const res = await s.inject({ url: `/api/notifications${query}` });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<Body>();
    };
    expect(await list()).toMatchObject({ unread: 0, items: [], nextBefore: null });

    const task = (assignmentId: number, subjectCode: string) =>
      notify(db, [me.id], 'assignment_new', {
        assignmentId,
        title: `Task ${assignmentId}`,
        subjectCode,
        dueAt: '2026-12-10T08:00:00.000Z',
      });
    for (let i = 1; i <= 5; i++) await task(i, 'physics');
    await notify(db, [other.id], 'assignment_marked', { assignmentId: 9, title: 'Not mine', mark: 5 });

    const first = await list('?limit=2');
    expect(first.unread).toBe(5);
    expect(first.items.map((n) => n.params.assignmentId)).toEqual([5, 4]);
    expect(first.items[0]!.text).toContain('Fizika');
    expect(first.nextBefore).toBe(first.items[1]!.id);
    const second = await list(`?limit=2&before=${first.nextBefore}`);
    expect(second.unread).toBe(5);
    expect(second.items.map((n) => n.params.assignmentId)).toEqual([3, 2]);
    const last = await list(`?limit=2&before=${second.nextBefore}`);
    expect(last).toMatchObject({ unread: 5, nextBefore: null });
    expect(last.items.map((n) => n.params.assignmentId)).toEqual([1]);

    const read = await s.inject({
      method: 'POST',
      url: '/api/notifications/read',
      payload: { ids: first.items.map((n) => n.id) },
    });
    expect(read.json()).toEqual({ unread: 3 });
    const after = await list();
    expect(after.unread).toBe(3);
    expect(after.items.map((n) => n.read)).toEqual([true, true, false, false, false]);
    expect((await list(`?before=${first.nextBefore}`)).unread).toBe(3);

    // A subject this node has not listed before is named at once, not shown as its code.
    await db.insert(subjects).values({
      code: 'astronomy',
      nameAz: 'Astronomiya',
      nameRu: 'Астрономия',
      nameEn: 'Astronomy',
      grades: [11],
    });
    await task(6, 'astronomy');
    const newest = await list('?limit=1');
    expect(newest.unread).toBe(4);
    expect(newest.items[0]!.text).toContain('Astronomiya');
  });
});
