import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { changeContext } from '@/modules/identity/identity.routes';
import * as service from '@/modules/safety/safety.catalogue.service';
import {
  CategoryBody,
  CategoryChangeBody,
  CategoryList,
  CategoryParams,
  Category,
  Deleted,
  DomainsBody,
  IMPORT_MAX_BYTES,
  ImportBody,
  ImportResult,
  KeywordBody,
  KeywordParams,
  ListBody,
  ListDetail,
  ListList,
  ListParams,
} from '@/modules/safety/safety.catalogue.schema';
import policiesRoutes from '@/modules/safety/safety.policies.routes';
import networksRoutes from '@/modules/safety/safety.networks.routes';
import schedulesRoutes from '@/modules/safety/safety.schedules.routes';

/** The ministry (its bureau and the administrator) keeps the catalogue; districts read it for their policies. */
export const MINISTRY: Role[] = ['admin', 'bureau'];
export const MINISTRY_AND_DISTRICTS: Role[] = ['admin', 'bureau', 'regional'];

/** The content filter's routes for categories, lists, keywords, policies, networks, schedules and exams (the ministry's, districts' and directors' pages). */
export default async function safetyCatalogueRoutes(
  app: FastifyInstance,
  opts: { db: Db; publicUrl: string },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['safety'];

  r.get(
    '/safety/categories',
    {
      config: { access: { roles: MINISTRY_AND_DISTRICTS } },
      schema: { tags, summary: 'Categories of content with their keywords', response: { 200: CategoryList } },
    },
    async () => service.listCategories(db),
  );

  r.post(
    '/safety/categories',
    {
      config: { access: { roles: MINISTRY } },
      schema: {
        tags,
        summary: "Add the ministry's own category",
        body: CategoryBody,
        response: { 200: Category },
      },
    },
    async (request) => service.createCategory(db, changeContext(request), request.locale, request.body),
  );

  r.put(
    '/safety/categories/:categoryId',
    {
      config: { access: { roles: MINISTRY } },
      schema: {
        tags,
        summary: "Save a category's names at the version read",
        params: CategoryParams,
        body: CategoryChangeBody,
        response: { 200: Category },
      },
    },
    async (request) =>
      service.updateCategory(
        db,
        changeContext(request),
        request.locale,
        request.params.categoryId,
        request.body,
      ),
  );

  r.post(
    '/safety/categories/:categoryId/keywords',
    {
      config: { access: { roles: MINISTRY } },
      schema: {
        tags,
        summary: 'Add a keyword (az, ru or en) to a category',
        params: CategoryParams,
        body: KeywordBody,
        response: { 200: Category },
      },
    },
    async (request) =>
      service.addKeyword(db, changeContext(request), request.locale, request.params.categoryId, request.body),
  );

  r.delete(
    '/safety/keywords/:keywordId',
    {
      config: { access: { roles: MINISTRY } },
      schema: { tags, summary: 'Remove a keyword', params: KeywordParams, response: { 200: Deleted } },
    },
    async (request) => {
      await service.deleteKeyword(db, changeContext(request), request.params.keywordId);
      return { deleted: true };
    },
  );

  r.get(
    '/safety/lists',
    {
      config: { access: { roles: MINISTRY_AND_DISTRICTS } },
      schema: { tags, summary: 'Block and allow lists', response: { 200: ListList } },
    },
    async () => service.listLists(db),
  );

  r.post(
    '/safety/lists',
    {
      config: { access: { roles: MINISTRY } },
      schema: {
        tags,
        summary: 'Create a block or allow list',
        body: ListBody,
        response: { 200: ListDetail },
      },
    },
    async (request) => service.createList(db, changeContext(request), request.locale, request.body),
  );

  r.get(
    '/safety/lists/:listId',
    {
      config: { access: { roles: MINISTRY_AND_DISTRICTS } },
      schema: {
        tags,
        summary: 'A list with its first domains',
        params: ListParams,
        response: { 200: ListDetail },
      },
    },
    async (request) => service.getList(db, request.params.listId),
  );

  r.post(
    '/safety/lists/:listId/domains',
    {
      config: { access: { roles: MINISTRY } },
      schema: {
        tags,
        summary: 'Add and remove domains by hand, at the version read',
        params: ListParams,
        body: DomainsBody,
        response: { 200: ListDetail },
      },
    },
    async (request) =>
      service.editDomains(db, changeContext(request), request.locale, request.params.listId, request.body),
  );

  r.post(
    '/safety/lists/:listId/import',
    {
      bodyLimit: IMPORT_MAX_BYTES + 64 * 1024,
      config: { access: { roles: MINISTRY } },
      schema: {
        tags,
        summary:
          "Replace a list's domains with a UT1 `domains` file or the file at an address: all or nothing",
        params: ListParams,
        body: ImportBody,
        response: { 200: ImportResult },
      },
    },
    async (request) =>
      service.importList(db, changeContext(request), request.locale, request.params.listId, request.body),
  );

  await app.register(policiesRoutes, opts);
  await app.register(networksRoutes, opts);
  await app.register(schedulesRoutes, opts);
}
