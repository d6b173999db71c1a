export { NuScenes } from './database.ts';
export { JsonFileError, readJsonArrayFile } from './json-array-reader.ts';
export { FIELD_KINDS, type FieldKind, FOREIGN_KEYS, type ForeignKey } from './schema.ts';
export * from './tables.ts';
