import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { allows, requireActor } from '@/server/access';
import { AppError, notFound } from '@/server/errors';
import { defineMessages } from '@/server/i18n';
import type { Db } from '@/server/db/database';
import { IdParams } from '@/modules/identity/identity.schema';
import { changeContext } from '@/modules/identity/identity.routes';
import {
  AcademicYear,
  Area,
  CountryPack,
  CreateInstitutionBody,
  DIRECTOR_FIELDS,
  Institution,
  InstitutionListQuery,
  PatchInstitutionBody,
} from '@/modules/institutions/institutions.schema';
import {
  createInstitution,
  institutionScope,
  updateInstitution,
} from '@/modules/institutions/institutions.service';
import * as store from '@/modules/institutions/institutions.store';

defineMessages({
  en: {
    unknown_area: 'There is no area with id {id}.',
    code_taken: 'The national code {code} is already used by another institution.',
    field_not_editable: 'You may not change {fields}.',
  },
  az: {
    unknown_area: '{id} identifikatorlu ərazi yoxdur.',
    code_taken: '{code} milli kodu artıq başqa təhsil müəssisəsinə verilib.',
    field_not_editable: '{fields} sahəsini dəyişə bilməzsiniz.',
  },
  ru: {
    unknown_area: 'Территории с идентификатором {id} нет.',
    code_taken: 'Национальный код {code} уже занят другим учреждением.',
    field_not_editable: 'Вы не можете изменить {fields}.',
  },
});

const view = (row: store.InstitutionRow) => ({ ...row, updatedAt: row.updatedAt.toISOString() });

/** Areas, institutions, academic years and the country pack. Reading is public: it is the school directory. */
export default async function institutionsRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const scopeOfParam = (request: FastifyRequest) =>
    institutionScope(db, (request.params as { id: number }).id);

  r.get(
    '/areas',
    {
      config: { access: 'public' },
      schema: {
        tags: ['institutions'],
        summary: 'The tree of administrative areas',
        response: { 200: Type.Array(Area) },
      },
    },
    async () => store.listAreas(db),
  );

  r.get(
    '/institutions',
    {
      config: { access: 'public' },
      schema: {
        tags: ['institutions'],
        summary: 'The directory of institutions',
        querystring: InstitutionListQuery,
        response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(Institution) }) },
      },
    },
    async (request) => {
      const { total, items } = await store.listInstitutions(db, request.query);
      return { total, items: items.map(view) };
    },
  );

  r.get(
    '/institutions/:id',
    {
      config: { access: 'public' },
      schema: {
        tags: ['institutions'],
        summary: 'One institution',
        params: IdParams,
        response: { 200: Institution },
      },
    },
    async (request) => {
      const row = await store.findInstitution(db, request.params.id);
      if (!row) throw notFound('institution');
      return view(row);
    },
  );

  r.post(
    '/institutions',
    {
      config: { access: { roles: ['admin', 'bureau'] } },
      schema: {
        tags: ['institutions'],
        summary: 'Register an institution',
        body: CreateInstitutionBody,
        response: { 201: Institution },
      },
    },
    async (request, reply) =>
      reply.status(201).send(view(await createInstitution(db, changeContext(request), request.body))),
  );

  r.patch(
    '/institutions/:id',
    {
      config: { access: { roles: ['admin', 'bureau', 'director'], scope: scopeOfParam } },
      schema: {
        tags: ['institutions'],
        summary: "Change an institution's record (a director: only their own school's details)",
        params: IdParams,
        body: PatchInstitutionBody,
        response: { 200: Institution },
      },
    },
    async (request) => {
      if (!allows(requireActor(request), ['admin', 'bureau'])) {
        const refused = Object.keys(request.body).filter((k) => !DIRECTOR_FIELDS.includes(k));
        if (refused.length) throw new AppError(403, 'field_not_editable', { fields: refused.join(', ') });
      }
      return view(await updateInstitution(db, changeContext(request), request.params.id, request.body));
    },
  );

  r.get(
    '/academic-years',
    {
      config: { access: 'public' },
      schema: {
        tags: ['institutions'],
        summary: 'Academic years',
        response: { 200: Type.Array(AcademicYear) },
      },
    },
    async () => store.listAcademicYears(db),
  );

  r.get(
    '/country-pack',
    {
      config: { access: 'public' },
      schema: {
        tags: ['institutions'],
        summary: 'Levels, grades, subjects, grading scales and the calendar',
        response: { 200: CountryPack },
      },
    },
    async () => store.countryPack(db),
  );
}
