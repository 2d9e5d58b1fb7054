/**
 * Typed readers for the headers the stack needs, dispatched by name from a
 * table. Each reader parses one field into the accumulator and returns an
 * error code, or null when the field is fine.
 */
import { hasControlOrSpace, parseDigits } from './chars.js';
import { parseCSeq, type CSeq } from './cseq.js';
import { parseNameAddr, type NameAddrValue } from './name-addr.js';
import { parseVia, type Via } from './via.js';

export type HeaderErrorCode =
  | 'bad-via'
  | 'bad-from'
  | 'bad-to'
  | 'bad-contact'
  | 'bad-route'
  | 'bad-call-id'
  | 'bad-cseq'
  | 'bad-max-forwards'
  | 'bad-content-length'
  | 'duplicate-header';

export interface HeaderAccumulator {
  via: Via[];
  from: NameAddrValue | undefined;
  to: NameAddrValue | undefined;
  callId: string | undefined;
  cseq: CSeq | undefined;
  maxForwards: number | undefined;
  contentLength: number | undefined;
  contacts: NameAddrValue[];
  routes: NameAddrValue[];
  recordRoutes: NameAddrValue[];
}

export function emptyAccumulator(): HeaderAccumulator {
  return {
    via: [],
    from: undefined,
    to: undefined,
    callId: undefined,
    cseq: undefined,
    maxForwards: undefined,
    contentLength: undefined,
    contacts: [],
    routes: [],
    recordRoutes: [],
  };
}

type Reader = (acc: HeaderAccumulator, value: string) => HeaderErrorCode | null;

function pushNameAddr(list: NameAddrValue[], value: string, code: HeaderErrorCode): HeaderErrorCode | null {
  const parsed = parseNameAddr(value);
  if (parsed === null) return code;
  list.push(parsed);
  return null;
}

const MAX_MAX_FORWARDS = 255;
const MAX_CONTENT_LENGTH_DIGITS = 10;

const READERS: ReadonlyMap<string, Reader> = new Map<string, Reader>([
  [
    'via',
    (acc, value) => {
      const via = parseVia(value);
      if (via === null) return 'bad-via';
      acc.via.push(via);
      return null;
    },
  ],
  [
    'from',
    (acc, value) => {
      if (acc.from !== undefined) return 'duplicate-header';
      acc.from = parseNameAddr(value) ?? undefined;
      return acc.from === undefined || acc.from.uri === '*' ? 'bad-from' : null;
    },
  ],
  [
    'to',
    (acc, value) => {
      if (acc.to !== undefined) return 'duplicate-header';
      acc.to = parseNameAddr(value) ?? undefined;
      return acc.to === undefined || acc.to.uri === '*' ? 'bad-to' : null;
    },
  ],
  [
    'call-id',
    (acc, value) => {
      if (acc.callId !== undefined) return 'duplicate-header';
      if (value.length === 0 || hasControlOrSpace(value)) return 'bad-call-id';
      acc.callId = value;
      return null;
    },
  ],
  [
    'cseq',
    (acc, value) => {
      if (acc.cseq !== undefined) return 'duplicate-header';
      acc.cseq = parseCSeq(value) ?? undefined;
      return acc.cseq === undefined ? 'bad-cseq' : null;
    },
  ],
  [
    'max-forwards',
    (acc, value) => {
      if (acc.maxForwards !== undefined) return 'duplicate-header';
      const hops = parseDigits(value, 3);
      if (hops === null || hops > MAX_MAX_FORWARDS) return 'bad-max-forwards';
      acc.maxForwards = hops;
      return null;
    },
  ],
  [
    'content-length',
    (acc, value) => {
      if (acc.contentLength !== undefined) return 'duplicate-header';
      acc.contentLength = parseDigits(value, MAX_CONTENT_LENGTH_DIGITS) ?? undefined;
      return acc.contentLength === undefined ? 'bad-content-length' : null;
    },
  ],
  ['contact', (acc, value) => pushNameAddr(acc.contacts, value, 'bad-contact')],
  ['route', (acc, value) => pushNameAddr(acc.routes, value, 'bad-route')],
  ['record-route', (acc, value) => pushNameAddr(acc.recordRoutes, value, 'bad-route')],
]);

/** Parses `value` if `name` is a header the stack reads; other headers are kept as text only. */
export function readHeader(acc: HeaderAccumulator, name: string, value: string): HeaderErrorCode | null {
  const reader = READERS.get(name);
  return reader === undefined ? null : reader(acc, value);
}
