/** Bad detection input: names where (a JSON path such as `results["abc"][3].size`) and the broken rule. */
export class DetectionInputError extends Error {
  constructor(
    /** Where the problem is: a file name, a JSON path or both. */
    readonly where: string,
    /** The rule that was broken, in words. */
    readonly rule: string,
  ) {
    super(`${where}: ${rule}`);
    this.name = 'DetectionInputError';
  }
}

/** `["token"][index]`: the JSON path of a box inside a sample_token -> boxes mapping. */
export function boxPath(token: string, index: number): string {
  return `[${JSON.stringify(token)}][${index}]`;
}
