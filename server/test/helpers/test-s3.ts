import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { s3ClientFor } from '../../src/storage/s3-client.ts';
import { parseS3Url, type S3Location } from '../../src/storage/s3-location.ts';

/**
 * The object store the S3 tests run against: `MIM4D_TEST_S3_URL` (`s3://bucket/prefix?endpoint=...`, credentials
 * from the AWS environment variables) for a real one, or else moto's S3 server, started here once per test run.
 * moto because it is the most faithful local S3 at hand: it refuses parts under 5 MiB but the last, keeps
 * multipart uploads listable with their parts, copies metadata, answers ranges as S3 does, and ships on every
 * machine image here. It does not check signatures or expiry of presigned URLs; a real endpoint does.
 */
export interface TestS3 {
  /** Where a test's objects go: a prefix of its own under the bucket. */
  location: S3Location;
  client: S3Client;
  /** `--blob-store` for a server on the same prefix. */
  url: string;
  /** Environment for a child server: the credentials it is to use. */
  env: NodeJS.ProcessEnv;
  /** The local object store's process, where one was started (for its CPU time). */
  serverPid?: number;
  /** Deletes the test's objects and unfinished uploads. */
  close(): Promise<void>;
}

const MOTO_BUCKET = 'mim4d-zoo-test';

type Base = { location: S3Location; env: NodeJS.ProcessEnv; serverPid?: number };
let base: Promise<Base | { skip: string }> | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startMoto(): Promise<Base | { skip: string }> {
  const found = await promisify(execFile)('python3', ['-c', 'import moto.server'], { timeout: 60_000 }).then(
    () => true,
    () => false,
  );
  if (!found) {
    const reason = 'no MIM4D_TEST_S3_URL and no python3 with moto for a local S3';
    // CI's machine image has moto: a missing one there is a broken set-up, not a reason to skip.
    if (process.env.CI) throw new Error(reason);
    return { skip: reason };
  }
  const port = await freePort();
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
  });
  // Lives as long as the test run: it does not hold mocha's process open, and ends with it.
  child.unref();
  process.once('exit', () => child.kill('SIGKILL'));
  const endpoint = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 100) {
    if (
      await fetch(`${endpoint}/`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (waited > 30_000 || child.exitCode !== null)
      throw new Error(`moto's S3 server did not start on ${endpoint}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // moto takes any credentials; a real AWS key in the environment would be harmless but is not needed.
  const env = { AWS_ACCESS_KEY_ID: 'moto', AWS_SECRET_ACCESS_KEY: 'moto', AWS_REGION: 'us-east-1' };
  Object.assign(process.env, env);
  const location = parseS3Url(`s3://${MOTO_BUCKET}?endpoint=${endpoint}`);
  await s3ClientFor(location).send(new CreateBucketCommand({ Bucket: MOTO_BUCKET }));
  return { location, env, ...(child.pid ? { serverPid: child.pid } : {}) };
}

/** A fresh prefix on the test object store, or why there is none. */
export async function testS3(): Promise<TestS3 | { skip: string }> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const real = process.env.MIM4D_TEST_S3_URL;
  base ??= real ? Promise.resolve({ location: parseS3Url(real), env: {} }) : startMoto();
  const found = await base;
  if ('skip' in found) return found;
  const location = { ...found.location, prefix: `${found.location.prefix}test-${randomUUID()}/` };
  const client = s3ClientFor(location);
  const query = new URLSearchParams({
    ...(location.endpoint ? { endpoint: location.endpoint } : {}),
    ...(location.region ? { region: location.region } : {}),
    'path-style': String(location.forcePathStyle),
  });
  return {
    location,
    client,
    url: `s3://${location.bucket}/${location.prefix.replace(/\/$/, '')}?${query}`,
    env: { ...process.env, ...found.env },
    ...(found.serverPid ? { serverPid: found.serverPid } : {}),
    close: () => emptyPrefix(client, location),
  };
}

async function emptyPrefix(client: S3Client, { bucket, prefix }: S3Location): Promise<void> {
  const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
  for (const upload of uploads.Uploads ?? []) {
    await client.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }),
    );
  }
  let ContinuationToken: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }),
    );
    for (const object of page.Contents ?? []) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
    }
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  client.destroy();
}
