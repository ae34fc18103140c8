import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '@/server/config';
import type { Database } from '@/server/db/database';
import { JobWorker } from '@/server/jobs';
import { LocalStorage } from '@/server/storage';
import { createUserWithRole } from '@test/factories';
import { login } from '@test/harness';
import * as library from '@/modules/library/library.service';
import type { ResourceBody } from '@/modules/library/library.schema';
import { pdfBytes } from '@test/files';

/** The library's part of the route walk's world: resources in each workflow state, files, uploads. */
export interface LibraryWorld {
  newResource: ResourceBody;
  draftId: number;
  submittableId: number;
  inReviewId: number;
  publishedId: number;
  unpublishableId: number;
  fileId: number;
  hlsFileId: number;
  collectionId: number;
  uploadHeaders: Record<string, string>;
  uploadId: string;
  abandonedUploadId: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/**
 * Builds it through the library's own services: a second editor writes the resources, so that the walk's
 * editor may review them; a small video is processed by the real media job (ffmpeg), for the HLS route.
 */
export async function libraryWorld(
  app: FastifyInstance,
  database: Database,
  config: Config,
  walker: { editorId: number; editorUsername: string },
): Promise<LibraryWorld> {
  const db = database.db;
  const env = { storage: new LocalStorage(config.storageDir), media: config.media };
  const author = await createUserWithRole(db, 'editor');
  const ctx = { actorId: author.id, ip: null };
  const reviewerCtx = { actorId: walker.editorId, ip: null };
  const body = (title: string, type: ResourceBody['type'] = 'e_textbook'): ResourceBody => ({
    type,
    title,
    language: 'az',
    level: 'general',
    grades: [],
    subject: null,
    authors: [],
    publisher: null,
    licence: 'cc_by',
    accessibility: [],
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-world-'));
  const withFile = async (title: string) => {
    const r = await library.createResource(db, env, ctx, body(title), 'en');
    const file = path.join(dir, `${r.id}.pdf`);
    fs.writeFileSync(file, pdfBytes());
    const row = await library.registerUpload(db, env, ctx, {
      resourceId: r.id,
      role: 'main',
      path: file,
      originalName: null,
    });
    return { id: r.id, fileId: row.id };
  };
  const published = async (title: string) => {
    const r = await withFile(title);
    await library.submitResource(db, env, ctx, r.id);
    await library.reviewResource(db, env, reviewerCtx, r.id, 'publish');
    return r;
  };

  const video = path.join(dir, 'video.mp4');
  execFileSync(config.media.ffmpeg, [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=256x144:rate=5:duration=1',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    video,
  ]);
  const videoResource = await library.createResource(db, env, ctx, body('Video', 'video_lesson'), 'en');
  await library.registerUpload(db, env, ctx, {
    resourceId: videoResource.id,
    role: 'main',
    path: video,
    originalName: null,
  });
  await new JobWorker(db, { [library.MEDIA_QUEUE]: library.mediaJob(db, env) }).drain();
  await library.submitResource(db, env, ctx, videoResource.id);
  await library.reviewResource(db, env, reviewerCtx, videoResource.id, 'publish');
  const hls = (await library.getResource(db, env, videoResource.id, null)).files.find(
    (f) => f.role === 'hls',
  );
  if (!hls) throw new Error('the world video was not processed: is ffmpeg installed?');

  const draft = await library.createResource(db, env, ctx, body('Qaralama'), 'en');
  const submittable = await withFile('Təqdim');
  const inReview = await withFile('Yoxlamada');
  await library.submitResource(db, env, ctx, inReview.id);
  const pub = await published('Dərc olunub');
  const unpublishable = await published('Çıxarılacaq');
  const collection = await library.createCollection(db, ctx, { kind: 'collection', title: 'Rəf' });

  const uploadHeaders = {
    'tus-resumable': '1.0.0',
    'upload-length': '100',
    'upload-metadata': `resourceId ${b64(String(draft.id))},role ${b64('main')}`,
  };
  const session = await login(app, walker.editorUsername, 'password-1');
  const start = async () => {
    const res = await session.inject({ method: 'POST', url: '/api/library/uploads', headers: uploadHeaders });
    if (res.statusCode !== 201) throw new Error(`tus create: ${res.statusCode} ${res.body}`);
    return String(res.headers.location).split('/').pop()!;
  };
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    newResource: body('Yeni'),
    draftId: draft.id,
    submittableId: submittable.id,
    inReviewId: inReview.id,
    publishedId: pub.id,
    unpublishableId: unpublishable.id,
    fileId: pub.fileId,
    hlsFileId: hls.id,
    collectionId: collection.id,
    uploadHeaders,
    uploadId: await start(),
    abandonedUploadId: await start(),
  };
}
