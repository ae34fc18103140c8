import { Type, type Static, type TSchema, type TUnsafe } from 'typebox';

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
