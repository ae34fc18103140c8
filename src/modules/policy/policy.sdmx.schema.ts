import { Type, type Static } from 'typebox';
import { StringEnum } from '@/server/schema';

/** Request and response schemas of the SDMX open data. */

/** How codes are written, as SDMX-CSV 2.0's `labels` option says: ids only, ids and names apart, or both in one. */
export const LABELS = ['id', 'name', 'both'] as const;
export type Labels = (typeof LABELS)[number];

export const SdmxQuery = Type.Object(
  {
    year: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 20,
        pattern: '^[0-9A-Za-z-]+$',
        description:
          'Only this academic year, by its code (e.g. 2026-2027); every year up to the current one when not given',
      }),
    ),
    by: Type.Optional(
      StringEnum(['none', 'region'], {
        description: 'The country only (the default), or its economic regions too',
      }),
    ),
    labels: Type.Optional(
      StringEnum(LABELS, {
        description:
          'SDMX-CSV 2.0 labels: id (codes only, the default), name (a column of names after each), both ("code: name")',
      }),
    ),
    lang: Type.Optional(
      StringEnum(['az', 'ru', 'en'], {
        description:
          "The language of names and comments, instead of the caller's (a link in the web app says the reader's)",
      }),
    ),
  },
  { additionalProperties: false },
);
export type SdmxQuery = Static<typeof SdmxQuery>;

const Code = Type.Object({ id: Type.String(), name: Type.String() });

/** The structure of the data: the dataflow, and each component with its codes, names in the caller's language. */
export const SdmxStructure = Type.Object({
  /** `AGENCY:ID(VERSION)`, as the file's STRUCTURE_ID column gives it. */
  structureId: Type.String(),
  name: Type.String(),
  /** The SDMX-CSV media type the data is served in. */
  mediaType: Type.String(),
  components: Type.Array(
    Type.Object({
      id: Type.String(),
      role: StringEnum(['dimension', 'measure', 'attribute']),
      name: Type.String(),
      /** The code list of a coded component (areas: those the data has); empty for the others. */
      codes: Type.Array(Code),
    }),
  ),
});
export type SdmxStructure = Static<typeof SdmxStructure>;
