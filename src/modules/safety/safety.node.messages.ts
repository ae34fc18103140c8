import { defineMessages } from '@/server/i18n';

/** The server's messages of the resolver nodes' API, in az/ru/en. */

defineMessages({
  en: { 'safety.zone.unknown': 'There is no such filter zone.' },
  az: { 'safety.zone.unknown': 'Belə filtr zonası yoxdur.' },
  ru: { 'safety.zone.unknown': 'Такой зоны фильтра нет.' },
});
