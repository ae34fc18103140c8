import { Type, type Static } from 'typebox';
import { ROLES } from '@/server/access';
import { LOCALES } from '@/server/i18n';
import { Nullable, StringEnum } from '@/server/schema';

export const Locale = StringEnum(LOCALES, { description: 'Interface language' });

export const RoleName = StringEnum(ROLES, { description: 'A role' });

export const GrantSchema = Type.Object(
  {
    /** The role held. */
    role: RoleName,
    /** The area a regional officer covers; null for other roles. */
    areaId: Nullable(Type.Integer({ minimum: 1 })),
    /** The institution a school role is held in; null for other roles. */
    institutionId: Nullable(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 100, description: 'The account name' }),
    password: Type.String({ minLength: 1, maxLength: 1000, description: 'The password' }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  locale: Locale,
  status: StringEnum(['active', 'disabled']),
});

export const MeResponse = Type.Object({
  user: Type.Object({
    id: Type.Integer(),
    username: Type.String(),
    displayName: Type.String(),
    locale: Locale,
  }),
  roles: Type.Array(GrantSchema, { description: 'Roles held, each with its scope' }),
  childIds: Type.Array(Type.Integer(), { description: 'Students this person is a parent of' }),
  csrfToken: Type.String({ description: 'Send back as the x-csrf-token header on every change' }),
});

export const PatchMeBody = Type.Object({ locale: Locale }, { additionalProperties: false });

export const CreateUserBody = Type.Object(
  {
    username: Type.String({
      minLength: 2,
      maxLength: 100,
      pattern: '^[a-zA-Z0-9._-]+$',
      description: 'Unique account name',
    }),
    password: Type.Optional(
      Nullable(
        Type.String({
          maxLength: 1000,
          description:
            'Initial password (at least 10 characters, not a common one, not the username); left out, a temporary one is made and returned once; null leaves the account unable to sign in until a reset',
        }),
      ),
    ),
    displayName: Type.String({ minLength: 1, maxLength: 200, description: 'Full name as shown' }),
    locale: Type.Optional(Locale),
    grants: Type.Array(GrantSchema, { maxItems: 50, description: 'Roles to hold' }),
  },
  { additionalProperties: false },
);

export const ResetPasswordBody = Type.Object(
  {
    password: Type.Optional(
      Type.String({
        maxLength: 1000,
        description: 'The new password; left out, a temporary one is made and returned once',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ChangeOwnPasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 1000, description: 'The password in use now' }),
    newPassword: Type.String({ maxLength: 1000, description: 'The new password' }),
  },
  { additionalProperties: false },
);

export const ChangeOwnPasswordResult = Type.Object({
  endedSessions: Type.Integer({ description: 'How many other sessions were ended' }),
});

export const TemporaryPassword = Type.Object({
  temporaryPassword: Nullable(
    Type.String({ description: 'The password made for the person, shown once; null when one was given' }),
  ),
});

export const GrantView = Type.Object({
  id: Type.Integer(),
  role: RoleName,
  areaId: Nullable(Type.Integer()),
  institutionId: Nullable(Type.Integer()),
  scopeName: Nullable(
    Type.String({ description: "The area's or institution's name, in the caller's language" }),
  ),
});

export const UserView = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  locale: Locale,
  status: StringEnum(['active', 'disabled']),
  lastActiveOn: Nullable(Type.String({ format: 'date' })),
  grants: Type.Array(GrantView),
});

export const UserPage = Type.Object({ total: Type.Integer(), items: Type.Array(UserView) });

export const CreatedUser = Type.Object({
  user: UserView,
  temporaryPassword: Nullable(Type.String({ description: 'Made when no password was given; shown once' })),
});

export const StatusBody = Type.Object(
  {
    status: StringEnum(['active', 'disabled'], { description: 'disabled ends every session of the person' }),
  },
  { additionalProperties: false },
);

export const GrantParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'The user' }),
  grantId: Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'The grant' }),
});

export const IdParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'Id' }),
});

export const UserListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the username or name' })),
    role: Type.Optional(RoleName),
    areaId: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 2_147_483_647,
        description: "Only people of this area's schools or officers",
      }),
    ),
    institutionId: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 2_147_483_647,
        description: 'Only people with a role at this institution',
      }),
    ),
    status: Type.Optional(StringEnum(['active', 'disabled'])),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  { additionalProperties: false },
);

export const AuditQuery = Type.Object(
  {
    entity: Type.Optional(
      Type.String({ maxLength: 100, description: 'Kind of thing changed, e.g. user, institution' }),
    ),
    entityId: Type.Optional(Type.String({ maxLength: 100, description: 'Id of the thing changed' })),
    actorId: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'Who changed it' }),
    ),
    beforeId: Type.Optional(Type.Integer({ minimum: 1, description: 'Page: entries older than this id' })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actorId: Type.Union([Type.Integer(), Type.Null()]),
  actorUsername: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  entity: Type.String(),
  entityId: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
  ip: Type.Union([Type.String(), Type.Null()]),
  actorName: Nullable(Type.String({ description: 'Who made the change, by name; null for the system' })),
  label: Type.Array(Type.String(), {
    description:
      'The human name of what was changed, in parts the web app joins (a class, a subject code, a term code, a title, a name); empty when none is known',
  }),
});

export const Ok = Type.Object({ ok: Type.Boolean() });
