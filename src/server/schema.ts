import { Type, type Static, type TSchema, type TString, type TUnsafe } from 'typebox';

/** A string that must be one of `values`; validated as a JSON-schema enum, so errors list the allowed values. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/**
 * A value of `schema`'s type, or null. Written as a type list (`["integer", "null"]`), not `anyOf`: with type
 * coercion on, Ajv tries `anyOf` branches in order and would turn a null into 0, "" or false.
 */
export function Nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  const { type, enum: values, ...rest } = schema as TSchema & { type?: string; enum?: unknown[] };
  if (typeof type !== 'string') throw new Error('Nullable takes a schema with a single primitive type');
  return Type.Unsafe<Static<T> | null>({
    ...rest,
    type: [type, 'null'],
    ...(values ? { enum: [...values, null] } : {}),
  });
}

/**
 * The years a date may fall in. Outside them a date is a typing mistake or an attack (year 0000 is not even a
 * PostgreSQL date), so every route refuses it at the schema, as a 400 naming the field ("reason": "dateRange").
 */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2200;

/**
 * A calendar day, `YYYY-MM-DD`, in the years MIN_YEAR–MAX_YEAR. Every route that takes a day takes this.
 * The bounds are ajv-formats' `formatMinimum`/`formatMaximum`, which compare days as days.
 */
export function DateString(options: { description?: string } = {}): TString {
  return Type.String({
    ...options,
    format: 'date',
    formatMinimum: `${MIN_YEAR}-01-01`,
    formatMaximum: `${MAX_YEAR}-12-31`,
  });
}

/**
 * A moment, ISO 8601 with its offset (`2026-09-15T09:00:00+04:00`), from the first moment of MIN_YEAR to the
 * last of MAX_YEAR in UTC, compared as instants.
 */
export function DateTimeString(options: { description?: string } = {}): TString {
  return Type.String({
    ...options,
    format: 'date-time',
    formatMinimum: `${MIN_YEAR}-01-01T00:00:00Z`,
    formatMaximum: `${MAX_YEAR}-12-31T23:59:59.999Z`,
  });
}
