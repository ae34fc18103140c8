import { execFile, spawnSync } from 'node:child_process';
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { PermanentJobError } from '@/server/jobs';

/**
 * Media processing with ffmpeg: renditions at 144p–720p (never above the source), an audio-only track, HLS
 * for all of them under one master playlist, MP4 for download, a thumbnail and the duration. Debian's ffmpeg,
 * run as a program: nothing to build, and a missing ffmpeg only means processing is unavailable.
 */

const run = promisify(execFile);

/** The programs and how to reach them. */
export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
}

/** The picture heights made for a video, lowest first: 144p suits a cheap phone on a 2G link. */
export const RENDITION_HEIGHTS = [144, 240, 360, 480, 720] as const;

const availability = new Map<string, boolean>();

/** Whether ffmpeg and ffprobe can be run here (asked once per path). */
export function mediaAvailable(tools: MediaTools): boolean {
  const key = `${tools.ffmpeg}\0${tools.ffprobe}`;
  let known = availability.get(key);
  if (known === undefined) {
    known = [tools.ffmpeg, tools.ffprobe].every(
      (program) => spawnSync(program, ['-version'], { stdio: 'ignore', timeout: 10_000 }).status === 0,
    );
    availability.set(key, known);
  }
  return known;
}

/** What ffprobe found in a file. */
export interface Probe {
  durationSeconds: number;
  width: number | null;
  height: number | null;
  hasAudio: boolean;
}

interface ProbeJson {
  format?: { duration?: string };
  streams?: { codec_type?: string; width?: number; height?: number }[];
}

/** Reads a file's streams and duration; a file ffprobe cannot read fails for good (retrying will not help). */
export async function probe(tools: MediaTools, file: string): Promise<Probe> {
  let out: string;
  try {
    ({ stdout: out } = await run(
      tools.ffprobe,
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
      { maxBuffer: 10 * 1024 * 1024 },
    ));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').pop() ?? '';
    throw new PermanentJobError(`the file cannot be read as media${stderr ? `: ${stderr}` : ''}`);
  }
  const json = JSON.parse(out) as ProbeJson;
  const video = json.streams?.find((s) => s.codec_type === 'video');
  const duration = Number(json.format?.duration);
  if (!Number.isFinite(duration) || duration <= 0) {
    throw new PermanentJobError('the file has no duration: it is damaged or not a media file');
  }
  return {
    durationSeconds: duration,
    width: video?.width ?? null,
    height: video?.height ?? null,
    hasAudio: (json.streams ?? []).some((s) => s.codec_type === 'audio'),
  };
}

/** One file made by processing, relative to the output directory. */
export interface Output {
  role: 'rendition' | 'audio' | 'hls' | 'thumbnail';
  variant: string;
  /** Its path under the output directory. */
  file: string;
  contentType: string;
  height: number | null;
}

async function ffmpeg(tools: MediaTools, args: string[]): Promise<void> {
  try {
    await run(tools.ffmpeg, ['-hide_banner', '-nostdin', '-y', '-v', 'error', '-xerror', ...args], {
      maxBuffer: 10 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' ') ?? '';
    throw new PermanentJobError(`ffmpeg could not process the file${stderr ? `: ${stderr}` : ''}`);
  }
}

/**
 * Makes every output of one media file in `outDir`: MP4 renditions and their HLS playlists, the audio-only
 * track (M4A and HLS), the master playlist and a thumbnail. Returns what it made.
 */
export async function transcode(
  tools: MediaTools,
  input: string,
  info: Probe,
  outDir: string,
): Promise<Output[]> {
  const outputs: Output[] = [];
  const master: string[] = ['#EXTM3U', '#EXT-X-VERSION:3'];
  const hlsOf = async (source: string, name: string) => {
    await ffmpeg(tools, [
      '-i',
      source,
      '-c',
      'copy',
      '-f',
      'hls',
      '-hls_time',
      '6',
      '-hls_playlist_type',
      'vod',
      '-hls_segment_filename',
      path.join(outDir, 'hls', `${name}_%03d.ts`),
      path.join(outDir, 'hls', `${name}.m3u8`),
    ]);
  };
  const bandwidth = async (file: string) =>
    Math.max(1, Math.round(((await stat(path.join(outDir, file))).size * 8) / info.durationSeconds));

  if (info.height !== null) {
    const heights = RENDITION_HEIGHTS.filter((h) => h <= info.height!);
    if (heights.length === 0) heights.push(RENDITION_HEIGHTS[0]);
    for (const height of heights) {
      const file = `${height}p.mp4`;
      await ffmpeg(tools, [
        '-i',
        input,
        '-map',
        '0:v:0',
        ...(info.hasAudio ? ['-map', '0:a:0'] : []),
        // Even width, keeping the aspect ratio; small screens get small files.
        '-vf',
        `scale=-2:${height}`,
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-crf',
        '28',
        '-profile:v',
        'main',
        '-pix_fmt',
        'yuv420p',
        '-g',
        '48',
        ...(info.hasAudio ? ['-c:a', 'aac', '-b:a', height <= 240 ? '48k' : '96k', '-ac', '2'] : []),
        '-movflags',
        '+faststart',
        path.join(outDir, file),
      ]);
      outputs.push({ role: 'rendition', variant: `${height}p`, file, contentType: 'video/mp4', height });
      await hlsOf(path.join(outDir, file), `${height}p`);
      const width = Math.round(((info.width ?? height) * height) / info.height / 2) * 2;
      master.push(
        `#EXT-X-STREAM-INF:BANDWIDTH=${await bandwidth(file)},RESOLUTION=${width}x${height}`,
        `${height}p.m3u8`,
      );
    }
  }
  if (info.hasAudio) {
    await ffmpeg(tools, [
      '-i',
      input,
      '-map',
      '0:a:0',
      '-vn',
      '-c:a',
      'aac',
      '-b:a',
      '64k',
      '-ac',
      '2',
      path.join(outDir, 'audio.m4a'),
    ]);
    outputs.push({
      role: 'audio',
      variant: 'audio',
      file: 'audio.m4a',
      contentType: 'audio/mp4',
      height: null,
    });
    await hlsOf(path.join(outDir, 'audio.m4a'), 'audio');
    master.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${await bandwidth('audio.m4a')},CODECS="mp4a.40.2"`,
      'audio.m3u8',
    );
  }
  if (info.height !== null) {
    await ffmpeg(tools, [
      '-ss',
      String(Math.min(1, info.durationSeconds / 2)),
      '-i',
      input,
      '-frames:v',
      '1',
      '-vf',
      'scale=-2:360',
      '-q:v',
      '4',
      path.join(outDir, 'thumbnail.jpg'),
    ]);
    outputs.push({
      role: 'thumbnail',
      variant: 'thumbnail',
      file: 'thumbnail.jpg',
      contentType: 'image/jpeg',
      height: 360,
    });
  }
  await writeFile(path.join(outDir, 'hls', 'master.m3u8'), `${master.join('\n')}\n`);
  outputs.push({
    role: 'hls',
    variant: 'master.m3u8',
    file: 'hls/master.m3u8',
    contentType: 'application/vnd.apple.mpegurl',
    height: null,
  });
  return outputs;
}

/** Every file under a directory, as paths relative to it. */
export async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(path.join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out;
}
