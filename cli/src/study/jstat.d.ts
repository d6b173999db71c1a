// jstat ships no types (and there is no @types/jstat): the part the study uses. It is CommonJS, so ESM sees
// its exports as the default export.
declare module 'jstat' {
  const jstat: {
    jStat: { studentt: { inv(p: number, dof: number): number } };
  };
  export default jstat;
}
