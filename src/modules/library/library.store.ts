import { and, asc, desc, eq, inArray, isNull, max, sql, type SQL } from 'drizzle-orm';
import { intArray, rows, type Db } from '@/server/db/database';
import { bulkInsert } from '@/server/db/bulk';
import {
  collectionItems,
  collections,
  files,
  resourceCounts,
  resourceEvents,
  resources,
  resourceTopics,
  topics,
  type RESOURCE_STATES,
} from '@/modules/library/library.tables';

/** The library's SQL, and only SQL. */

/** A resource as stored. */
export type ResourceRow = typeof resources.$inferSelect;
/** A file as stored. */
export type FileRow = typeof files.$inferSelect;
/** A topic as stored. */
export type TopicRow = typeof topics.$inferSelect;
/** A publishing event as stored. */
export type EventRow = typeof resourceEvents.$inferSelect;
/** A collection as stored. */
export type CollectionRow = typeof collections.$inferSelect;
/** A workflow state. */
export type ResourceState = (typeof RESOURCE_STATES)[number];

// ---- topics

/** Inserts or updates topics by code (parents first), returning their ids by code. */
export async function upsertTopic(db: Db, values: Omit<typeof topics.$inferInsert, 'id'>): Promise<number> {
  const [row] = await db
    .insert(topics)
    .values(values)
    .onConflictDoUpdate({
      target: topics.code,
      set: {
        parentId: values.parentId ?? null,
        subjectCode: values.subjectCode,
        grades: values.grades,
        position: values.position,
        nameAz: values.nameAz,
        nameRu: values.nameRu,
        nameEn: values.nameEn,
      },
    })
    .returning({ id: topics.id });
  return row!.id;
}

/** Topics, optionally of one subject, in their order. */
export function listTopics(db: Db, subjectCode?: string): Promise<TopicRow[]> {
  return db
    .select()
    .from(topics)
    .where(subjectCode ? eq(topics.subjectCode, subjectCode) : undefined)
    .orderBy(asc(topics.position));
}

/** The topics with these ids that exist. */
export function findTopics(db: Db, ids: number[]): Promise<TopicRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.select().from(topics).where(inArray(topics.id, ids));
}

// ---- resources

/** Resources by id, in no particular order. */
export function findResources(db: Db, ids: number[]): Promise<ResourceRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.select().from(resources).where(inArray(resources.id, ids));
}

/** Inserts a resource. */
export async function insertResource(db: Db, values: typeof resources.$inferInsert): Promise<ResourceRow> {
  const [row] = await db.insert(resources).values(values).returning();
  return row!;
}

/** Notes that an editor changed a resource's content (once per editor until it is published). */
export async function noteChange(db: Db, id: number, actorId: number): Promise<void> {
  await db.execute(
    sql`update ${resources}
        set changed_by = case when ${actorId}::int = any(changed_by) then changed_by
                              else array_append(changed_by, ${actorId}::int) end
        where id = ${id}`,
  );
}

/** Updates a resource and returns it as it is now. */
export async function updateResource(
  db: Db,
  id: number,
  values: Partial<typeof resources.$inferInsert>,
): Promise<ResourceRow> {
  const [row] = await db
    .update(resources)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(resources.id, id))
    .returning();
  return row!;
}

/** A resource, optionally locked for the rest of the transaction (workflow steps take turns). */
export async function findResource(db: Db, id: number, lock = false): Promise<ResourceRow | undefined> {
  const query = db.select().from(resources).where(eq(resources.id, id));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/** Resources for editors' lists, newest change first. */
export function listResources(
  db: Db,
  filter: { state?: ResourceState; limit: number; offset: number },
): Promise<ResourceRow[]> {
  return db
    .select()
    .from(resources)
    .where(filter.state ? eq(resources.state, filter.state) : undefined)
    .orderBy(desc(resources.updatedAt), desc(resources.id))
    .limit(filter.limit)
    .offset(filter.offset);
}

/** Replaces a resource's topics. */
export async function setResourceTopics(db: Db, resourceId: number, topicIds: number[]): Promise<void> {
  await db.delete(resourceTopics).where(eq(resourceTopics.resourceId, resourceId));
  if (topicIds.length > 0) {
    await db.insert(resourceTopics).values(topicIds.map((topicId) => ({ resourceId, topicId })));
  }
}

/** The topics of resources, by resource id. */
export async function topicsOf(db: Db, resourceIds: number[]): Promise<Map<number, TopicRow[]>> {
  const out = new Map<number, TopicRow[]>();
  if (resourceIds.length === 0) return out;
  const found = await db
    .select({ resourceId: resourceTopics.resourceId, topic: topics })
    .from(resourceTopics)
    .innerJoin(topics, eq(topics.id, resourceTopics.topicId))
    .where(inArray(resourceTopics.resourceId, resourceIds))
    .orderBy(asc(topics.position));
  for (const { resourceId, topic } of found) out.set(resourceId, [...(out.get(resourceId) ?? []), topic]);
  return out;
}

/** Appends a publishing event. */
export async function insertEvent(db: Db, values: typeof resourceEvents.$inferInsert): Promise<void> {
  await db.insert(resourceEvents).values(values);
}

/** A resource's publishing history, oldest first. */
export function listEvents(db: Db, resourceId: number): Promise<EventRow[]> {
  return db
    .select()
    .from(resourceEvents)
    .where(eq(resourceEvents.resourceId, resourceId))
    .orderBy(asc(resourceEvents.at), asc(resourceEvents.id));
}

// ---- files

/** The next version number of an upload role of a resource. */
export async function nextFileVersion(db: Db, resourceId: number, role: FileRow['role']): Promise<number> {
  const [row] = await db
    .select({ version: max(files.version) })
    .from(files)
    .where(and(eq(files.resourceId, resourceId), eq(files.role, role), isNull(files.sourceFileId)));
  return (row?.version ?? 0) + 1;
}

/** Inserts a file row. */
export async function insertFile(db: Db, values: typeof files.$inferInsert): Promise<FileRow> {
  const [row] = await db.insert(files).values(values).returning();
  return row!;
}

/** Inserts several file rows in one statement (the files made from an upload). */
export async function insertFiles(db: Db, values: (typeof files.$inferInsert)[]): Promise<void> {
  if (values.length > 0) await db.insert(files).values(values);
}

/** A file. */
export async function findFile(db: Db, id: number): Promise<FileRow | undefined> {
  const [row] = await db.select().from(files).where(eq(files.id, id));
  return row;
}

/** Every file of resources, uploads and derived, in version order. */
export function filesOf(db: Db, resourceIds: number[]): Promise<FileRow[]> {
  if (resourceIds.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(files)
    .where(inArray(files.resourceId, resourceIds))
    .orderBy(asc(files.resourceId), asc(files.role), asc(files.version), asc(files.id));
}

/** Records the state of an upload's processing (and what it found: duration, picture size). */
export async function updateFileProcessing(
  db: Db,
  id: number,
  values: Pick<
    Partial<FileRow>,
    'processingState' | 'processingError' | 'durationSeconds' | 'width' | 'height'
  >,
): Promise<void> {
  await db.update(files).set(values).where(eq(files.id, id));
}

/** Removes the files derived from an upload (before processing it again). */
export async function deleteDerivedFiles(db: Db, sourceFileId: number): Promise<void> {
  await db.delete(files).where(eq(files.sourceFileId, sourceFileId));
}

/**
 * An upload with these bytes (SHA-256) that was processed already, other than `exceptId`, with the files made
 * from it: the same video uploaded again, or published in two resources, is processed once.
 */
export async function processedTwin(
  db: Db,
  sha256: string,
  exceptId: number,
): Promise<{ upload: FileRow; derived: FileRow[] } | undefined> {
  const [upload] = await db
    .select()
    .from(files)
    .where(
      and(
        eq(files.sha256, sha256),
        isNull(files.sourceFileId),
        eq(files.processingState, 'done'),
        sql`${files.id} <> ${exceptId}`,
      ),
    )
    .orderBy(asc(files.id))
    .limit(1);
  if (!upload) return undefined;
  const derived = await db
    .select()
    .from(files)
    .where(eq(files.sourceFileId, upload.id))
    .orderBy(asc(files.id));
  return { upload, derived };
}

// ---- collections

/** Inserts a collection. */
export async function insertCollection(
  db: Db,
  values: typeof collections.$inferInsert,
): Promise<CollectionRow> {
  const [row] = await db.insert(collections).values(values).returning();
  return row!;
}

/** A collection. */
export async function findCollection(db: Db, id: number, lock = false): Promise<CollectionRow | undefined> {
  const query = db.select().from(collections).where(eq(collections.id, id));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/** Every collection with its number of published resources; those without any are left out. */
export async function listCollections(db: Db) {
  return rows<{
    id: number;
    kind: CollectionRow['kind'];
    title: string;
    description: string;
    resources: number;
  }>(
    db,
    sql`select c.id, c.kind, c.title, c.description, count(r.id)::int as resources
        from ${collections} c
        join ${collectionItems} i on i.collection_id = c.id
        join ${resources} r on r.id = i.resource_id and r.state = 'published'
        group by c.id order by c.title, c.id`,
  );
}

/** Replaces a collection's items, in the order given. */
export async function setCollectionItems(db: Db, collectionId: number, resourceIds: number[]): Promise<void> {
  await db.delete(collectionItems).where(eq(collectionItems.collectionId, collectionId));
  if (resourceIds.length > 0) {
    await db
      .insert(collectionItems)
      .values(resourceIds.map((resourceId, i) => ({ collectionId, resourceId, position: i + 1 })));
  }
  await db.update(collections).set({ updatedAt: new Date() }).where(eq(collections.id, collectionId));
}

/**
 * Bumps the version of a collection's items, only if it is still `version`: the new version, or undefined
 * when someone else saved them meanwhile (a concurrent save waits on the row lock, then misses the version).
 */
export async function bumpCollectionItemsVersion(
  db: Db,
  collectionId: number,
  version: number,
): Promise<number | undefined> {
  const [row] = await db
    .update(collections)
    .set({ itemsVersion: sql`${collections.itemsVersion} + 1` })
    .where(and(eq(collections.id, collectionId), eq(collections.itemsVersion, version)))
    .returning({ version: collections.itemsVersion });
  return row?.version;
}

/** The resources of a collection in order; only published ones unless `all`. */
export async function collectionResources(
  db: Db,
  collectionId: number,
  all: boolean,
): Promise<ResourceRow[]> {
  const found = await db
    .select({ resource: resources })
    .from(collectionItems)
    .innerJoin(resources, eq(resources.id, collectionItems.resourceId))
    .where(
      and(eq(collectionItems.collectionId, collectionId), all ? undefined : eq(resources.state, 'published')),
    )
    .orderBy(asc(collectionItems.position));
  return found.map((r) => r.resource);
}

/** The resources with these ids that exist. */
export async function existingResourceIds(db: Db, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const found = await db.select({ id: resources.id }).from(resources).where(inArray(resources.id, ids));
  return found.map((r) => r.id);
}

// ---- search

/** Duration buckets of the search filter: short under 10 min, medium 10–30 min, long over 30 min. */
export const DURATION_BUCKETS = ['short', 'medium', 'long'] as const;
/** One of the duration buckets. */
export type DurationBucket = (typeof DURATION_BUCKETS)[number];

const bucketSql = sql`case when r.duration_seconds < 600 then 'short'
  when r.duration_seconds <= 1800 then 'medium' else 'long' end`;

/** What a search asks for. Absent fields do not filter. */
export interface SearchFilter {
  q?: string;
  type?: string;
  grade?: number;
  subject?: string;
  language?: string;
  level?: string;
  duration?: DurationBucket;
  topicId?: number;
  limit: number;
  offset: number;
}

/** One hit: the resource's id, its score, and its title folded character by character (for highlighting). */
export interface SearchHit {
  id: number;
  score: number;
  titleFolded: string[];
}

/**
 * A search's answer: the page of hits, the total and facet counts, the folded query terms. When a query
 * matches more than the candidates a search ranks (`capped`), `total` and the facets count those candidates:
 * "at least".
 */
export interface SearchResult {
  total: number;
  capped: boolean;
  hits: SearchHit[];
  facets: { facet: string; value: string; count: number }[];
  terms: string[];
}

/** How similar a typo must be to a title's words to count (pg_trgm's word similarity; its default is 0.6). */
const TYPO_THRESHOLD = 0.45;

/**
 * How many matches a search ranks and counts facets over. A word in most descriptions ("dərs") would otherwise
 * rank and count the whole library on every keystroke. Title matches are taken first; descriptions only
 * when titles give few.
 */
export const SEARCH_CANDIDATES = 500;
/**
 * Fewer title matches than this, and descriptions, authors and publishers are searched too (the answer is
 * then "at least" this many).
 */
const TEXT_BELOW = 100;
/** Fewer word matches than this, and the search also looks for near spellings (typos). */
const TYPO_BELOW = 10;

/** The conditions a search's filters put on `library_resource r`. */
function filterConditions(f: SearchFilter): SQL[] {
  const where: SQL[] = [sql`r.state = 'published'`];
  if (f.type) where.push(sql`r.type = ${f.type}`);
  if (f.language) where.push(sql`r.language = ${f.language}`);
  if (f.level) where.push(sql`r.level = ${f.level}`);
  if (f.subject) where.push(sql`r.subject_code = ${f.subject}`);
  if (f.grade !== undefined) where.push(sql`r.grades @> array[${f.grade}]::smallint[]`);
  if (f.duration) where.push(sql`r.duration_seconds is not null and ${bucketSql} = ${f.duration}`);
  if (f.topicId !== undefined) {
    where.push(
      sql`exists (select 1 from library_resource_topic t where t.resource_id = r.id and t.topic_id = ${f.topicId})`,
    );
  }
  return where;
}

/**
 * Full-text search over published resources, with filters and facet counts, in one statement. The query is
 * folded by `library_fold` (the same function the index uses) and matched three ways: folded words as
 * prefixes and Russian and English stems (the tsvector index), and — for typos — pg_trgm word similarity
 * against the folded title (the trigram index). Each way is its own capped subquery, so that each uses its
 * index (an OR of the two would scan the table).
 */
export async function search(db: Db, f: SearchFilter): Promise<SearchResult> {
  const q = f.q?.trim() ?? '';
  const filters = sql.join(filterConditions(f), sql` and `);
  const cap = SEARCH_CANDIDATES;
  // Each source is its own capped subquery, so that each uses its index (an OR of them would scan the
  // table); the later ones run only when the earlier ones found too little (one-time filters).
  const candidates = q
    ? sql`title_hits as materialized (
            select r.id from library_resource r, p where ${filters} and r.title_doc @@ p.tsq limit ${cap}),
          text_hits as materialized (
            select r.id from library_resource r, p
            where (select count(*) from title_hits) < ${TEXT_BELOW} and ${filters} and r.search_doc @@ p.tsq
            limit ${cap}),
          typo_hits as materialized (
            select r.id from library_resource r, p
            where (select count(*) from title_hits) + (select count(*) from text_hits) < ${TYPO_BELOW}
              and ${filters} and length(p.key) >= 3 and p.key <% r.search_key
            limit ${cap}),
          found as materialized (
            select id from title_hits union select id from text_hits union select id from typo_hits)`
    : sql`found as materialized (
            select r.id from library_resource r where ${filters}
            order by r.published_at desc, r.id desc limit ${cap})`;
  const capped = q
    ? sql`(select count(*) from title_hits) >= ${TEXT_BELOW} or (select count(*) from text_hits) >= ${cap}
          or (select count(*) from typo_hits) >= ${cap}`
    : sql`(select count(*) from found) >= ${cap}`;
  const score = q
    ? sql`(ts_rank(r.search_doc, p.tsq) + word_similarity(p.key, r.search_key))::float8`
    : sql`0::float8`;
  const order = q ? sql`score desc, published_at desc, id desc` : sql`published_at desc, id desc`;
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('pg_trgm.word_similarity_threshold', ${String(TYPO_THRESHOLD)}, true)`,
    );
    const [row] = await rows<{ result: SearchResult }>(
      tx,
      sql`with p as materialized (select library_fold(${q}) as key, library_tsquery(${q}) as tsq),
      ${candidates},
      matched as materialized (
        select r.id, r.type, r.language, r.level, r.subject_code, r.grades, r.published_at, r.title,
               ${score} as score,
               case when r.duration_seconds is null then null else ${bucketSql} end as bucket
        from library_resource r, p
        where r.id in (select id from found)
      ),
      page as (
        select id, score, title, row_number() over (order by ${order}) as rn
        from matched order by ${order} limit ${f.limit} offset ${f.offset}
      )
      select json_build_object(
        'total', (select count(*)::int from matched),
        'capped', ${capped},
        'terms', (select coalesce(json_agg(w), '[]'::json)
                  from regexp_split_to_table((select key from p), '[[:space:][:punct:]]+') w where w <> ''),
        'hits', (select coalesce(json_agg(json_build_object(
                    'id', page.id, 'score', page.score,
                    'titleFolded', (select array_agg(library_fold(c) order by i)
                                    from unnest(string_to_array(page.title, null)) with ordinality as t(c, i)))
                  order by page.rn), '[]'::json) from page),
        'facets', (select coalesce(json_agg(json_build_object('facet', facet, 'value', value, 'count', n)),
                                   '[]'::json)
                   from (select facet, value, count(*)::int as n from (
                           select 'type' as facet, type as value from matched
                           union all select 'language', language from matched
                           union all select 'level', level from matched
                           union all select 'subject', subject_code from matched where subject_code is not null
                           union all select 'grade', g::text from matched, unnest(grades) g
                           union all select 'duration', bucket from matched where bucket is not null
                         ) f group by facet, value) counted)
      ) as result`,
    );
    return row!.result;
  });
}

/** Title suggestions for what has been typed so far: word prefixes first, then near spellings. */
export async function suggest(db: Db, q: string, limit: number): Promise<{ id: number; title: string }[]> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('pg_trgm.word_similarity_threshold', ${String(TYPO_THRESHOLD)}, true)`,
    );
    return rows<{ id: number; title: string }>(
      tx,
      sql`with p as materialized (select library_fold(${q}) as key, library_tsquery(${q}) as tsq),
          found as (
            (select r.id from library_resource r, p
             where r.state = 'published' and length(p.key) >= 3 and p.key <% r.search_key limit 200)
            union
            (select r.id from library_resource r, p
             where r.state = 'published' and r.search_doc @@ p.tsq limit 200))
          select r.id, r.title
          from library_resource r, p
          where r.id in (select id from found)
          order by (r.search_key like p.key || '%') desc, word_similarity(p.key, r.search_key) desc,
                   ts_rank(r.search_doc, p.tsq) desc, r.id desc
          limit ${limit}`,
    );
  });
}

/** Folds a text with the database's folding function, for tests that check both sides agree. */
export async function fold(db: Db, text: string): Promise<string> {
  const [row] = await rows<{ key: string }>(db, sql`select library_fold(${text}) as key`);
  return row!.key;
}

// ---- views and completions

/** Adds one view or completion to a resource's counts. */
export async function addCount(db: Db, resourceId: number, kind: 'view' | 'complete'): Promise<void> {
  const views = kind === 'view' ? 1 : 0;
  const completions = kind === 'complete' ? 1 : 0;
  await db
    .insert(resourceCounts)
    .values({ resourceId, views, completions })
    .onConflictDoUpdate({
      target: resourceCounts.resourceId,
      set: {
        views: sql`${resourceCounts.views} + excluded.views`,
        completions: sql`${resourceCounts.completions} + excluded.completions`,
      },
    });
}

/** The counts of resources, by id (absent: never opened). */
export async function countsOf(
  db: Db,
  resourceIds: number[],
): Promise<Map<number, { views: number; completions: number }>> {
  if (resourceIds.length === 0) return new Map();
  const found = await db.select().from(resourceCounts).where(inArray(resourceCounts.resourceId, resourceIds));
  return new Map(found.map((c) => [c.resourceId, { views: c.views, completions: c.completions }]));
}

// ---- references from other modules

/** What another module shows of a published resource it refers to. */
export interface PublishedRef {
  id: number;
  title: string;
  type: ResourceRow['type'];
  sizeBytes: number | null;
}

/** The published resources among these ids, with the size of their current main file. */
export function publishedRefs(db: Db, ids: number[]): Promise<PublishedRef[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return rows<PublishedRef>(
    db,
    sql`select r.id, r.title, r.type,
          (select f.size_bytes from library_file f
           where f.resource_id = r.id and f.role = 'main' and f.source_file_id is null
           order by f.version desc limit 1) as "sizeBytes"
        from library_resource r
        where r.id = any(${intArray(ids)}) and r.state = 'published'`,
  );
}

// ---- harvesting (OAI-PMH)

/** What a harvest asks for: a change-date window (until exclusive), a set, and the page after an id. */
export interface HarvestFilter {
  from?: Date;
  until?: Date;
  type?: string;
  subject?: string;
  /** Only resources with a subject. */
  hasSubject?: boolean;
  afterId: number;
  limit: number;
}

/**
 * Resources a harvester sees: every resource that was ever published (one taken off the library since is a
 * deleted record), by id, changed inside the window.
 */
export function harvest(db: Db, f: HarvestFilter): Promise<ResourceRow[]> {
  const where: SQL[] = [sql`${resources.publishedAt} is not null`, sql`${resources.id} > ${f.afterId}`];
  if (f.from) where.push(sql`${resources.updatedAt} >= ${f.from.toISOString()}`);
  if (f.until) where.push(sql`${resources.updatedAt} < ${f.until.toISOString()}`);
  if (f.type) where.push(eq(resources.type, f.type as ResourceRow['type']));
  if (f.subject) where.push(eq(resources.subjectCode, f.subject));
  if (f.hasSubject) where.push(sql`${resources.subjectCode} is not null`);
  return db
    .select()
    .from(resources)
    .where(and(...where))
    .orderBy(asc(resources.id))
    .limit(f.limit);
}

/** The types and subjects of harvestable resources (the sets), and the earliest change date. */
export async function harvestSummary(
  db: Db,
): Promise<{ types: string[]; subjects: string[]; earliest: Date | null }> {
  const [row] = await rows<{ types: string[] | null; subjects: string[] | null; earliest: string | null }>(
    db,
    sql`select array_agg(distinct type order by type) as types,
               array_agg(distinct subject_code order by subject_code)
                 filter (where subject_code is not null) as subjects,
               min(updated_at)::text as earliest
        from library_resource where published_at is not null`,
  );
  return {
    types: row?.types ?? [],
    subjects: row?.subjects ?? [],
    earliest: row?.earliest ? new Date(row.earliest) : null,
  };
}

// ---- bulk import

/** Topics by code. */
export function topicsByCode(db: Db, codes: string[]): Promise<TopicRow[]> {
  if (codes.length === 0) return Promise.resolve([]);
  return db.select().from(topics).where(inArray(topics.code, codes));
}

/** New resource rows of an import, each with the topics it covers. */
export interface ImportedResource {
  values: Omit<typeof resources.$inferInsert, 'id' | 'state' | 'createdAt' | 'updatedAt'>;
  topicIds: number[];
}

/**
 * Inserts drafts in bulk (ids taken from the sequence first, so each row keeps its own), their topics and
 * their `create` events. Returns the new ids in the order given.
 */
export async function insertDrafts(db: Db, items: ImportedResource[], actorId: number): Promise<number[]> {
  if (items.length === 0) return [];
  const ids = (
    await rows<{ id: number }>(
      db,
      sql`select nextval(pg_get_serial_sequence('library_resource', 'id'))::int as id
          from generate_series(1, ${items.length})`,
    )
  ).map((r) => r.id);
  const v = items.map((i) => i.values);
  const list = (xs: readonly (string | number)[]) => xs.map(String);
  await bulkInsert(db, resources, [
    { column: resources.id, type: 'int', values: ids },
    { column: resources.type, type: 'text', values: v.map((r) => r.type) },
    { column: resources.state, type: 'text', values: v.map(() => 'draft') },
    { column: resources.title, type: 'text', values: v.map((r) => r.title) },
    { column: resources.description, type: 'text', values: v.map((r) => r.description ?? '') },
    { column: resources.language, type: 'text', values: v.map((r) => r.language) },
    { column: resources.level, type: 'text', values: v.map((r) => r.level) },
    { column: resources.grades, type: 'smallint[]', values: v.map((r) => list(r.grades ?? [])) },
    { column: resources.subjectCode, type: 'text', values: v.map((r) => r.subjectCode ?? null) },
    { column: resources.authors, type: 'text[]', values: v.map((r) => r.authors ?? []) },
    { column: resources.publisher, type: 'text', values: v.map((r) => r.publisher ?? null) },
    { column: resources.channel, type: 'text', values: v.map((r) => r.channel ?? null) },
    { column: resources.airDate, type: 'date', values: v.map((r) => r.airDate ?? null) },
    { column: resources.durationSeconds, type: 'int', values: v.map((r) => r.durationSeconds ?? null) },
    { column: resources.pages, type: 'int', values: v.map((r) => r.pages ?? null) },
    { column: resources.licence, type: 'text', values: v.map((r) => r.licence) },
    { column: resources.accessibility, type: 'text[]', values: v.map((r) => r.accessibility ?? []) },
    { column: resources.createdBy, type: 'int', values: v.map(() => actorId) },
    { column: resources.updatedBy, type: 'int', values: v.map(() => actorId) },
  ]);
  await db.execute(
    sql`update ${resources} set changed_by = array[${actorId}::int] where id = any(${intArray(ids)})`,
  );
  const pairs = items.flatMap((item, i) => item.topicIds.map((topicId) => [ids[i]!, topicId] as const));
  if (pairs.length > 0) {
    await bulkInsert(db, resourceTopics, [
      { column: resourceTopics.resourceId, type: 'int', values: pairs.map((p) => p[0]) },
      { column: resourceTopics.topicId, type: 'int', values: pairs.map((p) => p[1]) },
    ]);
  }
  await bulkInsert(db, resourceEvents, [
    { column: resourceEvents.resourceId, type: 'int', values: ids },
    { column: resourceEvents.action, type: 'text', values: ids.map(() => 'import') },
    { column: resourceEvents.toState, type: 'text', values: ids.map(() => 'draft') },
    { column: resourceEvents.actorId, type: 'int', values: ids.map(() => actorId) },
  ]);
  return ids;
}

// ---- shelves (what a device saves for offline use)

/**
 * The published resources of one grade and subject, as a class's shelf: e-textbooks and guides first, then by
 * title. At most `limit` (the answer says whether there are more).
 */
export function shelf(db: Db, grade: number, subject: string, limit: number): Promise<ResourceRow[]> {
  return db
    .select()
    .from(resources)
    .where(
      and(
        eq(resources.state, 'published'),
        eq(resources.subjectCode, subject),
        sql`${resources.grades} @> array[${grade}]::smallint[]`,
      ),
    )
    .orderBy(
      sql`case ${resources.type} when 'e_textbook' then 0 when 'teacher_guide' then 1 else 2 end`,
      asc(resources.title),
      asc(resources.id),
    )
    .limit(limit);
}

// ---- sitemaps

/** How many published resources each block of `size` ids holds (block 1 = ids 1..size), and its last change. */
export function sitemapBlocks(
  db: Db,
  size: number,
): Promise<{ block: number; count: number; lastmod: number }[]> {
  return rows(
    db,
    sql`select ((r.id - 1) / ${size})::int + 1 as block, count(*)::int as count,
          extract(epoch from max(r.updated_at))::float8 as lastmod
        from library_resource r where r.state = 'published'
        group by 1 order by 1`,
  );
}

/** The published resources with ids in [fromId, toId], by id, with when each last changed. */
export function sitemapResources(
  db: Db,
  fromId: number,
  toId: number,
): Promise<{ id: number; updatedAt: Date }[]> {
  return db
    .select({ id: resources.id, updatedAt: resources.updatedAt })
    .from(resources)
    .where(and(eq(resources.state, 'published'), sql`${resources.id} between ${fromId} and ${toId}`))
    .orderBy(asc(resources.id));
}
