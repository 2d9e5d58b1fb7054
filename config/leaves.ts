/** Walks the config schema's leaves: the keys a user can set. */
import { Kind, type TSchema } from '@sinclair/typebox';
import type { LeafOptions } from './schema.js';

export interface Leaf {
  /** Dotted key, e.g. "sip.listen". */
  readonly key: string;
  readonly path: readonly string[];
  readonly schema: TSchema & Partial<LeafOptions>;
  /** Environment variable that sets it, e.g. VOXBRIDGE_SIP_LISTEN. */
  readonly env: string;
}

export function configLeaves(schema: TSchema, path: readonly string[] = []): Leaf[] {
  if (schema[Kind] === 'Object') {
    const properties = (schema as TSchema & { properties: Record<string, TSchema> }).properties;
    return Object.entries(properties).flatMap(([name, child]) => configLeaves(child, [...path, name]));
  }
  return [{ key: path.join('.'), path, schema: schema as Leaf['schema'], env: envName(path) }];
}

function envName(path: readonly string[]): string {
  const snake = path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase());
  return `VOXBRIDGE_${snake.join('_')}`;
}

/** What kind of value a leaf holds, for converting strings from env and flags. */
export function leafType(leaf: Leaf): 'string' | 'integer' | 'boolean' | 'list' {
  const kind = leaf.schema[Kind];
  if (kind === 'Integer' || kind === 'Number') return 'integer';
  if (kind === 'Boolean') return 'boolean';
  if (kind === 'Array') return 'list';
  return 'string';
}

/** Converts a string from the environment or a flag to the leaf's type; leaves bad input for validation to report. */
export function coerce(leaf: Leaf, raw: string): unknown {
  switch (leafType(leaf)) {
    case 'integer':
      return /^-?[0-9]+$/.test(raw.trim()) ? Number(raw) : raw;
    case 'boolean':
      if (raw === 'true' || raw === '1' || raw === '') return true;
      if (raw === 'false' || raw === '0') return false;
      return raw;
    case 'list':
      return raw.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
    case 'string':
      return raw;
  }
}
