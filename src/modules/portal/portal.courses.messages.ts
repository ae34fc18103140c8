import { defineMessages } from '@/server/i18n';

/** The server's messages of the internet-safety courses and Safer Internet Day, in az/ru/en. */

defineMessages({
  en: {
    'portal.course.invalid': 'These answers cannot be marked as they are.',
    'portal.course.rule.count': 'give one answer for each question',
    'portal.course.rule.answer': 'is not an answer to this question',
    'portal.course.run_invalid': 'The course cannot be started for this class.',
    'portal.course.rule.grade': 'the class’s grade is not one this course is for',
    'portal.sid.invalid': 'This event cannot be registered as it is.',
    'portal.sid.rule.required': 'is required',
    'portal.sid.rule.window': 'must be within a month of Safer Internet Day',
    'portal.sid.rule.activity': 'is not an activity of this campaign',
    'portal.sid.rule.past': 'is a past year’s campaign, closed to registrations and changes',
  },
  az: {
    'portal.course.invalid': 'Bu cavabları bu şəkildə qiymətləndirmək olmur.',
    'portal.course.rule.count': 'hər suala bir cavab verin',
    'portal.course.rule.answer': 'bu sualın cavabı deyil',
    'portal.course.run_invalid': 'Bu kursu bu sinif üçün başlatmaq olmur.',
    'portal.course.rule.grade': 'sinfin ili bu kursun nəzərdə tutulduğu siniflərdən deyil',
    'portal.sid.invalid': 'Bu tədbiri bu şəkildə qeydiyyata almaq olmur.',
    'portal.sid.rule.required': 'tələb olunur',
    'portal.sid.rule.window': 'Təhlükəsiz İnternet Günündən ən çoxu bir ay əvvəl və ya sonra olmalıdır',
    'portal.sid.rule.activity': 'bu kampaniyanın fəaliyyəti deyil',
    'portal.sid.rule.past': 'keçmiş ilin kampaniyasıdır, qeydiyyat və dəyişiklik bağlıdır',
  },
  ru: {
    'portal.course.invalid': 'Эти ответы нельзя проверить в таком виде.',
    'portal.course.rule.count': 'дайте по одному ответу на каждый вопрос',
    'portal.course.rule.answer': 'не подходит как ответ на этот вопрос',
    'portal.course.run_invalid': 'Этот курс нельзя начать для этого класса.',
    'portal.course.rule.grade': 'курс не предназначен для классов этой параллели',
    'portal.sid.invalid': 'Это мероприятие нельзя зарегистрировать в таком виде.',
    'portal.sid.rule.required': 'обязательно',
    'portal.sid.rule.window': 'должно пройти не дальше месяца от Дня безопасного интернета',
    'portal.sid.rule.activity': 'не входит в мероприятия этой кампании',
    'portal.sid.rule.past': 'кампания прошлого года: регистрация и изменения закрыты',
  },
});
