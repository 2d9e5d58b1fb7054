/**
 * Builds the effective config from its sources, lowest first:
 * built-in defaults < config file (YAML or JSON) < VOXBRIDGE_* environment < CLI flags.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigSchema, type Config } from './schema.js';
import { configLeaves, coerce } from './leaves.js';
import { ConfigError } from './errors.js';
import { validateConfig } from './validate.js';

export interface ConfigSources {
  readonly file?: string | null;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly overrides?: ReadonlyMap<string, unknown>;
}

type Tree = Record<string, unknown>;

export function loadConfig(sources: ConfigSources = {}): Config {
  const tree: Tree = sources.file ? readConfigFile(sources.file) : {};
  for (const leaf of configLeaves(ConfigSchema)) {
    const raw = sources.env?.[leaf.env];
    if (raw !== undefined) setPath(tree, leaf.path, coerce(leaf, raw));
  }
  for (const [key, value] of sources.overrides ?? []) setPath(tree, key.split('.'), value);
  return validateConfig(tree);
}

function readConfigFile(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read config file ${file}: ${(cause as Error).message}`, null, { cause });
  }
  let parsed: unknown;
  try {
    parsed = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new ConfigError(`config file ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(cause as Error).message}`, null, { cause });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${file} must hold a mapping of keys at the top level`, null);
  }
  return parsed as Tree;
}

function setPath(tree: Tree, path: readonly string[], value: unknown): void {
  let node = tree;
  for (const part of path.slice(0, -1)) {
    const child = node[part];
    if (typeof child !== 'object' || child === null || Array.isArray(child)) node[part] = {};
    node = node[part] as Tree;
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}
