import type { InstitutionInput } from '@/modules/institutions/institutions.service';
import {
  flattenAreas,
  type CountryPack,
  type LocalisedName,
  type PackArea,
} from '@/modules/institutions/country-pack';
import {
  FEMALE_NAMES,
  MALE_NAMES,
  SURNAMES,
  UNIVERSITIES,
  Usernames,
  VILLAGES,
  surnameFor,
} from '@/seed/names';
import { Random } from '@/seed/random';
import { DEMO_ACCOUNTS, demoAccount } from '@/seed/demo-accounts';

/**
 * The seed's plan: every institution, class and person it will write, worked out in memory from the pack
 * and the seed number alone. Nothing here reads the clock, the database or Math.random, so the same seed
 * gives the same plan, and the writer only has to insert it.
 */

/** How much of a country the seed makes. */
export type SeedScale = 'demo' | 'national';

/** The national seed's totals: Azerbaijan's ~4,500 institutions, 1.6 million students, 125,000 teachers. */
export const NATIONAL_TARGETS = {
  generalSchools: 4_300,
  kindergartens: 110,
  vocational: 80,
  students: 1_600_000,
  teachers: 125_000,
} as const;

/** A person the seed creates an account for. */
export interface PersonPlan {
  username: string;
  displayName: string;
  locale: 'az' | 'ru';
  /** Known for the people the plan names by sex (`identity_user.sex`, for the SDG 4.c indicators). */
  sex?: 'female' | 'male';
}

/** A class with its students; `homeroom` is an index into the school's teachers. */
export interface ClassPlan {
  grade: number;
  letter: string;
  language: 'az' | 'ru';
  shift: number;
  homeroom: number;
  students: PersonPlan[];
}

/** Parents and the children they are linked to. */
export interface FamilyPlan {
  parents: PersonPlan[];
  children: PersonPlan[];
}

/** The people of a school that gets individual accounts. */
export interface SchoolPeople {
  director: PersonPlan;
  teachers: PersonPlan[];
  classes: ClassPlan[];
  families: FamilyPlan[];
}

/** One institution; `people` is null for those that only carry aggregate head counts. */
export interface InstitutionPlan {
  row: Omit<InstitutionInput, 'areaId' | 'status'> & { studentCount: number; teacherCount: number };
  areaCode: string;
  people: SchoolPeople | null;
}

/** Everything the seed will write beyond the country pack. */
export interface SeedPlan {
  scale: SeedScale;
  seed: number;
  institutions: InstitutionPlan[];
  /** The area the `region` demo account oversees. */
  regionArea: string;
  /** The school of the `director`, `teacher` and `student` demo accounts, and the class of the latter two. */
  anchor: { institution: InstitutionPlan; cls: ClassPlan } | null;
}

/** The letters of parallel classes, in the Azerbaijani alphabet's order. */
const CLASS_LETTERS = ['A', 'B', 'C', 'Ç', 'D', 'E'] as const;

interface Place {
  area: PackArea;
  parent: PackArea | null;
  /** 1-based position among the pack's districts and cities: the first digits of institution codes. */
  index: number;
  /** Part of one big city (Baku): schools are named after the city and numbered city-wide. */
  cityOf: PackArea | null;
}

/** The districts and cities of a pack (the areas that have no areas under them), in the pack's order. */
function placesOf(pack: CountryPack): Place[] {
  return flattenAreas(pack.root)
    .filter(
      ({ area }) => area.children.length === 0 && area.kind !== 'country' && area.kind !== 'economic_region',
    )
    .map(({ area, parent }, i) => ({ area, parent, index: i + 1, cityOf: parent?.city ? parent : null }));
}

const isUrbanPlace = (p: Place) => p.cityOf !== null || p.area.kind === 'city';

type SchoolType = 'full' | 'basic' | 'primary';

const SCHOOL_TYPES: Record<
  SchoolType,
  { maxGrade: number; levels: string[]; az: string; azVillage: string; ru: string; en: string }
> = {
  full: {
    maxGrade: 11,
    levels: ['primary', 'basic', 'secondary'],
    az: 'tam orta məktəb',
    azVillage: 'tam orta məktəbi',
    ru: 'Полная средняя школа',
    en: 'Secondary School',
  },
  basic: {
    maxGrade: 9,
    levels: ['primary', 'basic'],
    az: 'ümumi orta məktəb',
    azVillage: 'ümumi orta məktəbi',
    ru: 'Общая средняя школа',
    en: 'Basic School',
  },
  primary: {
    maxGrade: 4,
    levels: ['primary'],
    az: 'ibtidai məktəb',
    azVillage: 'ibtidai məktəbi',
    ru: 'Начальная школа',
    en: 'Primary School',
  },
};

/** "город Баку" → "города Баку", "Губинский район" → "Губинского района": the form after "школа № 5". */
export function russianGenitive(name: string): string {
  if (name.startsWith('город ')) return `города ${name.slice('город '.length)}`;
  const district = /^(.*)(ий|ый) район$/.exec(name);
  if (district) return `${district[1]}ого района`;
  return `(${name})`;
}

/** The name institutions of a place are called after: the city for Baku's districts, else the area. */
const namingPlace = (p: Place): LocalisedName => p.cityOf?.city ?? p.area.name;

function numberedName(p: Place, n: number, az: string, ru: string, en: string): LocalisedName {
  const place = namingPlace(p);
  return {
    az: `${place.az} ${n} nömrəli ${az}`,
    ru: `${ru} № ${n} ${russianGenitive(place.ru)}`,
    en: `${place.en} ${en} No. ${n}`,
  };
}

function villageName(p: Place, village: LocalisedName, round: number, type: SchoolType): LocalisedName {
  const t = SCHOOL_TYPES[type];
  const nth = round > 1 ? ` ${round} nömrəli` : '';
  const nthRu = round > 1 ? ` № ${round}` : '';
  const nthEn = round > 1 ? ` No. ${round}` : '';
  return {
    az: `${p.area.name.az} ${village.az} kənd${nth} ${t.azVillage}`,
    ru: `${t.ru}${nthRu} села ${village.ru} ${russianGenitive(p.area.name.ru)}`,
    en: `${village.en} Village ${t.en}${nthEn}, ${p.area.name.en}`,
  };
}

/** Hands out institution codes (area position + a running number) and the numbers in institution names. */
class Numbering {
  private readonly sequence = new Map<string, number>();
  private readonly names = new Map<string, number[]>();
  private readonly villageOrder = new Map<string, number[]>();

  constructor(private readonly random: Random) {}

  code(p: Place): string {
    const n = (this.sequence.get(p.area.code) ?? 0) + 1;
    this.sequence.set(p.area.code, n);
    return `${String(p.index).padStart(3, '0')}${String(n).padStart(4, '0')}`;
  }

  /**
   * The next name number of a kind of institution in a place. Schools of a big city are numbered city-wide
   * and not one after another (Baku has schools up to No. 300 and more), so they draw from a shuffled range.
   */
  number(p: Place, kind: string): number {
    const key = `${kind}:${(p.cityOf ?? p.area).code}`;
    let pool = this.names.get(key);
    if (!pool) {
      pool = p.cityOf && kind === 'school' ? this.random.fork(key).distinct(400, 1, 400) : [];
      this.names.set(key, pool);
    }
    if (p.cityOf && kind === 'school') return pool.shift() ?? 400 + this.sequenceOf(key);
    return this.sequenceOf(key);
  }

  private sequenceOf(key: string): number {
    const n = (this.sequence.get(`#${key}`) ?? 0) + 1;
    this.sequence.set(`#${key}`, n);
    return n;
  }

  /** The next village of a district, and which round through the list it is (for "2 nömrəli"). */
  village(p: Place): { village: LocalisedName; round: number } {
    let order = this.villageOrder.get(p.area.code);
    if (!order) {
      order = this.random.fork(`villages:${p.area.code}`).distinct(VILLAGES.length, 0, VILLAGES.length - 1);
      this.villageOrder.set(p.area.code, order);
    }
    const i = this.sequenceOf(`village:${p.area.code}`) - 1;
    return { village: VILLAGES[order[i % order.length]!]!, round: Math.floor(i / order.length) + 1 };
  }
}

/** A point near the area's centre, kept inside the country's box. */
function placeCoordinates(
  random: Random,
  p: Place,
  pack: CountryPack,
): { latitude: number | null; longitude: number | null } {
  const centre = p.area.centroid;
  if (!centre) return { latitude: null, longitude: null };
  const spread = p.cityOf ? 0.02 : p.area.kind === 'city' ? 0.03 : 0.08;
  let latitude = centre[0] + random.float(-spread, spread);
  let longitude = centre[1] + random.float(-spread, spread);
  const b = pack.manifest.bounds;
  if (b) {
    latitude = Math.min(b.maxLatitude, Math.max(b.minLatitude, latitude));
    longitude = Math.min(b.maxLongitude, Math.max(b.minLongitude, longitude));
  }
  return { latitude: Math.round(latitude * 1e5) / 1e5, longitude: Math.round(longitude * 1e5) / 1e5 };
}

function shiftsFor(random: Random, p: Place, urban: boolean): number {
  if (p.cityOf)
    return random.weighted([
      [1, 0.2],
      [2, 0.7],
      [3, 0.1],
    ] as const);
  if (urban)
    return random.weighted([
      [1, 0.4],
      [2, 0.55],
      [3, 0.05],
    ] as const);
  return random.weighted([
    [1, 0.75],
    [2, 0.25],
  ] as const);
}

/** Which shift a grade studies in: the upper grades in the morning, the younger ones in the afternoon. */
function shiftOfGrade(grade: number, shifts: number): number {
  if (shifts >= 3 && grade >= 2 && grade <= 4) return 3;
  if (shifts >= 2 && grade >= 2 && grade <= 6) return 2;
  return 1;
}

/** Creates people: names by sex, unique usernames. */
class People {
  constructor(readonly usernames: Usernames) {}

  person(random: Random, female: boolean, surname: string, locale: 'az' | 'ru' = 'az'): PersonPlan {
    const given = random.pick(female ? FEMALE_NAMES : MALE_NAMES);
    const family = surnameFor(surname, female);
    return {
      username: this.usernames.next(given, family),
      displayName: `${given} ${family}`,
      locale,
      sex: female ? 'female' : 'male',
    };
  }
}

interface OpenFamily {
  plan: FamilyPlan;
  surname: string;
  grades: Set<number>;
}

/** The classes, teachers, director, students and parents of one school. */
function schoolPeople(
  random: Random,
  people: People,
  type: SchoolType,
  urban: boolean,
  bigCity: boolean,
  shifts: number,
): SchoolPeople {
  const maxGrade = SCHOOL_TYPES[type].maxGrade;
  const letters = urban
    ? random.weighted([
        [1, 0.7],
        [2, 0.27],
        [3, 0.03],
      ] as const)
    : 1;
  // Russian-medium classes are common in Baku and Sumgait schools, rare elsewhere.
  const russianSector = urban && random.chance(bigCity ? 0.25 : 0.1);
  const classes: ClassPlan[] = [];
  for (let grade = 1; grade <= maxGrade; grade++) {
    // Fewer pupils stay on after grade 9.
    const parallel =
      grade >= 10 ? Math.max(1, letters - 1) : letters + (russianSector && letters === 1 ? 1 : 0);
    for (let l = 0; l < parallel; l++) {
      const language = russianSector && l === parallel - 1 && parallel > 1 ? 'ru' : 'az';
      const size = urban ? random.int(15, 24) : random.int(5, 18);
      classes.push({
        grade,
        letter: CLASS_LETTERS[l]!,
        language,
        shift: shiftOfGrade(grade, shifts),
        homeroom: 0,
        students: new Array<PersonPlan>(grade >= 10 ? Math.max(4, Math.round(size * 0.85)) : size),
      });
    }
  }
  const teacherCount = Math.min(25, Math.max(6, Math.round(classes.length * 1.25) + random.int(0, 3)));
  // Four in five teachers in Azerbaijan's schools are women.
  const teachers = Array.from({ length: teacherCount }, () =>
    people.person(random, random.chance(0.8), random.pick(SURNAMES)),
  );
  const order = random.distinct(teacherCount, 0, teacherCount - 1);
  classes.forEach((c, i) => (c.homeroom = order[i % teacherCount]!));
  const director = people.person(random, random.chance(0.5), random.pick(SURNAMES));

  // Families: most children are the only one of their family in the school; some have a brother or sister
  // in another grade, and then share their parents.
  const families: FamilyPlan[] = [];
  const open: OpenFamily[] = [];
  for (const c of classes) {
    for (let i = 0; i < c.students.length; i++) {
      const female = random.chance(0.5);
      let family: OpenFamily | undefined;
      if (open.length > 0 && random.chance(0.2)) {
        const candidate = open[random.int(Math.max(0, open.length - 30), open.length - 1)]!;
        if (!candidate.grades.has(c.grade) && candidate.plan.children.length < 3) family = candidate;
      }
      if (!family) {
        const surname = random.pick(SURNAMES);
        const parents: PersonPlan[] = [];
        const both = random.chance(0.2);
        const mother = both || random.chance(0.6);
        if (mother) parents.push(people.person(random, true, surname, c.language));
        if (both || !mother) parents.push(people.person(random, false, surname, c.language));
        family = { plan: { parents, children: [] }, surname, grades: new Set() };
        families.push(family.plan);
        open.push(family);
      }
      const child = people.person(random, female, family.surname, c.language);
      c.students[i] = child;
      family.plan.children.push(child);
      family.grades.add(c.grade);
    }
  }
  return { director, teachers, classes, families };
}

const studentsOf = (p: SchoolPeople) => p.classes.reduce((n, c) => n + c.students.length, 0);

/** Spreads `total` over weights by the largest remainder, giving each at least `min`. */
export function apportion(total: number, weights: number[], min = 0): number[] {
  const base = weights.map(() => min);
  const rest = total - min * weights.length;
  const sum = weights.reduce((a, b) => a + b, 0);
  if (rest <= 0 || sum <= 0) return base;
  const exact = weights.map((w) => (w / sum) * rest);
  const out = exact.map((x, i) => base[i]! + Math.floor(x));
  let left = total - out.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % byRemainder.length, left--) out[byRemainder[k]![1]]! += 1;
  return out;
}

/** Builds a general school: its name, place, type and, when `populate`, its people. */
function generalSchool(
  random: Random,
  pack: CountryPack,
  numbering: Numbering,
  people: People,
  p: Place,
  urban: boolean,
  populate: boolean,
): InstitutionPlan {
  const type: SchoolType = urban
    ? random.weighted([
        ['full', 0.95],
        ['basic', 0.05],
      ] as const)
    : random.weighted([
        ['full', 0.65],
        ['basic', 0.25],
        ['primary', 0.1],
      ] as const);
  const t = SCHOOL_TYPES[type];
  let name: LocalisedName;
  if (urban) {
    name = numberedName(p, numbering.number(p, 'school'), t.az, t.ru, t.en);
  } else {
    const { village, round } = numbering.village(p);
    name = villageName(p, village, round, type);
  }
  const shifts = shiftsFor(random, p, urban);
  const row = {
    code: numbering.code(p),
    kind: 'general_school' as const,
    nameAz: name.az,
    nameRu: name.ru,
    nameEn: name.en,
    ownership: 'public' as const,
    locality: urban ? ('urban' as const) : ('rural' as const),
    ...placeCoordinates(random, p, pack),
    levels: t.levels,
    shifts,
    studentCount: 0,
    teacherCount: 0,
  };
  if (populate) {
    const school = schoolPeople(
      random.fork(row.code),
      people,
      type,
      urban,
      p.cityOf !== null || p.area.kind === 'city',
      shifts,
    );
    row.studentCount = studentsOf(school);
    row.teacherCount = school.teachers.length;
    return { row, areaCode: p.area.code, people: school };
  }
  // Aggregates only: skewed sizes, big city schools far larger than village ones; the national seed scales them.
  const r = random.next();
  const students = p.cityOf
    ? 500 + 2000 * r ** 1.5
    : p.area.kind === 'city'
      ? 300 + 1500 * r ** 1.5
      : urban
        ? 250 + 950 * r ** 1.3
        : type === 'full'
          ? 60 + 440 * r ** 1.6
          : type === 'basic'
            ? 30 + 200 * r ** 1.5
            : 8 + 60 * r;
  row.studentCount = Math.round(students);
  row.teacherCount = Math.max(4, Math.round(students / (urban ? random.float(14, 18) : random.float(6, 10))));
  return { row, areaCode: p.area.code, people: null };
}

function otherInstitution(
  random: Random,
  pack: CountryPack,
  numbering: Numbering,
  p: Place,
  kind: 'kindergarten' | 'vocational_college',
): InstitutionPlan {
  const n = numbering.number(p, kind);
  const name =
    kind === 'kindergarten'
      ? numberedName(p, n, 'körpələr evi-uşaq bağçası', 'Ясли-детский сад', 'Nursery-Kindergarten')
      : numberedName(p, n, 'peşə liseyi', 'Профессиональный лицей', 'Vocational Lyceum');
  const students = kind === 'kindergarten' ? random.int(60, 240) : random.int(200, 900);
  return {
    row: {
      code: numbering.code(p),
      kind,
      nameAz: name.az,
      nameRu: name.ru,
      nameEn: name.en,
      ownership: 'public',
      locality:
        isUrbanPlace(p) || kind === 'vocational_college' ? 'urban' : random.chance(0.5) ? 'urban' : 'rural',
      ...placeCoordinates(random, p, pack),
      levels: kind === 'kindergarten' ? ['preschool'] : ['vocational'],
      shifts: 1,
      studentCount: students,
      teacherCount: Math.max(4, Math.round(students / (kind === 'kindergarten' ? 9 : 12))),
    },
    areaCode: p.area.code,
    people: null,
  };
}

/** Scales the aggregate-only institutions so that every institution's counts add up to the targets. */
function scaleAggregates(institutions: InstitutionPlan[], fixed: (i: InstitutionPlan) => boolean): void {
  for (const key of ['studentCount', 'teacherCount'] as const) {
    const target = key === 'studentCount' ? NATIONAL_TARGETS.students : NATIONAL_TARGETS.teachers;
    const scalable = institutions.filter((i) => !fixed(i));
    const fixedSum = institutions.filter(fixed).reduce((n, i) => n + i.row[key], 0);
    const scaled = apportion(
      target - fixedSum,
      scalable.map((i) => i.row[key]),
    );
    scalable.forEach((inst, k) => (inst.row[key] = Math.max(1, scaled[k]!)));
    // max(1, …) can only add a few; take them back from the largest so the totals stay exact.
    const drift = institutions.reduce((n, i) => n + i.row[key], 0) - target;
    if (drift !== 0 && scalable.length > 0) {
      const largest = scalable.reduce((a, b) => (b.row[key] > a.row[key] ? b : a));
      largest.row[key] -= drift;
    }
  }
}

/** The demo country: a few districts of the pack's choosing, every school with its people. */
function demoPlan(
  random: Random,
  pack: CountryPack,
  places: Place[],
  people: People,
): Omit<SeedPlan, 'anchor'> {
  const numbering = new Numbering(random.fork('numbering'));
  const byCode = new Map(places.map((p) => [p.area.code, p]));
  const hinted = pack.manifest.demo?.areas.filter((a) => byCode.has(a.code)) ?? [];
  const hints =
    hinted.length > 0
      ? hinted
      : [...places]
          .sort((a, b) => (b.area.population ?? 0) - (a.area.population ?? 0) || a.index - b.index)
          .slice(0, 5)
          .map((p) => ({
            code: p.area.code,
            urban: isUrbanPlace(p) ? 8 : 3,
            rural: isUrbanPlace(p) ? 0 : 10,
          }));
  if (hints.length === 0)
    throw new Error('the country pack has no districts or cities to put demo schools in');
  const institutions: InstitutionPlan[] = [];
  hints.forEach((hint, i) => {
    const p = byCode.get(hint.code)!;
    const r = random.fork(`area:${p.area.code}`);
    for (let k = 0; k < hint.urban; k++)
      institutions.push(generalSchool(r, pack, numbering, people, p, true, true));
    for (let k = 0; k < hint.rural; k++)
      institutions.push(generalSchool(r, pack, numbering, people, p, false, true));
    // A few institutions of other kinds, with aggregate counts only, so that lists and maps show them.
    if (i === 0 || i === 2) institutions.push(otherInstitution(r, pack, numbering, p, 'kindergarten'));
    if (i === 3) institutions.push(otherInstitution(r, pack, numbering, p, 'vocational_college'));
  });
  return { scale: 'demo', seed: 0, institutions, regionArea: hints[0]!.code };
}

/** The national scale: institutions in every district, weighted by population, one district with its people. */
function nationalPlan(
  random: Random,
  pack: CountryPack,
  places: Place[],
  people: People,
): Omit<SeedPlan, 'anchor'> {
  if (places.length === 0)
    throw new Error('the country pack has no districts or cities to put institutions in');
  const numbering = new Numbering(random.fork('numbering'));
  const hinted = pack.manifest.demo?.populatedArea;
  const populated =
    places.find((p) => p.area.code === hinted) ??
    [...places]
      .filter((p) => !isUrbanPlace(p))
      .sort((a, b) => (b.area.population ?? 0) - (a.area.population ?? 0) || a.index - b.index)[0] ??
    places[0]!;
  const population = (p: Place) => p.area.population ?? 50;
  // Big cities have few, large schools per head; the countryside many small ones.
  const schoolWeight = (p: Place) => population(p) * (p.cityOf ? 14 : p.area.kind === 'city' ? 20 : 55);
  const general = apportion(NATIONAL_TARGETS.generalSchools, places.map(schoolWeight), 1);
  const kindergartens = apportion(NATIONAL_TARGETS.kindergartens, places.map(population));
  const vocational = apportion(NATIONAL_TARGETS.vocational, places.map(population));
  const institutions: InstitutionPlan[] = [];
  places.forEach((p, i) => {
    const r = random.fork(`area:${p.area.code}`);
    const urbanPlace = isUrbanPlace(p);
    const schools = general[i]!;
    // About a quarter of a district's schools are in its towns.
    const urbanSchools = urbanPlace ? schools : Math.max(1, Math.round(schools * 0.25));
    for (let k = 0; k < schools; k++)
      institutions.push(generalSchool(r, pack, numbering, people, p, k < urbanSchools, p === populated));
    for (let k = 0; k < kindergartens[i]!; k++)
      institutions.push(otherInstitution(r, pack, numbering, p, 'kindergarten'));
    for (let k = 0; k < vocational[i]!; k++)
      institutions.push(otherInstitution(r, pack, numbering, p, 'vocational_college'));
  });
  const byCode = new Map(places.map((p) => [p.area.code, p]));
  for (const u of UNIVERSITIES) {
    const p = byCode.get(u.area);
    if (!p) continue;
    institutions.push({
      row: {
        code: numbering.code(p),
        kind: 'university',
        nameAz: u.name.az,
        nameRu: u.name.ru,
        nameEn: u.name.en,
        ownership: 'public',
        locality: 'urban',
        ...placeCoordinates(random.fork(`university:${u.name.en}`), p, pack),
        levels: ['higher'],
        shifts: 1,
        studentCount: u.students,
        teacherCount: u.teachers,
      },
      areaCode: p.area.code,
      people: null,
    });
  }
  return { scale: 'national', seed: 0, institutions, regionArea: populated.area.code };
}

/**
 * Works out everything a seed will write. The same pack, scale and seed always give the same plan. The named
 * demo accounts take their places in the first school with people: `director` directs it, `teacher` is
 * homeroom teacher of its class 7A (or its first class), `student` sits in that class, `parent` is theirs;
 * `student6` (with a generated parent) sits in its class 6A (or 5A), where `teacher` also teaches informatics
 * (school-life.ts), so that the grade 5–6 internet-safety course can be tried as well as the grade 7–9 one.
 */
export function buildPlan(pack: CountryPack, scale: SeedScale, seed: number): SeedPlan {
  const random = new Random(seed);
  const people = new People(new Usernames(DEMO_ACCOUNTS.map((a) => a.username)));
  const places = placesOf(pack);
  const plan =
    scale === 'demo' ? demoPlan(random, pack, places, people) : nationalPlan(random, pack, places, people);
  const anchorSchool =
    plan.institutions.find((i) => i.people !== null && i.people.classes.length > 0) ?? null;
  let anchor: SeedPlan['anchor'] = null;
  if (anchorSchool) {
    const school = anchorSchool.people!;
    const cls = school.classes.find((c) => c.grade === 7 && c.letter === 'A') ?? school.classes[0]!;
    const named = (username: string, locale: 'az' | 'ru' = 'az'): PersonPlan => ({
      username,
      displayName: demoAccount(username).displayName,
      locale,
    });
    school.director = named('director');
    school.teachers[0] = named('teacher');
    cls.homeroom = 0;
    const student = named('student', cls.language);
    cls.students.push(student);
    school.families.push({ parents: [named('parent', cls.language)], children: [student] });
    anchorSchool.row.studentCount += 1;
    const younger = [6, 5]
      .map((grade) => school.classes.find((c) => c.grade === grade && c.letter === 'A'))
      .find((c) => c !== undefined && c !== cls);
    if (younger) {
      const pupil = named('student6', younger.language);
      younger.students.push(pupil);
      // Every pupil has a parent account: a generated one (`student6` is there for the course, not the family).
      const mother = people.person(random.fork('student6'), true, 'Kərimov', younger.language);
      school.families.push({ parents: [mother], children: [pupil] });
      anchorSchool.row.studentCount += 1;
    }
    anchor = { institution: anchorSchool, cls };
  }
  if (scale === 'national')
    scaleAggregates(plan.institutions, (i) => i.people !== null || i.row.kind === 'university');
  return { ...plan, seed, anchor };
}

/** Head counts of a plan, for the log and the tests. */
export function planCounts(plan: SeedPlan): {
  institutions: number;
  populatedInstitutions: number;
  classes: number;
  students: number;
  teachers: number;
  directors: number;
  parents: number;
  aggregateStudents: number;
  aggregateTeachers: number;
} {
  let classes = 0;
  let students = 0;
  let teachers = 0;
  let parents = 0;
  let populated = 0;
  for (const i of plan.institutions) {
    if (!i.people) continue;
    populated += 1;
    classes += i.people.classes.length;
    students += studentsOf(i.people);
    teachers += i.people.teachers.length;
    parents += i.people.families.reduce((n, f) => n + f.parents.length, 0);
  }
  return {
    institutions: plan.institutions.length,
    populatedInstitutions: populated,
    classes,
    students,
    teachers,
    directors: populated,
    parents,
    aggregateStudents: plan.institutions.reduce((n, i) => n + i.row.studentCount, 0),
    aggregateTeachers: plan.institutions.reduce((n, i) => n + i.row.teacherCount, 0),
  };
}
