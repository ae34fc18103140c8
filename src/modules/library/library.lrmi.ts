import type { ResourceView } from '@/modules/library/library.schema';

/**
 * A published resource described for search engines and harvesters: schema.org `LearningResource` with the
 * LRMI properties (JSON-LD), and the resource's page — the web app's `index.html` with that description, its
 * title and a meta description put in, so that a crawler that does not run JavaScript still reads them. Pure
 * functions: the caller loads the resource and its subject.
 */

/** A subject's names, for `about`. */
export interface SubjectNames {
  code: string;
  nameAz: string;
  nameRu: string;
  nameEn: string;
}

/** The licence's address, for the Creative Commons licences and the public-domain tools (none otherwise). */
export const LICENCE_URLS: Record<ResourceView['licence'], string | null> = {
  cc_by: 'https://creativecommons.org/licenses/by/4.0/',
  cc_by_sa: 'https://creativecommons.org/licenses/by-sa/4.0/',
  cc_by_nd: 'https://creativecommons.org/licenses/by-nd/4.0/',
  cc_by_nc: 'https://creativecommons.org/licenses/by-nc/4.0/',
  cc_by_nc_sa: 'https://creativecommons.org/licenses/by-nc-sa/4.0/',
  cc_by_nc_nd: 'https://creativecommons.org/licenses/by-nc-nd/4.0/',
  cc0: 'https://creativecommons.org/publicdomain/zero/1.0/',
  public_domain: 'https://creativecommons.org/publicdomain/mark/1.0/',
  all_rights_reserved: null,
};

/** LRMI's learningResourceType for each kind of resource, in English (Dublin Core's dc:type beside DCMI's). */
export const LEARNING_RESOURCE_TYPES: Record<ResourceView['type'], string> = {
  video_lesson: 'video lesson',
  tv_lesson: 'TV lesson',
  audio_lesson: 'audio lesson',
  e_textbook: 'textbook',
  teacher_guide: 'teacher guide',
  steam_project: 'project',
  extracurricular_reading: 'reading',
  worksheet: 'worksheet',
  other: 'learning resource',
};

/**
 * The vocabulary of learningResourceType: the platform's kinds of resource, each a `DefinedTerm` whose code is
 * the kind's code and whose set is served at this path (see docs/vocabularies.md).
 */
export const RESOURCE_TYPE_SET_PATH = '/vocabularies/learning-resource-type';

/**
 * The vocabulary of educationalLevel: ISCED 2011 (UNESCO Institute for Statistics), with the grades of
 * Azerbaijan's general education mapped to its levels (primary 1–4 → ISCED 1, basic 5–9 → ISCED 2, complete
 * secondary 10–11 → ISCED 3), vocational education to ISCED 35/45 and higher education to ISCED 6.
 */
export const ISCED_SET =
  'http://uis.unesco.org/en/topic/international-standard-classification-education-isced';

const ISCED_LEVELS: Record<string, string> = {
  '1': 'Primary education',
  '2': 'Lower secondary education',
  '3': 'Upper secondary education',
  '4': 'Post-secondary non-tertiary education',
  '6': "Bachelor's or equivalent level",
};

/** The ISCED 2011 levels a resource is for: from its grades in general education, else from its level. */
export function iscedLevels(level: ResourceView['level'], grades: number[]): string[] {
  if (level === 'higher') return ['6'];
  if (level === 'vocational') return grades.some((g) => g >= 10) ? ['4'] : ['3'];
  const out = new Set<string>();
  for (const g of grades) out.add(g <= 4 ? '1' : g <= 9 ? '2' : '3');
  return [...out].sort();
}

/** schema.org's accessibilityFeature values for ours. */
const ACCESSIBILITY: Record<ResourceView['accessibility'][number], string> = {
  captions: 'captions',
  transcript: 'transcript',
  audio_description: 'audioDescription',
  tagged_pdf: 'taggedPDF',
};

/** The kinds described as videos (schema.org VideoObject) and as books (Book). */
const VIDEO_TYPES: ReadonlySet<string> = new Set(['video_lesson', 'tv_lesson']);
const BOOK_TYPES: ReadonlySet<string> = new Set(['e_textbook', 'teacher_guide', 'extracurricular_reading']);

/** The framework the curriculum topics belong to. */
export const CURRICULUM_FRAMEWORK = 'Azerbaijan national curriculum';

/** Seconds as an ISO 8601 duration: 3725 → PT1H2M5S, 0 → PT0S. */
export function isoDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const parts = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${rest || (!h && !m) ? `${rest}S` : ''}`;
  return `PT${parts}`;
}

/** A size as people read it (schema.org's contentSize is text): 1.5 MB, 820 kB, 12 B. */
export function contentSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} kB`;
  return `${bytes} B`;
}

const nameIn = (language: ResourceView['language'], n: { nameAz: string; nameRu: string; nameEn: string }) =>
  language === 'ru' ? n.nameRu : language === 'en' ? n.nameEn : n.nameAz;

/** The resource's public address. */
export const resourceUrl = (baseUrl: string, id: number) => `${baseUrl.replace(/\/$/, '')}/resources/${id}`;

/** A curriculum topic's public page: the library's resources that teach it. */
export const topicUrl = (baseUrl: string, id: number) =>
  `${baseUrl.replace(/\/$/, '')}/resources?topic=${id}`;

/** A length in pixels, as schema.org's Distance-or-QuantitativeValue wants it (UN/CEFACT E37: pixel). */
const pixels = (n: number) => ({ '@type': 'QuantitativeValue', value: n, unitCode: 'E37', unitText: 'px' });

/**
 * The schema.org description (JSON-LD, LRMI) of a published resource: a `LearningResource`, and also a
 * `VideoObject` for video and TV lessons (upload date, thumbnail, content URL, ISO 8601 duration, as search
 * engines' video results ask) or a `Book` for textbooks, guides and readings (its number of pages). The type
 * and levels are `DefinedTerm`s of documented vocabularies; each alignment points at its topic's page. Every
 * address is made from `baseUrl`, the configured public address.
 */
export function learningResource(
  r: ResourceView,
  options: { baseUrl: string; subject: SubjectNames | null },
): Record<string, unknown> {
  const base = options.baseUrl.replace(/\/$/, '');
  const url = resourceUrl(base, r.id);
  const absolute = (path: string) => `${base}${path}`;
  const uploads = r.files.filter((f) => f.role === 'main' || f.role === 'rendition' || f.role === 'audio');
  const media = r.files.filter((f) => f.role !== 'hls' && f.role !== 'thumbnail');
  const thumbnail = r.files.find((f) => f.role === 'thumbnail');
  const mediaObject = (f: ResourceView['files'][number]) => ({
    '@type': 'MediaObject',
    contentUrl: absolute(f.url),
    contentSize: contentSize(f.sizeBytes),
    encodingFormat: f.contentType,
    ...(f.height !== null ? { height: pixels(f.height) } : {}),
    ...(f.durationSeconds !== null ? { duration: isoDuration(f.durationSeconds) } : {}),
    ...(f.sha256 ? { sha256: f.sha256 } : {}),
  });
  const video = VIDEO_TYPES.has(r.type);
  const book = BOOK_TYPES.has(r.type);
  const main = r.files.find((f) => f.role === 'main' && f.sourceFileId === null) ?? uploads[0];
  const typeSet = absolute(RESOURCE_TYPE_SET_PATH);
  const licence = LICENCE_URLS[r.licence];
  const out: Record<string, unknown> = {
    '@context': 'https://schema.org',
    '@type': video
      ? ['VideoObject', 'LearningResource']
      : book
        ? ['Book', 'LearningResource']
        : 'LearningResource',
    '@id': url,
    url,
    identifier: String(r.id),
    name: r.title,
    ...(r.description ? { description: r.description } : {}),
    inLanguage: r.language,
    educationalLevel: iscedLevels(r.level, r.grades).map((code) => ({
      '@type': 'DefinedTerm',
      termCode: `ISCED ${code}`,
      name: ISCED_LEVELS[code],
      inDefinedTermSet: ISCED_SET,
    })),
    learningResourceType: {
      '@type': 'DefinedTerm',
      '@id': `${typeSet}#${r.type}`,
      termCode: r.type,
      name: LEARNING_RESOURCE_TYPES[r.type],
      inDefinedTermSet: typeSet,
    },
    ...(r.topics.length > 0
      ? {
          teaches: r.topics.map((t) => nameIn(r.language, t)),
          educationalAlignment: r.topics.map((t) => ({
            '@type': 'AlignmentObject',
            alignmentType: 'teaches',
            educationalFramework: CURRICULUM_FRAMEWORK,
            targetName: nameIn(r.language, t),
            targetDescription: t.code,
            targetUrl: topicUrl(base, t.id),
          })),
        }
      : {}),
    ...(options.subject
      ? {
          about: {
            '@type': 'Thing',
            identifier: options.subject.code,
            name: nameIn(r.language, options.subject),
          },
        }
      : {}),
    ...(licence ? { license: licence } : {}),
    ...(r.authors.length > 0 ? { author: r.authors.map((name) => ({ '@type': 'Person', name })) } : {}),
    ...(r.publisher ? { publisher: { '@type': 'Organization', name: r.publisher } } : {}),
    ...(r.durationSeconds !== null ? { timeRequired: isoDuration(r.durationSeconds) } : {}),
    ...(video
      ? {
          uploadDate: r.publishedAt ?? r.createdAt,
          ...(main ? { contentUrl: absolute(main.url), encodingFormat: main.contentType } : {}),
          ...(r.durationSeconds !== null ? { duration: isoDuration(r.durationSeconds) } : {}),
        }
      : {}),
    ...(book && r.pages !== null ? { numberOfPages: r.pages } : {}),
    ...(r.accessibility.length > 0
      ? { accessibilityFeature: r.accessibility.map((a) => ACCESSIBILITY[a]) }
      : {}),
    ...(uploads.length > 0 ? { encoding: uploads.map(mediaObject) } : {}),
    ...(media.length > 0 ? { associatedMedia: media.map(mediaObject) } : {}),
    ...(thumbnail ? { thumbnailUrl: absolute(thumbnail.url) } : {}),
    ...(r.type === 'tv_lesson' && r.airDate
      ? { releasedEvent: { '@type': 'BroadcastEvent', startDate: r.airDate, name: r.channel } }
      : {}),
    dateCreated: r.createdAt,
    dateModified: r.updatedAt,
    ...(r.publishedAt ? { datePublished: r.publishedAt } : {}),
    isAccessibleForFree: true,
  };
  return out;
}

/** The vocabulary of learningResourceType as a schema.org `DefinedTermSet` (JSON-LD), at `RESOURCE_TYPE_SET_PATH`. */
export function resourceTypeSet(baseUrl: string): Record<string, unknown> {
  const set = `${baseUrl.replace(/\/$/, '')}${RESOURCE_TYPE_SET_PATH}`;
  return {
    '@context': 'https://schema.org',
    '@type': 'DefinedTermSet',
    '@id': set,
    url: set,
    name: 'Maktab: kinds of learning resource',
    hasDefinedTerm: Object.entries(LEARNING_RESOURCE_TYPES).map(([code, name]) => ({
      '@type': 'DefinedTerm',
      '@id': `${set}#${code}`,
      termCode: code,
      name,
      inDefinedTermSet: set,
    })),
  };
}

/** JSON for inside `<script>`: `<`, `>`, `&` and the line separators escaped, so no text can end the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Text for HTML element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A description short enough for a meta description, cut at a word. */
function summary(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/**
 * The app shell with the page's language on `<html>` and, when given, HTML (already escaped) inside the root
 * element: what a reader sees before the script runs, replaced by the app when it starts.
 */
export function withBody(indexHtml: string, page: { lang?: string; body?: string }): string {
  let html = indexHtml;
  if (page.lang && /^[a-z]{2}$/.test(page.lang)) {
    const lang = page.lang;
    html = /<html\b[^>]*\blang="[^"]*"/.test(html)
      ? html.replace(/(<html\b[^>]*\blang=")[^"]*"/, (_, start: string) => `${start}${lang}"`)
      : html.replace(/<html\b/, () => `<html lang="${lang}"`);
  }
  if (page.body !== undefined) {
    const body = page.body;
    html = html.replace(/<div id="root">\s*<\/div>/, () => `<div id="root">${body}</div>`);
  }
  return html;
}

/**
 * The app shell for a resource's page: its `<title>`, meta description, canonical link and the JSON-LD put
 * into `index.html`'s head. Everything else of the page stays as built.
 */
export function resourcePage(
  indexHtml: string,
  r: ResourceView,
  jsonLd: Record<string, unknown>,
  page: { lang?: string; body?: string } = {},
): string {
  const title = escapeHtml(`${r.title} — Maktab`);
  const description = escapeHtml(summary(r.description || r.title));
  const url = typeof jsonLd.url === 'string' ? escapeHtml(jsonLd.url) : null;
  const head =
    `<meta property="og:title" content="${escapeHtml(r.title)}" />` +
    (url ? `<link rel="canonical" href="${url}" />` : '') +
    `<script type="application/ld+json">${scriptJson(jsonLd)}</script>`;
  let html = indexHtml.replace(/<title>[\s\S]*?<\/title>/, () => `<title>${title}</title>`);
  const meta = /<meta\s+name="description"\s+content="[^"]*"\s*\/?>/;
  const described = `<meta name="description" content="${description}" />`;
  html = meta.test(html)
    ? html.replace(meta, () => described)
    : html.replace('</head>', () => `${described}</head>`);
  // Replacement functions throughout, so that `$` in a title is not read as a pattern.
  html = html.replace('</head>', () => `${head}</head>`);
  return withBody(html, page);
}
