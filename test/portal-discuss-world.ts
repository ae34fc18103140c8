import type { Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import * as store from '@/modules/portal/portal.discuss.store';
import { watchedWords, type Audience } from '@/modules/portal/portal.discuss.tables';
import { areaPath, schoolPlace } from '@/modules/portal/portal.place';

/**
 * The discussions' fixtures for the route walk: per role, a board it takes part in with a thread and a
 * published post by someone else (to react to and flag); per moderator, a held post in its scope; per
 * national moderator, a watched word to delete.
 */
export interface PortalDiscussWorld {
  boards: Record<Role, number>;
  threads: Record<Role, number>;
  posts: Record<Role, number>;
  held: Partial<Record<Role, number>>;
  /** Per role, a waiting post of the role's own (to change). */
  own: Partial<Record<Role, number>>;
  words: Partial<Record<Role, number>>;
}

export const PORTAL_MODERATORS = ['admin', 'bureau', 'editor', 'regional', 'director'] as const;
export const PORTAL_NATIONAL_MODERATORS = ['admin', 'bureau', 'editor'] as const;

export async function portalDiscussWorld(
  db: Db,
  w: {
    areaId: number;
    schoolId: number;
    authorId: number;
    roles: readonly Role[];
    userIds?: Partial<Record<Role, number>>;
  },
): Promise<PortalDiscussWorld> {
  const school = (await schoolPlace(db, w.schoolId))!;
  const district = (await areaPath(db, w.areaId))!;
  const nation = { placeKind: 'nation' as const, areaId: null, institutionId: null, placePath: [] };
  const atSchool = {
    placeKind: 'institution' as const,
    areaId: school.areaId,
    institutionId: w.schoolId,
    placePath: school.path,
  };
  const atDistrict = {
    placeKind: 'area' as const,
    areaId: w.areaId,
    institutionId: null,
    placePath: district,
  };
  const boardOf = async (role: Role) => {
    const [audience, place]: [Audience, typeof nation | typeof atSchool | typeof atDistrict] =
      role === 'student'
        ? ['students', atSchool]
        : role === 'parent'
          ? ['parents', atSchool]
          : role === 'teacher' || role === 'director'
            ? ['teachers', atSchool]
            : role === 'regional'
              ? ['teachers', atDistrict]
              : ['teachers', nation];
    return store.boardAt(db, audience, place);
  };
  const out: PortalDiscussWorld = {
    boards: {},
    threads: {},
    posts: {},
    held: {},
    own: {},
    words: {},
  } as PortalDiscussWorld;
  for (const role of w.roles) {
    const board = await boardOf(role);
    const thread = await store.insertThread(db, {
      boardId: board.id,
      authorId: w.authorId,
      title: `Walk ${role}`,
    });
    const post = (status: 'published' | 'held', opening: boolean, authorId = w.authorId) =>
      store.insertPost(db, {
        threadId: thread.id,
        boardId: board.id,
        opening,
        authorId,
        body: 'Walk',
        status,
        review: status === 'held',
        reasons: status === 'held' ? ['new_account'] : [],
        placeKind: board.placeKind,
        areaId: board.areaId,
        institutionId: board.institutionId,
      });
    await post('published', true);
    out.boards[role] = board.id;
    out.threads[role] = thread.id;
    out.posts[role] = (await post('published', false)).id;
    const self = w.userIds?.[role];
    if (self) out.own[role] = (await post('held', false, self)).id;
    if ((PORTAL_MODERATORS as readonly Role[]).includes(role))
      out.held[role] = (await post('held', false)).id;
    if ((PORTAL_NATIONAL_MODERATORS as readonly Role[]).includes(role))
      out.words[role] = (
        await db
          .insert(watchedWords)
          .values({ word: `walk-${role}`, folded: `walk-${role}`, action: 'flag' })
          .returning()
      )[0]!.id;
  }
  return out;
}
