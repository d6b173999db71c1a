import assert from 'node:assert/strict';
import { parseS3Url } from '../src/storage/s3-location.ts';

describe('--blob-store s3:// URLs', () => {
  it('reads bucket, prefix, endpoint and region, with path-style addressing for another endpoint', () => {
    assert.deepEqual(parseS3Url('s3://zoo-blobs/lab/zoo?endpoint=http://127.0.0.1:9000&region=eu-west-1'), {
      bucket: 'zoo-blobs',
      prefix: 'lab/zoo/',
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      forcePathStyle: true,
    });
    assert.deepEqual(parseS3Url('s3://zoo-blobs'), {
      bucket: 'zoo-blobs',
      prefix: '',
      forcePathStyle: false,
    });
    assert.equal(
      parseS3Url('s3://zoo-blobs/?endpoint=https://r2.example&path-style=false').forcePathStyle,
      false,
    );
  });

  it('names the part that is wrong', () => {
    const refused = (url: string, pattern: RegExp) => assert.throws(() => parseS3Url(url), pattern);
    refused('zoo-blobs/prefix', /is not a URL/);
    refused('http://zoo-blobs/prefix', /scheme is "http:"/);
    refused('s3://Zoo_Blobs/prefix', /bucket "Zoo_Blobs" is not a valid bucket name/);
    refused('s3://key:secret@zoo-blobs', /credentials do not belong in the URL/);
    refused('s3://zoo-blobs:9000/prefix', /has a port; the endpoint goes in \?endpoint=/);
    refused('s3://zoo-blobs/a//b', /prefix "a\/\/b" has an empty/);
    refused('s3://zoo-blobs/p?endpont=http://x', /unknown option "endpont"/);
    refused('s3://zoo-blobs/p?endpoint=minio:9000', /endpoint "minio:9000" is not an http/);
    refused('s3://zoo-blobs/p?region=EU%20West', /region "EU West"/);
    refused('s3://zoo-blobs/p?path-style=yes', /path-style is "yes"/);
  });
});
