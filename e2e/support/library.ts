import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as library from '@/modules/library/library.service';
import { LocalStorage } from '@/server/storage';
import { createUserWithRole } from '@test/factories';
import type { TestServer } from './server';

/**
 * Publishes one small video lesson (a second of ffmpeg's test picture) in the test server's library, written
 * by one editor and published by another, through the library's own service: what a browser test needs of
 * the library without seeding the demo library's few hundred resources. Returns the resource's id.
 */
export async function publishVideoLesson(
  server: TestServer,
  fields: { title: string; subject: string; grades: number[] },
): Promise<number> {
  const db = server.running.database.db;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-e2e-video-'));
  try {
    const video = path.join(dir, 'lesson.mp4');
    execFileSync(server.config.media.ffmpeg, [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=160x90:rate=5:duration=1',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      video,
    ]);
    // No media processing: the original is served, as on a server without ffmpeg.
    const env = {
      storage: new LocalStorage(server.config.storageDir),
      media: { ffmpeg: '/nonexistent/ffmpeg', ffprobe: '/nonexistent/ffprobe' },
    };
    const author = { actorId: (await createUserWithRole(db, 'editor')).id, ip: null };
    const reviewer = { actorId: (await createUserWithRole(db, 'editor')).id, ip: null };
    const resource = await library.createResource(
      db,
      env,
      author,
      {
        type: 'video_lesson',
        title: fields.title,
        language: 'az',
        level: 'general',
        grades: fields.grades,
        subject: fields.subject,
        authors: [],
        publisher: null,
        licence: 'cc_by',
        accessibility: [],
      },
      'az',
    );
    await library.registerUpload(db, env, author, {
      resourceId: resource.id,
      role: 'main',
      path: video,
      originalName: 'lesson.mp4',
    });
    await library.submitResource(db, env, author, resource.id);
    await library.reviewResource(db, env, reviewer, resource.id, 'publish');
    return resource.id;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
