import { Type, type Static } from 'typebox';
import { Nullable, StringEnum } from '@/server/schema';
import { RESOURCE_LANGUAGES } from '@/modules/library/library.tables';

/** The e-textbook portal's filter. */
export const TextbookQuery = Type.Object(
  {
    language: Type.Optional(
      StringEnum(RESOURCE_LANGUAGES, { description: 'Only books in this language (all when absent)' }),
    ),
  },
  { additionalProperties: false },
);

/** A textbook or guide as the portal lists it: enough to choose it on a slow link. */
export const ShelfBook = Type.Object({
  id: Type.Integer({ description: 'The resource; its page reads the book' }),
  title: Type.String(),
  language: StringEnum(RESOURCE_LANGUAGES),
  pages: Nullable(Type.Integer()),
  authors: Type.Array(Type.String()),
  sizeBytes: Nullable(Type.Integer({ description: 'Size of its file in bytes, shown before it is opened' })),
  contentType: Nullable(Type.String()),
  url: Nullable(Type.String({ description: 'Where to download its file' })),
});
export type ShelfBook = Static<typeof ShelfBook>;

/** One grade × subject cell: its textbooks and their teacher's guides. */
export const ShelfCell = Type.Object({
  grade: Type.Integer(),
  subject: Type.String({ description: 'Subject code of the country pack' }),
  textbooks: Type.Array(ShelfBook),
  guides: Type.Array(ShelfBook),
});

/** The e-textbook grid: the cells that hold a book, by grade then subject. */
export const TextbookGrid = Type.Object({
  cells: Type.Array(ShelfCell),
});
export type TextbookGrid = Static<typeof TextbookGrid>;
