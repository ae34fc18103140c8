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

/** LRMI's learningResourceType for each kind of resource. */
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

/** schema.org's accessibilityFeature values for ours. */
const ACCESSIBILITY: Record<ResourceView['accessibility'][number], string> = {
  captions: 'captions',
  transcript: 'transcript',
  audio_description: 'audioDescription',
  tagged_pdf: 'taggedPDF',
};

const LEVELS: Record<ResourceView['level'], string> = {
  general: 'general education',
  vocational: 'vocational education',
  higher: 'higher education',
};

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

/** The schema.org `LearningResource` (JSON-LD) of a published resource. */
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
    ...(f.height !== null ? { height: f.height } : {}),
    ...(f.durationSeconds !== null ? { duration: isoDuration(f.durationSeconds) } : {}),
    ...(f.sha256 ? { sha256: f.sha256 } : {}),
  });
  const licence = LICENCE_URLS[r.licence];
  const out: Record<string, unknown> = {
    '@context': 'https://schema.org',
    '@type': 'LearningResource',
    '@id': url,
    url,
    identifier: String(r.id),
    name: r.title,
    ...(r.description ? { description: r.description } : {}),
    inLanguage: r.language,
    educationalLevel: [LEVELS[r.level], ...r.grades.map((g) => `grade ${g}`)],
    learningResourceType: LEARNING_RESOURCE_TYPES[r.type],
    ...(r.topics.length > 0
      ? {
          teaches: r.topics.map((t) => nameIn(r.language, t)),
          educationalAlignment: r.topics.map((t) => ({
            '@type': 'AlignmentObject',
            alignmentType: 'teaches',
            educationalFramework: CURRICULUM_FRAMEWORK,
            targetName: nameIn(r.language, t),
            targetDescription: t.code,
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
    ...(r.pages !== null ? { numberOfPages: r.pages } : {}),
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
