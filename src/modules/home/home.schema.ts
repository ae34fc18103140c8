import { Type, type Static, type TInteger, type TSchema } from 'typebox';
import { Lesson, TeachingList } from '@/modules/classroom/classroom.schema';
import { RECORD_STATES } from '@/modules/infrastructure/infrastructure.tables';
import { APPLICATION_STATES, PLAN_STATES } from '@/modules/allocation/allocation.tables';
import { LOCALES } from '@/server/i18n';
import { StringEnum } from '@/server/schema';

/** A thing named in the three interface languages, as the institutions module stores names. */
const Names = {
  /** Name in Azerbaijani. */
  nameAz: Type.String({ description: 'Name in Azerbaijani' }),
  /** Name in Russian. */
  nameRu: Type.String({ description: 'Name in Russian' }),
  /** Name in English. */
  nameEn: Type.String({ description: 'Name in English' }),
};

// ---------------------------------------------------------------------------------------------------------
// Each role's day

const Day = (description: string) => Type.String({ description: `${description} (YYYY-MM-DD)` });
const Time = (description: string) => Type.String({ description: `${description} (ISO 8601)` });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Homework a student has still to hand in. */
const HomeworkDue = Type.Object({
  id: Type.Integer({ description: 'Assignment id' }),
  title: Type.String({ description: 'Title' }),
  subject: Type.String({ description: 'Subject, in the caller’s language' }),
  dueAt: Time('Due'),
});

/** A mark as a home lists it. */
const MarkItem = Type.Object({
  date: Day('Date'),
  subject: Type.String({ description: 'Subject, in the caller’s language' }),
  mark: Type.Integer({ description: 'Mark' }),
});

/** A student's day and week. */
export const StudentDay = Type.Object({
  today: Day('Today at school'),
  from: Day('This week’s Monday'),
  to: Day('This week’s Sunday'),
  lessons: Type.Array(Lesson, { description: 'This week’s lessons, by date and time' }),
  homework: Type.Array(HomeworkDue, { description: 'Homework not handed in, due from today on' }),
  contests: Type.Array(
    Type.Object({
      id: Type.Integer({ description: 'Contest id' }),
      title: Type.String({ description: 'Title' }),
      opensAt: Time('Opens (the student’s shift)'),
      closesAt: Time('Closes (the student’s shift)'),
    }),
    { description: 'Contests open now or opening within a week' },
  ),
  marks: Type.Array(MarkItem, { description: 'Latest marks, newest first' }),
  notices: Type.Object({
    unread: Type.Integer({ description: 'Unread notices' }),
    items: Type.Array(
      Type.Object({
        id: Type.Integer({ description: 'Notice id' }),
        text: Type.String({ description: 'Text, in the caller’s language' }),
        createdAt: Time('Sent'),
        read: Type.Boolean({ description: 'Read' }),
      }),
      { description: 'Latest notices' },
    ),
  }),
});
export type StudentDay = Static<typeof StudentDay>;

/** A teacher's day. */
export const TeacherDay = Type.Object({
  today: Day('Today at school'),
  lessons: TeachingList.properties.items,
  attendanceMissing: Type.Array(
    Type.Object({
      lessonId: Type.Integer({ description: 'Lesson occurrence' }),
      classId: Type.Integer({ description: 'Class' }),
      className: Type.String({ description: 'Class, e.g. 7A' }),
      subjectCode: Type.String({ description: 'Subject code (for the journal’s address)' }),
      subject: Type.String({ description: 'Subject, in the caller’s language' }),
      startsAt: Type.String({ description: 'Start (HH:MM)' }),
    }),
    { description: 'Today’s lessons that have started without attendance taken' },
  ),
  toMark: Type.Array(
    Type.Object({
      id: Type.Integer({ description: 'Assignment id' }),
      title: Type.String({ description: 'Title' }),
      className: Type.String({ description: 'Class, e.g. 7A' }),
      subject: Type.String({ description: 'Subject, in the caller’s language' }),
      dueAt: Time('Due'),
      waiting: Type.Integer({ description: 'Hand-ins waiting for a mark' }),
    }),
    { description: 'Assignments with work waiting for a mark, soonest due first' },
  ),
  week: Type.Array(
    Type.Object({
      date: Day('Date'),
      lessons: Type.Integer({ description: 'Lessons to teach' }),
      filled: Type.Integer({ description: 'Of them, with a topic' }),
    }),
    { description: 'This week, Monday to Sunday' },
  ),
});
export type TeacherDay = Static<typeof TeacherDay>;

/** One child's day, for their parent. */
export const ParentChildDay = Type.Object({
  today: Day('Today at school'),
  from: Day('This week’s Monday'),
  to: Day('This week’s Sunday'),
  lessons: Type.Array(Lesson, { description: 'Today’s lessons' }),
  attendance: Type.Object({
    recorded: Type.Integer({ description: 'Lessons with attendance recorded this week' }),
    present: Type.Integer({ description: 'Of them, present' }),
    missed: Type.Array(
      Type.Object({
        date: Day('Date'),
        subject: Type.String({ description: 'Subject, in the caller’s language' }),
        code: Type.String({ description: 'What was recorded (absent, excused…), in the caller’s language' }),
      }),
      { description: 'Lessons missed this week, newest first' },
    ),
  }),
  marks: Type.Array(MarkItem, { description: 'This week’s marks, newest first' }),
  homework: Type.Array(HomeworkDue, { description: 'Homework not handed in, due from today on' }),
  /** The latest evening summary of the child's day in the journal; null before the first. */
  summary: Nullable(
    Type.Object({
      day: Day('The day it sums up'),
      text: Type.String({ description: 'The day’s absences and marks in words, in the caller’s language' }),
    }),
  ),
});
export type ParentChildDay = Static<typeof ParentChildDay>;

/** A director's day, per school. */
export const DirectorDay = Type.Object({
  today: Day('Today at school'),
  schools: Type.Array(
    Type.Object({
      id: Type.Integer({ description: 'Institution id' }),
      ...Names,
      attendance: Type.Object({
        lessons: Type.Integer({ description: 'Lessons today' }),
        started: Type.Integer({ description: 'Lessons that have started' }),
        taken: Type.Integer({ description: 'Of them, with attendance taken' }),
        classes: Type.Array(
          Type.Object({
            classId: Type.Integer({ description: 'Class' }),
            className: Type.String({ description: 'Class, e.g. 7A' }),
            started: Type.Integer({ description: 'Lessons started' }),
            taken: Type.Integer({ description: 'With attendance taken' }),
          }),
          { description: 'Classes with lessons started today' },
        ),
      }),
      notFilled: Type.Object({
        count: Type.Integer({ description: 'Lessons held this week with no topic' }),
        items: Type.Array(
          Type.Object({
            lessonId: Type.Integer({ description: 'Lesson occurrence' }),
            classId: Type.Integer({ description: 'Class' }),
            className: Type.String({ description: 'Class, e.g. 7A' }),
            date: Day('Date'),
            startsAt: Type.String({ description: 'Start (HH:MM)' }),
            subjectCode: Type.String({ description: 'Subject code (for the journal’s address)' }),
            subject: Type.String({ description: 'Subject, in the caller’s language' }),
            teacher: Type.String({ description: 'Teacher' }),
          }),
          { description: 'The first of them' },
        ),
      }),
      ict: Nullable(
        Type.Object({
          year: Type.String({ description: 'Academic year' }),
          state: Nullable(StringEnum(RECORD_STATES, { description: 'Review state; null: not started' })),
          dueOn: Day('Due'),
        }),
      ),
      allocation: Nullable(
        Type.Object({
          planId: Type.Integer({ description: 'Plan id' }),
          name: Type.String({ description: 'Plan' }),
          state: StringEnum(PLAN_STATES, { description: 'Plan state' }),
          applicationsCloseOn: Day('Applications close'),
          application: Nullable(
            StringEnum(APPLICATION_STATES, { description: 'The school’s application; null: none' }),
          ),
        }),
      ),
      decisions: Type.Array(
        Type.Object({
          id: Type.Integer({ description: 'Decision id' }),
          meetingId: Type.Integer({ description: 'Council meeting' }),
          text: Type.String({ description: 'Decision' }),
          dueOn: Day('Due'),
          overdue: Type.Boolean({ description: 'Past its due date' }),
        }),
        { description: 'Open council decisions due within two weeks or overdue' },
      ),
    }),
  ),
});
export type DirectorDay = Static<typeof DirectorDay>;

/** A school as the homes above schools name it: id, code and names, never a person. */
const SchoolName = Type.Object({
  id: Type.Integer({ description: 'Institution id' }),
  code: Type.String({ description: 'Institution code' }),
  ...Names,
});

/** What waits in a regional officer's areas or, for the bureau, the country. */
export const AreaDay = Type.Object({
  year: Nullable(Type.String({ description: 'Current academic year' })),
  review: Type.Object({
    total: Type.Integer({ description: 'ICT records submitted and awaiting review' }),
    items: Type.Array(SchoolName, { description: 'The first of them, by code' }),
  }),
  badConnectivity: Type.Object({
    total: Type.Integer({ description: 'Schools whose measured connection is bad' }),
    items: Type.Array(
      Type.Object({
        ...SchoolName.properties,
        measuredMbps: Nullable(Type.Number({ description: 'Measured download (Mbit/s)' })),
      }),
      { description: 'The first of them, by code' },
    ),
  }),
  distribution: Nullable(
    Type.Object({
      planId: Type.Integer({ description: 'The latest published plan' }),
      name: Type.String({ description: 'Plan' }),
      state: StringEnum(PLAN_STATES, { description: 'Plan state' }),
      applications: Type.Object(
        Object.fromEntries(
          APPLICATION_STATES.map((s) => [s, Type.Integer({ description: `Applications ${s}` })]),
        ) as Record<(typeof APPLICATION_STATES)[number], TInteger>,
      ),
      schools: Type.Integer({ description: 'Schools awarded computers' }),
      awarded: Type.Integer({ description: 'Units awarded' }),
      received: Type.Integer({ description: 'Units received (confirmed deliveries)' }),
    }),
  ),
});
export type AreaDay = Static<typeof AreaDay>;

/** What the national administrator's home counts. */
export const AdminSummary = Type.Object({
  /** Every registered institution, whatever its status. */
  institutions: Type.Integer({ description: 'Registered institutions' }),
  /** Every account, active or disabled. */
  users: Type.Integer({ description: 'Accounts' }),
  /** Administrative areas of every level. */
  areas: Type.Integer({ description: 'Administrative areas' }),
});
export type AdminSummary = Static<typeof AdminSummary>;

/** The national overview: institutions per economic region. Counts only, never people. */
export const BureauSummary = Type.Object({
  /** Institutions in the whole country. */
  total: Type.Integer({ description: 'Institutions in the country' }),
  regions: Type.Array(
    Type.Object({
      /** The economic region's area id. */
      areaId: Type.Integer({ description: 'Area id of the economic region' }),
      /** Its code in the area tree. */
      code: Type.String({ description: 'Area code' }),
      ...Names,
      /** Institutions in the region and every district or city under it. */
      institutions: Type.Integer({ description: 'Institutions in the region' }),
    }),
    { description: 'Economic regions, in area order' },
  ),
  day: AreaDay,
});
export type BureauSummary = Static<typeof BureauSummary>;

/** An institution as a person's home shows it: its id and names. */
const InstitutionRef = Type.Object({
  /** Institution id. */
  id: Type.Integer({ description: 'Institution id' }),
  ...Names,
});

/** One class as homes show it. */
const ClassSummary = Type.Object({
  /** Class id. */
  id: Type.Integer({ description: 'Class id' }),
  /** Grade number, e.g. 7. */
  grade: Type.Integer({ description: 'Grade' }),
  /** Letter of the parallel class, e.g. A. */
  letter: Type.String({ description: 'Letter' }),
  /** The shift the class studies in (1–3). */
  shift: Type.Integer({ description: 'Shift' }),
  /** Language of instruction. */
  language: StringEnum(LOCALES, { description: 'Language of instruction' }),
  /** Code of the academic year, e.g. 2026-2027. */
  academicYear: Type.String({ description: 'Academic year' }),
  /** The institution the class belongs to. */
  institution: InstitutionRef,
});

/** The classes a teacher leads, with how many students each has. */
export const TeacherSummary = Type.Object({
  /** Schools the person teaches in, from their teacher roles. */
  schools: Type.Array(InstitutionRef, { description: 'Schools the person teaches in' }),
  classes: Type.Array(
    Type.Object({
      ...ClassSummary.properties,
      /** Enrolled students: a count, the names are in the class journal. */
      students: Type.Integer({ description: 'Enrolled students' }),
    }),
    { description: 'Classes the person is homeroom teacher of, in the current academic year' },
  ),
  day: TeacherDay,
});
export type TeacherSummary = Static<typeof TeacherSummary>;

/** A class as a student or parent sees it, with its homeroom teacher's name. */
const ClassWithTeacher = Type.Object({
  ...ClassSummary.properties,
  /** The homeroom teacher's name, when the class has one. */
  homeroomTeacher: Type.Union([Type.String(), Type.Null()], { description: 'Homeroom teacher' }),
});

/** The class (classes, rarely) a student is enrolled in. */
export const StudentSummary = Type.Object({
  classes: Type.Array(ClassWithTeacher, { description: 'Classes the student is enrolled in this year' }),
  day: StudentDay,
});
export type StudentSummary = Static<typeof StudentSummary>;

/** A parent's linked children and their classes. */
export const ParentSummary = Type.Object({
  children: Type.Array(
    Type.Object({
      /** The child's account id. */
      id: Type.Integer({ description: 'Student id' }),
      /** The child's name as shown. */
      displayName: Type.String({ description: 'Name' }),
      /** The child's classes this year. */
      classes: Type.Array(ClassWithTeacher, { description: 'Classes this year' }),
      /** The child's day and week. */
      day: ParentChildDay,
    }),
    { description: 'Children linked to the parent' },
  ),
});
export type ParentSummary = Static<typeof ParentSummary>;
