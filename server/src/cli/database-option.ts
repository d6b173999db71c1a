/** `--database`: the commands that work on the zoo's metadata all take it. */
export const DATABASE_OPTION = [
  '--database <url>',
  'PostgreSQL for metadata, tokens, leaderboards, rate limits and scoring jobs, shared by replicas and workers (postgres://user@host:port/db; default $MIM4D_ZOO_DATABASE, else <data>/zoo.sqlite)',
  process.env.MIM4D_ZOO_DATABASE,
] as const;

/** A scoring job goes to another worker when its worker has said nothing for this long past the scoring timeout. */
export const JOB_EXPIRY_MARGIN_S = 60;
