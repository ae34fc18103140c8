import { describe, expect, it } from 'vitest';
import {
  contentSize,
  escapeHtml,
  iscedLevels,
  ISCED_SET,
  isoDuration,
  learningResource,
  resourcePage,
  scriptJson,
} from '@/modules/library/library.lrmi';
import type { ResourceView } from '@/modules/library/library.schema';

const view = (over: Partial<ResourceView> = {}): ResourceView => ({
  id: 7,
  type: 'video_lesson',
  state: 'published',
  title: 'Kəsrlər </script><script>alert(1)</script>',
  description: 'Toplama və çıxma. $& $1 "dırnaq"',
  language: 'az',
  level: 'general',
  grades: [5, 6],
  subject: 'mathematics',
  topics: [
    {
      id: 3,
      code: 'math.numbers.fractions',
      parentId: 1,
      subjectCode: 'mathematics',
      grades: [5],
      nameAz: 'Kəsrlər',
      nameRu: 'Дроби',
      nameEn: 'Fractions',
    },
  ],
  authors: ['Nəzakət Məmmədova'],
  publisher: 'Təhsil Nazirliyi',
  channel: null,
  airDate: null,
  durationSeconds: 3725,
  pages: null,
  licence: 'cc_by_sa',
  accessibility: ['captions', 'audio_description'],
  createdBy: 1,
  createdAt: '2026-09-01T08:00:00.000Z',
  updatedAt: '2026-09-02T08:00:00.000Z',
  submittedBy: 1,
  reviewedBy: 2,
  publishedAt: '2026-09-02T08:00:00.000Z',
  files: [
    {
      id: 11,
      role: 'main',
      version: 1,
      sourceFileId: null,
      variant: null,
      contentType: 'video/mp4',
      sizeBytes: 157_286_400,
      sha256: 'ab'.repeat(32),
      processingState: 'done',
      processingError: null,
      durationSeconds: 3725,
      height: 720,
      url: '/api/library/files/11',
    },
    {
      id: 12,
      role: 'thumbnail',
      version: 1,
      sourceFileId: 11,
      variant: 'thumbnail',
      contentType: 'image/jpeg',
      sizeBytes: 20_000,
      sha256: null,
      processingState: 'not_needed',
      processingError: null,
      durationSeconds: null,
      height: null,
      url: '/api/library/files/12',
    },
  ],
  processing: { available: true, state: 'done', error: null },
  views: 0,
  completions: 0,
  ...over,
});

const subject = { code: 'mathematics', nameAz: 'Riyaziyyat', nameRu: 'Математика', nameEn: 'Mathematics' };

describe('LRMI description of a resource', () => {
  it('writes ISO 8601 durations and readable sizes', () => {
    expect(isoDuration(3725)).toBe('PT1H2M5S');
    expect(isoDuration(60)).toBe('PT1M');
    expect(isoDuration(0)).toBe('PT0S');
    expect(isoDuration(7200)).toBe('PT2H');
    expect(contentSize(157_286_400)).toBe('150.0 MB');
    expect(contentSize(20_000)).toBe('20 kB');
    expect(contentSize(12)).toBe('12 B');
  });

  it('maps grades and levels to ISCED 2011: primary 1–4, basic 5–9, complete secondary 10–11', () => {
    expect(iscedLevels('general', [1, 4])).toEqual(['1']);
    expect(iscedLevels('general', [4, 5, 9, 10, 11])).toEqual(['1', '2', '3']);
    expect(iscedLevels('general', [])).toEqual([]);
    expect(iscedLevels('vocational', [])).toEqual(['3']);
    expect(iscedLevels('higher', [])).toEqual(['6']);
  });

  it('describes a video lesson with its alignment, licence, media and accessibility', () => {
    const ld = learningResource(view(), { baseUrl: 'https://maktab.edu.az/', subject });
    expect(ld).toMatchObject({
      '@context': 'https://schema.org',
      '@type': ['VideoObject', 'LearningResource'],
      '@id': 'https://maktab.edu.az/resources/7',
      url: 'https://maktab.edu.az/resources/7',
      name: view().title,
      description: view().description,
      inLanguage: 'az',
      // Grades 5 and 6 are basic education: ISCED 2.
      educationalLevel: [
        {
          '@type': 'DefinedTerm',
          termCode: 'ISCED 2',
          name: 'Lower secondary education',
          inDefinedTermSet: ISCED_SET,
        },
      ],
      learningResourceType: {
        '@type': 'DefinedTerm',
        '@id': 'https://maktab.edu.az/vocabularies/learning-resource-type#video_lesson',
        termCode: 'video_lesson',
        name: 'video lesson',
        inDefinedTermSet: 'https://maktab.edu.az/vocabularies/learning-resource-type',
      },
      // What search engines' video results ask for.
      uploadDate: '2026-09-02T08:00:00.000Z',
      contentUrl: 'https://maktab.edu.az/api/library/files/11',
      duration: 'PT1H2M5S',
      teaches: ['Kəsrlər'],
      educationalAlignment: [
        {
          '@type': 'AlignmentObject',
          alignmentType: 'teaches',
          targetName: 'Kəsrlər',
          targetDescription: 'math.numbers.fractions',
          targetUrl: 'https://maktab.edu.az/resources?topic=3',
        },
      ],
      about: { '@type': 'Thing', identifier: 'mathematics', name: 'Riyaziyyat' },
      license: 'https://creativecommons.org/licenses/by-sa/4.0/',
      author: [{ '@type': 'Person', name: 'Nəzakət Məmmədova' }],
      publisher: { '@type': 'Organization', name: 'Təhsil Nazirliyi' },
      timeRequired: 'PT1H2M5S',
      accessibilityFeature: ['captions', 'audioDescription'],
      encoding: [
        {
          '@type': 'MediaObject',
          contentUrl: 'https://maktab.edu.az/api/library/files/11',
          contentSize: '150.0 MB',
          encodingFormat: 'video/mp4',
          height: { '@type': 'QuantitativeValue', value: 720, unitCode: 'E37' },
        },
      ],
      thumbnailUrl: 'https://maktab.edu.az/api/library/files/12',
      dateCreated: '2026-09-01T08:00:00.000Z',
      dateModified: '2026-09-02T08:00:00.000Z',
      isAccessibleForFree: true,
    });
    expect(ld).not.toHaveProperty('numberOfPages');
  });

  it('gives a book its pages, a Russian resource Russian names, and no licence link when rights are reserved', () => {
    const ld = learningResource(
      view({
        type: 'e_textbook',
        language: 'ru',
        durationSeconds: null,
        pages: 212,
        licence: 'all_rights_reserved',
        accessibility: [],
      }),
      { baseUrl: 'https://maktab.edu.az', subject },
    );
    expect(ld).toMatchObject({
      '@type': ['Book', 'LearningResource'],
      numberOfPages: 212,
      learningResourceType: { termCode: 'e_textbook', name: 'textbook' },
      teaches: ['Дроби'],
    });
    expect(ld).not.toHaveProperty('uploadDate');
    // Pages belong to books only: a worksheet's are not said.
    expect(
      learningResource(view({ type: 'worksheet', pages: 3 }), { baseUrl: 'https://x.az', subject }),
    ).not.toHaveProperty('numberOfPages');
    expect(ld).toMatchObject({ about: { name: 'Математика' } });
    expect(ld).not.toHaveProperty('license');
    expect(ld).not.toHaveProperty('timeRequired');
    expect(ld).not.toHaveProperty('accessibilityFeature');
  });

  it('puts title, description and JSON-LD into the shell without letting any text out of its place', () => {
    const shell =
      '<!doctype html><html><head><meta name="description" content="Maktab" /><title>Maktab</title></head><body></body></html>';
    const r = view();
    const ld = learningResource(r, { baseUrl: 'https://maktab.edu.az', subject });
    const html = resourcePage(shell, r, ld);
    expect(html).toContain(`<title>${escapeHtml(r.title)} — Maktab</title>`);
    expect(html).toContain(`<meta name="description" content="${escapeHtml(r.description)}" />`);
    // `$&` and `$1` stay as written (no replacement patterns).
    expect(html).toContain('$&amp; $1 &quot;dırnaq&quot;');
    const scripts = html.match(/<script[^>]*>([\s\S]*?)<\/script>/g) ?? [];
    expect(scripts).toHaveLength(1);
    const json = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(json).not.toContain('<');
    expect(JSON.parse(json)).toEqual(ld);
    expect(scriptJson({ a: '</script>&\u2028' })).toBe('{"a":"\\u003c/script\\u003e\\u0026\\u2028"}');
  });
});
