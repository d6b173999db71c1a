/** Where blobs live in an S3-compatible store. */
export interface S3Location {
  bucket: string;
  /** Key prefix, empty or ending in `/`. */
  prefix: string;
  /** Another S3-compatible service (MinIO, Ceph RGW, R2); left out, AWS S3. */
  endpoint?: string;
  region?: string;
  /** Bucket in the path rather than the host name; the default with an `endpoint`, as most other services need. */
  forcePathStyle: boolean;
}

const OPTIONS = ['endpoint', 'region', 'path-style'];

/**
 * Reads `s3://bucket/prefix?endpoint=http://host:9000&region=eu-west-1&path-style=true`. Credentials are not part
 * of it: they come from the SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profiles, roles), so they
 * stay out of process listings and logs. Errors name the part that is wrong.
 */
export function parseS3Url(text: string): S3Location {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`"${text}" is not a URL; use s3://bucket/prefix?endpoint=...&region=...`);
  }
  if (url.protocol !== 's3:') throw new Error(`the scheme is "${url.protocol}", not "s3:"`);
  if (url.username || url.password) {
    throw new Error('credentials do not belong in the URL: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  }
  const bucket = url.hostname;
  // S3's bucket naming rules; a bad name would otherwise surface as an opaque error at the first request.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..')) {
    throw new Error(
      `the bucket "${bucket}" is not a valid bucket name (3-63 lowercase letters, digits, dots and hyphens)`,
    );
  }
  if (url.port)
    throw new Error(`the bucket "${bucket}:${url.port}" has a port; the endpoint goes in ?endpoint=`);
  const path = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '');
  if (path.split('/').some((segment) => segment === '.' || segment === '..' || (path && segment === ''))) {
    throw new Error(`the prefix "${path}" has an empty, "." or ".." segment`);
  }
  for (const key of url.searchParams.keys()) {
    if (!OPTIONS.includes(key)) throw new Error(`unknown option "${key}" (known: ${OPTIONS.join(', ')})`);
  }
  const endpoint = url.searchParams.get('endpoint') ?? undefined;
  if (endpoint !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(endpoint);
    } catch {}
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) {
      throw new Error(`endpoint "${endpoint}" is not an http:// or https:// URL`);
    }
  }
  const region = url.searchParams.get('region') ?? undefined;
  if (region !== undefined && !/^[a-z0-9-]+$/.test(region)) {
    throw new Error(`region "${region}" is not a region name such as us-east-1`);
  }
  const pathStyle = url.searchParams.get('path-style');
  if (pathStyle !== null && pathStyle !== 'true' && pathStyle !== 'false') {
    throw new Error(`path-style is "${pathStyle}"; use true or false`);
  }
  return {
    bucket,
    prefix: path ? `${path}/` : '',
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(region !== undefined ? { region } : {}),
    forcePathStyle: pathStyle === null ? endpoint !== undefined : pathStyle === 'true',
  };
}
