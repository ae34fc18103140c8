import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/server/db/database';

/** The e-textbook portal's SQL: published textbooks and teacher's guides by grade and subject. */

/** A textbook or guide in one grade's cell, with its current main file. */
export interface ShelfRow {
  id: number;
  type: 'e_textbook' | 'teacher_guide';
  title: string;
  language: 'az' | 'ru' | 'en';
  grade: number;
  subject: string;
  pages: number | null;
  authors: string[];
  fileId: number | null;
  sizeBytes: number | null;
  contentType: string | null;
}

/**
 * Every published general-education textbook and teacher's guide with a subject, once per grade it is for
 * (a book for grades 10–11 sits in both cells), optionally in one language, with the size of its current
 * main file.
 */
export function textbookShelf(db: Db, language?: string): Promise<ShelfRow[]> {
  return rows<ShelfRow>(
    db,
    sql`select r.id, r.type, r.title, r.language, g.grade::int as grade, r.subject_code as subject, r.pages,
          r.authors, f.id as "fileId", f.size_bytes as "sizeBytes", f.content_type as "contentType"
        from library_resource r
        cross join lateral unnest(r.grades) as g(grade)
        left join lateral (
          select f.id, f.size_bytes, f.content_type from library_file f
          where f.resource_id = r.id and f.role = 'main' and f.source_file_id is null
          order by f.version desc limit 1) f on true
        where r.state = 'published' and r.type in ('e_textbook', 'teacher_guide') and r.level = 'general'
          and r.subject_code is not null ${language ? sql`and r.language = ${language}` : sql``}
        order by g.grade, r.subject_code, r.type, r.language, r.title, r.id`,
  );
}
