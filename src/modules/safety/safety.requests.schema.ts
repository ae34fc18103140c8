import { Type, type Static } from 'typebox';
import { DateTimeString, Nullable, StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });

export const REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
/** What a person sees: the stored status, or `expired` for a pending or approved request past its end. */
export const REQUEST_STATES = [...REQUEST_STATUSES, 'expired'] as const;

export const BlockedQuery = Type.Object(
  { domain: Type.String({ minLength: 1, maxLength: 300, description: 'A domain, Unicode or ASCII' }) },
  { additionalProperties: false },
);
export const BlockedOut = Type.Object({
  domain: Type.String({ description: 'ASCII (punycode)' }),
  unicode: Type.String(),
  category: Nullable(Type.Object({ code: Type.String(), name: Type.String() })),
});

export const RequestParams = Type.Object({ requestId: Id('Unblock request') });

export const RequestListQuery = Type.Object(
  {
    institutionId: Type.Optional(Id('Only this school')),
    mine: Type.Optional(Type.Boolean({ description: 'Only the caller’s own requests' })),
    state: Type.Optional(StringEnum(REQUEST_STATES)),
  },
  { additionalProperties: false },
);

export const RequestBody = Type.Object(
  {
    institutionId: Id('The school the site is unblocked at'),
    domain: Type.String({ minLength: 1, maxLength: 300, description: 'A domain, Unicode or ASCII' }),
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
    startsAt: DateTimeString({ description: 'From (now, or a class period’s start today)' }),
    endsAt: DateTimeString({ description: 'Until' }),
  },
  { additionalProperties: false },
);
export type RequestBody = Static<typeof RequestBody>;

export const DecisionBody = Type.Object(
  {
    version: VersionField,
    note: Type.String({ maxLength: 2000 }),
    endsAt: Type.Optional(Nullable(DateTimeString({ description: 'A shorter end than asked (approval)' }))),
  },
  { additionalProperties: false },
);
export type DecisionBody = Static<typeof DecisionBody>;

export const WithdrawBody = Type.Object({ version: VersionField }, { additionalProperties: false });

export const RequestOut = Type.Object({
  id: Type.Integer(),
  institutionId: Type.Integer(),
  institutionName: Type.String(),
  domain: Type.String(),
  unicode: Type.String(),
  category: Nullable(Type.Object({ code: Type.String(), name: Type.String() })),
  reason: Type.String(),
  startsAt: Type.String(),
  endsAt: Type.String(),
  status: StringEnum(REQUEST_STATUSES),
  state: StringEnum(REQUEST_STATES),
  requestedBy: Nullable(Type.Integer()),
  requesterName: Type.String(),
  requestedAt: Type.String(),
  decidedByName: Type.String(),
  decidedAt: Nullable(Type.String()),
  decisionNote: Type.String(),
  version: VersionOut,
  /** What the caller may do with it now. */
  canDecide: Type.Boolean(),
  canWithdraw: Type.Boolean(),
});
export type RequestOut = Static<typeof RequestOut>;

export const RequestList = Type.Object({ items: Type.Array(RequestOut) });

/** The schools the caller may ask for (their teacher or director grants). */
export const MySchools = Type.Object({
  items: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
});
