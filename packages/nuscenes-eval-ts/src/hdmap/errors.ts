/** Bad HD-map input: names the file and JSON path (`/results/17/vectors/3/pts`) or sample, and the broken rule. */
export class MapInputError extends Error {
  constructor(
    /** Where: a file, a file and a JSON path, or a sample token. */
    readonly where: string,
    /** The rule that was broken, in words. */
    readonly rule: string,
  ) {
    super(`${where}: ${rule}`);
    this.name = 'MapInputError';
  }
}
