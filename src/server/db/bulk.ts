import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { rows, type Db } from '@/server/db/database';

/**
 * Writing many rows at once with `INSERT … SELECT FROM unnest(array, array, …)`: one parameter per column
 * instead of one per value, which on PGlite is several times faster than a multi-row VALUES list and is
 * not bound by PostgreSQL's 65,535 parameters. Used by the seeds and the registry's bulk import.
 */

/**
 * The SQL type of a column's values (`int`, `text`, `boolean`, `double precision`, `timestamptz`, `text[]`,
 * …). An array type travels as text and is cast in the select list, since unnest flattens arrays of arrays.
 */
export type BulkType = string;

/** One value of a column; an array for the array types. */
export type BulkValue = string | number | boolean | null | readonly string[];

/** One column of a bulk insert: the table's column (or its SQL name), its type, one value per row. */
export interface BulkColumn {
  column: PgColumn | string;
  type: BulkType;
  values: readonly BulkValue[];
}

/** What to do beyond inserting: columns to return, and an `on conflict …` clause. */
export interface BulkOptions {
  returning?: (PgColumn | string)[];
  onConflict?: SQL;
}

/** Rows per statement. */
const CHUNK = 5000;

const quoted = (text: string) => `"${text.replace(/[\\"]/g, '\\$&')}"`;

/** A PostgreSQL array literal: every element quoted, so commas, braces and quotes in names are safe. */
function arrayLiteral(values: readonly BulkValue[]): string {
  const item = (v: BulkValue) =>
    v === null
      ? 'NULL'
      : quoted(Array.isArray(v) ? `{${v.map((e: string) => quoted(e)).join(',')}}` : String(v));
  return `{${values.map(item).join(',')}}`;
}

const nameOf = (c: PgColumn | string) => (typeof c === 'string' ? c : c.name);

/** Inserts the rows given column by column; returns the `returning` columns of the inserted rows. */
export async function bulkInsert<R extends Record<string, unknown> = Record<string, never>>(
  db: Db,
  table: PgTable | string,
  columns: BulkColumn[],
  options: BulkOptions = {},
): Promise<R[]> {
  const length = columns[0]?.values.length ?? 0;
  for (const c of columns)
    if (c.values.length !== length)
      throw new Error(`bulk insert: column ${nameOf(c.column)} has ${c.values.length} values, not ${length}`);
  const tableName = typeof table === 'string' ? table : getTableName(table);
  const names = sql.join(
    columns.map((c) => sql.identifier(nameOf(c.column))),
    sql`, `,
  );
  // unnest(…) as u(c0, c1, …): array types arrive as text and are cast here.
  const aliases = columns.map((_, i) => `c${i}`);
  const selected = sql.join(
    columns.map((c, i) => sql.raw(c.type.endsWith('[]') ? `c${i}::${c.type}` : `c${i}`)),
    sql`, `,
  );
  const tail = sql`${options.onConflict ?? sql``}${
    options.returning?.length
      ? sql` returning ${sql.join(
          options.returning.map((c) => sql.identifier(nameOf(c))),
          sql`, `,
        )}`
      : sql``
  }`;
  const out: R[] = [];
  for (let start = 0; start < length; start += CHUNK) {
    const arrays = sql.join(
      columns.map((c) => {
        const type = c.type.endsWith('[]') ? 'text' : c.type;
        return sql`${arrayLiteral(c.values.slice(start, start + CHUNK))}::${sql.raw(type)}[]`;
      }),
      sql`, `,
    );
    out.push(
      ...(await rows<R>(
        db,
        sql`insert into ${sql.identifier(tableName)} (${names})
            select ${selected} from unnest(${arrays}) as u(${sql.raw(aliases.join(', '))})${tail}`,
      )),
    );
  }
  return out;
}

/**
 * Inserts rows given as the table's insert objects (property names, Dates), in chunks of unnest. Every row
 * must give the same columns: a column left out is left to its default, which unnest cannot express per row.
 */
export async function bulkInsertRows<R extends Record<string, unknown> = Record<string, never>>(
  db: Db,
  table: PgTable,
  values: readonly Record<string, unknown>[],
  options: BulkOptions = {},
): Promise<R[]> {
  if (values.length === 0) return [];
  const all = getTableColumns(table);
  const given = Object.keys(all).filter((key) => values.some((v) => v[key] !== undefined));
  const columns = given.map((key): BulkColumn => {
    if (values.some((v) => v[key] === undefined))
      throw new Error(`bulk insert: some rows give ${key}, some leave it out`);
    const column = all[key]!;
    return {
      column,
      type: column.getSQLType(),
      values: values.map((v) => {
        const value = v[key];
        return value instanceof Date ? value.toISOString() : (value as BulkValue);
      }),
    };
  });
  return bulkInsert<R>(db, table, columns, options);
}

/**
 * Updates many rows in one statement per chunk: `UPDATE … SET c = u.c … FROM unnest(…) AS u(…) WHERE key =
 * u.key`. Rows are given as the table's insert objects; every row gives the same columns, `key` among them
 * (it names the row and is not written).
 */
export async function bulkUpdateRows(
  db: Db,
  table: PgTable,
  key: string,
  values: readonly Record<string, unknown>[],
): Promise<void> {
  if (values.length === 0) return;
  const all = getTableColumns(table);
  const given = Object.keys(all).filter((k) => values.some((v) => v[k] !== undefined));
  if (!given.includes(key)) throw new Error(`bulk update: the rows do not give ${key}`);
  const names = [key, ...given.filter((k) => k !== key)];
  const serials: Record<string, string> = { serial: 'int', bigserial: 'bigint', smallserial: 'smallint' };
  const types = names.map((k) => {
    const type = all[k]!.getSQLType();
    return serials[type] ?? type;
  });
  const cell = (i: number) => sql.raw(types[i]!.endsWith('[]') ? `u.c${i}::${types[i]}` : `u.c${i}`);
  const set = sql.join(
    names.slice(1).map((k, i) => sql`${sql.identifier(all[k]!.name)} = ${cell(i + 1)}`),
    sql`, `,
  );
  const tableName = getTableName(table);
  for (let start = 0; start < values.length; start += CHUNK) {
    const chunk = values.slice(start, start + CHUNK);
    const arrays = sql.join(
      names.map((k, i) => {
        if (chunk.some((v) => v[k] === undefined))
          throw new Error(`bulk update: some rows give ${k}, some leave it out`);
        const type = types[i]!.endsWith('[]') ? 'text' : types[i]!;
        const column = chunk.map((v) => {
          const value = v[k];
          return value instanceof Date ? value.toISOString() : (value as BulkValue);
        });
        return sql`${arrayLiteral(column)}::${sql.raw(type)}[]`;
      }),
      sql`, `,
    );
    await db.execute(
      sql`update ${sql.identifier(tableName)} set ${set}
          from unnest(${arrays}) as u(${sql.raw(names.map((_, i) => `c${i}`).join(', '))})
          where ${sql.identifier(tableName)}.${sql.identifier(all[key]!.name)} = u.c0`,
    );
  }
}
