import { execFile, spawnSync } from 'node:child_process';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
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

/** A stream's codec data as ffprobe dumps it (`-show_data`): hex lines, `00000000: 0164 001f …  ascii`. */
function extradataBytes(dump: string | undefined): Buffer {
  const hex = (dump ?? '')
    .split('\n')
    .map((line) => /^[0-9a-f]{8}: ((?:[0-9a-f]{2,4} ?)+)/i.exec(line)?.[1] ?? '')
    .join('')
    .replace(/\s/g, '');
  return Buffer.from(hex, 'hex');
}

const AAC_PROFILES: Record<string, number> = { LC: 2, 'HE-AAC': 5, 'HE-AACv2': 29, Main: 1, LTP: 4 };
const H264_PROFILES: Record<string, [number, number]> = {
  Baseline: [66, 0],
  'Constrained Baseline': [66, 0x40],
  Main: [77, 0],
  Extended: [88, 0],
  High: [100, 0],
};

interface CodecStream {
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  level?: number;
  extradata?: string;
}

/**
 * One stream's codec as an RFC 6381 `CODECS` entry: `avc1.PPCCLL` from the H.264 decoder configuration
 * (profile, constraint flags, level — what the encoder really made), `mp4a.40.N` from the AAC audio object
 * type. Null for codecs HLS players are not told about here.
 */
export function codecOf(stream: CodecStream): string | null {
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  if (stream.codec_name === 'h264') {
    const avcC = extradataBytes(stream.extradata);
    if (avcC.length >= 4 && avcC[0] === 1) return `avc1.${hex(avcC[1]!)}${hex(avcC[2]!)}${hex(avcC[3]!)}`;
    const known = H264_PROFILES[stream.profile ?? ''];
    if (!known || stream.level === undefined || stream.level <= 0) return null;
    return `avc1.${hex(known[0])}${hex(known[1])}${hex(stream.level)}`;
  }
  if (stream.codec_name === 'aac') {
    const config = extradataBytes(stream.extradata);
    const type = config.length >= 1 ? config[0]! >> 3 : 0;
    if (type > 0 && type < 31) return `mp4a.40.${type}`;
    const known = AAC_PROFILES[stream.profile ?? ''];
    return known ? `mp4a.40.${known}` : null;
  }
  return null;
}

/** The `CODECS` attribute of a made file: its streams' codecs, video first (RFC 8216 §4.3.4.2). */
export async function codecsOf(tools: MediaTools, file: string): Promise<string> {
  const { stdout } = await run(
    tools.ffprobe,
    ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_data', file],
    { maxBuffer: 10 * 1024 * 1024 },
  );
  const streams = (JSON.parse(stdout) as { streams?: CodecStream[] }).streams ?? [];
  const order = (s: CodecStream) => (s.codec_type === 'video' ? 0 : 1);
  return streams
    .filter((s) => s.codec_type === 'video' || s.codec_type === 'audio')
    .sort((a, b) => order(a) - order(b))
    .map(codecOf)
    .filter((c): c is string => c !== null)
    .join(',');
}

/** A segment's duration as ffprobe measures it (0 when it cannot). */
async function segmentSeconds(tools: MediaTools, file: string): Promise<number> {
  const { stdout } = await run(tools.ffprobe, [
    '-v',
    'error',
    '-show_entries',
    'format=duration',
    '-of',
    'default=noprint_wrappers=1:nokey=1',
    file,
  ]);
  const seconds = Number(stdout.trim());
  return Number.isFinite(seconds) ? seconds : 0;
}

/** A media playlist's bit rates, bits per second, rounded up (RFC 8216 §4.3.4.2). */
export interface HlsBitrates {
  /** The peak segment bit rate: `BANDWIDTH`. */
  peak: number;
  /** The average segment bit rate: `AVERAGE-BANDWIDTH`. */
  average: number;
}

/**
 * Measures a media playlist from its segments as written: sizes on disk over their durations — the shorter
 * of what the playlist says and what ffprobe finds in the segment (an audio segment's last frame may fall
 * outside its measured span), so that no measurement of the segments finds a higher rate. The peak is, as
 * RFC 8216 §4.3.4.2 defines it, the highest bit rate of any run of consecutive segments lasting 0.5–1.5
 * times the target duration (every single segment when no run does).
 */
export async function measureHls(tools: MediaTools, playlist: string): Promise<HlsBitrates> {
  const text = await readFile(playlist, 'utf8');
  const target = Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(text)?.[1] ?? 0);
  const segments: { seconds: number; bits: number }[] = [];
  let seconds: number | null = null;
  for (const line of text.split('\n').map((l) => l.trim())) {
    const extinf = /^#EXTINF:([\d.]+)/.exec(line);
    if (extinf) seconds = Number(extinf[1]);
    else if (line && !line.startsWith('#') && seconds !== null) {
      const segment = path.join(path.dirname(playlist), line);
      const bytes = (await stat(segment)).size;
      const probed = await segmentSeconds(tools, segment);
      segments.push({ seconds: probed > 0 ? Math.min(seconds, probed) : seconds, bits: bytes * 8 });
      seconds = null;
    }
  }
  const totalSeconds = segments.reduce((sum, s) => sum + s.seconds, 0);
  if (segments.length === 0 || totalSeconds <= 0) throw new PermanentJobError('ffmpeg made no HLS segments');
  const rate = (bits: number, secs: number) => Math.max(1, Math.ceil(bits / secs));
  let peak = 0;
  for (let i = 0; i < segments.length; i++) {
    let secs = 0;
    let bits = 0;
    for (let j = i; j < segments.length; j++) {
      secs += segments[j]!.seconds;
      bits += segments[j]!.bits;
      if (secs > 1.5 * target) break;
      if (secs >= 0.5 * target && secs > 0) peak = Math.max(peak, rate(bits, secs));
    }
  }
  if (peak === 0) {
    for (const s of segments) if (s.seconds > 0) peak = Math.max(peak, rate(s.bits, s.seconds));
  }
  const average = rate(
    segments.reduce((sum, s) => sum + s.bits, 0),
    totalSeconds,
  );
  return { peak: Math.max(peak, average), average };
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
  /** A variant's line in the master playlist: peak and average bit rates measured, codecs as made. */
  const variant = async (file: string, name: string, extra: string) => {
    const { peak, average } = await measureHls(tools, path.join(outDir, 'hls', `${name}.m3u8`));
    const codecs = await codecsOf(tools, path.join(outDir, file));
    master.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${peak},AVERAGE-BANDWIDTH=${average}${extra}${codecs ? `,CODECS="${codecs}"` : ''}`,
      `${name}.m3u8`,
    );
  };

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
      await variant(file, `${height}p`, `,RESOLUTION=${width}x${height}`);
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
    await variant('audio.m4a', 'audio', '');
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
