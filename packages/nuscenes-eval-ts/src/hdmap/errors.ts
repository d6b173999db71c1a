import { LocatedInputError } from '../json/located-input-error.ts';

/** Bad HD-map input: names the file and JSON path (`/results/17/vectors/3/pts`) or sample, and the broken rule. */
export class MapInputError extends LocatedInputError {}
