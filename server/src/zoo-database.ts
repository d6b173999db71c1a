import Database from 'better-sqlite3';

/**
 * Opens `zoo.sqlite`, which the metadata and leaderboard stores share, with the settings both rely on: WAL so
 * readers never block the writer, full sync so a committed revision survives a crash, foreign keys enforced, and a
 * busy timeout for the moments two connections write at once.
 */
export function openZooDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}
