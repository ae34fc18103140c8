import { describe, expect, it } from 'vitest';
import i18next, { type TFunction } from 'i18next';
import az from '@/web/i18n/az.json';
import en from '@/web/i18n/en.json';
import { problemText } from '@/web/components/status';

/** An i18next instance on the web app's own resources, in one language. */
async function translator(lng: 'az' | 'en'): Promise<{ t: TFunction; exists: (key: string) => boolean }> {
  const i18n = i18next.createInstance();
  await i18n.init({ lng, resources: { az: { translation: az }, en: { translation: en } } });
  return { t: i18n.t.bind(i18n), exists: (key) => i18n.exists(key) };
}

describe("a server's field problem as a person reads it", () => {
  it('names the field in the reader’s language instead of its path', async () => {
    const { t, exists } = await translator('az');
    const problem = {
      field: 'entries.3.mark.value',
      reason: 'x',
      message: 'entries.3.mark.value: şkalada yoxdur',
    };
    expect(problemText(t, exists, problem)).toBe('Qiymət: şkalada yoxdur');
    const en = await translator('en');
    expect(
      problemText(en.t, en.exists, { field: 'dueAt', reason: 'x', message: 'dueAt: is in the past' }),
    ).toBe('Due: is in the past');
  });

  it('leaves out a path it has no name for, and keeps a message without one as it is', async () => {
    const { t, exists } = await translator('en');
    expect(
      problemText(t, exists, { field: 'body.fooBar', reason: 'x', message: 'body.fooBar: is wrong' }),
    ).toBe('is wrong');
    expect(problemText(t, exists, { field: 'teachers', reason: 'x', message: 'Teachers: is required' })).toBe(
      'Teachers: is required',
    );
  });
});
