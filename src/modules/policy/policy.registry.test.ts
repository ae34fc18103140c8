import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, login, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { rows } from '@/server/db/database';
import { academicYears } from '@/modules/institutions/institutions.tables';
import { internetLinks, schoolYears } from '@/modules/infrastructure/infrastructure.tables';

type Err = {
  error: { code: string; message: string; details: { field: string; reason: string; message: string }[] };
};
interface TargetOut {
  id: number;
  version: number;
  current: number | null;
  progress: number | null;
  reached: boolean;
  overdue: boolean;
  figure: { key: string; value: number | null; source: string; asOf: string; query: string };
}
interface DocOut {
  id: number;
  version: number;
  title: { az: string; ru: string; en: string };
  targets: TargetOut[];
  partnerships: { id: number; partner: string }[];
}

const text = (az: string, ru = '', en = '') => ({ az, ru, en });
const programme = (over: object = {}) => ({
  kind: 'state_programme',
  title: text(
    'Təhsil sisteminin informasiyalaşdırılması',
    'Информатизация системы образования',
    'Informatisation of the education system',
  ),
  issuer: text('Azərbaycan Respublikasının Prezidenti', 'Президент', 'The President'),
  number: '2688',
  adoptedOn: '2008-06-10',
  amendedOn: null,
  periodStart: '2008-01-01',
  periodEnd: '2012-12-31',
  status: 'completed',
  summary: text('Hər məktəbə internet.', 'Интернет в каждую школу.', 'The internet in every school.'),
  url: 'https://e-qanun.az/framework/15763',
  topics: ['2.1', '2.2'],
  peer: ['connectivity', 'one_device'],
  ...over,
});
const target = (over: object = {}) => ({
  description: text('Hər məktəb internetə qoşulsun', 'Каждая школа подключена', 'Every school connected'),
  indicator: 'schools_connected',
  baseline: 0,
  target: 4,
  dueOn: '2030-12-31',
  ...over,
});

/**
 * The registry through the API on a small world: four schools, one connected. Progress of a target is the
 * live figure between its baseline and its target, and moves as soon as the ICT registry does.
 */
describe('policy registry', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let bureau: Session;
  let admin: Session;
  let teacher: Session;
  let schools: number[];
  let yearId: number;

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    const areas = await createAreas(db);
    schools = [];
    for (let i = 0; i < 4; i++) schools.push((await createInstitution(db, areas.district)).id);
    const [year] = await db
      .insert(academicYears)
      .values({ code: '2026-2027', startsOn: '2026-09-15', endsOn: '2027-06-15', isCurrent: true })
      .returning();
    yearId = year!.id;
    await db.insert(schoolYears).values(schools.map((id) => ({ institutionId: id, academicYearId: yearId })));
    await connect(schools[0]!);
    const make = async (role: 'bureau' | 'admin' | 'teacher') => {
      const u = await createUserWithRole(db, role, role === 'teacher' ? { institutionId: schools[0] } : {});
      return login(t.app, u.username, u.password);
    };
    bureau = await make('bureau');
    admin = await make('admin');
    teacher = await make('teacher');
  });
  afterAll(async () => t.close());

  const connect = (institutionId: number) =>
    t.database.db.insert(internetLinks).values({
      institutionId,
      academicYearId: yearId,
      purpose: 'teaching',
      type: 'fibre',
      educationNetwork: true,
      provider: null,
      downloadMbps: 100,
      uploadMbps: null,
    });
  const anon = (url: string, lang = 'en') => t.app.inject({ url, headers: { 'accept-language': lang } });
  const post = (s: Session, url: string, payload: object, lang = 'en') =>
    s.inject({ method: 'POST', url, payload, headers: { 'accept-language': lang } });
  const put = (s: Session, url: string, payload: object, lang = 'en') =>
    s.inject({ method: 'PUT', url, payload, headers: { 'accept-language': lang } });

  it('lets the bureau add a state programme with a target, and anyone read its progress, live', async () => {
    const created = await post(bureau, '/api/policy/documents', programme({ status: 'in_force' }));
    expect(created.statusCode).toBe(200);
    const doc = created.json<DocOut>();
    const added = await post(bureau, `/api/policy/documents/${doc.id}/targets`, target());
    expect(added.statusCode).toBe(200);
    expect(added.json<TargetOut>()).toMatchObject({
      current: 1,
      progress: 0.25,
      reached: false,
      overdue: false,
    });

    const read = await anon(`/api/policy/documents/${doc.id}`, 'ru');
    expect(read.statusCode).toBe(200);
    const [tg] = read.json<DocOut>().targets;
    expect(tg!.figure).toMatchObject({ key: 'schools_connected', value: 1 });
    expect(tg!.figure.source).toContain('реестр ИКТ');
    expect(tg!.figure.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // A school connected: the progress moves at once.
    await connect(schools[1]!);
    const after = (await anon(`/api/policy/documents/${doc.id}`)).json<DocOut>();
    expect(after.targets[0]).toMatchObject({ current: 2, progress: 0.5 });
    await connect(schools[2]!);
    await connect(schools[3]!);
    const done = (await anon(`/api/policy/documents/${doc.id}`)).json<DocOut>();
    expect(done.targets[0]).toMatchObject({ current: 4, progress: 1, reached: true });

    const list = (await anon('/api/policy/documents?kind=state_programme')).json<{
      items: { id: number; targets: number; targetsReached: number }[];
    }>();
    expect(list.items.find((d) => d.id === doc.id)).toMatchObject({ targets: 1, targetsReached: 1 });
  });

  it('measures a falling target (learners per computer) and a share in per cent', async () => {
    const doc = (
      await post(admin, '/api/policy/documents', programme({ title: text('Bir şagird — bir kompüter') }))
    ).json<DocOut>();
    const ratio = await post(
      admin,
      `/api/policy/documents/${doc.id}/targets`,
      target({ indicator: 'learners_per_computer', baseline: 20, target: 10, dueOn: '2020-01-01' }),
    );
    // No learners counted in this world: the figure is unknown, so is the progress; past due and not reached.
    expect(ratio.json<TargetOut>()).toMatchObject({
      current: null,
      progress: null,
      reached: false,
      overdue: true,
    });
    const share = await post(
      admin,
      `/api/policy/documents/${doc.id}/targets`,
      target({ indicator: 'schools_internet_teaching', target: 101 }),
    );
    expect(share.statusCode).toBe(422);
    expect(share.json<Err>().error.details).toEqual([
      expect.objectContaining({ field: 'target', reason: 'share_over_100' }),
    ]);
  });

  it('refuses what cannot be saved, naming the field in the caller’s language', async () => {
    const bad = await post(
      bureau,
      '/api/policy/documents',
      programme({
        title: text(' ', '', ''),
        periodEnd: '2007-01-01',
        amendedOn: '2001-01-01',
        url: 'e-qanun',
      }),
      'az',
    );
    expect(bad.statusCode).toBe(422);
    const details = bad.json<Err>().error.details;
    expect(details.map((d) => d.field).sort()).toEqual(['amendedOn', 'periodEnd', 'title', 'url']);
    expect(details.find((d) => d.field === 'title')!.message).toBe(
      'title: ən azı bir dildə mətn tələb olunur',
    );
    // A signed-in person is answered in their account's language.
    const language = (locale: string) =>
      admin.inject({ method: 'PATCH', url: '/api/me', payload: { locale } });
    expect((await language('ru')).statusCode).toBe(200);
    const ru = await post(admin, '/api/policy/documents', programme({ periodEnd: '2007-01-01' }));
    await language('az');
    expect(ru.json<Err>().error.details[0]!.message).toBe('periodEnd: раньше начала');
    // The schema refuses unknown kinds, topics and figures with 400, naming the field.
    const kind = await post(bureau, '/api/policy/documents', programme({ kind: 'decree' }));
    expect(kind.statusCode).toBe(400);
    expect(kind.json<Err>().error.details[0]!.field).toBe('kind');
    const doc = (await post(bureau, '/api/policy/documents', programme())).json<DocOut>();
    const fig = await post(
      bureau,
      `/api/policy/documents/${doc.id}/targets`,
      target({ indicator: 'happiness' }),
    );
    expect(fig.statusCode).toBe(400);
    const same = await post(
      bureau,
      `/api/policy/documents/${doc.id}/targets`,
      target({ baseline: 4, target: 4 }),
    );
    expect(same.json<Err>().error.details[0]).toMatchObject({ field: 'target', reason: 'same_as_baseline' });
    expect((await post(bureau, '/api/policy/documents/999999/targets', target())).statusCode).toBe(404);
    expect((await anon('/api/policy/documents/999999')).statusCode).toBe(404);
    // Only the ministry edits.
    expect((await post(teacher, '/api/policy/documents', programme())).statusCode).toBe(403);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/policy/documents', payload: programme() })).statusCode,
    ).toBe(401);
  });

  it('refuses a stale save with 409 and the current state, and audits every write', async () => {
    const doc = (await post(bureau, '/api/policy/documents', programme())).json<DocOut>();
    const first = await put(bureau, `/api/policy/documents/${doc.id}`, {
      ...programme({ number: '1' }),
      version: doc.version,
    });
    expect(first.statusCode).toBe(200);
    expect(first.json<DocOut>().version).toBe(doc.version + 1);
    const stale = await put(admin, `/api/policy/documents/${doc.id}`, {
      ...programme({ number: '2' }),
      version: doc.version,
    });
    expect(stale.statusCode).toBe(409);
    const body = stale.json<{
      error: {
        code: string;
        details: { yours: { number: string }; current: { number: string; version: number } };
      };
    }>();
    expect(body.error.code).toBe('stale_version');
    expect(body.error.details.current).toMatchObject({ number: '1', version: doc.version + 1 });
    expect(body.error.details.yours.number).toBe('2');

    const tg = (await post(bureau, `/api/policy/documents/${doc.id}/targets`, target())).json<TargetOut>();
    expect(
      (
        await put(bureau, `/api/policy/targets/${tg.id}`, {
          ...target({ target: 8 }),
          version: tg.version + 5,
        })
      ).statusCode,
    ).toBe(409);
    const saved = await put(bureau, `/api/policy/targets/${tg.id}`, {
      ...target({ target: 8 }),
      version: tg.version,
    });
    expect(saved.json<TargetOut>().version).toBe(tg.version + 1);
    expect(
      (await bureau.inject({ method: 'DELETE', url: `/api/policy/targets/${tg.id}?version=${tg.version}` }))
        .statusCode,
    ).toBe(409);
    expect(
      (
        await bureau.inject({
          method: 'DELETE',
          url: `/api/policy/targets/${tg.id}?version=${tg.version + 1}`,
        })
      ).statusCode,
    ).toBe(200);

    const audits = await rows<{ action: string; entity: string }>(
      t.database.db,
      sql`select action, entity from identity_audit where entity like 'policy_%' and entity_id in (${String(doc.id)}, ${String(tg.id)}) order by id`,
    );
    expect(audits).toEqual(
      expect.arrayContaining([
        { action: 'create', entity: 'policy_document' },
        { action: 'update', entity: 'policy_document' },
        { action: 'create', entity: 'policy_target' },
        { action: 'update', entity: 'policy_target' },
        { action: 'delete', entity: 'policy_target' },
      ]),
    );
    // Deleting the document takes its targets with it.
    const current = (await anon(`/api/policy/documents/${doc.id}`)).json<DocOut>();
    expect(
      (
        await admin.inject({
          method: 'DELETE',
          url: `/api/policy/documents/${doc.id}?version=${current.version}`,
        })
      ).statusCode,
    ).toBe(200);
    expect((await anon(`/api/policy/documents/${doc.id}`)).statusCode).toBe(404);
  });

  it('writes exactly one of many saves sent at once from the same version', async () => {
    const doc = (await post(bureau, '/api/policy/documents', programme())).json<DocOut>();
    const saves = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        put(n % 2 ? bureau : admin, `/api/policy/documents/${doc.id}`, {
          ...programme({ number: `N${n}` }),
          version: doc.version,
        }),
      ),
    );
    expect(saves.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409]);
    const winner = saves.find((r) => r.statusCode === 200)!.json<DocOut & { number: string }>();
    const now = (await anon(`/api/policy/documents/${doc.id}`)).json<DocOut & { number: string }>();
    expect(now).toMatchObject({ version: doc.version + 1, number: winner.number });
  });

  it('keeps partnerships, and draws the timeline and the PEER answers from the registry', async () => {
    const law = (
      await post(
        bureau,
        '/api/policy/documents',
        programme({
          kind: 'law',
          title: text(
            'İnformasiya, informasiyalaşdırma və informasiyanın mühafizəsi haqqında',
            '',
            'On information, informatisation and the protection of information',
          ),
          adoptedOn: '1998-04-03',
          amendedOn: '2022-05-20',
          periodStart: null,
          periodEnd: null,
          status: 'in_force',
          peer: ['data_privacy'],
        }),
      )
    ).json<DocOut>();
    const created = await post(bureau, '/api/policy/partnerships', {
      partner: 'Azercell',
      contribution: text(
        '30 000 müəllimə aylıq internet paketi',
        'Ежемесячные интернет-пакеты для 30 000 учителей',
        'Monthly internet packages for 30,000 teachers',
      ),
      quantity: 30000,
      startedOn: '2020-04-02',
      endedOn: null,
      documentId: law.id,
      topics: ['2.2'],
    });
    expect(created.statusCode).toBe(200);
    const p = created.json<{ id: number; version: number; documentTitle: { en: string } }>();
    expect(p.documentTitle.en).toContain('On information');
    const badDoc = await post(bureau, '/api/policy/partnerships', {
      partner: ' ',
      contribution: text('x'),
      quantity: null,
      startedOn: '2020-04-02',
      endedOn: '2020-01-01',
      documentId: 999999,
      topics: [],
    });
    expect(
      badDoc
        .json<Err>()
        .error.details.map((d) => d.field)
        .sort(),
    ).toEqual(['documentId', 'endedOn', 'partner']);
    expect(
      (
        await put(bureau, `/api/policy/partnerships/${p.id}`, {
          partner: 'Azercell Telekom',
          contribution: text('x'),
          quantity: 1,
          startedOn: '2020-04-02',
          endedOn: null,
          documentId: null,
          topics: [],
          version: p.version,
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await anon('/api/policy/partnerships')).json<{ items: { partner: string }[] }>().items[0]!.partner,
    ).toBe('Azercell Telekom');

    const timeline = (await anon('/api/policy/timeline')).json<{
      years: { year: number; events: { event: string; documentId: number | null; partner: string }[] }[];
    }>();
    const years = timeline.years.map((y) => y.year);
    expect(years).toEqual([...years].sort((a, b) => b - a));
    expect(timeline.years.find((y) => y.year === 1998)!.events).toEqual([
      expect.objectContaining({ event: 'adopted', documentId: law.id }),
    ]);
    expect(timeline.years.find((y) => y.year === 2022)!.events).toEqual(
      expect.arrayContaining([expect.objectContaining({ event: 'amended', documentId: law.id })]),
    );
    expect(timeline.years.find((y) => y.year === 2020)!.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event: 'partnership', partner: 'Azercell Telekom' }),
      ]),
    );

    const peer = (await anon('/api/policy/peer', 'az')).json<{
      items: { question: string; text: string; answer: boolean; documents: { id: number }[] }[];
    }>();
    expect(peer.items).toHaveLength(8);
    const privacy = peer.items.find((q) => q.question === 'data_privacy')!;
    expect(privacy).toMatchObject({
      answer: true,
      text: 'Şagirdlərin məlumatlarının məxfiliyi qanun və ya siyasətdə varmı?',
    });
    expect(privacy.documents.map((d) => d.id)).toContain(law.id);
    expect(peer.items.find((q) => q.question === 'phone_ban')).toMatchObject({
      answer: false,
      documents: [],
    });

    const figures = (await anon('/api/policy/figures?key=schools_connected&key=policies_in_force')).json<{
      items: { key: string; value: number }[];
    }>();
    expect(figures.items.map((f) => f.key)).toEqual(['schools_connected', 'policies_in_force']);
  });

  it('finds documents by words of their title in any language, without caring for Azerbaijani letters', async () => {
    await post(
      bureau,
      '/api/policy/documents',
      programme({
        kind: 'concept',
        title: text(
          'Rəqəmsal təhsil konsepsiyası',
          'Концепция цифрового образования',
          'Digital Education Concept',
        ),
        peer: [],
      }),
    );
    const found = (q: string) =>
      anon(`/api/policy/documents?q=${encodeURIComponent(q)}`).then((r) =>
        r.json<{ items: { title: { en: string } }[] }>().items.map((d) => d.title.en),
      );
    expect(await found('reqemsal')).toContain('Digital Education Concept');
    expect(await found('цифрового')).toContain('Digital Education Concept');
    expect(await found('100%_')).toEqual([]);
    expect((await anon('/api/policy/documents?topic=2.4')).statusCode).toBe(200);
  });
});
