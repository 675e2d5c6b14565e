import { describe, expect, it } from 'vitest';
import { digestSecret, generateSecret } from '../../src/api-keys/secrets';
import { nodeSecretDigester } from '../../src/entry/node';

describe('the Node secret digester', () => {
  it('computes exactly what is stored (WebCrypto digestSecret)', async () => {
    const inputs = [generateSecret(), generateSecret(), '', 'kms_', 'ünïcödé 🔑', 'x'.repeat(1000)];
    for (const s of inputs) expect(await nodeSecretDigester(s)).toBe(await digestSecret(s));
  });
});
