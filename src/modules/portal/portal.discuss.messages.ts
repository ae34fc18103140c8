import { defineMessages } from '@/server/i18n';

/** The server's messages of the portal's discussions and their moderation, in az/ru/en. */

defineMessages({
  en: {
    'portal.discuss.invalid': 'This cannot be posted as it is.',
    'portal.discuss.field.title': 'Title',
    'portal.discuss.field.body': 'Text',
    'portal.discuss.field.reason': 'Reason',
    'portal.discuss.field.word': 'Word',
    'portal.discuss.rule.required': 'must not be empty',
    'portal.discuss.rule.blocked_word': 'contains a word that is not allowed on the boards',
    'portal.discuss.rule.cursor': 'is not a place in the queue',
    'portal.discuss.not_open': 'This thread is not open for replies.',
    'portal.discuss.own_post': 'You cannot flag your own post.',
    'portal.discuss.not_now': 'This post is no longer waiting for that decision.',
    'portal.discuss.word_exists': 'This word is already on the list.',
  },
  az: {
    'portal.discuss.invalid': 'Bunu bu şəkildə dərc etmək olmur.',
    'portal.discuss.field.title': 'Başlıq',
    'portal.discuss.field.body': 'Mətn',
    'portal.discuss.field.reason': 'Səbəb',
    'portal.discuss.field.word': 'Söz',
    'portal.discuss.rule.required': 'boş olmamalıdır',
    'portal.discuss.rule.blocked_word': 'lövhələrdə icazə verilməyən söz var',
    'portal.discuss.rule.cursor': 'növbədə belə yer yoxdur',
    'portal.discuss.not_open': 'Bu mövzuya cavab yazmaq olmur.',
    'portal.discuss.own_post': 'Öz yazınızdan şikayət edə bilməzsiniz.',
    'portal.discuss.not_now': 'Bu yazı artıq belə qərar gözləmir.',
    'portal.discuss.word_exists': 'Bu söz artıq siyahıdadır.',
  },
  ru: {
    'portal.discuss.invalid': 'Это нельзя опубликовать в таком виде.',
    'portal.discuss.field.title': 'Заголовок',
    'portal.discuss.field.body': 'Текст',
    'portal.discuss.field.reason': 'Причина',
    'portal.discuss.field.word': 'Слово',
    'portal.discuss.rule.required': 'не должно быть пустым',
    'portal.discuss.rule.blocked_word': 'содержит слово, недопустимое на досках',
    'portal.discuss.rule.cursor': 'не указывает место в очереди',
    'portal.discuss.not_open': 'В этой теме нельзя отвечать.',
    'portal.discuss.own_post': 'Нельзя пожаловаться на своё сообщение.',
    'portal.discuss.not_now': 'Это сообщение уже не ждёт такого решения.',
    'portal.discuss.word_exists': 'Это слово уже в списке.',
  },
});
