import { describe, expect, it } from 'vitest';
import { answerFromSaved, byteRange } from '@/web/offline/range';

describe('answering ranges from a saved file', () => {
  it('reads the forms of Range a video element and pdf.js send', () => {
    expect(byteRange(null, 100)).toBeNull();
    expect(byteRange('bytes=0-', 100)).toEqual({ start: 0, end: 99 });
    expect(byteRange('bytes=10-19', 100)).toEqual({ start: 10, end: 19 });
    expect(byteRange('bytes=90-200', 100)).toEqual({ start: 90, end: 99 });
    expect(byteRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(byteRange('bytes=-1000', 100)).toEqual({ start: 0, end: 99 });
    expect(byteRange('bytes=0-1,5-6', 100)).toBeNull();
    expect(byteRange('items=0-1', 100)).toBeNull();
    expect(byteRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(byteRange('bytes=20-10', 100)).toBe('unsatisfiable');
    expect(byteRange('bytes=-0', 100)).toBe('unsatisfiable');
  });

  it('answers 206 with the slice and its Content-Range, 416 outside the file, 200 without a range', async () => {
    const bytes = new Uint8Array(1000).map((_, i) => i % 251);
    const saved = () => new Response(bytes, { headers: { 'content-type': 'video/mp4' } });
    const ask = (range?: string) =>
      answerFromSaved(new Request('http://x/f', range ? { headers: { range } } : {}), saved());
    const part = await ask('bytes=500-599');
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 500-599/1000');
    expect(part.headers.get('content-length')).toBe('100');
    expect(part.headers.get('content-type')).toBe('video/mp4');
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.slice(500, 600));
    const outside = await ask('bytes=1000-');
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe('bytes */1000');
    const whole = await ask();
    expect(whole.status).toBe(200);
    expect((await whole.arrayBuffer()).byteLength).toBe(1000);
  });
});
