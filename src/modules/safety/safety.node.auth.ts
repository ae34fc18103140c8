import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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

const callers = new WeakMap<FastifyRequest, { id: number; name: string }>();

/**
 * Checks the node's token on every route of a plugin before its body is read (an `onRequest` hook): a caller
 * with no valid token gets 401 and nothing of it is parsed. Routes then take the node with `nodeOf`.
 */
export function requireNode(app: FastifyInstance, db: Db): void {
  app.addHook('onRequest', async (request) => {
    callers.set(request, await nodeOfRequest(db, request));
  });
}

/** The node calling a route of a plugin that `requireNode` guards. */
export function nodeOf(request: FastifyRequest): { id: number; name: string } {
  const node = callers.get(request);
  if (!node) throw new AppError(401, 'safety.node.unknown');
  return node;
}
