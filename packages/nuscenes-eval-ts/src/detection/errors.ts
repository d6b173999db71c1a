import { LocatedInputError } from '../json/located-input-error.ts';

/** Bad detection input: names where (a JSON path such as `results["abc"][3].size`) and the broken rule. */
export class DetectionInputError extends LocatedInputError {}

/** `["token"][index]`: the JSON path of a box inside a sample_token -> boxes mapping. */
export function boxPath(token: string, index: number): string {
  return `[${JSON.stringify(token)}][${index}]`;
}
