/** A hold on a blob without a record: gc removed it between its upload and the hold. */
export function unrecordedHold(
  holder: string,
  wanted: readonly string[],
  recorded: readonly { sha256: string }[],
): Error {
  const have = new Set(recorded.map((r) => r.sha256));
  const missing = wanted.filter((sha256) => !have.has(sha256));
  return new Error(
    `cannot hold blob(s) ${missing.join(', ')} for ${holder}: not recorded (store them again)`,
  );
}
