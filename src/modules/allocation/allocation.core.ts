/**
 * The pure core of the computer distribution: scoring, allocation and projection. No database, no I/O, so it
 * can be benchmarked on the national scale and property-tested against an independent solver. Every formula
 * here is written out in docs/allocation.md; keep the two in step.
 */

/** The device kinds a plan distributes. */
export const ALLOCATION_KINDS = ['desktop', 'laptop', 'tablet', 'projector', 'interactive_board'] as const;
/** One of the kinds a plan distributes. */
export type AllocationKind = (typeof ALLOCATION_KINDS)[number];

/** The kinds that count as computers: they share one need, the gap to the norm. */
export const COMPUTER_KINDS: readonly AllocationKind[] = ['desktop', 'laptop', 'tablet'];

/** The scoring criteria, each scaled 0–1 and weighted by the plan. */
export const CRITERIA = ['ratioGap', 'shifts', 'connection', 'projects', 'equity'] as const;
/** One scoring criterion. */
export type Criterion = (typeof CRITERIA)[number];
/** A weight per criterion, as a plan sets them. */
export type Weights = Record<Criterion, number>;

/** The digital projects whose verified participation scores: e-journal, digital skills, STEAM, eTwinning. */
export const SCORED_PROJECTS = ['e-journal', 'digital-skills', 'steam', 'etwinning'] as const;

/**
 * Readiness of a connection type, 0–1: how well a school on it can use new devices online. Wired and fibre
 * links carry a class at once; radio and satellite links share little bandwidth among many devices.
 */
export const LINK_READINESS: Record<string, number> = {
  fibre: 1,
  xdsl: 0.7,
  other_wired: 0.6,
  p2p_wireless: 0.6,
  p2mp_wireless: 0.5,
  cellular: 0.4,
  satellite: 0.3,
  other: 0.2,
};
/** The share of the connection criterion that the best link's type carries; the rest is network membership. */
export const LINK_TYPE_SHARE = 0.7;

/** A plan's rules: what is distributed, by which norm, in which lots, and how schools are scored. */
export interface PlanRules {
  /** Units to distribute, per kind. */
  units: Record<AllocationKind, number>;
  /** Price of one unit per kind (manat), when known. */
  unitPrices: Partial<Record<AllocationKind, number>>;
  /** The money available (manat), when the plan has a budget. */
  budget: number | null;
  /** The national norm: learners per computer, counted in the largest shift. */
  norm: number;
  /** Units per lot: a school gets devices of a kind in whole lots. */
  lotSize: number;
  /** Units of a kind that schools of an economic region get at least (as far as their need allows). */
  regionalMinimums: { regionId: number; kind: AllocationKind; units: number }[];
  /** How much each criterion counts; only their proportions matter. */
  weights: Weights;
  /** A school served by a plan of the last this many years scores no "not served" equity. */
  recentYears: number;
}

/** What the registry says about a school, as scoring and projection need it. */
export interface SchoolFacts {
  institutionId: number;
  /** The economic region the school lies in (for regional minimums and ratios). */
  regionId: number | null;
  students: number;
  /** Students in the school's largest shift: the learners who share its computers at one time. */
  largestShift: number;
  /** Students in the second or a later shift. */
  laterShiftStudents: number;
  /** Teaching desktops, laptops and tablets. */
  computers: number;
  /** Teaching projectors and interactive boards. */
  projectors: number;
  boards: number;
  classrooms: number | null;
  /** Types of the school's teaching links. */
  linkTypes: string[];
  educationNetwork: boolean;
  /** How many of the scored projects the school takes part in, verified by its region. */
  verifiedProjects: number;
  rural: boolean;
  /** Served by an approved plan in the last `recentYears` years. */
  servedRecently: boolean;
}

/** An eligible application: the school's facts and the units it asked for. */
export interface Candidate {
  facts: SchoolFacts;
  requested: Partial<Record<AllocationKind, number>>;
}

/** A school's score, criterion by criterion (each 0–1), and the weighted total (0–1). */
export interface Score {
  institutionId: number;
  criteria: Record<Criterion, number>;
  score: number;
}

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

/** Computers a school needs to meet the norm in its largest shift. */
export function computersNeeded(largestShift: number, norm: number): number {
  return largestShift > 0 ? Math.ceil(largestShift / norm) : 0;
}

/** Each criterion of a school, scaled 0–1 (docs/allocation.md gives the formulas). */
export function criteriaOf(f: SchoolFacts, norm: number): Record<Criterion, number> {
  const needed = computersNeeded(f.largestShift, norm);
  const best = f.linkTypes.reduce((m, t) => Math.max(m, LINK_READINESS[t] ?? 0), 0);
  return {
    ratioGap: needed > 0 ? clamp01((needed - f.computers) / needed) : 0,
    shifts: f.students > 0 ? clamp01(f.laterShiftStudents / f.students) : 0,
    connection: clamp01(LINK_TYPE_SHARE * best + (1 - LINK_TYPE_SHARE) * (f.educationNetwork ? 1 : 0)),
    projects: clamp01(f.verifiedProjects / SCORED_PROJECTS.length),
    equity: 0.5 * (f.rural ? 1 : 0) + 0.5 * (f.servedRecently ? 0 : 1),
  };
}

/** The weighted mean of the criteria: 0–1. With every weight 0, every school scores 0. */
export function weighted(criteria: Record<Criterion, number>, weights: Weights): number {
  let sum = 0;
  let total = 0;
  for (const c of CRITERIA) {
    sum += weights[c] * criteria[c];
    total += weights[c];
  }
  return total > 0 ? sum / total : 0;
}

/** Scores every candidate. */
export function scoreAll(facts: readonly SchoolFacts[], rules: Pick<PlanRules, 'norm' | 'weights'>): Score[] {
  return facts.map((f) => {
    const criteria = criteriaOf(f, rules.norm);
    return { institutionId: f.institutionId, criteria, score: weighted(criteria, rules.weights) };
  });
}

/**
 * The ratio the allocation minimises, per school: learners of the largest shift per computer, counting one
 * computer more than there is. The +1 keeps a school without any computer finite (its ratio is then its
 * learners) and makes the ratio strictly convex in the computers, so each further lot helps less.
 */
export const objectiveRatio = (learners: number, devices: number): number => learners / (devices + 1);

/** What one more lot reduces a school's weighted ratio by, when it already has `devices`. */
export function lotGain(score: number, learners: number, devices: number, lotSize: number): number {
  return score * (objectiveRatio(learners, devices) - objectiveRatio(learners, devices + lotSize));
}

/** One school's place in the allocation of one kind. */
interface Slot {
  id: number;
  regionId: number | null;
  score: number;
  learners: number;
  /** Devices of the kind (for computers: all computers) before this kind's lots. */
  base: number;
  /** Lots given so far. */
  lots: number;
  /** The most lots the school may get: its need in whole lots. */
  cap: number;
  gain: number;
}

/**
 * The order lots go in: the larger gain first; on equal gain the higher score; then the lower institution
 * id. A total order, so the allocation is the same on every run and machine.
 */
export function before(a: Pick<Slot, 'gain' | 'score' | 'id'>, b: Pick<Slot, 'gain' | 'score' | 'id'>) {
  if (a.gain !== b.gain) return a.gain > b.gain;
  if (a.score !== b.score) return a.score > b.score;
  return a.id < b.id;
}

/** A binary max-heap on `before`. */
class Heap {
  private items: Slot[] = [];
  get size(): number {
    return this.items.length;
  }
  push(s: Slot): void {
    const a = this.items;
    a.push(s);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): Slot | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

const refresh = (s: Slot, lotSize: number) => {
  s.gain = s.lots < s.cap ? lotGain(s.score, s.learners, s.base + s.lots * lotSize, lotSize) : 0;
};

/** Gives up to `lots` lots, one at a time, each to the slot it helps most; returns how many were given. */
function greedy(slots: readonly Slot[], lots: number, lotSize: number): number {
  const heap = new Heap();
  for (const s of slots) {
    refresh(s, lotSize);
    if (s.gain > 0) heap.push(s);
  }
  let given = 0;
  while (given < lots && heap.size > 0) {
    const s = heap.pop()!;
    s.lots += 1;
    given += 1;
    refresh(s, lotSize);
    if (s.gain > 0) heap.push(s);
  }
  return given;
}

/** The allocation of a plan: units per school and kind, what was left over, and the cut-off score. */
export interface Allocation {
  awards: Map<number, Partial<Record<AllocationKind, number>>>;
  /** Units of each kind no school could take (need met, or not a whole lot left). */
  leftover: Record<AllocationKind, number>;
  /** The lowest score among the schools that get anything; null when none does. */
  cutOff: number | null;
}

/** Need of a school for a kind, in units, before any of this plan's lots (computers: the gap to the norm). */
function needOf(f: SchoolFacts, kind: AllocationKind, norm: number, computersNow: number): number {
  switch (kind) {
    case 'desktop':
    case 'laptop':
    case 'tablet':
      return Math.max(0, computersNeeded(f.largestShift, norm) - computersNow);
    case 'projector':
      return f.classrooms === null ? Number.POSITIVE_INFINITY : Math.max(0, f.classrooms - f.projectors);
    case 'interactive_board':
      return f.classrooms === null ? Number.POSITIVE_INFINITY : Math.max(0, f.classrooms - f.boards);
  }
}

/**
 * Allocates every kind's units to the candidates. Kinds go in ALLOCATION_KINDS order; desktops, laptops and
 * tablets fill one computer gap in turn. For each kind, each region's minimum is met first (greedy inside the
 * region), then the rest of the lots go greedily over all candidates. A school never gets more than it asked
 * for, nor more than its need, and only whole lots.
 */
export function allocate(
  candidates: readonly Candidate[],
  scores: ReadonlyMap<number, number>,
  rules: Pick<PlanRules, 'units' | 'norm' | 'lotSize' | 'regionalMinimums'>,
): Allocation {
  const awards = new Map<number, Partial<Record<AllocationKind, number>>>();
  const computers = new Map(candidates.map((c) => [c.facts.institutionId, c.facts.computers]));
  const leftover = {} as Record<AllocationKind, number>;
  const L = rules.lotSize;
  for (const kind of ALLOCATION_KINDS) {
    const isComputer = COMPUTER_KINDS.includes(kind);
    const slots: Slot[] = candidates.map((c) => {
      const f = c.facts;
      const now = computers.get(f.institutionId)!;
      const need = Math.min(c.requested[kind] ?? 0, needOf(f, kind, rules.norm, now));
      return {
        id: f.institutionId,
        regionId: f.regionId,
        score: scores.get(f.institutionId) ?? 0,
        learners: f.largestShift,
        base: isComputer ? now : kind === 'projector' ? f.projectors : f.boards,
        lots: 0,
        cap: Math.floor(need / L),
        gain: 0,
      };
    });
    let lots = Math.floor(rules.units[kind] / L);
    const minimums = rules.regionalMinimums
      .filter((m) => m.kind === kind)
      .sort((a, b) => a.regionId - b.regionId);
    for (const m of minimums) {
      const inRegion = slots.filter((s) => s.regionId === m.regionId);
      lots -= greedy(inRegion, Math.min(lots, Math.ceil(m.units / L)), L);
    }
    lots -= greedy(slots, lots, L);
    leftover[kind] = rules.units[kind] - (Math.floor(rules.units[kind] / L) - lots) * L;
    for (const s of slots) {
      if (s.lots === 0) continue;
      const a = awards.get(s.id) ?? {};
      a[kind] = s.lots * L;
      awards.set(s.id, a);
      if (isComputer) computers.set(s.id, computers.get(s.id)! + s.lots * L);
    }
  }
  let cutOff: number | null = null;
  for (const id of awards.keys()) {
    const s = scores.get(id) ?? 0;
    if (cutOff === null || s < cutOff) cutOff = s;
  }
  return { awards, leftover, cutOff };
}

/** The objective of a one-kind allocation: the score-weighted sum of the schools' objective ratios. */
export function objective(
  slots: readonly { score: number; learners: number; base: number }[],
  units: readonly number[],
): number {
  return slots.reduce((sum, s, i) => sum + s.score * objectiveRatio(s.learners, s.base + units[i]!), 0);
}

/** Learners, computers and the share of schools meeting the norm, for a set of schools. */
export interface Figures {
  schools: number;
  students: number;
  computers: number;
  /** Students per computer; null without computers. */
  ratio: number | null;
  /** Learners of the largest shift per computer; null without computers. */
  shiftRatio: number | null;
  /** Share of schools with students whose largest shift has at most `norm` learners per computer. */
  meetingNorm: number | null;
}

/** National and regional figures before and after an allocation. */
export interface Projection {
  national: { before: Figures; after: Figures };
  regions: { regionId: number | null; units: number; before: Figures; after: Figures }[];
}

class Tally {
  schools = 0;
  withStudents = 0;
  meeting = 0;
  students = 0;
  largest = 0;
  computers = 0;
  add(f: SchoolFacts, computers: number, norm: number) {
    this.schools += 1;
    this.students += f.students;
    this.largest += f.largestShift;
    this.computers += computers;
    if (f.students > 0) {
      this.withStudents += 1;
      if (computers > 0 && f.largestShift / computers <= norm) this.meeting += 1;
    }
  }
  figures(): Figures {
    return {
      schools: this.schools,
      students: this.students,
      computers: this.computers,
      ratio: this.computers > 0 ? this.students / this.computers : null,
      shiftRatio: this.computers > 0 ? this.largest / this.computers : null,
      meetingNorm: this.withStudents > 0 ? this.meeting / this.withStudents : null,
    };
  }
}

/** Projects an allocation onto every school of the country: national and per-region figures. */
export function project(
  schools: readonly SchoolFacts[],
  awards: Allocation['awards'],
  norm: number,
): Projection {
  const national = { before: new Tally(), after: new Tally() };
  const regions = new Map<number | null, { units: number; before: Tally; after: Tally }>();
  for (const f of schools) {
    const a = awards.get(f.institutionId);
    let added = 0;
    let units = 0;
    if (a) {
      for (const k of ALLOCATION_KINDS) {
        const u = a[k] ?? 0;
        units += u;
        if (COMPUTER_KINDS.includes(k)) added += u;
      }
    }
    let r = regions.get(f.regionId);
    if (!r) {
      r = { units: 0, before: new Tally(), after: new Tally() };
      regions.set(f.regionId, r);
    }
    r.units += units;
    national.before.add(f, f.computers, norm);
    national.after.add(f, f.computers + added, norm);
    r.before.add(f, f.computers, norm);
    r.after.add(f, f.computers + added, norm);
  }
  return {
    national: { before: national.before.figures(), after: national.after.figures() },
    regions: [...regions.entries()]
      .sort(([a], [b]) => (a ?? Number.MAX_SAFE_INTEGER) - (b ?? Number.MAX_SAFE_INTEGER))
      .map(([regionId, r]) => ({
        regionId,
        units: r.units,
        before: r.before.figures(),
        after: r.after.figures(),
      })),
  };
}

/** Scoring, allocation and projection in one go: what a simulation and an approval run. */
export function run(
  candidates: readonly Candidate[],
  schools: readonly SchoolFacts[],
  rules: PlanRules,
): { scores: Score[]; allocation: Allocation; projection: Projection } {
  const scores = scoreAll(
    candidates.map((c) => c.facts),
    rules,
  );
  const allocation = allocate(candidates, new Map(scores.map((s) => [s.institutionId, s.score])), rules);
  return { scores, allocation, projection: project(schools, allocation.awards, rules.norm) };
}
