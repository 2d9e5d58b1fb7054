/** OPTIONS (RFC 3261 §11.2), in or out of a dialog: our capabilities. */
import { ACCEPT_ALL, ACCEPT_ENCODING, ACCEPT_LANGUAGE, ALLOW_FIELD, SUPPORTED_FIELD } from '../capabilities.js';
import type { MethodHandler } from './types.js';

export const handleOptions: MethodHandler = (inbound) => {
  inbound.respond(200, {
    headers: [
      ALLOW_FIELD,
      { name: 'accept', value: ACCEPT_ALL },
      { name: 'accept-encoding', value: ACCEPT_ENCODING },
      { name: 'accept-language', value: ACCEPT_LANGUAGE },
      SUPPORTED_FIELD,
    ],
  });
};
