import { defineMessages } from '@/server/i18n';

/** The server's messages of the course editor, in az/ru/en. */

defineMessages({
  en: {
    'portal.course_edit.invalid': 'This cannot be saved as it is.',
    'portal.course_edit.rule.required': 'is required in every language',
    'portal.course_edit.rule.resource': 'is not a published library resource',
    'portal.course_edit.rule.same_count': 'must have as many entries in every language',
    'portal.course_edit.rule.order': 'must list every lesson of the course once',
  },
  az: {
    'portal.course_edit.invalid': 'Bunu bu şəkildə saxlamaq olmur.',
    'portal.course_edit.rule.required': 'hər dildə tələb olunur',
    'portal.course_edit.rule.resource': 'kitabxananın dərc olunmuş resursu deyil',
    'portal.course_edit.rule.same_count': 'hər dildə eyni sayda olmalıdır',
    'portal.course_edit.rule.order': 'kursun hər dərsini bir dəfə sadalamalıdır',
  },
  ru: {
    'portal.course_edit.invalid': 'Это нельзя сохранить в таком виде.',
    'portal.course_edit.rule.required': 'обязательно на каждом языке',
    'portal.course_edit.rule.resource': 'не опубликованный ресурс библиотеки',
    'portal.course_edit.rule.same_count': 'должно быть одинаковое число пунктов на каждом языке',
    'portal.course_edit.rule.order': 'должен перечислять каждый урок курса ровно один раз',
  },
});
