import type { Static } from 'typebox';
import type { BlockedOut, RequestList, RequestOut } from '@/modules/safety/safety.requests.schema';

/** Types and paths shared by the content filter's request and report pages. */

export type BlockedRecord = Static<typeof BlockedOut>;
export type RequestRecord = Static<typeof RequestOut>;
export type RequestListRecord = Static<typeof RequestList>;

export const UNBLOCK_PATH = '/safety/unblock';
export const QUEUE_PATH = '/safety/requests';
export const REPORTS_PATH = '/safety/reports';
export const LOG_SETTINGS_PATH = '/safety/log-settings';

/** The domain named in the address's query (`?domain=`), bounded. */
export function domainInQuery(): string {
  return (new URLSearchParams(window.location.search).get('domain') ?? '').slice(0, 300);
}
