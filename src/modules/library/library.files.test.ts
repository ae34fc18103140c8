import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identify, identifyBuffer } from '@/modules/library/library.files';
import { tablePdf } from '@/server/pdf';
import { pdfBytes, pngBytes } from '@test/files';

const hasFfmpeg = (() => {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const HTML = Buffer.from(
  '<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n',
);

/** A ZIP with one stored entry: what is appended to a JPEG to make it an archive too. */
const ZIP = (() => {
  const name = Buffer.from('a.txt');
  const data = Buffer.from('hello');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12);
  end.writeUInt32LE(30 + name.length + data.length, 16);
  return Buffer.concat([local, name, data, central, name, end]);
})();

/** A WAV of `samples` silent 16-bit mono samples. */
function wav(samples: number, riffSize = 36 + samples * 2): Buffer {
  const buffer = Buffer.alloc(44 + samples * 2);
  buffer.write('RIFF', 0, 'latin1');
  buffer.writeUInt32LE(riffSize, 4);
  buffer.write('WAVEfmt ', 8, 'latin1');
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(8000, 24);
  buffer.writeUInt32LE(16000, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36, 'latin1');
  buffer.writeUInt32LE(samples * 2, 40);
  return buffer;
}

describe('telling a file’s kind by its structure', () => {
  let dir: string;
  let png: Buffer;
  let jpeg: Buffer;
  let pdf: Buffer;

  /** Both ways in: from a file on disk and from memory; they must agree. */
  const kindOf = async (bytes: Buffer) => {
    const file = path.join(dir, `f-${Math.random().toString(36).slice(2)}`);
    fs.writeFileSync(file, bytes);
    const [onDisk, inMemory] = [await identify(file), await identifyBuffer(bytes)];
    expect(inMemory).toBe(onDisk);
    return onDisk;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-files-'));
    if (hasFfmpeg) {
      for (const name of ['x.png', 'x.jpg']) {
        execFileSync('ffmpeg', [
          ...['-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=red:s=16x16', '-frames:v', '1'],
          path.join(dir, name),
        ]);
      }
      png = fs.readFileSync(path.join(dir, 'x.png'));
      jpeg = fs.readFileSync(path.join(dir, 'x.jpg'));
    }
    pdf = await tablePdf({
      title: 'Jurnal',
      subtitle: ['5A'],
      columns: [{ heading: 'Ad', width: 200 }],
      rows: [['Əli'], ['Ayşə']],
      footer: (page, pages) => `${page} / ${pages}`,
    });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!hasFfmpeg)('takes a PNG and a JPEG made by ffmpeg', async () => {
    expect(await kindOf(png)).toBe('png');
    expect(await kindOf(jpeg)).toBe('jpeg');
    // Zero padding after a JPEG's end is allowed.
    expect(await kindOf(Buffer.concat([jpeg, Buffer.alloc(64)]))).toBe('jpeg');
  });

  it.skipIf(!hasFfmpeg)('refuses a PNG or a JPEG that is something else too', async () => {
    const signature = png.subarray(0, 8);
    // A PNG header followed by an HTML page, and a whole PNG with HTML after its end.
    expect(await kindOf(Buffer.concat([signature, HTML]))).toBeNull();
    expect(await kindOf(Buffer.concat([png, HTML]))).toBeNull();
    // A PNG whose data was changed: its CRC no longer holds.
    const changed = Buffer.from(png);
    changed[changed.length - 20] = changed[changed.length - 20]! ^ 0xff;
    expect(await kindOf(changed)).toBeNull();
    // A PNG cut before IEND.
    expect(await kindOf(png.subarray(0, png.length - 12))).toBeNull();
    // A JPEG header followed by a ZIP, and a whole JPEG with a ZIP after its end.
    expect(await kindOf(Buffer.concat([jpeg.subarray(0, 3), ZIP]))).toBeNull();
    expect(await kindOf(Buffer.concat([jpeg, ZIP]))).toBeNull();
    // A JPEG cut before EOI.
    expect(await kindOf(jpeg.subarray(0, jpeg.length - 2))).toBeNull();
  });

  it('takes a PNG made in code, and the test PDFs', async () => {
    expect(await kindOf(pngBytes())).toBe('png');
    expect(await kindOf(pdfBytes())).toBe('pdf');
    expect(await kindOf(pdfBytes(5000))).toBe('pdf');
  });

  it('takes a PDF made by pdfkit, and refuses a PDF that is an HTML page or cut short', async () => {
    expect(await kindOf(pdf)).toBe('pdf');
    // A PDF header followed by an HTML body (the classic polyglot), with a proper end after it.
    expect(await kindOf(Buffer.concat([Buffer.from('%PDF-1.4\n'), HTML, pdf.subarray(9)]))).toBeNull();
    expect(await kindOf(Buffer.concat([Buffer.from('%PDF-1.4\n'), HTML]))).toBeNull();
    // Cut short: no `%%EOF`, no `startxref`.
    expect(await kindOf(pdf.subarray(0, Math.floor(pdf.length / 2)))).toBeNull();
    // `startxref` pointing outside the file, or at no cross-reference table.
    const text = pdf.toString('latin1');
    const at = text.lastIndexOf('startxref');
    const pointing = (offset: number) =>
      Buffer.from(`${text.slice(0, at)}startxref\n${offset}\n%%EOF\n`, 'latin1');
    expect(await kindOf(pointing(pdf.length * 2))).toBeNull();
    expect(await kindOf(pointing(0))).toBeNull();
    // An unknown version.
    expect(await kindOf(Buffer.concat([Buffer.from('%PDF-9.9'), pdf.subarray(8)]))).toBeNull();
  });

  it('takes a WAV whose RIFF size fits, and refuses one where it does not', async () => {
    expect(await kindOf(wav(100))).toBe('wav');
    expect(await kindOf(wav(100, 36 + 200 + 5000))).toBeNull();
    expect(await kindOf(wav(100, 10))).toBeNull();
    // `data` before `fmt `.
    const swapped = wav(0);
    swapped.write('data', 12, 'latin1');
    swapped.write('fmt ', 36, 'latin1');
    expect(await kindOf(swapped)).toBeNull();
  });

  it('takes WebVTT text, and refuses one that is not UTF-8 or holds a NUL', async () => {
    const vtt = Buffer.from('WEBVTT\n\n00:00.000 --> 00:02.000\nSalam, məktəb!\n');
    expect(await kindOf(vtt)).toBe('vtt');
    expect(await kindOf(Buffer.concat([vtt, Buffer.from([0xc3, 0x28])]))).toBeNull();
    expect(await kindOf(Buffer.concat([vtt, Buffer.from([0])]))).toBeNull();
  });

  it.skipIf(!hasFfmpeg)(
    'walks the boxes of an MP4: a cut one or one with more after it is refused',
    async () => {
      const file = path.join(dir, 'x.mp4');
      execFileSync('ffmpeg', [
        ...['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=s=64x48:d=1', '-pix_fmt', 'yuv420p'],
        file,
      ]);
      const mp4 = fs.readFileSync(file);
      expect(await identify(file)).toBe('mp4');
      expect(await kindOf(mp4.subarray(0, mp4.length - 10))).toBeNull();
      expect(await kindOf(Buffer.concat([mp4, HTML]))).toBeNull();
    },
  );
});
