import { domainToASCII } from 'node:url';
import { getPublicSuffix } from 'tldts-icann';

/**
 * Public suffixes: names under which anyone may register a site (`az`, `com.az`, `co.uk`). An unblock request
 * for one would open every site under it, so it is refused.
 *
 * The list is the Public Suffix List's ICANN section, as the maintained `tldts-icann` package ships it (its
 * updates come with the package's). The private section (`github.io`, `blogspot.com`, …) is not used: those
 * are single services a teacher may reasonably ask for.
 */
export function isPublicSuffix(name: string): boolean {
  const ascii = domainToASCII(name.trim().replace(/\.$/, '')).toLowerCase();
  if (ascii === '') return false;
  if (!ascii.includes('.')) return /^[a-z0-9-]+$/.test(ascii) && !/^[0-9]+$/.test(ascii);
  return getPublicSuffix(ascii, { allowPrivateDomains: false }) === ascii;
}
