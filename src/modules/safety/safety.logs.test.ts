import { describe, expect, it } from 'vitest';
import { foldText } from '@/server/fold';
import { parseLine, redactLine, truncateAddress, ipv6ToBigInt } from '@/modules/safety/safety.logs.parse';
import {
  LogCollector,
  NetworkIndex,
  foldedName,
  splitCounts,
  zoneMapOf,
} from '@/modules/safety/safety.logs.collect';
import type { LogSetup } from '@/modules/safety/safety.logs.schema';

/**
 * Real lines of Debian's Unbound 1.17.1 (`logfile:`, `use-syslog: no`, `log-time-ascii: no`,
 * `log-queries: yes`, `rpz-log: yes` with `rpz-log-name`), written by it for `dig -b 127.0.1.5 -p 5391 …`
 * against a zone `c_gambling` (local data for `casino.example` and its subdomains, NXDOMAIN for the IDN
 * `xn--80ak6aa92e.com`, аррӏе.com) and a zone `l_12` (NXDOMAIN for `bad.example`), both for the tag of 127.0.1.0/24 and ::1.
 */
export const REAL_LINES = [
  '[1796657508] unbound[13474:0] info: start of service (unbound 1.17.1).',
  '[1796657509] unbound[13474:0] info: 127.0.1.5 ok.test. A IN',
  '[1796657509] unbound[13474:0] info: 127.0.1.5 www.casino.example. A IN',
  '[1796657509] unbound[13474:0] info: rpz: applied [c_gambling] *.casino.example. rpz-local-data 127.0.1.5@36529 www.casino.example. A IN',
  '[1796657509] unbound[13474:0] info: ::1 xn--80ak6aa92e.com. A IN',
  '[1796657509] unbound[13474:0] info: rpz: applied [c_gambling] xn--80ak6aa92e.com. rpz-nxdomain ::1@51423 xn--80ak6aa92e.com. A IN',
  '[1796657509] unbound[13474:0] info: 127.0.1.5 bad.example. AAAA IN',
  '[1796657509] unbound[13474:0] info: rpz: applied [l_12] bad.example. rpz-nxdomain 127.0.1.5@36579 bad.example. AAAA IN',
  '[1796657509] unbound[13474:0] info: 127.0.0.1 ok.test. AAAA IN',
  '[1796657509] unbound[13474:0] info: ::1 ok.test. HTTPS IN',
  '[1796657509] unbound[13474:0] info: 127.0.1.5 a?b.test. A IN',
  '[1796657509] unbound[13474:0] info: 127.0.1.5 Xn--80AK6AA92E.com. A IN',
  '[1796657509] unbound[13474:0] info: rpz: applied [c_gambling] xn--80ak6aa92e.com. rpz-nxdomain 127.0.1.5@56252 Xn--80AK6AA92E.com. A IN',
];

/** What an address was seen as, to check that parsing hands it to `locate` and keeps only the answer. */
const seen: string[] = [];
const locate = (address: string) => {
  seen.push(address);
  return address === '127.0.1.5' ? 0 : address === '::1' ? 1 : -1;
};

describe('parsing Unbound 1.17.1 log lines', () => {
  it('reads queries and RPZ hits, with the client as a network index only', () => {
    seen.length = 0;
    const parsed = REAL_LINES.map((l) => parseLine(l, locate));
    expect(parsed[0]).toBeNull(); // start of service
    expect(parsed[1]).toEqual({ kind: 'query', time: 1796657509, network: 0, name: 'ok.test', type: 'A' });
    expect(parsed[3]).toEqual({
      kind: 'rpz',
      time: 1796657509,
      network: 0,
      tag: 'c_gambling',
      action: 'rpz-local-data',
      name: 'www.casino.example',
      type: 'A',
    });
    expect(parsed[5]).toMatchObject({ kind: 'rpz', network: 1, tag: 'c_gambling', action: 'rpz-nxdomain' });
    expect(parsed[7]).toMatchObject({ kind: 'rpz', tag: 'l_12', name: 'bad.example', type: 'AAAA' });
    expect(parsed[8]).toMatchObject({ kind: 'query', network: -1, name: 'ok.test', type: 'AAAA' });
    expect(parsed[9]).toMatchObject({ kind: 'query', network: 1, type: 'HTTPS' });
    expect(parsed[11]).toMatchObject({ name: 'xn--80ak6aa92e.com' }); // lower-cased
    expect(parsed[12]).toMatchObject({ name: 'xn--80ak6aa92e.com', tag: 'c_gambling' });
    // No parsed line holds an address: the port-stripped address went to `locate` and nowhere else.
    for (const p of parsed) expect(JSON.stringify(p ?? {})).not.toMatch(/127\.0\.|::1|@/);
    expect(new Set(seen)).toEqual(new Set(['127.0.1.5', '::1', '127.0.0.1']));
  });

  it('is not fooled by lines of other kinds', () => {
    const other = [
      '',
      'Dec 07 15:31:37 unbound[13164:0] info: 127.0.1.5 ok.test. A IN', // log-time-ascii: yes
      '[1796657509] unbound[1:0] info: 127.0.1.5 ok.test. A IN NOERROR 0.000000 0 45', // log-replies
      '[1796657503] unbound[13381:0] error: parse taglist, but no tags defined',
      '[1796657509] unbound[1:0] info: rpz: applied [c_x] trigger',
      '[17966575091234567] unbound[1:0] info: 127.0.1.5 ok.test. A IN',
    ];
    for (const line of other) expect(parseLine(line, locate)).toBeNull();
  });

  it('keeps raw lines with the address cut to its /24 or /48 and no port', () => {
    expect(redactLine(REAL_LINES[1]!)).toBe('[1796657509] unbound[13474:0] info: 127.0.1.0/24 ok.test. A IN');
    expect(redactLine(REAL_LINES[3]!)).toBe(
      '[1796657509] unbound[13474:0] info: rpz: applied [c_gambling] *.casino.example. rpz-local-data 127.0.1.0/24 www.casino.example. A IN',
    );
    expect(redactLine(REAL_LINES[4]!)).toBe(
      '[1796657509] unbound[13474:0] info: 0:0:0::/48 xn--80ak6aa92e.com. A IN',
    );
    expect(redactLine(REAL_LINES[0]!)).toBe(REAL_LINES[0]);
    // A line of a kind not parsed keeps no address either.
    expect(
      redactLine('[1796657509] unbound[13474:0] info: school.test. static 10.1.2.3@53412 school.test. A IN'),
    ).toBe('[1796657509] unbound[13474:0] info: school.test. static 10.1.2.0/24 school.test. A IN');
    expect(truncateAddress('2001:db8:abcd:12:1::7')).toBe('2001:db8:abcd::/48');
    expect(truncateAddress('::ffff:10.1.2.3')).toBe('0:0:0::/48');
    expect(ipv6ToBigInt('::ffff:10.1.2.3')).toBe(0xffff0a010203n);
    expect(ipv6ToBigInt('1:2:3:4:5:6:7:8:9')).toBeNull();
    for (const line of REAL_LINES) expect(redactLine(line)).not.toMatch(/127\.0\.1\.5|@\d/);
  });
});

const SETUP: LogSetup = {
  networks: [
    { cidr: '127.0.1.0/24', institutionId: 7, kind: 'pupils' },
    { cidr: '127.0.1.4/30', institutionId: 7, kind: 'staff' }, // longer prefix wins
    { cidr: '::1/128', institutionId: 8, kind: 'guests' },
    { cidr: '2001:db8:1::/48', institutionId: 8, kind: 'pupils' },
  ],
  keywords: [
    { id: 1, folded: foldText('арр') }, // Cyrillic: `xn--80ak6aa92e.com` is аррӏе.com, a homograph of apple
    { id: 2, folded: 'casino' },
  ],
  lists: [{ id: 12, categoryCode: 'adult' }],
  retentionDays: 7,
};

describe('the collector', () => {
  it('finds networks by their longest prefix', () => {
    const index = new NetworkIndex(SETUP.networks);
    expect(index.locate('127.0.1.5')).toBe(1);
    expect(index.locate('127.0.1.9')).toBe(0);
    expect(index.locate('127.0.2.9')).toBe(-1);
    expect(index.locate('::1')).toBe(2);
    expect(index.locate('2001:db8:1:ffff::1')).toBe(3);
    expect(index.locate('2001:db8:2::1')).toBe(-1);
  });

  it('folds punycode names to their Unicode letters', () => {
    expect(foldedName('xn--80aodfsg.com')).toBe('kazino.com'); // казино.com
    expect(foldedName('xn--80ak6aa92e.com')).toBe('arrӏe.com'); // аррӏе.com: the palochka has no Latin letter
    expect(foldedName('www.casino.example')).toBe('www.casino.example');
  });

  it('counts the real lines per school, kind, category, hour and domain, and the keyword hits', () => {
    const collector = new LogCollector(SETUP);
    for (const line of REAL_LINES) collector.add(line);
    const counts = collector.take();
    const hour = '2026-12-07T15:00:00.000Z'; // 1796657509 s is 15:31:49 UTC
    expect(counts.queries.sort((a, b) => a.institutionId - b.institutionId)).toEqual([
      { institutionId: 7, networkKind: 'staff', hour, queries: 5, blocked: 3 },
      { institutionId: 8, networkKind: 'guests', hour, queries: 2, blocked: 1 },
    ]);
    expect(
      counts.blocked.sort(
        (a, b) => a.institutionId - b.institutionId || a.categoryCode.localeCompare(b.categoryCode),
      ),
    ).toEqual([
      { institutionId: 7, hour, categoryCode: 'adult', count: 1 }, // l_12 is a list of adult
      { institutionId: 7, hour, categoryCode: 'gambling', count: 2 },
      { institutionId: 8, hour, categoryCode: 'gambling', count: 1 },
    ]);
    expect(counts.domains).toContainEqual({
      institutionId: 7,
      day: '2026-12-07',
      domain: 'xn--80ak6aa92e.com',
      categoryCode: 'gambling',
      count: 1,
    });
    expect(counts.domains).toHaveLength(4);
    expect(counts.unattributed).toBe(1);
    expect(counts.keywordHits.sort((a, b) => a.keywordId - b.keywordId)).toEqual([
      { keywordId: 1, domain: 'xn--80ak6aa92e.com' },
      { keywordId: 2, domain: 'www.casino.example' },
    ]);
    expect(JSON.stringify(counts)).not.toMatch(/127\.0\.|::1/);
    expect(collector.empty).toBe(true);
  });

  it('files blocks by their tag: lists without a category, exams, bypass; passes and SafeSearch are no blocks', () => {
    const collector = new LogCollector({ ...SETUP, lists: [{ id: 3, categoryCode: null }] });
    const rpz = (tag: string, action = 'rpz-nxdomain') =>
      `[1796657509] unbound[1:0] info: rpz: applied [${tag}] x.example. ${action} 127.0.1.9@5 x.example. A IN`;
    for (const tag of ['l_3', 'l_99', 'e_4', 'bypass', 'zz', 'ss_google', 'a_2', 'x_7'])
      collector.add(rpz(tag));
    collector.add(rpz('c_adult', 'rpz-passthru'));
    const counts = collector.take();
    expect(Object.fromEntries(counts.blocked.map((b) => [b.categoryCode, b.count]))).toEqual({
      other: 3,
      exam: 1,
      bypass: 1,
    });
    expect(counts.queries).toEqual([expect.objectContaining({ queries: 0, blocked: 5 })]);
  });

  it("files local zones' blocks by the zone's first tag the client's range has (log-local-actions)", () => {
    const local = (zone: string, name: string, from = '127.0.1.9') =>
      `[1796657509] unbound[1:0] info: ${zone} transparent ${from}@5 ${name} A IN`;
    expect(parseLine(local('casino.example.', 'www.casino.example.'), () => 0)).toEqual({
      kind: 'local',
      time: 1796657509,
      network: 0,
      zone: 'casino.example',
      zoneType: 'transparent',
      name: 'www.casino.example',
      type: 'A',
    });
    const zones = [
      '    local-zone: "casino.example." transparent',
      '    local-zone-tag: "casino.example." "x_7 c_gambling"',
      '    local-zone: "." transparent',
      '    local-zone-tag: "." "e_all"',
      '    local-zone-tag: "bad.example." "e_all c_gambling l_12"',
    ].join('\n');
    const count = (rangeTags: string) => {
      const map = zoneMapOf(zones, `    access-control-tag: 127.0.1.0/24 "${rangeTags}"\n`);
      const collector = new LogCollector(SETUP, map);
      collector.add(local('casino.example.', 'www.casino.example.'));
      collector.add(local('bad.example.', 'bad.example.'));
      collector.add(local('.', 'school.test.'));
      collector.add(local('localhost.', 'localhost.')); // Unbound's own zone: not the engine's
      collector.add(local('casino.example.', 'casino.example.', '10.1.1.1')); // no school's network
      return Object.fromEntries(collector.take().blocked.map((b) => [b.categoryCode, b.count]));
    };
    expect(count('c_gambling l_12')).toEqual({ gambling: 2 });
    expect(count('x_7 c_gambling')).toEqual({ gambling: 1 }); // the exception passes casino.example
    expect(count('e_4 e_all')).toEqual({ exam: 2 });
    expect(count('')).toEqual({});
  });

  it('cuts big counts into bounded batches named by part', () => {
    const row = (i: number) => ({ keywordId: 1, domain: `d${i}.example` });
    const parts = splitCounts('g-0-10', {
      queries: [],
      blocked: [],
      domains: [],
      keywordHits: Array.from({ length: 12_001 }, (_, i) => row(i)),
      unattributed: 4,
    });
    expect(parts.map((p) => [p.batchId, p.keywordHits.length, p.unattributed])).toEqual([
      ['g-0-10.0', 5000, 4],
      ['g-0-10.1', 5000, 0],
      ['g-0-10.2', 2001, 0],
    ]);
  });
});
