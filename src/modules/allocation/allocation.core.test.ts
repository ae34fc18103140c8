import fc from 'fast-check';
import highsLoader from 'highs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ALLOCATION_KINDS,
  allocate,
  criteriaOf,
  objectiveRatio,
  run,
  type AllocationKind,
  type Candidate,
  type PlanRules,
  type SchoolFacts,
} from '@/modules/allocation/allocation.core';

/**
 * The pure core, on random instances. The central property: for a single kind without regional minimums, the
 * greedy allocation reaches the optimum of its objective, as HiGHS — an independent MILP solver, given the
 * problem written out from its definition — finds it.
 */

type Highs = Awaited<ReturnType<typeof highsLoader>>;

const NORM = 10;

const school = (id: number, s: Partial<SchoolFacts> = {}): SchoolFacts => ({
  institutionId: id,
  regionId: 1,
  students: 300,
  largestShift: 200,
  laterShiftStudents: 100,
  computers: 5,
  projectors: 0,
  boards: 0,
  classrooms: 10,
  linkTypes: ['fibre'],
  educationNetwork: true,
  verifiedProjects: 1,
  rural: false,
  servedRecently: false,
  ...s,
});

const noUnits = (): Record<AllocationKind, number> =>
  Object.fromEntries(ALLOCATION_KINDS.map((k) => [k, 0])) as Record<AllocationKind, number>;

/** A random one-kind instance: schools with their score, learners, computers and request; units; lot size. */
const instance = fc.record({
  schools: fc.array(
    fc.record({
      score: fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 1, noNaN: true })),
      learners: fc.integer({ min: 0, max: 600 }),
      computers: fc.integer({ min: 0, max: 60 }),
      requested: fc.integer({ min: 0, max: 60 }),
    }),
    { minLength: 1, maxLength: 12 },
  ),
  units: fc.integer({ min: 0, max: 150 }),
  lotSize: fc.integer({ min: 1, max: 6 }),
});
type Instance = typeof instance extends fc.Arbitrary<infer T> ? T : never;

/** The problem from its definition: how many lots each school may take (its need and its request, in whole lots). */
const capOf = (s: Instance['schools'][number], lotSize: number) => {
  const need = s.learners > 0 ? Math.max(0, Math.ceil(s.learners / NORM) - s.computers) : 0;
  return Math.floor(Math.min(need, s.requested) / lotSize);
};

/**
 * The optimum by HiGHS: one binary variable per (school, lot), lot j only if lot j − 1 (so a school's lots are
 * a prefix, whatever the gains), at most ⌊units / lot⌋ lots in all; maximise the reduction of the weighted
 * ratios. Written without the greedy's concavity argument, so the two are independent.
 */
function optimum(highs: Highs, p: Instance): number {
  const terms: string[] = [];
  const vars: string[] = [];
  const prefix: string[] = [];
  p.schools.forEach((s, i) => {
    for (let j = 1; j <= capOf(s, p.lotSize); j++) {
      const gain =
        s.score *
        (objectiveRatio(s.learners, s.computers + (j - 1) * p.lotSize) -
          objectiveRatio(s.learners, s.computers + j * p.lotSize));
      terms.push(`${gain.toPrecision(17)} y_${i}_${j}`);
      vars.push(`y_${i}_${j}`);
      if (j > 1) prefix.push(` p_${i}_${j}: y_${i}_${j} - y_${i}_${j - 1} <= 0`);
    }
  });
  if (vars.length === 0) return 0;
  const model = [
    'Maximize',
    ` obj: ${terms.join(' + ')}`,
    'Subject To',
    ` lots: ${vars.join(' + ')} <= ${Math.floor(p.units / p.lotSize)}`,
    ...prefix,
    'Bounds',
    ...vars.map((v) => ` 0 <= ${v} <= 1`),
    'Binary',
    ` ${vars.join(' ')}`,
    'End',
  ].join('\n');
  const result = highs.solve(model, { mip_rel_gap: 0 });
  if (result.Status !== 'Optimal') throw new Error(`HiGHS: ${result.Status}`);
  return result.ObjectiveValue;
}

/** The greedy's allocation of the instance's single kind (desktops). */
function greedy(p: Instance) {
  const candidates: Candidate[] = p.schools.map((s, i) => ({
    facts: school(i + 1, { largestShift: s.learners, computers: s.computers }),
    requested: { desktop: s.requested },
  }));
  const scores = new Map(p.schools.map((s, i) => [i + 1, s.score]));
  const units = { ...noUnits(), desktop: p.units };
  return allocate(candidates, scores, { units, norm: NORM, lotSize: p.lotSize, regionalMinimums: [] });
}

/** The reduction of the weighted ratios that an allocation achieves. */
const reduction = (p: Instance, lots: (i: number) => number) =>
  p.schools.reduce(
    (sum, s, i) =>
      sum +
      s.score * (objectiveRatio(s.learners, s.computers) - objectiveRatio(s.learners, s.computers + lots(i))),
    0,
  );

describe('the allocation core', () => {
  let highs: Highs;
  beforeAll(async () => {
    highs = await highsLoader();
  });

  it('is optimal for one kind without regional minimums, as HiGHS confirms on random instances', () => {
    fc.assert(
      fc.property(instance, (p) => {
        const result = greedy(p);
        const got = reduction(p, (i) => result.awards.get(i + 1)?.desktop ?? 0);
        const best = optimum(highs, p);
        expect(got).toBeGreaterThanOrEqual(best - 1e-9 * Math.max(1, Math.abs(best)));
        expect(got).toBeLessThanOrEqual(best + 1e-9 * Math.max(1, Math.abs(best)));
      }),
      { numRuns: 400, seed: 20_260_907 },
    );
  });

  it('never gives above a school’s need or request, only whole lots, and never more than the units', () => {
    fc.assert(
      fc.property(instance, (p) => {
        const result = greedy(p);
        let total = 0;
        p.schools.forEach((s, i) => {
          const got = result.awards.get(i + 1)?.desktop ?? 0;
          expect(got % p.lotSize).toBe(0);
          expect(got / p.lotSize).toBeLessThanOrEqual(capOf(s, p.lotSize));
          if (s.score === 0) expect(got).toBe(0);
          total += got;
        });
        expect(total).toBeLessThanOrEqual(p.units);
        expect(total + result.leftover.desktop).toBe(p.units);
      }),
      { numRuns: 300 },
    );
  });

  it('breaks ties by the higher score, then the lower institution id, the same on every run', () => {
    // Two identical schools: the lower id gets the single lot.
    const twins = [1, 2].map((id) => ({ facts: school(id), requested: { desktop: 10 } }));
    const units = { ...noUnits(), desktop: 1 };
    const rules = { units, norm: NORM, lotSize: 1, regionalMinimums: [] };
    expect([
      ...allocate(
        twins,
        new Map([
          [1, 0.5],
          [2, 0.5],
        ]),
        rules,
      ).awards.keys(),
    ]).toEqual([1]);
    // Equal gains (score × learner reduction) but different scores: the higher score wins.
    const pair = [
      { facts: school(1, { largestShift: 200, computers: 9 }), requested: { desktop: 10 } },
      { facts: school(2, { largestShift: 100, computers: 9 }), requested: { desktop: 10 } },
    ];
    const awards = allocate(
      pair,
      new Map([
        [1, 0.25],
        [2, 0.5],
      ]),
      rules,
    ).awards;
    expect([...awards.keys()]).toEqual([2]);
  });

  it('meets regional minimums first, as far as the region’s schools can take them', () => {
    const candidates = [
      { facts: school(1, { regionId: 1, largestShift: 400, computers: 0 }), requested: { laptop: 40 } },
      { facts: school(2, { regionId: 2, largestShift: 50, computers: 4 }), requested: { laptop: 40 } },
      { facts: school(3, { regionId: 3, largestShift: 40, computers: 4 }), requested: { laptop: 40 } },
    ];
    const scores = new Map([
      [1, 1],
      [2, 0.1],
      [3, 0.1],
    ]);
    const units = { ...noUnits(), laptop: 10 };
    const without = allocate(candidates, scores, { units, norm: NORM, lotSize: 1, regionalMinimums: [] });
    expect(without.awards.get(2)).toBeUndefined();
    const withMinimum = allocate(candidates, scores, {
      units,
      norm: NORM,
      lotSize: 1,
      regionalMinimums: [
        { regionId: 2, kind: 'laptop', units: 3 },
        // Region 3's school needs none (40 learners, 4 computers): its minimum cannot be met.
        { regionId: 3, kind: 'laptop', units: 3 },
      ],
    });
    expect(withMinimum.awards.get(2)).toEqual({ laptop: 1 });
    expect(withMinimum.awards.get(3)).toBeUndefined();
    expect(withMinimum.awards.get(1)).toEqual({ laptop: 9 });
  });

  it('fills one computer gap with desktops, laptops and tablets in turn', () => {
    const candidates = [
      {
        facts: school(1, { largestShift: 100, computers: 2 }),
        requested: { desktop: 5, laptop: 5, tablet: 5 },
      },
    ];
    const units = { ...noUnits(), desktop: 5, laptop: 5, tablet: 5 };
    const result = allocate(candidates, new Map([[1, 1]]), {
      units,
      norm: NORM,
      lotSize: 1,
      regionalMinimums: [],
    });
    // 10 computers to the norm, 2 there: 8 in all.
    expect(result.awards.get(1)).toEqual({ desktop: 5, laptop: 3 });
  });

  it('scales every criterion to 0–1 and projects the national ratio down', () => {
    fc.assert(
      fc.property(
        fc.record({
          students: fc.integer({ min: 0, max: 3000 }),
          later: fc.integer({ min: 0, max: 3000 }),
          computers: fc.integer({ min: 0, max: 500 }),
          projects: fc.integer({ min: 0, max: 4 }),
          rural: fc.boolean(),
          served: fc.boolean(),
          network: fc.boolean(),
          types: fc.subarray(['fibre', 'xdsl', 'cellular', 'satellite', 'unknown']),
        }),
        (f) => {
          const later = Math.min(f.later, f.students);
          const facts = school(1, {
            students: f.students,
            largestShift: Math.max(f.students - later, later),
            laterShiftStudents: later,
            computers: f.computers,
            verifiedProjects: f.projects,
            rural: f.rural,
            servedRecently: f.served,
            educationNetwork: f.network,
            linkTypes: f.types,
          });
          for (const v of Object.values(criteriaOf(facts, NORM))) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
          }
        },
      ),
    );
    const schools = [school(1, { computers: 2 }), school(2, { regionId: 2, computers: 30 })];
    const rules: PlanRules = {
      units: { ...noUnits(), desktop: 20 },
      unitPrices: {},
      budget: null,
      norm: NORM,
      lotSize: 1,
      regionalMinimums: [],
      weights: { ratioGap: 1, shifts: 1, connection: 1, projects: 1, equity: 1 },
      recentYears: 0,
    };
    const { projection } = run(
      schools.map((f) => ({ facts: f, requested: { desktop: 20 } })),
      schools,
      rules,
    );
    expect(projection.national.after.computers).toBe(projection.national.before.computers + 18);
    expect(projection.national.after.shiftRatio!).toBeLessThan(projection.national.before.shiftRatio!);
    expect(projection.regions.map((r) => r.regionId)).toEqual([1, 2]);
  });
});
