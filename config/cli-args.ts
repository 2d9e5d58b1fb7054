/** Parses command-line flags into config overrides and actions (help, print-config). */
import { ConfigSchema } from './schema.js';
import { configLeaves, coerce, leafType, type Leaf } from './leaves.js';
import { ConfigError } from './errors.js';

export interface CliArgs {
  readonly help: boolean;
  readonly version: boolean;
  readonly printConfig: boolean;
  /** Validate the config (file, env, flags) and exit: 0 when it is good, 2 naming the bad key. */
  readonly checkConfig: boolean;
  readonly configFile: string | null;
  /** Dotted key → value, already converted to the leaf's type where possible. */
  readonly overrides: ReadonlyMap<string, unknown>;
}

const flagLeaves: ReadonlyMap<string, Leaf> = new Map(
  configLeaves(ConfigSchema).flatMap((leaf) => (leaf.schema.flag ? [[leaf.schema.flag, leaf] as const] : [])),
);

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let help = false;
  let version = false;
  let printConfig = false;
  let checkConfig = false;
  let configFile: string | null = null;
  const overrides = new Map<string, unknown>();

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}" (see --help)`, null);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new ConfigError(`flag --${name} needs a value`, null);
      i++;
      return next;
    };

    if (name === 'help' || name === 'h') help = true;
    else if (name === 'version') version = true;
    else if (name === 'print-config') printConfig = true;
    else if (name === 'check-config') checkConfig = true;
    else if (name === 'config') configFile = takeValue();
    else {
      const leaf = flagLeaves.get(name);
      if (!leaf) throw new ConfigError(`unknown flag --${name} (see --help)`, null);
      // Boolean flags may stand alone: `--log-pretty` means true.
      const raw = leafType(leaf) === 'boolean' && inline === undefined && !isBooleanWord(argv[i + 1]) ? 'true' : takeValue();
      overrides.set(leaf.key, coerce(leaf, raw));
    }
  }
  return { help, version, printConfig, checkConfig, configFile, overrides };
}

function isBooleanWord(value: string | undefined): boolean {
  return value === 'true' || value === 'false';
}

export function helpText(): string {
  const lines = [
    'voxbridge: a SIP/RTP media server',
    '',
    'Usage: voxbridge [--config FILE] [flags]',
    '',
    '  --config FILE          YAML or JSON config file (defaults < file < VOXBRIDGE_* env < flags)',
    '  --print-config         print the effective config as JSON and exit',
    '  --check-config         validate the config and exit (0: good, 2: the error names the key)',
    '  --help                 show this help and exit',
    '  --version              print the version and exit',
  ];
  for (const [flag, leaf] of flagLeaves) {
    const value = leafType(leaf) === 'boolean' ? '' : ' VALUE';
    const left = `  --${flag}${value}`;
    const def = JSON.stringify(leaf.schema.default);
    // A flag too long for the column gets its description on the next line.
    if (left.length < 25) lines.push(`${left.padEnd(25)}${leaf.schema.description ?? ''}`);
    else lines.push(left, `${' '.repeat(25)}${leaf.schema.description ?? ''}`);
    lines.push(`${' '.repeat(25)}(${leaf.schema.hint ?? 'string'}; default ${def}; env ${leaf.env})`);
  }
  lines.push('', 'Every config key can also be set with its VOXBRIDGE_* variable (see README).');
  return lines.join('\n');
}
