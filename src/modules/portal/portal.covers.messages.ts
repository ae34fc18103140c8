import { defineMessages } from '@/server/i18n';

/** The server's messages of news items' cover images, in az/ru/en. */

defineMessages({
  en: {
    'portal.cover.invalid': 'This image cannot be used as the cover.',
    'portal.cover.field.image': 'Cover image',
    'portal.cover.field.alt_az': 'Image description in Azerbaijani',
    'portal.cover.field.alt_ru': 'Image description in Russian',
    'portal.cover.field.alt_en': 'Image description in English',
    'portal.cover.empty': 'the file is empty',
    'portal.cover.too_large': 'the file is larger than {limit}',
    'portal.cover.kind': 'must be a JPEG, PNG or WebP image',
    'portal.cover.too_many_pixels': 'the image is larger than {limit} pixels',
    'portal.cover.alt_required': 'is needed for people who cannot see the image',
  },
  az: {
    'portal.cover.invalid': 'Bu şəkli üz qabığı kimi istifadə etmək olmur.',
    'portal.cover.field.image': 'Üz şəkli',
    'portal.cover.field.alt_az': 'Şəklin azərbaycanca təsviri',
    'portal.cover.field.alt_ru': 'Şəklin rusca təsviri',
    'portal.cover.field.alt_en': 'Şəklin ingiliscə təsviri',
    'portal.cover.empty': 'fayl boşdur',
    'portal.cover.too_large': 'fayl {limit}-dan böyükdür',
    'portal.cover.kind': 'JPEG, PNG və ya WebP şəkli olmalıdır',
    'portal.cover.too_many_pixels': 'şəkil {limit} pikseldən böyükdür',
    'portal.cover.alt_required': 'şəkli görə bilməyənlər üçün tələb olunur',
  },
  ru: {
    'portal.cover.invalid': 'Это изображение нельзя использовать как обложку.',
    'portal.cover.field.image': 'Обложка',
    'portal.cover.field.alt_az': 'Описание изображения на азербайджанском',
    'portal.cover.field.alt_ru': 'Описание изображения на русском',
    'portal.cover.field.alt_en': 'Описание изображения на английском',
    'portal.cover.empty': 'файл пуст',
    'portal.cover.too_large': 'файл больше {limit}',
    'portal.cover.kind': 'должно быть изображением JPEG, PNG или WebP',
    'portal.cover.too_many_pixels': 'изображение больше {limit} пикселей',
    'portal.cover.alt_required': 'нужно для тех, кто не видит изображение',
  },
});
