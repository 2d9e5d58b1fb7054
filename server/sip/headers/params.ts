/**
 * Generic parameters: `;name=value` after a Via sent-by, a name-addr or a
 * URI, and `?name=value&...` URI headers. Names are kept lower-case for
 * lookups; values are kept as written (quoted values keep their quotes) so a
 * header re-serializes faithfully.
 */
import { endOfQuoted, isHostChar, isTokenChar, isWhitespace, skipWhitespace } from './chars.js';

export interface Param {
  readonly name: string;
  readonly value: string | null;
}

export function getParam(params: readonly Param[], name: string): string | null | undefined {
  for (const param of params) {
    if (param.name === name) return param.value;
  }
  return undefined;
}

export function hasParam(params: readonly Param[], name: string): boolean {
  return getParam(params, name) !== undefined;
}

/** Returns a copy of `params` with `name` set to `value` (replacing it, or appended). */
export function withParam(params: readonly Param[], name: string, value: string | null): Param[] {
  const out: Param[] = [];
  let replaced = false;
  for (const param of params) {
    if (param.name === name) {
      out.push({ name, value });
      replaced = true;
    } else {
      out.push(param);
    }
  }
  if (!replaced) out.push({ name, value });
  return out;
}

export function formatParams(params: readonly Param[], separator = ';'): string {
  let out = '';
  for (const param of params) out += param.value === null ? `${separator}${param.name}` : `${separator}${param.name}=${param.value}`;
  return out;
}

/**
 * Parses header parameters (`*( SEMI generic-param )`, RFC 3261 §25.1) from
 * `start` to the end of `text`. Returns null when anything is malformed.
 */
export function parseHeaderParams(text: string, start: number): Param[] | null {
  const params: Param[] = [];
  let i = skipWhitespace(text, start);
  while (i < text.length) {
    if (text.charCodeAt(i) !== 0x3b /* ; */) return null;
    i = skipWhitespace(text, i + 1);
    const nameStart = i;
    while (i < text.length && isTokenChar(text.charCodeAt(i))) i++;
    if (i === nameStart) return null;
    const name = text.slice(nameStart, i).toLowerCase();
    i = skipWhitespace(text, i);
    let value: string | null = null;
    if (i < text.length && text.charCodeAt(i) === 0x3d /* = */) {
      i = skipWhitespace(text, i + 1);
      const valueStart = i;
      if (text.charCodeAt(i) === 0x22 /* " */) {
        i = endOfQuoted(text, i);
        if (i < 0) return null;
      } else {
        while (i < text.length && (isTokenChar(text.charCodeAt(i)) || isHostChar(text.charCodeAt(i)))) i++;
      }
      if (i === valueStart) return null;
      value = text.slice(valueStart, i);
      i = skipWhitespace(text, i);
    }
    params.push({ name, value });
  }
  return params;
}

/**
 * Parses URI parameters or headers: `name[=value]` items separated by
 * `separator`, with no whitespace allowed. Returns null on an empty name or
 * a blank character.
 */
export function parseUriParams(text: string, separator: string): Param[] | null {
  const params: Param[] = [];
  if (text.length === 0) return params;
  for (const item of text.split(separator)) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    if (name.length === 0) return null;
    for (let i = 0; i < item.length; i++) {
      const code = item.charCodeAt(i);
      if (code <= 0x20 || isWhitespace(code)) return null;
    }
    params.push({ name: name.toLowerCase(), value: eq < 0 ? null : item.slice(eq + 1) });
  }
  return params;
}
