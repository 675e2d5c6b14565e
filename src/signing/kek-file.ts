import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateKekBase64, KekError } from './kek';

export const DEFAULT_KEK_PATH = 'keys/kek';

/**
 * The KEK of the embedded set-up: KEYMINT_KEK when set, else keys/kek, generated
 * (mode 0600) on the first start. Node only; Workers must set KEYMINT_KEK.
 */
export function loadOrCreateKek(
  fromEnv: string | undefined,
  path = DEFAULT_KEK_PATH,
): { kek: string; created: boolean } {
  if (fromEnv) return { kek: fromEnv, created: false };
  if (existsSync(path)) {
    const kek = readFileSync(path, 'utf8').trim();
    if (!/^[A-Za-z0-9+/]{43}=$/.test(kek)) throw new KekError(`${path} does not hold base64 of 32 bytes`);
    return { kek, created: false };
  }
  mkdirSync(dirname(path), { recursive: true });
  const kek = generateKekBase64();
  writeFileSync(path, `${kek}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { kek, created: true };
}
