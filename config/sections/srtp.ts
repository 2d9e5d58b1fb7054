/** Config section `srtp`: SDES-keyed SRTP (RFC 4568) on calls. */
import { Type } from '@sinclair/typebox';

export const SRTP_POLICIES = ['optional', 'mandatory', 'off'] as const;

export const SrtpSection = Type.Object(
  {
    policy: Type.Union(
      SRTP_POLICIES.map((p) => Type.Literal(p)),
      {
        default: 'optional',
        description:
          'optional: answer RTP/SAVP (SDES) and RTP/AVP offers alike, offer RTP/AVP; mandatory: refuse plain RTP (488), offer RTP/SAVP; off: refuse SRTP offers (488)',
        hint: `one of ${SRTP_POLICIES.join(', ')}`,
        flag: 'srtp',
      },
    ),
  },
  { default: {}, additionalProperties: false },
);
