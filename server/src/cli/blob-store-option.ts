import { InvalidArgumentError } from 'commander';
import { parseS3Url } from '../storage/s3-location.ts';

/** Checks an `s3://` URL when the command line is read, so a bad one is named before anything starts. */
function s3Url(value: string): string {
  try {
    parseS3Url(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return value;
}

/** `--blob-store`: the commands that read or write blobs all take it. */
export const BLOB_STORE_OPTION = [
  '--blob-store <url>',
  'S3-compatible object store for blobs, shared by replicas (s3://bucket/prefix?endpoint=http://host:9000&region=us-east-1; credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the AWS profile; default $MIM4D_ZOO_BLOB_STORE, else <data>/blobs)',
  s3Url,
  process.env.MIM4D_ZOO_BLOB_STORE,
] as const;
