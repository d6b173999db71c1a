/**
 * Bad input, located: `where` names the file, the JSON path (`results["abc"][3].size`, `/results/17/vectors/3`)
 * or both, and `rule` says in words what was broken. Each metric family throws its own subclass so a caller can
 * tell which evaluator refused the input; the message format is shared.
 */
export class LocatedInputError extends Error {
  constructor(
    /** Where the problem is: a file name, a JSON path, a sample token or a combination. */
    readonly where: string,
    /** The rule that was broken, in words. */
    readonly rule: string,
  ) {
    super(`${where}: ${rule}`);
    this.name = new.target.name;
  }
}
