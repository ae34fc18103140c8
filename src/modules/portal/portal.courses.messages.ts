import { defineMessages } from '@/server/i18n';

/** The server's messages of the internet-safety courses and Safer Internet Day, in az/ru/en. */

defineMessages({
  en: {
    'portal.course.invalid': 'These answers cannot be marked as they are.',
    'portal.course.rule.count': 'give one answer for each question',
    'portal.course.rule.answer': 'is not an answer to this question',
    'portal.sid.invalid': 'This event cannot be registered as it is.',
    'portal.sid.rule.required': 'is required',
    'portal.sid.rule.window': 'must be within a month of Safer Internet Day',
    'portal.sid.rule.activity': 'is not an activity of this campaign',
  },
  az: {
    'portal.course.invalid': 'Bu cavabları bu şəkildə qiymətləndirmək olmur.',
    'portal.course.rule.count': 'hər suala bir cavab verin',
    'portal.course.rule.answer': 'bu sualın cavabı deyil',
    'portal.sid.invalid': 'Bu tədbiri bu şəkildə qeydiyyata almaq olmur.',
    'portal.sid.rule.required': 'tələb olunur',
    'portal.sid.rule.window': 'Təhlükəsiz İnternet Günündən ən çoxu bir ay əvvəl və ya sonra olmalıdır',
    'portal.sid.rule.activity': 'bu kampaniyanın fəaliyyəti deyil',
  },
  ru: {
    'portal.course.invalid': 'Эти ответы нельзя проверить в таком виде.',
    'portal.course.rule.count': 'дайте по одному ответу на каждый вопрос',
    'portal.course.rule.answer': 'не подходит как ответ на этот вопрос',
    'portal.sid.invalid': 'Это мероприятие нельзя зарегистрировать в таком виде.',
    'portal.sid.rule.required': 'обязательно',
    'portal.sid.rule.window': 'должно пройти не дальше месяца от Дня безопасного интернета',
    'portal.sid.rule.activity': 'не входит в мероприятия этой кампании',
  },
});
