import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireActor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { StringEnum } from '@/server/schema';
import { changeContext } from '@/modules/identity/identity.routes';
import * as news from '@/modules/portal/portal.news.service';
import * as ev from '@/modules/portal/portal.events.service';
import { home } from '@/modules/portal/portal.home.service';
import { eventsCalendar, newsFeed, type Publisher } from '@/modules/portal/portal.feeds';
import { PUBLISHERS } from '@/modules/portal/portal.place';
import { publishPlaces } from '@/modules/portal/portal.places.service';
import {
  AreaFeedParams,
  Article,
  ArticleBody,
  ArticleChangeBody,
  ArticleEdit,
  ArticleEditList,
  ArticleParams,
  Calendar,
  CalendarQuery,
  DeleteQuery,
  EventBody,
  EventChangeBody,
  EventEdit,
  EventEditList,
  EventOut,
  EventParams,
  Home,
  HomeQuery,
  NewsList,
  NewsQuery,
  PublishPlaces,
  Registration,
  SchoolFeedParams,
} from '@/modules/portal/portal.schema';

const Deleted = Type.Object({ deleted: Type.Boolean() });
const FeedQuery = Type.Object(
  {
    format: Type.Optional(
      StringEnum(['rss', 'atom'] as const, { description: 'rss (RSS 2.0, default) or atom' }),
    ),
  },
  { additionalProperties: false },
);

/** The portal (docs/portal.md): public news, events and their feeds; the publishers' editing. */
export default async function portalRoutes(app: FastifyInstance, opts: { db: Db; publicUrl: string }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db, publicUrl } = opts;
  const tags = ['portal'];

  r.get(
    '/portal/home',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "What's new near me: news and events of my school, area and the nation",
        querystring: HomeQuery,
        response: { 200: Home },
      },
    },
    async (request) => home(db, request.locale, request.actor, request.query.areaId),
  );

  // News ---------------------------------------------------------------------------------------------------
  r.get(
    '/portal/news',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Published news near an area or of a school, newest first',
        querystring: NewsQuery,
        response: { 200: NewsList },
      },
    },
    async (request) => news.listNews(db, request.locale, request.query),
  );
  r.get(
    '/portal/news/:articleId',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'A published news item', params: ArticleParams, response: { 200: Article } },
    },
    async (request) => news.getNews(db, request.locale, request.params.articleId),
  );
  r.get(
    '/portal/manage/news',
    {
      config: { access: { roles: PUBLISHERS } },
      schema: {
        tags,
        summary: 'The news items the caller may edit, drafts and scheduled ones too',
        response: { 200: ArticleEditList },
      },
    },
    async (request) => news.listEditable(db, requireActor(request), request.locale),
  );
  r.post(
    '/portal/manage/news',
    {
      config: { access: { roles: PUBLISHERS } },
      schema: {
        tags,
        summary: 'Write a news item for a place the caller publishes for',
        body: ArticleBody,
        response: { 200: ArticleEdit },
      },
    },
    async (request) =>
      news.createNews(db, changeContext(request), requireActor(request), request.locale, request.body),
  );
  r.get(
    '/portal/manage/news/:articleId',
    {
      config: { access: { roles: PUBLISHERS } },
      schema: {
        tags,
        summary: 'A news item in every language, for its editors',
        params: ArticleParams,
        response: { 200: ArticleEdit },
      },
    },
    async (request) => news.getEditable(db, requireActor(request), request.locale, request.params.articleId),
  );
  r.put(
    '/portal/manage/news/:articleId',
    {
      config: { access: { roles: PUBLISHERS } },
      schema: {
        tags,
        summary: 'Save a news item at the version read',
        params: ArticleParams,
        body: ArticleChangeBody,
        response: { 200: ArticleEdit },
      },
    },
    async (request) =>
      news.updateNews(
        db,
        changeContext(request),
        requireActor(request),
        request.locale,
        request.params.articleId,
        request.body,
      ),
  );
  r.delete(
    '/portal/manage/news/:articleId',
    {
      config: { access: { roles: PUBLISHERS } },
      schema: {
        tags,
        summary: 'Remove a news item at the version read',
        params: ArticleParams,
        querystring: DeleteQuery,
        response: { 200: Deleted },
      },
    },
    async (request) => {
      await news.deleteNews(
        db,
        changeContext(request),
        requireActor(request),
        request.locale,
        request.params.articleId,
        request.query.version,
      );
      return { deleted: true };
    },
  );
  r.get(
    '/portal/manage/places',
    {
      config: { access: { roles: PUBLISHERS } },
      schema: {
        tags,
        summary: 'The places the caller may publish news and events for',
        response: { 200: PublishPlaces },
      },
    },
    async (request) => publishPlaces(db, requireActor(request), request.locale),
  );

  // Events -------------------------------------------------------------------------------------------------
  r.get(
    '/portal/events',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The calendar: occurrences of events near an area or of a school',
        querystring: CalendarQuery,
        response: { 200: Calendar },
      },
    },
    async (request) => ({ occurrences: await ev.calendar(db, request.locale, request.query) }),
  );
  r.get(
    '/portal/events/:eventId',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'An event with its next occurrences',
        params: EventParams,
        response: { 200: EventOut },
      },
    },
    async (request) => ev.getEvent(db, request.locale, request.actor, request.params.eventId),
  );
  r.post(
    '/portal/events/:eventId/registration',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Register for an event (refused when full)',
        params: EventParams,
        response: { 200: Registration },
      },
    },
    async (request) => ev.register(db, requireActor(request), request.params.eventId),
  );
  r.delete(
    '/portal/events/:eventId/registration',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Cancel my registration for an event',
        params: EventParams,
        response: { 200: Registration },
      },
    },
    async (request) => ev.unregister(db, requireActor(request), request.params.eventId),
  );
  r.get(
    '/portal/manage/events',
    {
      config: { access: { roles: PUBLISHERS } },
      schema: { tags, summary: 'The events the caller may edit', response: { 200: EventEditList } },
    },
    async (request) => ev.listEditable(db, requireActor(request), request.locale),
  );
  r.post(
    '/portal/manage/events',
    {
      config: { access: { roles: PUBLISHERS } },
      schema: {
        tags,
        summary: 'Add an event for a place the caller publishes for',
        body: EventBody,
        response: { 200: EventEdit },
      },
    },
    async (request) =>
      ev.createEvent(db, changeContext(request), requireActor(request), request.locale, request.body),
  );
  r.get(
    '/portal/manage/events/:eventId',
    {
      config: { access: { roles: PUBLISHERS } },
      schema: {
        tags,
        summary: 'An event in every language, for its editors',
        params: EventParams,
        response: { 200: EventEdit },
      },
    },
    async (request) => ev.getEditable(db, requireActor(request), request.locale, request.params.eventId),
  );
  r.put(
    '/portal/manage/events/:eventId',
    {
      config: { access: { roles: PUBLISHERS } },
      schema: {
        tags,
        summary: 'Save an event at the version read',
        params: EventParams,
        body: EventChangeBody,
        response: { 200: EventEdit },
      },
    },
    async (request) =>
      ev.updateEvent(
        db,
        changeContext(request),
        requireActor(request),
        request.locale,
        request.params.eventId,
        request.body,
      ),
  );
  r.delete(
    '/portal/manage/events/:eventId',
    {
      config: { access: { roles: PUBLISHERS } },
      schema: {
        tags,
        summary: 'Remove an event at the version read',
        params: EventParams,
        querystring: DeleteQuery,
        response: { 200: Deleted },
      },
    },
    async (request) => {
      await ev.deleteEvent(
        db,
        changeContext(request),
        requireActor(request),
        request.locale,
        request.params.eventId,
        request.query.version,
      );
      return { deleted: true };
    },
  );

  // Feeds --------------------------------------------------------------------------------------------------
  const sendNews = async (reply: FastifyReply, xml: string, format: 'rss' | 'atom' | undefined) =>
    reply
      .header(
        'content-type',
        `${format === 'atom' ? 'application/atom+xml' : 'application/rss+xml'}; charset=utf-8`,
      )
      .header('cache-control', 'public, max-age=300')
      .send(xml);
  const sendCalendar = async (reply: FastifyReply, text: string) =>
    reply
      .header('content-type', 'text/calendar; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(text);

  const newsOf = (p: Publisher) => async (locale: Parameters<typeof newsFeed>[1], format?: 'rss' | 'atom') =>
    newsFeed(db, locale, publicUrl, p, format ?? 'rss');
  r.get(
    '/portal/feeds/nation/news.xml',
    {
      config: { access: 'public' },
      schema: { tags, summary: "The ministry's news as RSS 2.0 or Atom", querystring: FeedQuery },
    },
    async (request, reply) =>
      sendNews(
        reply,
        await newsOf({ kind: 'nation' })(request.locale, request.query.format),
        request.query.format,
      ),
  );
  r.get(
    '/portal/feeds/areas/:areaId/news.xml',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "An area's news as RSS 2.0 or Atom",
        params: AreaFeedParams,
        querystring: FeedQuery,
      },
    },
    async (request, reply) =>
      sendNews(
        reply,
        await newsOf({ kind: 'area', areaId: request.params.areaId })(request.locale, request.query.format),
        request.query.format,
      ),
  );
  r.get(
    '/portal/feeds/schools/:institutionId/news.xml',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "A school's news as RSS 2.0 or Atom",
        params: SchoolFeedParams,
        querystring: FeedQuery,
      },
    },
    async (request, reply) =>
      sendNews(
        reply,
        await newsOf({ kind: 'institution', institutionId: request.params.institutionId })(
          request.locale,
          request.query.format,
        ),
        request.query.format,
      ),
  );
  r.get(
    '/portal/feeds/nation/events.ics',
    {
      config: { access: 'public' },
      schema: { tags, summary: "The nation's events as an iCalendar (RFC 5545)" },
    },
    async (request, reply) =>
      sendCalendar(reply, await eventsCalendar(db, request.locale, publicUrl, { kind: 'nation' })),
  );
  r.get(
    '/portal/feeds/areas/:areaId/events.ics',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'The events near an area as an iCalendar (RFC 5545)', params: AreaFeedParams },
    },
    async (request, reply) =>
      sendCalendar(
        reply,
        await eventsCalendar(db, request.locale, publicUrl, { kind: 'area', areaId: request.params.areaId }),
      ),
  );
  r.get(
    '/portal/feeds/schools/:institutionId/events.ics',
    {
      config: { access: 'public' },
      schema: { tags, summary: "A school's events as an iCalendar (RFC 5545)", params: SchoolFeedParams },
    },
    async (request, reply) =>
      sendCalendar(
        reply,
        await eventsCalendar(db, request.locale, publicUrl, {
          kind: 'institution',
          institutionId: request.params.institutionId,
        }),
      ),
  );
}
