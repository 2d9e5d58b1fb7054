/**
 * The DTMF keypad (ITU-T Q.23): each key is one low-group (row) and one
 * high-group (column) frequency.
 */

export const DTMF_ROW_HZ = [697, 770, 852, 941] as const;
export const DTMF_COLUMN_HZ = [1209, 1336, 1477, 1633] as const;

/** Keys by row, then column. */
export const DTMF_KEYPAD = [
  ['1', '2', '3', 'A'],
  ['4', '5', '6', 'B'],
  ['7', '8', '9', 'C'],
  ['*', '0', '#', 'D'],
] as const;

export type DtmfDigit = (typeof DTMF_KEYPAD)[number][number];

export interface DtmfPair {
  readonly row: number;
  readonly column: number;
}

/** Row and column index of each digit. */
export const DTMF_PAIRS: Readonly<Record<DtmfDigit, DtmfPair>> = Object.fromEntries(
  DTMF_KEYPAD.flatMap((keys, row) => keys.map((digit, column) => [digit, { row, column }])),
) as Record<DtmfDigit, DtmfPair>;

export function isDtmfDigit(value: string): value is DtmfDigit {
  return Object.hasOwn(DTMF_PAIRS, value);
}
