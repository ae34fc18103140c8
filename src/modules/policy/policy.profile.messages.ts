import { defineMessages } from '@/server/i18n';
import type { Localised } from '@/modules/policy/policy.tables';

/** The country profile's outline (UNESCO GEM Report PEER technology profile) and its server messages, in az/ru/en. */

/** The sections whose text the ministry writes, in the outline's order. */
export const SECTIONS = ['1', '2.1', '2.2', '2.3', '2.4', '3.1', '3.2'] as const;
export type SectionId = (typeof SECTIONS)[number];

/** The outline's parts that group sections (2 and 3) and have no text of their own. */
export const PARTS: Record<'2' | '3', Localised> = {
  '2': {
    az: 'Texnologiya ilə bağlı qanunlar, siyasətlər, planlar və normativ aktlar',
    ru: 'Законы, политика, планы и нормативные акты в области технологий',
    en: 'Technology laws, policies, plans and regulations',
  },
  '3': { az: 'İdarəetmə', ru: 'Управление', en: 'Governance' },
};

/** Each section's heading. */
export const SECTION_TITLES: Record<SectionId, Localised> = {
  '1': { az: 'Terminologiya', ru: 'Терминология', en: 'Terminology' },
  '2.1': {
    az: 'Təhsil texnologiyalarının qanunvericilik və siyasət çərçivəsi',
    ru: 'Законодательная и политическая база образовательных технологий',
    en: 'Education technology legislative and policy framework',
  },
  '2.2': {
    az: 'Məktəblərin texnoloji infrastrukturu və imkanları, təlim mühiti',
    ru: 'Технологическая инфраструктура и возможности школ, учебная среда',
    en: 'Technology infrastructure and capacity of schools, learning environments',
  },
  '2.3': {
    az: 'Şagirdlərin və müəllimlərin texnoloji səriştələri',
    ru: 'Технологические компетенции учащихся и учителей',
    en: 'Technology competencies of learners and teachers',
  },
  '2.4': {
    az: 'Kibertəhlükəsizlik və təhlükəsizlik: məlumatların məxfiliyi, onlayn zorakılıq və kiberbullinq',
    ru: 'Кибербезопасность и безопасность: защита данных, онлайн-насилие и кибербуллинг',
    en: 'Cybersecurity and safety: data privacy, online abuse and cyberbullying',
  },
  '3.1': {
    az: 'Təhsildə texnologiyaya cavabdeh qurumlar və koordinasiya mexanizmləri',
    ru: 'Учреждения, отвечающие за технологии в образовании, и механизмы координации',
    en: 'Institutions in charge of technology in education and coordination mechanisms',
  },
  '3.2': { az: 'Məktəblərin rolu', ru: 'Роль школ', en: 'Roles of schools' },
};

/** Longest text of one section in one language: a long chapter, far beyond any real profile's. */
export const SECTION_TEXT_MAX = 20_000;
/** Longest note of an edition in one language. */
export const NOTE_MAX = 1_000;

defineMessages({
  en: {
    'policyProfile.kind.law': 'Law',
    'policyProfile.kind.strategy': 'Strategy',
    'policyProfile.kind.state_programme': 'State programme',
    'policyProfile.kind.concept': 'Concept',
    'policyProfile.kind.regulation': 'Regulation',
    'policyProfile.status.planned': 'Planned',
    'policyProfile.status.in_force': 'In force',
    'policyProfile.status.completed': 'Completed',
    'policyProfile.status.repealed': 'Repealed',
    'policyProfile.title': 'Technology in education: country profile',
    'policyProfile.country': 'Azerbaijan',
    'policyProfile.live': 'Generated from live data on {date}',
    'policyProfile.edition': 'Edition {number}, published {date}',
    'policyProfile.figures': 'Figures',
    'policyProfile.documents': 'Policies and programmes',
    'policyProfile.partnerships': 'Partnerships',
    'policyProfile.source': 'Source: {source}; as of {date}',
    'policyProfile.noValue': 'no data',
    'policyProfile.queries': 'How each figure was computed',
    'policyProfile.queriesNote': "The exact query of each figure is in the profile's JSON.",
    'policyProfile.page': 'Page {page} of {pages}',
    'policyProfile.invalid': 'The section text cannot be saved as it is.',
    'policyProfile.publishInvalid': 'The edition cannot be published as it is.',
    'policyProfile.rule.required': 'is required in every language',
    'policyProfile.rule.unknownSection': 'is not a section of the profile',
    'policyProfile.edition_stale':
      'Another edition was published after you opened this page. Reload it to see what it holds, then publish again if needed.',
    'policyProfile.peer': 'PEER comparison indicators',
    'policyProfile.peerNote':
      'Answered from the registry of policies, to read side by side with other countries’ profiles.',
    'policyProfile.yes': 'Yes',
    'policyProfile.no': 'No',
    'policyProfile.peerNone': 'No document in the registry answers it.',
    'policyProfile.noPrevious': 'This is the first edition: there is nothing to compare it with.',
  },
  az: {
    'policyProfile.kind.law': 'Qanun',
    'policyProfile.kind.strategy': 'Strategiya',
    'policyProfile.kind.state_programme': 'Dövlət proqramı',
    'policyProfile.kind.concept': 'Konsepsiya',
    'policyProfile.kind.regulation': 'Normativ akt',
    'policyProfile.status.planned': 'Planlaşdırılır',
    'policyProfile.status.in_force': 'Qüvvədədir',
    'policyProfile.status.completed': 'Başa çatıb',
    'policyProfile.status.repealed': 'Ləğv edilib',
    'policyProfile.title': 'Təhsildə texnologiya: ölkə profili',
    'policyProfile.country': 'Azərbaycan',
    'policyProfile.live': '{date} tarixində canlı məlumatlardan hazırlanıb',
    'policyProfile.edition': '{number} nömrəli nəşr, {date} tarixində dərc edilib',
    'policyProfile.figures': 'Göstəricilər',
    'policyProfile.documents': 'Siyasət sənədləri və proqramlar',
    'policyProfile.partnerships': 'Tərəfdaşlıqlar',
    'policyProfile.source': 'Mənbə: {source}; {date} tarixinə',
    'policyProfile.noValue': 'məlumat yoxdur',
    'policyProfile.queries': 'Hər göstəricinin necə hesablandığı',
    'policyProfile.queriesNote': 'Hər göstəricinin dəqiq sorğusu profilin JSON faylındadır.',
    'policyProfile.page': 'Səhifə {page} / {pages}',
    'policyProfile.invalid': 'Bölmənin mətnini bu şəkildə saxlamaq olmur.',
    'policyProfile.publishInvalid': 'Nəşri bu şəkildə dərc etmək olmur.',
    'policyProfile.rule.required': 'hər dildə mütləqdir',
    'policyProfile.rule.unknownSection': 'profilin bölməsi deyil',
    'policyProfile.edition_stale':
      'Siz bu səhifəni açandan sonra başqa nəşr dərc edilib. Nəyi əhatə etdiyini görmək üçün səhifəni yeniləyin, lazımdırsa yenidən dərc edin.',
    'policyProfile.peer': 'PEER müqayisə göstəriciləri',
    'policyProfile.peerNote':
      'Siyasət sənədləri reyestrinə əsasən cavablandırılıb ki, profil digər ölkələrin profilləri ilə yanaşı oxunsun.',
    'policyProfile.yes': 'Bəli',
    'policyProfile.no': 'Xeyr',
    'policyProfile.peerNone': 'Reyestrdə buna cavab verən sənəd yoxdur.',
    'policyProfile.noPrevious': 'Bu ilk nəşrdir: müqayisə ediləcək nəşr yoxdur.',
  },
  ru: {
    'policyProfile.kind.law': 'Закон',
    'policyProfile.kind.strategy': 'Стратегия',
    'policyProfile.kind.state_programme': 'Государственная программа',
    'policyProfile.kind.concept': 'Концепция',
    'policyProfile.kind.regulation': 'Нормативный акт',
    'policyProfile.status.planned': 'Планируется',
    'policyProfile.status.in_force': 'Действует',
    'policyProfile.status.completed': 'Завершён',
    'policyProfile.status.repealed': 'Отменён',
    'policyProfile.title': 'Технологии в образовании: профиль страны',
    'policyProfile.country': 'Азербайджан',
    'policyProfile.live': 'Составлен по текущим данным {date}',
    'policyProfile.edition': 'Издание {number}, опубликовано {date}',
    'policyProfile.figures': 'Показатели',
    'policyProfile.documents': 'Политики и программы',
    'policyProfile.partnerships': 'Партнёрства',
    'policyProfile.source': 'Источник: {source}; на {date}',
    'policyProfile.noValue': 'нет данных',
    'policyProfile.queries': 'Как вычислен каждый показатель',
    'policyProfile.queriesNote': 'Точный запрос каждого показателя приведён в JSON профиля.',
    'policyProfile.page': 'Страница {page} из {pages}',
    'policyProfile.invalid': 'Текст раздела нельзя сохранить в таком виде.',
    'policyProfile.publishInvalid': 'Издание нельзя опубликовать в таком виде.',
    'policyProfile.rule.required': 'обязательно на каждом языке',
    'policyProfile.rule.unknownSection': 'не является разделом профиля',
    'policyProfile.edition_stale':
      'После того как вы открыли эту страницу, было опубликовано другое издание. Обновите страницу, чтобы увидеть его, и при необходимости опубликуйте снова.',
    'policyProfile.peer': 'Сравнительные показатели PEER',
    'policyProfile.peerNote':
      'Ответы взяты из реестра документов политики, чтобы профиль читался рядом с профилями других стран.',
    'policyProfile.yes': 'Да',
    'policyProfile.no': 'Нет',
    'policyProfile.peerNone': 'В реестре нет документа, отвечающего на этот вопрос.',
    'policyProfile.noPrevious': 'Это первое издание: сравнивать его не с чем.',
  },
});
