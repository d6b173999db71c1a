import { S3Client } from '@aws-sdk/client-s3';
import type { S3Location } from './s3-location.ts';

/** An SDK client for `location`, with credentials from the SDK's default chain. */
export function s3ClientFor(location: S3Location): S3Client {
  return new S3Client({
    // The SDK needs a region even for services that ignore it.
    region: location.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    forcePathStyle: location.forcePathStyle,
    ...(location.endpoint ? { endpoint: location.endpoint } : {}),
    // Integrity is ours (sha256 at upload, xxh64 blocks on every read); the SDK's extra CRC32s would cost CPU on every
    // byte and are refused by some S3-compatible services.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
