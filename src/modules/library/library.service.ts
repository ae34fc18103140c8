import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Actor } from '@/server/access';
import { allows } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, notFound, type FieldProblem } from '@/server/errors';
import { defineMessages, translate, type Locale } from '@/server/i18n';
import { enqueue, type JobHandler } from '@/server/jobs';
import { staleVersion } from '@/server/versions';
import type { Storage } from '@/server/storage';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import { countryPack, subjectsByCode } from '@/modules/institutions/institutions.store';
import { learningResource, type SubjectNames } from '@/modules/library/library.lrmi';
import * as store from '@/modules/library/library.store';
import { KINDS, ROLE_KINDS, identify, sha256File } from '@/modules/library/library.files';
import {
  listFiles,
  mediaAvailable,
  probe,
  transcode,
  type MediaTools,
} from '@/modules/library/library.media';
import type { UPLOAD_ROLES } from '@/modules/library/library.tables';
import type {
  EditorResourceView,
  PatchResourceBody,
  PublicResourceView,
  ResourceBody,
  ResourceView,
} from '@/modules/library/library.schema';
import * as clock from '@/server/clock';

defineMessages({
  en: {
    library_not_editable: 'This resource is {state}: only drafts and unpublished resources can be changed.',
    library_bad_transition: 'This resource is {state}: it cannot be {action}.',
    library_own_review:
      'Another editor must review this resource: you changed this version of it (wrote it, edited it or uploaded a file) or submitted it.',
    library_no_main_file: 'Upload the main file before submitting the resource.',
    library_processing_pending: 'The main file is still being processed. Submit it when processing is done.',
    library_processing_failed: 'The main file could not be processed: {error}. Upload a new version.',
    library_file_type: 'This file is not a kind the library accepts here ({role}): {accepted}.',
    library_file_too_large: 'The file is too large: at most {limit} bytes for this kind.',
    library_file_empty: 'The file is empty: choose a file with content.',
    library_upload_metadata: 'The upload must name its resource and role (Upload-Metadata), and its length.',
    library_range: 'The requested range is not within the file.',
    'reason.library.tv': 'is required for a TV lesson',
    'reason.library.unknown': 'is not known',
    'reason.library.grade': 'is not taught in this subject',
    'reason.library.topic_subject': 'belongs to another subject',
  },
  az: {
    library_not_editable:
      'Bu resurs {state} vəziyyətindədir: yalnız qaralamalar və dərcdən çıxarılmış resurslar dəyişdirilə bilər.',
    library_bad_transition: 'Bu resurs {state} vəziyyətindədir: {action} mümkün deyil.',
    library_own_review:
      'Bu resursu başqa redaktor yoxlamalıdır: onun bu versiyasını siz dəyişmisiniz (yazmısınız, redaktə etmisiniz və ya fayl yükləmisiniz) və ya təqdim etmisiniz.',
    library_no_main_file: 'Resursu təqdim etməzdən əvvəl əsas faylı yükləyin.',
    library_processing_pending: 'Əsas fayl hələ emal olunur. Emal bitəndə təqdim edin.',
    library_processing_failed: 'Əsas faylı emal etmək mümkün olmadı: {error}. Yeni versiya yükləyin.',
    library_file_type: 'Bu fayl növü burada ({role}) qəbul edilmir: {accepted}.',
    library_file_too_large: 'Fayl çox böyükdür: bu növ üçün ən çoxu {limit} bayt.',
    library_file_empty: 'Fayl boşdur: məzmunu olan fayl seçin.',
    library_upload_metadata: 'Yükləmə öz resursunu, rolunu (Upload-Metadata) və uzunluğunu göstərməlidir.',
    library_range: 'İstənilən hissə faylın daxilində deyil.',
    'reason.library.tv': 'teledərs üçün mütləqdir',
    'reason.library.unknown': 'məlum deyil',
    'reason.library.grade': 'bu fənn həmin sinifdə tədris olunmur',
    'reason.library.topic_subject': 'başqa fənnə aiddir',
  },
  ru: {
    library_not_editable:
      'Ресурс в состоянии {state}: изменять можно только черновики и снятые с публикации.',
    library_bad_transition: 'Ресурс в состоянии {state}: действие «{action}» невозможно.',
    library_own_review:
      'Этот ресурс должен проверить другой редактор: вы изменяли эту его версию (написали, редактировали или загрузили файл) или отправили его на проверку.',
    library_no_main_file: 'Загрузите основной файл, прежде чем отправлять ресурс.',
    library_processing_pending:
      'Основной файл ещё обрабатывается. Отправьте ресурс, когда обработка закончится.',
    library_processing_failed: 'Основной файл не удалось обработать: {error}. Загрузите новую версию.',
    library_file_type: 'Файл этого типа здесь ({role}) не принимается: {accepted}.',
    library_file_too_large: 'Файл слишком большой: для этого типа не больше {limit} байт.',
    library_file_empty: 'Файл пуст: выберите файл с содержимым.',
    library_upload_metadata: 'Загрузка должна указать ресурс, роль (Upload-Metadata) и длину.',
    library_range: 'Запрошенный диапазон выходит за пределы файла.',
    'reason.library.tv': 'обязательно для телеурока',
    'reason.library.unknown': 'неизвестно',
    'reason.library.grade': 'предмет не преподаётся в этом классе',
    'reason.library.topic_subject': 'относится к другому предмету',
  },
});

/** Who writes and reviews library content. */
export const EDITORS = ['editor'] as const;

/** Whether a caller may see drafts, unpublished resources and their files. */
export function isEditor(actor: Actor | null): boolean {
  return actor !== null && allows(actor, EDITORS);
}

/** An upload role. */
export type UploadRole = (typeof UPLOAD_ROLES)[number];

/** The library's platform parts: where files go, the media programs. */
export interface LibraryEnv {
  storage: Storage;
  media: MediaTools;
}

/** The job queue the media processing runs in. */
export const MEDIA_QUEUE = 'library.media';

function invalid(locale: Locale, problems: { field: string; reason: string }[]): AppError {
  const details: FieldProblem[] = problems.map((p) => ({
    ...p,
    message: `${p.field}: ${translate(locale, `reason.${p.reason}`)}`,
  }));
  return new AppError(400, 'validation_failed', {}, details);
}

// ---- topics

/**
 * Loads a country pack's curriculum topics (called by the country-pack loader, in its transaction): matched
 * by code, parents before children. Returns how many there are.
 */
export async function loadCurriculumTopics(
  db: Db,
  packTopics: {
    code: string;
    subject: string;
    grades: number[];
    name: Record<'az' | 'ru' | 'en', string>;
    children: unknown[];
  }[],
): Promise<number> {
  let position = 0;
  type T = (typeof packTopics)[number];
  const walk = async (topic: T, parentId: number | null): Promise<void> => {
    const id = await store.upsertTopic(db, {
      code: topic.code,
      parentId,
      subjectCode: topic.subject,
      grades: topic.grades,
      position: ++position,
      nameAz: topic.name.az,
      nameRu: topic.name.ru,
      nameEn: topic.name.en,
    });
    for (const child of topic.children as T[]) await walk(child, id);
  };
  for (const topic of packTopics) await walk(topic, null);
  return position;
}

/** The curriculum topics, optionally of one subject. */
export const listTopics = (db: Db, subject?: string) => store.listTopics(db, subject);

// ---- views

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A resource as anyone may see it: without the accounts of the editors who created, submitted, reviewed it. */
export function publicView({
  createdBy: _created,
  submittedBy: _submitted,
  reviewedBy: _reviewed,
  ...rest
}: ResourceView): PublicResourceView {
  return rest;
}

/** A resource as `actor` may see it: editors with the accounts behind it, anyone else without. */
const viewFor = (actor: Actor | null, view: ResourceView): ResourceView =>
  isEditor(actor) ? view : publicView(view);

/** The API's view of resources: their topics, current files and processing state (editors' shape). */
export async function resourceViews(
  db: Db,
  env: LibraryEnv,
  resources: store.ResourceRow[],
): Promise<EditorResourceView[]> {
  const ids = resources.map((r) => r.id);
  const [topicMap, allFiles, counts] = await Promise.all([
    store.topicsOf(db, ids),
    store.filesOf(db, ids),
    store.countsOf(db, ids),
  ]);
  const available = mediaAvailable(env.media);
  return resources.map((r) => {
    const own = allFiles.filter((f) => f.resourceId === r.id);
    // The latest version of each uploaded role, and what was made from those.
    const latest = new Map<string, store.FileRow>();
    for (const f of own) if (f.sourceFileId === null) latest.set(f.role, f);
    const current = new Set([...latest.values()].map((f) => f.id));
    const shown = own.filter(
      (f) => current.has(f.id) || (f.sourceFileId !== null && current.has(f.sourceFileId)),
    );
    const main = latest.get('main');
    return {
      id: r.id,
      type: r.type,
      state: r.state,
      title: r.title,
      description: r.description,
      language: r.language,
      level: r.level,
      grades: r.grades,
      subject: r.subjectCode,
      topics: (topicMap.get(r.id) ?? []).map((t) => ({
        id: t.id,
        code: t.code,
        parentId: t.parentId,
        subjectCode: t.subjectCode,
        grades: t.grades,
        nameAz: t.nameAz,
        nameRu: t.nameRu,
        nameEn: t.nameEn,
      })),
      authors: r.authors,
      publisher: r.publisher,
      channel: r.channel,
      airDate: r.airDate,
      durationSeconds: r.durationSeconds,
      pages: r.pages,
      licence: r.licence,
      accessibility: r.accessibility,
      createdBy: r.createdBy,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
      submittedBy: r.submittedBy,
      reviewedBy: r.reviewedBy,
      publishedAt: iso(r.publishedAt),
      files: shown.map((f) => ({
        id: f.id,
        role: f.role,
        version: f.version,
        sourceFileId: f.sourceFileId,
        variant: f.variant,
        contentType: f.contentType,
        sizeBytes: f.sizeBytes,
        sha256: f.sha256,
        processingState: f.processingState,
        processingError: f.processingError,
        durationSeconds: f.durationSeconds,
        height: f.height,
        url: f.role === 'hls' ? `/api/library/files/${f.id}/hls/master.m3u8` : `/api/library/files/${f.id}`,
      })),
      processing: {
        available,
        state: main?.processingState ?? 'not_needed',
        error: main?.processingError ?? null,
      },
      views: counts.get(r.id)?.views ?? 0,
      completions: counts.get(r.id)?.completions ?? 0,
    };
  });
}

async function viewOf(db: Db, env: LibraryEnv, row: store.ResourceRow): Promise<EditorResourceView> {
  return (await resourceViews(db, env, [row]))[0]!;
}

// ---- writing resources

/** Checks what the schema cannot: the subject, grades and topics against the country pack, TV lesson fields. */
async function checkResource(db: Db, r: ResourceBody, locale: Locale): Promise<void> {
  const problems: { field: string; reason: string }[] = [];
  if (r.type === 'tv_lesson') {
    if (!r.channel) problems.push({ field: 'channel', reason: 'library.tv' });
    if (!r.airDate) problems.push({ field: 'airDate', reason: 'library.tv' });
  }
  if (r.subject !== null) {
    const subject = (await countryPack(db)).subjects.find((s) => s.code === r.subject);
    if (!subject) problems.push({ field: 'subject', reason: 'library.unknown' });
    else if (r.level === 'general') {
      r.grades.forEach((g, i) => {
        if (!subject.grades.includes(g)) problems.push({ field: `grades.${i}`, reason: 'library.grade' });
      });
    }
  }
  const topicIds = r.topicIds ?? [];
  const found = await store.findTopics(db, topicIds);
  topicIds.forEach((id, i) => {
    const topic = found.find((t) => t.id === id);
    if (!topic) problems.push({ field: `topicIds.${i}`, reason: 'library.unknown' });
    else if (r.subject !== null && topic.subjectCode !== r.subject) {
      problems.push({ field: `topicIds.${i}`, reason: 'library.topic_subject' });
    }
  });
  if (problems.length > 0) throw invalid(locale, problems);
}

const columnsOf = (r: ResourceBody) => ({
  type: r.type,
  title: r.title.trim(),
  description: r.description ?? '',
  language: r.language,
  level: r.level,
  grades: [...r.grades].sort((a, b) => a - b),
  subjectCode: r.subject,
  authors: r.authors,
  publisher: r.publisher,
  channel: r.channel ?? null,
  airDate: r.airDate ?? null,
  durationSeconds: r.durationSeconds ?? null,
  pages: r.pages ?? null,
  licence: r.licence,
  accessibility: r.accessibility,
});

/** Creates a draft; the editor who creates it is its author. */
export async function createResource(
  db: Db,
  env: LibraryEnv,
  ctx: ChangeContext & { actorId: number },
  body: ResourceBody,
  locale: Locale,
): Promise<ResourceView> {
  await checkResource(db, body, locale);
  const row = await db.transaction(async (tx) => {
    const created = await store.insertResource(tx, {
      ...columnsOf(body),
      state: 'draft',
      createdBy: ctx.actorId,
      updatedBy: ctx.actorId,
      changedBy: [ctx.actorId],
    });
    await store.setResourceTopics(tx, created.id, body.topicIds ?? []);
    await store.insertEvent(tx, {
      resourceId: created.id,
      action: 'create',
      fromState: null,
      toState: 'draft',
      actorId: ctx.actorId,
    });
    await audit(tx, ctx, {
      action: 'create',
      entity: 'library_resource',
      entityId: created.id,
      after: created,
    });
    return created;
  });
  return viewOf(db, env, row);
}

/** Loads a resource that must be in one of `states`, locked for the transaction. */
async function resourceIn(
  tx: Db,
  id: number,
  states: store.ResourceState[],
  refusal: (row: store.ResourceRow) => AppError,
): Promise<store.ResourceRow> {
  const row = await store.findResource(tx, id, true);
  if (!row) throw notFound('resource');
  if (!states.includes(row.state)) throw refusal(row);
  return row;
}

const notEditable = (row: store.ResourceRow) =>
  new AppError(409, 'library_not_editable', { state: row.state });

/** Changes a draft (or an unpublished resource, which stays unpublished until it is submitted again). */
export async function updateResource(
  db: Db,
  env: LibraryEnv,
  ctx: ChangeContext & { actorId: number },
  id: number,
  patch: PatchResourceBody,
  locale: Locale,
): Promise<ResourceView> {
  const row = await db.transaction(async (tx) => {
    const before = await resourceIn(tx, id, ['draft', 'unpublished'], notEditable);
    const topicIds = patch.topicIds ?? (await store.topicsOf(tx, [id])).get(id)?.map((t) => t.id) ?? [];
    const merged: ResourceBody = {
      type: patch.type ?? before.type,
      title: patch.title ?? before.title,
      description: patch.description ?? before.description,
      language: patch.language ?? before.language,
      level: patch.level ?? before.level,
      grades: patch.grades ?? before.grades,
      subject: patch.subject !== undefined ? patch.subject : before.subjectCode,
      topicIds,
      authors: patch.authors ?? before.authors,
      publisher: patch.publisher !== undefined ? patch.publisher : before.publisher,
      channel: patch.channel !== undefined ? patch.channel : before.channel,
      airDate: patch.airDate !== undefined ? patch.airDate : before.airDate,
      durationSeconds: patch.durationSeconds !== undefined ? patch.durationSeconds : before.durationSeconds,
      pages: patch.pages !== undefined ? patch.pages : before.pages,
      licence: patch.licence ?? before.licence,
      accessibility: patch.accessibility ?? before.accessibility,
    };
    await checkResource(tx, merged, locale);
    await store.noteChange(tx, id, ctx.actorId);
    const after = await store.updateResource(tx, id, { ...columnsOf(merged), updatedBy: ctx.actorId });
    if (patch.topicIds) await store.setResourceTopics(tx, id, patch.topicIds);
    await audit(tx, ctx, { action: 'update', entity: 'library_resource', entityId: id, before, after });
    return after;
  });
  return viewOf(db, env, row);
}

/** One workflow step: checks the state, moves it, records the history and the audit entry together. */
async function transition(
  db: Db,
  env: LibraryEnv,
  ctx: ChangeContext & { actorId: number },
  id: number,
  step: {
    action: 'submit' | 'publish' | 'reject' | 'unpublish';
    from: store.ResourceState[];
    to: store.ResourceState;
    note?: string;
    check?: (tx: Db, row: store.ResourceRow) => Promise<void>;
    set?: Partial<store.ResourceRow>;
  },
): Promise<ResourceView> {
  const row = await db.transaction(async (tx) => {
    const before = await resourceIn(
      tx,
      id,
      step.from,
      (r) => new AppError(409, 'library_bad_transition', { state: r.state, action: step.action }),
    );
    await step.check?.(tx, before);
    const after = await store.updateResource(tx, id, { ...step.set, state: step.to, updatedBy: ctx.actorId });
    await store.insertEvent(tx, {
      resourceId: id,
      action: step.action,
      fromState: before.state,
      toState: step.to,
      actorId: ctx.actorId,
      note: step.note ?? null,
    });
    await audit(tx, ctx, { action: step.action, entity: 'library_resource', entityId: id, before, after });
    return after;
  });
  return viewOf(db, env, row);
}

/** Sends a draft for review. Its main file must be there and processed (or processing unavailable). */
export function submitResource(
  db: Db,
  env: LibraryEnv,
  ctx: ChangeContext & { actorId: number },
  id: number,
  note?: string,
): Promise<ResourceView> {
  return transition(db, env, ctx, id, {
    action: 'submit',
    from: ['draft', 'unpublished'],
    to: 'in_review',
    note,
    set: { submittedBy: ctx.actorId, submittedAt: new Date() },
    check: async (tx) => {
      const uploads = (await store.filesOf(tx, [id])).filter(
        (f) => f.role === 'main' && f.sourceFileId === null,
      );
      const main = uploads.at(-1);
      if (!main) throw new AppError(409, 'library_no_main_file');
      if (main.processingState === 'pending') throw new AppError(409, 'library_processing_pending');
      if (main.processingState === 'failed') {
        throw new AppError(409, 'library_processing_failed', { error: main.processingError ?? '' });
      }
    },
  });
}

/**
 * A second editor publishes it or sends it back to draft: one who changed nothing in this version — not its
 * author, not an editor who changed its description or files since it was last published — and did not
 * submit it.
 */
export function reviewResource(
  db: Db,
  env: LibraryEnv,
  ctx: ChangeContext & { actorId: number },
  id: number,
  decision: 'publish' | 'reject',
  note?: string,
): Promise<ResourceView> {
  const now = clock.now();
  return transition(db, env, ctx, id, {
    action: decision,
    from: ['in_review'],
    to: decision === 'publish' ? 'published' : 'draft',
    note,
    set: {
      reviewedBy: ctx.actorId,
      reviewedAt: now,
      ...(decision === 'publish' ? { publishedAt: now, changedBy: [] } : {}),
    },
    check: async (_tx, row) => {
      if (row.changedBy.includes(ctx.actorId) || row.submittedBy === ctx.actorId) {
        throw new AppError(403, 'library_own_review');
      }
    },
  });
}

/** Takes a resource off the library; its history and files stay, and it can be submitted again. */
export function unpublishResource(
  db: Db,
  env: LibraryEnv,
  ctx: ChangeContext & { actorId: number },
  id: number,
  note?: string,
): Promise<ResourceView> {
  return transition(db, env, ctx, id, { action: 'unpublish', from: ['published'], to: 'unpublished', note });
}

// ---- reading resources

/** A resource: anyone sees a published one, editors see every state. */
export async function getResource(
  db: Db,
  env: LibraryEnv,
  id: number,
  actor: Actor | null,
): Promise<ResourceView> {
  const row = await store.findResource(db, id);
  if (!row || (row.state !== 'published' && !isEditor(actor))) throw notFound('resource');
  return viewFor(actor, await viewOf(db, env, row));
}

/** Editors' list of resources. */
export async function listResources(
  db: Db,
  env: LibraryEnv,
  filter: { state?: store.ResourceState; limit: number; offset: number },
): Promise<EditorResourceView[]> {
  return resourceViews(db, env, await store.listResources(db, filter));
}

/** A resource's publishing history. */
export async function history(db: Db, id: number) {
  if (!(await store.findResource(db, id))) throw notFound('resource');
  return (await store.listEvents(db, id)).map((e) => ({
    action: e.action,
    fromState: e.fromState,
    toState: e.toState,
    actorId: e.actorId,
    note: e.note,
    at: e.at.toISOString(),
  }));
}

// ---- search

/**
 * Cuts a title into marked and unmarked pieces. Both the title (character by character) and the query terms
 * were folded by the database, so this compares folded text only and never folds in JavaScript. A word is
 * marked when it starts with a term, or shares with it a prefix of all but its last two letters (a stem:
 * "школы" marks "Школа").
 */
export function highlight(
  title: string,
  folded: string[],
  terms: string[],
): { text: string; match: boolean }[] {
  const chars = Array.from(title);
  if (folded.length !== chars.length || terms.length === 0) return [{ text: title, match: false }];
  const isWord = (s: string) => /^[\p{L}\p{N}]+$/u.test(s);
  const marked = new Array<boolean>(chars.length).fill(false);
  let i = 0;
  while (i < chars.length) {
    if (!isWord(folded[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j < chars.length && isWord(folded[j]!)) j++;
    const word = folded.slice(i, j).join('');
    const hit = terms.some((t) => {
      const need = Math.min(t.length, Math.max(3, t.length - 2));
      let common = 0;
      while (common < t.length && common < word.length && t[common] === word[common]) common++;
      return common >= need && common > 0;
    });
    if (hit) for (let k = i; k < j; k++) marked[k] = true;
    i = j;
  }
  const out: { text: string; match: boolean }[] = [];
  chars.forEach((c, k) => {
    const last = out.at(-1);
    if (last && last.match === marked[k]) last.text += c;
    else out.push({ text: c, match: marked[k]! });
  });
  return out;
}

/** Searches published resources; answers the page with highlights, the total and facet counts. */
export async function searchResources(db: Db, env: LibraryEnv, filter: store.SearchFilter) {
  const result = await store.search(db, filter);
  const views = await resourceViews(
    db,
    env,
    await store.findResources(
      db,
      result.hits.map((h) => h.id),
    ),
  );
  const viewById = new Map(views.map((v) => [v.id, publicView(v)]));
  const facets: Record<string, { value: string; count: number }[]> = {};
  for (const f of result.facets) (facets[f.facet] ??= []).push({ value: f.value, count: f.count });
  for (const list of Object.values(facets))
    list.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  return {
    total: result.total,
    totalIsLowerBound: result.capped,
    items: result.hits
      .filter((h) => viewById.has(h.id))
      .map((h) => {
        const resource = viewById.get(h.id)!;
        return {
          resource,
          score: h.score,
          highlight: highlight(resource.title, h.titleFolded, result.terms),
        };
      }),
    facets,
  };
}

/** Title suggestions as one types. */
export async function suggestTitles(db: Db, q: string, limit: number) {
  return { items: q.trim() === '' ? [] : await store.suggest(db, q, limit) };
}

// ---- files

const extensionOf = (kind: string) => kind;

/**
 * Takes a finished upload into the library: tells its kind by content, checks it against the role and the
 * kind's size limit, computes its SHA-256, moves it into storage and records it as the role's next version
 * — and, for audio and video, queues its processing in the same transaction. Until this succeeds nothing of
 * the upload is visible; when it fails the upload is removed.
 */
export async function registerUpload(
  db: Db,
  env: LibraryEnv,
  ctx: ChangeContext & { actorId: number },
  upload: { resourceId: number; role: UploadRole; path: string; originalName: string | null },
): Promise<store.FileRow> {
  if ((await stat(upload.path)).size === 0) throw new AppError(400, 'library_file_empty');
  const kind = await identify(upload.path);
  const accepted = ROLE_KINDS[upload.role];
  if (!kind || !accepted.includes(kind)) {
    throw new AppError(415, 'library_file_type', { role: upload.role, accepted: accepted.join(', ') });
  }
  const info = KINDS[kind];
  const size = (await stat(upload.path)).size;
  if (size > info.maxBytes) throw new AppError(413, 'library_file_too_large', { limit: info.maxBytes });
  const sha256 = await sha256File(upload.path);
  const processable = info.media !== null && upload.role === 'main';
  const available = mediaAvailable(env.media);
  return db.transaction(async (tx) => {
    await resourceIn(tx, upload.resourceId, ['draft', 'unpublished'], notEditable);
    await store.noteChange(tx, upload.resourceId, ctx.actorId);
    const version = await store.nextFileVersion(tx, upload.resourceId, upload.role);
    const base = `library/${upload.resourceId}/${upload.role}/v${version}`;
    const key = `${base}/original.${extensionOf(kind)}`;
    const file = await store.insertFile(tx, {
      resourceId: upload.resourceId,
      role: upload.role,
      version,
      storageKey: key,
      contentType: info.contentType,
      sizeBytes: size,
      sha256,
      originalName: upload.originalName,
      processingState: processable ? (available ? 'pending' : 'unavailable') : 'not_needed',
      createdBy: ctx.actorId,
    });
    if (processable && available) await enqueue(tx, MEDIA_QUEUE, { fileId: file.id }, { maxAttempts: 3 });
    await audit(tx, ctx, { action: 'upload', entity: 'library_file', entityId: file.id, after: file });
    // Last: if the move fails the transaction rolls back, and nothing points at a missing file.
    await env.storage.putFile(key, upload.path);
    return file;
  });
}

/** Checks, before an upload starts, that its resource exists and still takes files. */
export async function checkUploadTarget(db: Db, resourceId: number): Promise<void> {
  const row = await store.findResource(db, resourceId);
  if (!row) throw notFound('resource');
  if (row.state !== 'draft' && row.state !== 'unpublished') throw notEditable(row);
}

/**
 * A file a caller may fetch: any file of a published resource, every file for editors. `published` says
 * whether shared caches may keep it (an editor's view of a draft must not end up in a CDN).
 */
export async function fileFor(
  db: Db,
  fileId: number,
  actor: Actor | null,
): Promise<{ file: store.FileRow; published: boolean }> {
  const file = await store.findFile(db, fileId);
  if (!file) throw notFound('file');
  const resource = await store.findResource(db, file.resourceId);
  const published = resource?.state === 'published';
  if (!published && !isEditor(actor)) throw notFound('file');
  return { file, published };
}

/** The storage key of an HLS playlist or segment of a processed file. */
export function hlsKey(file: store.FileRow, name: string): string {
  if (file.role !== 'hls') throw notFound('file');
  return `${path.posix.dirname(file.storageKey)}/${name}`;
}

/**
 * The media job: probes the current upload, makes its renditions, HLS, audio track and thumbnail, stores
 * them and records them as files derived from it, with the duration. A file that cannot be read fails for
 * good, and `onFailed` records why on the upload, so the resource cannot be submitted until a new version is.
 */
export function mediaJob(db: Db, env: LibraryEnv): JobHandler {
  return {
    lockMs: 60 * 60_000,
    async run(job) {
      const { fileId } = job.payload as { fileId: number };
      const file = await store.findFile(db, fileId);
      if (!file || file.processingState !== 'pending') return;
      // The same bytes were processed before (uploaded again, or one video in two resources): what was made
      // from them serves this upload too — the same stored files, no second transcode.
      const twin = file.sha256 ? await store.processedTwin(db, file.sha256, file.id) : undefined;
      if (twin) {
        await db.transaction(async (tx) => {
          await store.deleteDerivedFiles(tx, file.id);
          await store.insertFiles(
            tx,
            twin.derived.map((d) => ({
              resourceId: file.resourceId,
              role: d.role,
              version: file.version,
              sourceFileId: file.id,
              variant: d.variant,
              storageKey: d.storageKey,
              contentType: d.contentType,
              sizeBytes: d.sizeBytes,
              sha256: d.sha256,
              durationSeconds: d.durationSeconds,
              height: d.height,
            })),
          );
          const { durationSeconds, width, height } = twin.upload;
          await store.updateFileProcessing(tx, file.id, {
            processingState: 'done',
            processingError: null,
            durationSeconds,
            width,
            height,
          });
          const resource = await store.findResource(tx, file.resourceId, true);
          if (resource && resource.durationSeconds === null && durationSeconds !== null) {
            await store.updateResource(tx, resource.id, { durationSeconds });
          }
        });
        return;
      }
      const base = path.posix.dirname(file.storageKey);
      const local = await env.storage.localPath(file.storageKey);
      const work = await mkdtemp(path.join(os.tmpdir(), 'maktab-media-'));
      try {
        const info = await probe(env.media, local.path);
        await mkdir(path.join(work, 'hls'), { recursive: true });
        const outputs = await transcode(env.media, local.path, info, work);
        // Everything ffmpeg wrote goes to storage, HLS segments included (they have no rows of their own).
        await env.storage.deletePrefix(`${base}/derived`);
        const sizes = new Map<string, number>();
        // The files with rows get their checksum too: it is their entity tag when served.
        const hashes = new Map<string, string>();
        for (const o of outputs) hashes.set(o.file, await sha256File(path.join(work, o.file)));
        for (const rel of await listFiles(work)) {
          sizes.set(rel, (await stat(path.join(work, rel))).size);
          await env.storage.putFile(`${base}/derived/${rel}`, path.join(work, rel));
        }
        const duration = Math.round(info.durationSeconds);
        await db.transaction(async (tx) => {
          await store.deleteDerivedFiles(tx, file.id);
          for (const o of outputs) {
            await store.insertFile(tx, {
              resourceId: file.resourceId,
              role: o.role,
              version: file.version,
              sourceFileId: file.id,
              variant: o.variant,
              storageKey: `${base}/derived/${o.file}`,
              contentType: o.contentType,
              sizeBytes: sizes.get(o.file) ?? 0,
              sha256: hashes.get(o.file) ?? null,
              durationSeconds: o.role === 'thumbnail' ? null : duration,
              height: o.height,
            });
          }
          await store.updateFileProcessing(tx, file.id, {
            processingState: 'done',
            processingError: null,
            durationSeconds: duration,
            width: info.width,
            height: info.height,
          });
          const resource = await store.findResource(tx, file.resourceId, true);
          if (resource && resource.durationSeconds === null) {
            await store.updateResource(tx, resource.id, { durationSeconds: duration });
          }
        });
      } finally {
        await local.release();
        await rm(work, { recursive: true, force: true });
      }
    },
    async onFailed(tx, job, message) {
      const { fileId } = job.payload as { fileId: number };
      await store.updateFileProcessing(tx, fileId, { processingState: 'failed', processingError: message });
      await audit(
        tx,
        { actorId: null, ip: null },
        {
          action: 'processing_failed',
          entity: 'library_file',
          entityId: fileId,
          after: { error: message },
        },
      );
    },
  };
}

// ---- collections

/** Creates a collection or playlist. */
export async function createCollection(
  db: Db,
  ctx: ChangeContext & { actorId: number },
  body: { kind: 'collection' | 'playlist'; title: string; description?: string },
) {
  return db.transaction(async (tx) => {
    const row = await store.insertCollection(tx, {
      kind: body.kind,
      title: body.title.trim(),
      description: body.description ?? '',
      createdBy: ctx.actorId,
    });
    await audit(tx, ctx, { action: 'create', entity: 'library_collection', entityId: row.id, after: row });
    return {
      id: row.id,
      kind: row.kind,
      title: row.title,
      description: row.description,
      version: row.itemsVersion,
      resources: [],
    };
  });
}

/**
 * Replaces a collection's resources (in order) from the version of them read; every one must exist. A save
 * from an older version is refused with both versions.
 */
export async function setCollectionItems(
  db: Db,
  env: LibraryEnv,
  ctx: ChangeContext & { actorId: number },
  id: number,
  input: { version: number; resourceIds: number[] },
  locale: Locale,
) {
  const { resourceIds } = input;
  await db.transaction(async (tx) => {
    const collection = await store.findCollection(tx, id, true);
    if (!collection) throw notFound('collection');
    // The row is locked above: of two saves from the same read, the second waits, then misses the version.
    if ((await store.bumpCollectionItemsVersion(tx, id, input.version)) === undefined) {
      throw staleVersion(input, await getCollection(tx, env, id, null, true));
    }
    const existing = new Set(await store.existingResourceIds(tx, resourceIds));
    const missing = resourceIds.flatMap((r, i) =>
      existing.has(r) ? [] : [{ field: `resourceIds.${i}`, reason: 'library.unknown' }],
    );
    if (missing.length > 0) throw invalid(locale, missing);
    await store.setCollectionItems(tx, id, resourceIds);
    await audit(tx, ctx, {
      action: 'set_items',
      entity: 'library_collection',
      entityId: id,
      after: { resourceIds },
    });
  });
  return getCollection(db, env, id, null, true);
}

/** A collection with its resources: published ones for everyone, all for editors. */
/** The collections and playlists anyone may browse: those holding published resources. */
export async function listCollections(db: Db) {
  return { items: await store.listCollections(db) };
}

export async function getCollection(db: Db, env: LibraryEnv, id: number, actor: Actor | null, all = false) {
  const collection = await store.findCollection(db, id);
  if (!collection) throw notFound('collection');
  const editor = all || isEditor(actor);
  const resources = await store.collectionResources(db, id, editor);
  const views = await resourceViews(db, env, resources);
  return {
    id: collection.id,
    kind: collection.kind,
    title: collection.title,
    description: collection.description,
    version: collection.itemsVersion,
    resources: editor ? views : views.map(publicView),
  };
}

// ---- views and completions

/** How long the same client's same event on a resource counts once. */
const EVENT_WINDOW_MS = 10 * 60_000;
/** How many events one client address may add per hour (a script walking every id counts little). */
const EVENTS_PER_HOUR = 120;
/** Entries kept at most, per app node; past it the oldest half of the memory is dropped. */
const EVENT_MEMORY = 100_000;

/**
 * Remembers, in this node's memory only, which client address recently counted what: a salted hash of the
 * address (the salt is random per process and never stored), never the address itself, and nothing goes to
 * the database but the counts. A class behind one school address watching the same video counts it once per
 * window: the counts are "opened at least this often", not audience measurement.
 */
export class EventDeduplicator {
  private readonly salt = randomBytes(16);
  private readonly seen = new Map<string, number>();
  private readonly perClient = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Whether this event counts (and, if so, remembers it). */
  admit(address: string, resourceId: number, kind: string): boolean {
    const now = this.now();
    const client = createHash('sha256').update(this.salt).update(address).digest('base64url').slice(0, 16);
    const key = `${client}:${resourceId}:${kind}`;
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    let quota = this.perClient.get(client);
    if (!quota || quota.resetAt <= now) quota = { count: 0, resetAt: now + 3600_000 };
    if (quota.count >= EVENTS_PER_HOUR) return false;
    quota.count++;
    this.perClient.set(client, quota);
    if (this.seen.size >= EVENT_MEMORY) this.prune(now);
    this.seen.set(key, now + EVENT_WINDOW_MS);
    return true;
  }

  private prune(now: number) {
    for (const [key, until] of this.seen) if (until <= now) this.seen.delete(key);
    for (const [key, quota] of this.perClient) if (quota.resetAt <= now) this.perClient.delete(key);
    // Still full (a flood of addresses): forget the older half rather than grow.
    if (this.seen.size >= EVENT_MEMORY) {
      let drop = this.seen.size / 2;
      for (const key of this.seen.keys()) {
        if (drop-- <= 0) break;
        this.seen.delete(key);
      }
    }
  }
}

/** Counts a view or completion of a published resource, unless this client counted it just now. */
export async function recordResourceEvent(
  db: Db,
  dedup: EventDeduplicator,
  id: number,
  kind: 'view' | 'complete',
  address: string,
): Promise<{ counted: boolean }> {
  const row = await store.findResource(db, id);
  if (!row || row.state !== 'published') throw notFound('resource');
  if (!dedup.admit(address, id, kind)) return { counted: false };
  await store.addCount(db, id, kind);
  return { counted: true };
}

// ---- references from other modules

/**
 * The published resources among these ids, with what a reference shows (title, type, main file size): how
 * another module (a lesson's materials) checks that a resource it points at exists and may be shown.
 */
export async function publishedResources(db: Db, ids: number[]): Promise<Map<number, store.PublishedRef>> {
  const unique = [...new Set(ids)];
  return new Map((await store.publishedRefs(db, unique)).map((r) => [r.id, r]));
}

// ---- description for search engines (LRMI)

/** A published resource with its schema.org LearningResource; null when it is not published. */
export async function publicLearningResource(
  db: Db,
  env: LibraryEnv,
  id: number,
  baseUrl: string,
): Promise<{ view: ResourceView; jsonLd: Record<string, unknown>; subject: SubjectNames | null } | null> {
  const row = await store.findResource(db, id);
  if (!row || row.state !== 'published') return null;
  const view = publicView(await viewOf(db, env, row));
  const subject = row.subjectCode ? ((await subjectsByCode(db, [row.subjectCode]))[0] ?? null) : null;
  return { view, jsonLd: learningResource(view, { baseUrl, subject }), subject };
}

// ---- shelves for offline use

/** A grade-and-subject shelf of published resources, to save on a device for offline use. */
export async function shelf(db: Db, env: LibraryEnv, grade: number, subject: string, limit: number) {
  const found = await store.shelf(db, grade, subject, limit + 1);
  return {
    grade,
    subject,
    resources: (await resourceViews(db, env, found.slice(0, limit))).map(publicView),
    more: found.length > limit,
  };
}

// ---- sitemaps

/** The most URLs one sitemap file may list (sitemaps.org); more go into several files under an index. */
export const SITEMAP_MAX_URLS = 50_000;

/** One page a sitemap lists: its path on this site and, when known, when it last changed. */
export interface SitemapUrl {
  path: string;
  lastmod?: Date;
}

/** The library's sitemap: every URL in one file, or (too many for one) the names of the files that hold them. */
export type LibrarySitemap =
  { kind: 'urlset'; urls: SitemapUrl[] } | { kind: 'index'; parts: { name: string; lastmod?: Date }[] };

/** The library's own pages: the search, the e-textbooks, the collections and each collection with a published resource. */
async function sitemapPages(db: Db): Promise<SitemapUrl[]> {
  const listed = await store.listCollections(db);
  return [
    { path: '/resources' },
    { path: '/textbooks' },
    { path: '/collections' },
    ...listed.map((c) => ({ path: `/collections/${c.id}` })),
  ];
}

const resourceUrls = (found: { id: number; updatedAt: Date }[]): SitemapUrl[] =>
  found.map((r) => ({ path: `/resources/${r.id}`, lastmod: new Date(r.updatedAt) }));

/**
 * The public pages of the library for search engines: the library's pages and every published resource's page
 * (the e-textbooks among them). Up to `max` URLs (`extra` of them the caller's own) come as one list; beyond
 * that as an index of parts: `pages`, then `resources-N`, each holding the published resources among ids
 * (N−1)·max+1 … N·max, so a part never holds more than `max` and its address stays the same as the library grows.
 */
export async function sitemap(db: Db, extra = 0, max = SITEMAP_MAX_URLS): Promise<LibrarySitemap> {
  const pages = await sitemapPages(db);
  const blocks = await store.sitemapBlocks(db, max);
  const total = blocks.reduce((sum, b) => sum + b.count, 0);
  if (extra + pages.length + total <= max) {
    return {
      kind: 'urlset',
      urls: [...pages, ...resourceUrls(await store.sitemapResources(db, 1, 2 ** 31 - 1))],
    };
  }
  return {
    kind: 'index',
    parts: [
      { name: 'pages' },
      ...blocks.map((b) => ({ name: `resources-${b.block}`, lastmod: new Date(b.lastmod * 1000) })),
    ],
  };
}

/** One part of the sitemap's index (see `sitemap`); null for a name it does not have. */
export async function sitemapPart(
  db: Db,
  name: string,
  max = SITEMAP_MAX_URLS,
): Promise<SitemapUrl[] | null> {
  if (name === 'pages') return sitemapPages(db);
  const block = /^resources-([1-9][0-9]{0,5})$/.exec(name);
  if (!block) return null;
  const n = Number(block[1]);
  const from = (n - 1) * max + 1;
  if (from > 2 ** 31 - 1) return null;
  const found = await store.sitemapResources(db, from, Math.min(n * max, 2 ** 31 - 1));
  return found.length > 0 ? resourceUrls(found) : null;
}
