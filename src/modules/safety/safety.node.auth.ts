import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Db } from '@/server/db/database';
import { AppError } from '@/server/errors';
import { defineMessages } from '@/server/i18n';
import { nodes } from '@/modules/safety/safety.tables';

/**
 * Resolver nodes authenticate with a token of their own (`Authorization: Bearer <token>`), not a person's
 * session: the routes they call are declared `public` and check the token before anything else. The database
 * keeps only the token's SHA-256.
 */

defineMessages({
  en: { 'safety.node.unknown': 'This resolver node is not known: give it a valid token.' },
  az: { 'safety.node.unknown': 'Bu rezolver qovşağı tanınmır: ona etibarlı açar verin.' },
  ru: { 'safety.node.unknown': 'Этот узел-резолвер неизвестен: укажите действительный токен.' },
});

const hash = (token: string): string => crypto.createHash('sha256').update(token).digest('hex');

/** Registers a resolver node and returns its token, shown once. */
export async function createNode(db: Db, name: string): Promise<{ id: number; token: string }> {
  const token = crypto.randomBytes(32).toString('base64url');
  const [row] = await db
    .insert(nodes)
    .values({ name, tokenHash: hash(token) })
    .returning({ id: nodes.id });
  return { id: row!.id, token };
}

/** The node calling, from its bearer token; 401 when there is none or it is unknown. Notes when it was seen. */
export async function nodeOfRequest(db: Db, request: FastifyRequest): Promise<{ id: number; name: string }> {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header);
  if (!match) throw new AppError(401, 'safety.node.unknown');
  const [row] = await db
    .update(nodes)
    .set({ lastSeenAt: sql`now()` })
    .where(eq(nodes.tokenHash, hash(match[1]!)))
    .returning({ id: nodes.id, name: nodes.name });
  if (!row) throw new AppError(401, 'safety.node.unknown');
  return row;
}
