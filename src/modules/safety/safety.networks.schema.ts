import { Type, type Static } from 'typebox';
import { StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';
import { Id, LocalisedOut } from '@/modules/safety/safety.catalogue.schema';

/** Request and response schemas of schools' networks (docs/safety.md). */

export const NETWORK_KINDS = ['pupils', 'staff', 'guests'] as const;
export const NetworkParams = Type.Object({ networkId: Id('Network') });
export const NetworkQuery = Type.Object(
  { institutionId: Type.Optional(Id('Only this school')) },
  { additionalProperties: false },
);

const fields = {
  kind: StringEnum(NETWORK_KINDS),
  cidr: Type.String({
    maxLength: 60,
    description: 'An address range, IPv4 or IPv6 (10.1.0.0/24, 2001:db8::/64)',
  }),
  note: Type.String({ maxLength: 200 }),
};
export const NetworkBody = Type.Object(
  { institutionId: Id('The school'), ...fields },
  { additionalProperties: false },
);
export type NetworkBody = Static<typeof NetworkBody>;
export const NetworkChangeBody = Type.Object(
  { version: VersionField, ...fields },
  { additionalProperties: false },
);
export type NetworkChangeBody = Static<typeof NetworkChangeBody>;

export const NetworkOut = Type.Object({
  id: Type.Integer(),
  institutionId: Type.Integer(),
  school: LocalisedOut,
  kind: Type.String(),
  cidr: Type.String(),
  note: Type.String(),
  version: VersionOut,
});
export const NetworkList = Type.Object({ networks: Type.Array(NetworkOut) });
