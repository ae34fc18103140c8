import type { Static } from 'typebox';
import type {
  DocumentList,
  FigureList,
  PartnershipList,
  PeerAnswers,
  PolicyDocument,
  Target,
  Timeline,
} from '@/modules/policy/policy.registry.schema';
import type { Format } from '@/web/format';

/**
 * What the registry's pages share: the API's shapes (types only, from the server's schemas), the lists of
 * kinds, states, outline sections and PEER questions (the web app's own copy: the server's modules stay out of
 * the bundle), and how a text, a figure and a target's numbers read.
 */

export type DocumentRecord = Static<typeof PolicyDocument>;
export type DocumentListRecord = Static<typeof DocumentList>;
export type DocumentSummaryRecord = DocumentListRecord['items'][number];
export type TargetRecord = Static<typeof Target>;
export type PartnershipRecord = Static<typeof PartnershipList>['items'][number];
export type TimelineRecord = Static<typeof Timeline>;
export type PeerRecord = Static<typeof PeerAnswers>;
export type FigureRecord = Static<typeof FigureList>['items'][number];
export type Localised = { az: string; ru: string; en: string };

export const KINDS = ['law', 'strategy', 'state_programme', 'concept', 'regulation'] as const;
export const STATUSES = ['planned', 'in_force', 'completed', 'repealed'] as const;
/** The sections of the PEER outline; their keys in the translations have `_` for the dot. */
export const TOPICS = ['1', '2.1', '2.2', '2.3', '2.4', '3.1', '3.2'] as const;
export const PEER = [
  'connectivity',
  'digital_skills_standards',
  'learner_skills_framework',
  'one_device',
  'data_privacy',
  'cyberbullying',
  'phone_ban',
  'lead_body',
] as const;
export const LANGS = ['az', 'ru', 'en'] as const;

/** The translation key of an outline section. */
export const topicKey = (topic: string) => `policyRegistry.topic.s${topic.replace('.', '_')}`;

/** A text in the reader's language, else in the first language it has. */
export function pick(text: Localised, lang: string): string {
  const own = lang === 'ru' ? text.ru : lang === 'en' ? text.en : text.az;
  return own || text.az || text.ru || text.en;
}

/** A live figure's value as it reads: a count, a percentage, or "1:18" learners per computer. */
export function figureText(f: Format, value: number | null, unit: string, none: string): string {
  if (value === null) return none;
  if (unit === 'share') return f.percent(value);
  if (unit === 'ratio') return `1:${f.number(Math.round(value * 10) / 10)}`;
  return f.number(value);
}

/** A target's baseline, goal or current value, in the target's unit (per cent for shares). */
export function targetText(f: Format, value: number | null, unit: string, none: string): string {
  if (value === null) return none;
  if (unit === 'share') return f.percent(value / 100);
  if (unit === 'ratio') return `1:${f.number(value)}`;
  return f.number(value);
}
