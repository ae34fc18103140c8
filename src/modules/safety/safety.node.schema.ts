import { Type } from 'typebox';

/** Request and response schemas of the resolver nodes' API (docs/safety.md, "The engine"). */

const Serial = Type.Integer({ minimum: 0, maximum: 4_294_967_295, description: 'A 32-bit serial' });

export const NodeStateOut = Type.Object({
  serial: Serial,
  zones: Type.Array(Type.Object({ name: Type.String(), serial: Serial }), {
    description: 'The files of local zones (one: `local-zones`) and their serials',
  }),
  config: Type.String({
    description: "Unbound's tag configuration; `@DIR@` stands for the node's zone directory",
  }),
  settings: Type.Object({
    blockAddressV4: Type.String(),
    blockAddressV6: Type.String(),
    logRetentionDays: Type.Integer(),
  }),
});

export const ZoneParams = Type.Object({
  name: Type.String({
    pattern: '^[a-z][a-z0-9_-]{0,62}$',
    maxLength: 63,
    description: 'The file of local zones: `local-zones`',
  }),
});

export const AppliedBody = Type.Object({ serial: Serial }, { additionalProperties: false });
export const AppliedOut = Type.Object({ serial: Serial });
