import { createHash } from 'node:crypto';

/**
 * nuScenes-style token (32 lowercase hex characters), a pure function of the seed and the record's identity,
 * so the same seed always yields the same tokens and different records never share one.
 */
export function makeToken(seed: number, ...identity: readonly (string | number)[]): string {
  return createHash('md5')
    .update(`mim4d-synth/${seed}/${identity.join('/')}`)
    .digest('hex');
}

/** Token factory bound to one seed. */
export type TokenFactory = (...identity: readonly (string | number)[]) => string;

export function tokenFactory(seed: number): TokenFactory {
  return (...identity) => makeToken(seed, ...identity);
}
