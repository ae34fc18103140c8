import { domainToASCII } from 'node:url';

/**
 * Public suffixes: names under which anyone may register a site (`az`, `com.az`, `co.uk`). An unblock request
 * for one would open every site under it, so it is refused.
 *
 * No maintained Public Suffix List library is a dependency of Maktab (`tldts-icann` is in `node_modules` only
 * as a dependency of a development tool), so this is a small bundled list, not the whole PSL: every top-level
 * domain (a single label is always a suffix), and the second levels of the ICANN section of the PSL for
 * Azerbaijan and the countries whose sites schools here meet most (neighbours, the CIS, the UK, a few others),
 * plus the common `co.*`/`com.*` forms. A suffix missing here is accepted as a site; the decision is still a
 * person's. Taken from publicsuffix.org (ICANN section), December 2026.
 */
const SECOND_LEVEL: Record<string, readonly string[]> = {
  az: ['biz', 'com', 'edu', 'gov', 'info', 'int', 'mil', 'name', 'net', 'org', 'pp', 'pro'],
  ru: ['ac', 'edu', 'gov', 'int', 'mil', 'test'],
  tr: [
    'av',
    'bbs',
    'bel',
    'biz',
    'com',
    'dr',
    'edu',
    'gen',
    'gov',
    'info',
    'k12',
    'kep',
    'mil',
    'name',
    'net',
    'org',
    'pol',
    'tel',
    'tsk',
    'tv',
    'web',
  ],
  ge: ['com', 'edu', 'gov', 'mil', 'net', 'org', 'pvt'],
  ua: ['com', 'edu', 'gov', 'in', 'net', 'org'],
  kz: ['com', 'edu', 'gov', 'mil', 'net', 'org'],
  ir: ['ac', 'co', 'gov', 'id', 'net', 'org', 'sch'],
  by: ['com', 'gov', 'mil', 'of'],
  uz: ['co', 'com', 'net', 'org'],
  am: ['co', 'com', 'commune', 'net', 'org'],
  uk: ['ac', 'co', 'gov', 'ltd', 'me', 'net', 'nhs', 'org', 'plc', 'police', 'sch'],
  au: ['com', 'edu', 'gov', 'id', 'net', 'org'],
  br: ['com', 'edu', 'gov', 'net', 'org'],
  cn: ['ac', 'com', 'edu', 'gov', 'net', 'org'],
  in: ['ac', 'co', 'edu', 'gov', 'net', 'org'],
  jp: ['ac', 'co', 'ed', 'go', 'ne', 'or'],
  za: ['ac', 'co', 'edu', 'gov', 'net', 'org'],
  il: ['ac', 'co', 'gov', 'org'],
  nz: ['ac', 'co', 'govt', 'net', 'org', 'school'],
};

const SUFFIXES = new Set(
  Object.entries(SECOND_LEVEL).flatMap(([tld, seconds]) => seconds.map((s) => `${s}.${tld}`)),
);

/** Whether a name (Unicode or ASCII, any case, a trailing dot allowed) is a public suffix. */
export function isPublicSuffix(name: string): boolean {
  const ascii = domainToASCII(name.trim().replace(/\.$/, '')).toLowerCase();
  if (ascii === '') return false;
  const labels = ascii.split('.');
  if (labels.length === 1) return /^[a-z0-9-]+$/.test(ascii) && !/^[0-9]+$/.test(ascii);
  return SUFFIXES.has(ascii);
}
