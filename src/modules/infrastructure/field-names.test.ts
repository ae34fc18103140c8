import { describe, expect, it } from 'vitest';
import { fieldName } from '@/modules/infrastructure/infrastructure.service';

describe("the registry's field names in messages", () => {
  it('names fields and rows in words, in each language, never as codes', () => {
    expect(fieldName('az', 'hasComputerLab')).toBe('Kompüter sinfi');
    expect(fieldName('az', 'teachers')).toBe('Müəllimlər');
    expect(fieldName('ru', 'students.2.level')).toBe('Ученики, строка 3, уровень');
    expect(fieldName('en', 'deviceCounts.0.working')).toBe('Devices, row 1, working');
    for (const locale of ['az', 'ru', 'en'] as const)
      for (const field of ['teachers', 'teachersIctTrained', 'classrooms', 'hasComputerLab', 'electricity'])
        expect(fieldName(locale, field)).not.toMatch(/^[a-z]+[A-Z]|_/);
  });
});
