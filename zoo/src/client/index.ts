export { type Placement, placeFile } from '../cache/atomic-file.ts';
export { CacheLayout } from '../cache/cache-layout.ts';
export { type BlobState, ZooCache } from '../cache/zoo-cache.ts';
export {
  type ClientSettings,
  DEFAULT_ENDPOINT,
  defaultCacheDir,
  defaultConfigPath,
  readConfig,
  writeConfig,
  type ZooConfigFile,
} from './client-config.ts';
export type { FetchedBlob, TransferProgress } from './fetch-blob.ts';
export type { Manifest, ManifestFile } from './manifest.ts';
export {
  isRevisionId,
  isSha256,
  parseRepoRef,
  type RepoId,
  type RevisionId,
  repoString,
  type Sha256Hex,
} from './names.ts';
export type { PublishOptions, PublishResult, PublishSource } from './publish.ts';
export type { SubmitOptions } from './submit.ts';
export {
  type FetchOptions,
  type LocalFile,
  type Repo,
  type Snapshot,
  ZooClient,
  type ZooClientOptions,
} from './zoo-client.ts';
export { type ClientErrorCode, ZooError } from './zoo-error.ts';
