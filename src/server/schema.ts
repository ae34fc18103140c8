import { Type, type TUnsafe } from 'typebox';

/** A string that must be one of `values`; validated as a JSON-schema enum, so errors list the allowed values. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}
