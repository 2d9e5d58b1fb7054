/**
 * Splits a comma-separated header value (Via, Contact, Route...) into its
 * elements, ignoring commas inside quoted strings and <...> (RFC 3261 §7.3.1).
 * Returns null for an empty element or an unbalanced quote/bracket.
 */
export function splitHeaderList(value: string): string[] | null {
  const items: string[] = [];
  let start = 0;
  let inQuotes = false;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (inQuotes) {
      if (code === 0x5c /* \ */) i++;
      else if (code === 0x22 /* " */) inQuotes = false;
    } else if (code === 0x22) {
      inQuotes = true;
    } else if (code === 0x3c /* < */) {
      if (inAngle) return null;
      inAngle = true;
    } else if (code === 0x3e /* > */) {
      if (!inAngle) return null;
      inAngle = false;
    } else if (code === 0x2c /* , */ && !inAngle) {
      const item = value.slice(start, i).trim();
      if (item.length === 0) return null;
      items.push(item);
      start = i + 1;
    }
  }
  if (inQuotes || inAngle) return null;
  const last = value.slice(start).trim();
  if (last.length === 0) return null;
  items.push(last);
  return items;
}
