import { and, asc, desc, eq, inArray, isNull, max, sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';
import {
  collectionItems,
  collections,
  files,
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
