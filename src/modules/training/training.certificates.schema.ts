import { Type } from 'typebox';
import { DateString, Nullable, StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';
import { EXTERNAL_KINDS } from '@/modules/training/training.tables';

/** Request and response schemas of the training certificates. */

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });
const Uuid = (description: string) => Type.String({ format: 'uuid', description });
const Moment = (description: string) => Type.String({ format: 'date-time', description });

export const CertificateParams = Type.Object({ certificateId: Uuid('Certificate number') });
export const ProgrammeParams = Type.Object({ programmeId: Id('Programme id') });
export const StatusListParams = Type.Object({ listId: Id('Status list id') });
export const ExternalParams = Type.Object({ externalId: Id('External certificate id') });

/** The issuer's controller document: its keys as Multikey verification methods. */
export const IssuerDocument = Type.Object(
  {
    '@context': Type.Array(Type.String()),
    id: Type.String(),
    assertionMethod: Type.Array(Type.String()),
    verificationMethod: Type.Array(
      Type.Object({
        id: Type.String(),
        type: Type.String(),
        controller: Type.String(),
        publicKeyMultibase: Type.String(),
      }),
    ),
  },
  { description: 'A controller document (Data Integrity): the issuer’s public keys' },
);

/** A signed credential, kept as it was signed. */
export const SignedCredential = Type.Record(Type.String(), Type.Unknown(), {
  description: 'A signed W3C Verifiable Credential 2.0 (JSON-LD) with its Data Integrity proof',
});

/** A credential as a holder hands it over: its JSON, verified as given. */
export const VerifyBody = Type.Object(
  {
    '@context': Type.Unknown({ description: 'The credential’s contexts' }),
    type: Type.Unknown(),
    issuer: Type.Unknown({ description: 'Its issuer (an id, or a profile with one)' }),
    credentialSubject: Type.Object({}, { additionalProperties: true }),
    proof: Type.Unknown({ description: 'Its Data Integrity proof (one, or a list)' }),
  },
  { additionalProperties: true, description: 'A signed Open Badges 3.0 credential, as downloaded' },
);

export const VerifyResult = Type.Object({
  status: StringEnum(['valid', 'revoked', 'expired', 'not_yet_valid', 'tampered', 'unknown'] as const),
  reasons: Type.Array(
    Type.Object({
      code: Type.String({
        description:
          'valid, revoked, expired, not_yet_valid, signature, unknown, unknown_issuer, not_a_certificate, status_unknown',
      }),
      message: Type.String({ description: 'In the caller’s language' }),
    }),
  ),
  certificateId: Nullable(Type.String()),
  issuer: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  holder: Nullable(Type.String({ description: 'The holder’s name as the credential gives it' })),
  title: Nullable(Type.String()),
  validFrom: Nullable(Type.String()),
  validUntil: Nullable(Type.String()),
  revokedAt: Nullable(Type.String()),
});

export const Certificate = Type.Object({
  id: Type.String(),
  title: Type.String(),
  holderName: Type.String(),
  school: Nullable(Type.String()),
  programmeId: Nullable(Type.Integer()),
  hours: Nullable(Type.Integer()),
  issuedAt: Moment('Issued'),
  validUntil: Nullable(Moment('Valid until; null: no end')),
  revokedAt: Nullable(Moment('Revoked')),
  revokeReason: Nullable(Type.String()),
  verifyUrl: Type.String({ description: 'Its public verification page' }),
  mine: Type.Boolean(),
  canRevoke: Type.Boolean(),
});
export const CertificateList = Type.Object({ items: Type.Array(Certificate) });

export const CertificateQuery = Type.Object({
  programmeId: Type.Optional(Id('Only this programme’s')),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the holder’s name' })),
  after: Type.Optional(Uuid('The next page: the last number of the previous page')),
});

export const RevokeBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S', description: 'Why it is revoked' }) },
  { additionalProperties: false },
);

export const IssueResult = Type.Object({
  issued: Type.Integer({ description: 'How many certificates were issued' }),
});

export const ExternalBody = Type.Object(
  {
    kind: StringEnum(EXTERNAL_KINDS),
    title: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    provider: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    issuedOn: DateString({ description: 'Date on the certificate' }),
    expiresOn: Type.Optional(Nullable(DateString({ description: 'Valid until; null: no end' }))),
    reference: Type.Optional(Type.String({ maxLength: 100, description: 'Its number or reference' })),
    institutionId: Type.Optional(Id('The school of the holder (default: their first)')),
  },
  { additionalProperties: false },
);

export const DecisionBody = Type.Object(
  {
    version: VersionField,
    decision: StringEnum(['verified', 'rejected'] as const),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const EvidenceQuery = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'The file’s name' })),
});

export const ExternalQuery = Type.Object({
  status: Type.Optional(StringEnum(['submitted', 'verified', 'rejected'] as const)),
});

export const External = Type.Object({
  id: Type.Integer(),
  kind: StringEnum(EXTERNAL_KINDS),
  title: Type.String(),
  provider: Type.String(),
  issuedOn: Type.String({ format: 'date' }),
  expiresOn: Nullable(Type.String({ format: 'date' })),
  reference: Type.String(),
  evidenceName: Nullable(Type.String()),
  status: StringEnum(['submitted', 'verified', 'rejected'] as const),
  note: Type.String(),
  decidedAt: Nullable(Moment('Decided')),
  holderName: Type.String(),
  school: Type.String(),
  mine: Type.Boolean(),
  canDecide: Type.Boolean(),
  version: VersionOut,
  createdAt: Moment('Recorded'),
});
export const ExternalList = Type.Object({ items: Type.Array(External) });
