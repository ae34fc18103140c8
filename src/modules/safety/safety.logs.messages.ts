import { defineMessages } from '@/server/i18n';

/** The server's messages of the resolvers' logs, in az/ru/en. */

defineMessages({
  en: {
    'safetyLogs.invalid': 'These counts cannot be taken as they are.',
    'safetyLogs.repeat': 'This batch of counts was already taken: {batchId}.',
    'safetyLogs.rule.unknown_institution': 'there is no such school',
    'safetyLogs.rule.unknown_keyword': 'there is no such keyword',
    'safetyLogs.rule.duplicate': 'the same row is already in the batch',
    'safetyLogs.rule.hour': 'must be a whole hour of a real day between 1900 and 2200',
  },
  az: {
    'safetyLogs.invalid': 'Bu saylar olduğu kimi qəbul edilə bilməz.',
    'safetyLogs.repeat': 'Bu say paketi artıq qəbul edilib: {batchId}.',
    'safetyLogs.rule.unknown_institution': 'belə məktəb yoxdur',
    'safetyLogs.rule.unknown_keyword': 'belə açar söz yoxdur',
    'safetyLogs.rule.duplicate': 'eyni sətir paketdə artıq var',
    'safetyLogs.rule.hour': '1900–2200-cü illər arasında real günün tam saatı olmalıdır',
  },
  ru: {
    'safetyLogs.invalid': 'Эти счётчики нельзя принять в таком виде.',
    'safetyLogs.repeat': 'Этот пакет счётчиков уже принят: {batchId}.',
    'safetyLogs.rule.unknown_institution': 'такой школы нет',
    'safetyLogs.rule.unknown_keyword': 'такого ключевого слова нет',
    'safetyLogs.rule.duplicate': 'такая же строка уже есть в пакете',
    'safetyLogs.rule.hour': 'должен быть целый час реального дня между 1900 и 2200 годами',
  },
});
