import { defineMessages } from '@/server/i18n';

/** The messages of competency frameworks and the self-assessment, in the three languages. */
defineMessages({
  en: {
    'training.no_self_assessment': 'No self-assessment is set up yet.',
    'training.submitted': 'This self-assessment has already been submitted.',
    'training.answers_invalid': 'The answers cannot be saved as they are.',
    'training.incomplete': 'Some questions are not answered yet.',
    'training.round_invalid': 'The round cannot be saved as it is.',
    'training.rule.unknown_item': 'is not a question of this self-assessment',
    'training.rule.unknown_choice': 'is not one of the question’s answers',
    'training.rule.twice': 'answers a question already answered in this request',
    'training.rule.unanswered': 'is not answered yet',
    'training.rule.before_opening': 'is before the opening day',
    'training.rule.in_past': 'is in the past',
  },
  az: {
    'training.no_self_assessment': 'Özünüqiymətləndirmə hələ qurulmayıb.',
    'training.submitted': 'Bu özünüqiymətləndirmə artıq təqdim edilib.',
    'training.answers_invalid': 'Cavabları bu şəkildə saxlamaq olmur.',
    'training.incomplete': 'Bəzi suallar hələ cavablandırılmayıb.',
    'training.round_invalid': 'Dövrəni bu şəkildə saxlamaq olmur.',
    'training.rule.unknown_item': 'bu özünüqiymətləndirmənin sualı deyil',
    'training.rule.unknown_choice': 'sualın cavablarından biri deyil',
    'training.rule.twice': 'bu sorğuda artıq cavablandırılmış suala cavab verir',
    'training.rule.unanswered': 'hələ cavablandırılmayıb',
    'training.rule.before_opening': 'başlama günündən əvvəldir',
    'training.rule.in_past': 'keçmişdədir',
  },
  ru: {
    'training.no_self_assessment': 'Самооценка пока не настроена.',
    'training.submitted': 'Эта самооценка уже отправлена.',
    'training.answers_invalid': 'Ответы нельзя сохранить в таком виде.',
    'training.incomplete': 'На некоторые вопросы ещё нет ответа.',
    'training.round_invalid': 'Этап нельзя сохранить в таком виде.',
    'training.rule.unknown_item': 'не является вопросом этой самооценки',
    'training.rule.unknown_choice': 'не является одним из ответов на вопрос',
    'training.rule.twice': 'повторно отвечает на вопрос в этом запросе',
    'training.rule.unanswered': 'ещё без ответа',
    'training.rule.before_opening': 'раньше дня начала',
    'training.rule.in_past': 'в прошлом',
  },
});
