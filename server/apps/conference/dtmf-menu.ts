/**
 * In-room DTMF controls, as ConfBridge's default user menu does it: a `*`
 * starts a two-key command. *6 toggles mute, *4 / *7 turn what you hear
 * down / up, *1 / *3 turn how loud you are down / up, *0 toggles deaf.
 */
export type MenuAction =
  | { readonly kind: 'toggle-mute' }
  | { readonly kind: 'toggle-deaf' }
  | { readonly kind: 'volume'; readonly which: 'volumeInDb' | 'volumeOutDb'; readonly stepDb: number };

export const VOLUME_STEP_DB = 3;

const COMMANDS: Readonly<Record<string, MenuAction>> = {
  '6': { kind: 'toggle-mute' },
  '0': { kind: 'toggle-deaf' },
  '4': { kind: 'volume', which: 'volumeOutDb', stepDb: -VOLUME_STEP_DB },
  '7': { kind: 'volume', which: 'volumeOutDb', stepDb: VOLUME_STEP_DB },
  '1': { kind: 'volume', which: 'volumeInDb', stepDb: -VOLUME_STEP_DB },
  '3': { kind: 'volume', which: 'volumeInDb', stepDb: VOLUME_STEP_DB },
};

/** Feeds digits one by one; returns the action a completed command asks for. */
export class DtmfMenu {
  #armed = false;

  push(digit: string): MenuAction | null {
    if (digit === '*') {
      this.#armed = true;
      return null;
    }
    if (!this.#armed) return null;
    this.#armed = false;
    return COMMANDS[digit] ?? null;
  }
}

/** Collects a PIN ended by # (or by reaching its length); null while incomplete. */
export class PinCollector {
  #digits = '';
  constructor(private readonly length: number) {}

  push(digit: string): string | null {
    if (digit === '#') {
      const entered = this.#digits;
      this.#digits = '';
      return entered;
    }
    if (digit === '*') {
      this.#digits = '';
      return null;
    }
    this.#digits += digit;
    if (this.#digits.length >= this.length) {
      const entered = this.#digits;
      this.#digits = '';
      return entered;
    }
    return null;
  }
}
