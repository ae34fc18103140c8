import type { Db } from '@/server/db/database';
import * as store from '@/modules/library/textbooks.store';
import type { ShelfBook, TextbookGrid } from '@/modules/library/textbooks.schema';

/**
 * The e-textbook portal: every published textbook and teacher's guide of general education, as a grade ×
 * subject grid, each cell with its textbooks and guides (a guide belongs to the cell of its grade and subject).
 */
export async function textbookGrid(db: Db, language?: string): Promise<TextbookGrid> {
  const cells = new Map<string, TextbookGrid['cells'][number]>();
  for (const row of await store.textbookShelf(db, language)) {
    const key = `${row.grade}/${row.subject}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { grade: row.grade, subject: row.subject, textbooks: [], guides: [] };
      cells.set(key, cell);
    }
    const book: ShelfBook = {
      id: row.id,
      title: row.title,
      language: row.language,
      pages: row.pages,
      authors: row.authors,
      sizeBytes: row.sizeBytes,
      contentType: row.contentType,
      url: row.fileId === null ? null : `/api/library/files/${row.fileId}`,
    };
    (row.type === 'e_textbook' ? cell.textbooks : cell.guides).push(book);
  }
  return { cells: [...cells.values()] };
}
