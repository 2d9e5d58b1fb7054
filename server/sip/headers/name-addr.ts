/**
 * name-addr / addr-spec with header parameters (RFC 3261 §20.10, §25.1), as
 * used by From, To, Contact, Route and Record-Route:
 *   "Alice" <sip:alice@example.com;transport=tcp>;tag=1928301774
 *   sip:alice@example.com;tag=1928301774   (params belong to the header)
 */
import { endOfQuoted, isTokenChar, isWhitespace, skipWhitespace } from './chars.js';
import { formatParams, getParam, parseHeaderParams, withParam, type Param } from './params.js';
import { isAbsoluteUri } from '../uri.js';

export interface NameAddrValue {
  /** Unquoted display name, or null. */
  readonly displayName: string | null;
  /** The URI as written ("*" for a wildcard Contact). */
  readonly uri: string;
  readonly params: readonly Param[];
  readonly tag: string | null;
}

function unquote(quoted: string): string {
  let out = '';
  for (let i = 1; i < quoted.length - 1; i++) {
    const ch = quoted.charAt(i);
    if (ch === '\\' && i + 1 < quoted.length - 1) {
      out += quoted.charAt(i + 1);
      i++;
    } else {
      out += ch;
    }
  }
  return out;
}

function isDisplayTokens(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isTokenChar(code) && !isWhitespace(code) && code < 0x80) return false;
  }
  return true;
}

function finish(displayName: string | null, uri: string, value: string, paramsStart: number): NameAddrValue | null {
  if (!isAbsoluteUri(uri)) return null;
  const params = parseHeaderParams(value, paramsStart);
  if (params === null) return null;
  const tag = getParam(params, 'tag');
  if (tag === null) return null; // ";tag" without a value
  return { displayName, uri, params, tag: tag ?? null };
}

export function parseNameAddr(value: string): NameAddrValue | null {
  let i = skipWhitespace(value, 0);
  if (i >= value.length) return null;
  if (value === '*' || value.trim() === '*') return { displayName: null, uri: '*', params: [], tag: null };

  let displayName: string | null = null;
  if (value.charCodeAt(i) === 0x22 /* " */) {
    const end = endOfQuoted(value, i);
    if (end < 0) return null;
    displayName = unquote(value.slice(i, end));
    i = skipWhitespace(value, end);
    if (value.charCodeAt(i) !== 0x3c /* < */) return null;
  }
  const open = value.indexOf('<', i);
  if (open < 0) {
    // addr-spec: the URI ends at the first ';' (its params are header params).
    if (displayName !== null) return null;
    let end = i;
    while (end < value.length && value.charCodeAt(end) !== 0x3b && !isWhitespace(value.charCodeAt(end))) end++;
    return finish(null, value.slice(i, end), value, end);
  }
  if (displayName === null) {
    const tokens = value.slice(i, open).trim();
    if (!isDisplayTokens(tokens)) return null;
    displayName = tokens.length > 0 ? tokens : null;
  }
  const close = value.indexOf('>', open + 1);
  if (close < 0) return null;
  return finish(displayName, value.slice(open + 1, close), value, close + 1);
}

function quoteDisplayName(name: string): string {
  return `"${name.replace(/(["\\])/g, '\\$1')}"`;
}

/** Writes the name-addr form (always with <>, so URI params stay in the URI). */
export function formatNameAddr(value: NameAddrValue): string {
  if (value.uri === '*') return '*';
  const display = value.displayName === null ? '' : `${quoteDisplayName(value.displayName)} `;
  return `${display}<${value.uri}>${formatParams(value.params)}`;
}

export function withTag(value: NameAddrValue, tag: string): NameAddrValue {
  return { ...value, params: withParam(value.params, 'tag', tag), tag };
}

/** The same address without a tag (a dialog's local/remote URI, RFC 3261 §12.1.1). */
export function withoutTag(value: NameAddrValue): NameAddrValue {
  return { ...value, params: value.params.filter((param) => param.name !== 'tag'), tag: null };
}
