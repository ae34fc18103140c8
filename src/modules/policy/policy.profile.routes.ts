import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import type { Locale } from '@/server/i18n';
import { changeContext } from '@/modules/identity/identity.routes';
import * as service from '@/modules/policy/policy.profile.service';
import { profilePdf } from '@/modules/policy/policy.profile.pdf';
import {
  Changes,
  EditionList,
  EditionParams,
  LangQuery,
  Profile,
  PublishBody,
  SectionBody,
  SectionParam,
  SectionText,
  SectionTexts,
} from '@/modules/policy/policy.profile.schema';

/** The ministry's bureau (and the administrator) write the profile's text and publish its editions. */
const EDITORS: Role[] = ['admin', 'bureau'];

/** Policy: the country profile: its sections' text, the generated profile (page, JSON, PDF), published editions and their comparison. */
export default async function profileRoutes(
  app: FastifyInstance,
  opts: { db: Db; publicUrl: string },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['policy'];
  /** The language asked for in the query (a link to a PDF in the page's language), else the caller's. */
  const langOf = (request: { query: { lang?: Locale }; locale: Locale }) =>
    request.query.lang ?? request.locale;
  const pdf = (reply: FastifyReply, body: Buffer, name: string) => {
    reply.header('content-type', 'application/pdf');
    reply.header('content-disposition', `attachment; filename="${name}"`);
    reply.header('cache-control', 'no-store');
    return reply.send(body);
  };

  r.get(
    '/policy/profile',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary:
          'The country profile generated now from live data, in the PEER outline: each section’s text, figures (with source, day and query), policies and partnerships',
        querystring: LangQuery,
        response: { 200: Profile },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return service.currentProfile(db, langOf(request));
    },
  );

  r.get(
    '/policy/profile/pdf',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'The live country profile as a PDF', querystring: LangQuery },
    },
    async (request, reply) => {
      const lang = langOf(request);
      const profile = await service.currentProfile(db, lang);
      return pdf(reply, await profilePdf(profile), `profile-${profile.generatedAt.slice(0, 10)}-${lang}.pdf`);
    },
  );

  r.get(
    '/policy/profile/changes',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'What changed in the live profile since the newest edition',
        querystring: LangQuery,
        response: { 200: Changes },
      },
    },
    async (request) => service.changesSinceLatest(db, langOf(request)),
  );

  r.get(
    '/policy/profile/sections',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags,
        summary:
          'The ministry’s text of each section of the profile, in the three languages, with its version',
        response: { 200: SectionTexts },
      },
    },
    async (request) => service.sectionTexts(db, request.locale),
  );

  r.put(
    '/policy/profile/sections/:section',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags,
        summary: 'Save a section’s text in the three languages, at the version read',
        params: SectionParam,
        body: SectionBody,
        response: { 200: SectionText },
      },
    },
    async (request) =>
      service.saveSection(db, changeContext(request), request.locale, request.params.section, request.body),
  );

  r.get(
    '/policy/profile/editions',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The published editions of the profile, newest first',
        querystring: LangQuery,
        response: { 200: EditionList },
      },
    },
    async (request) => service.listEditions(db, langOf(request)),
  );

  r.post(
    '/policy/profile/editions',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags,
        summary: 'Publish the profile as it stands now as the next edition (all three languages kept)',
        body: PublishBody,
        response: { 201: Profile },
      },
    },
    async (request, reply) => {
      const published = await service.publish(db, changeContext(request), request.locale, request.body);
      return reply.code(201).send(published);
    },
  );

  r.get(
    '/policy/profile/editions/:number',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A published edition, as it was published',
        params: EditionParams,
        querystring: LangQuery,
        response: { 200: Profile },
      },
    },
    async (request) => service.edition(db, langOf(request), request.params.number),
  );

  r.get(
    '/policy/profile/editions/:number/pdf',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A published edition as a PDF',
        params: EditionParams,
        querystring: LangQuery,
      },
    },
    async (request, reply) => {
      const lang = langOf(request);
      const profile = await service.edition(db, lang, request.params.number);
      return pdf(reply, await profilePdf(profile), `profile-edition-${profile.edition!.number}-${lang}.pdf`);
    },
  );

  r.get(
    '/policy/profile/editions/:number/changes',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'What an edition changed since the edition before it',
        params: EditionParams,
        querystring: LangQuery,
        response: { 200: Changes },
      },
    },
    async (request) => service.editionChanges(db, langOf(request), request.params.number),
  );
}
