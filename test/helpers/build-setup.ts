import { buildNode } from '../../src/build/build-node';

/**
 * Brings dist/node/ up to date once per run, so the tests that spawn keymint run what
 * `npm start` ships, built from the sources under test.
 */
export default async function setup() {
  await buildNode();
}
