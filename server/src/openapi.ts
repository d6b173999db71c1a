import { WIRE_SCHEMAS } from '@mim4d/zoo';
import { leaderboardPaths } from './leaderboards/openapi-paths.ts';
import { auth, json, jsonBody, pathParam, problem, ref } from './openapi-helpers.ts';

const ns = pathParam('ns', 'namespace');
const name = pathParam('name', 'model name');
const rev = pathParam('rev', 'revision id (40 lowercase hex) or tag');

const fileHeaders = {
  ETag: { description: 'strong; the quoted sha256 hex', schema: { type: 'string' } },
  'X-Linked-Etag': { schema: { type: 'string' } },
  'X-Linked-Size': { schema: { type: 'integer' } },
  'Repr-Digest': { description: 'sha-256=:<base64>:', schema: { type: 'string' } },
  'X-Zoo-Sha256': { schema: { type: 'string' } },
  'X-Zoo-Revision': { schema: { type: 'string' } },
  'X-Repo-Commit': { schema: { type: 'string' } },
  'Accept-Ranges': { schema: { type: 'string', enum: ['bytes'] } },
  'Cache-Control': {
    description: 'public, max-age=31536000, immutable for revision ids and blobs; no-cache for tags',
    schema: { type: 'string' },
  },
};
const fileResponses = {
  '200': { description: 'the whole file', headers: fileHeaders, content: { 'application/octet-stream': {} } },
  '206': { description: 'one byte range (Range / If-Range)', headers: fileHeaders },
  '304': { description: 'If-None-Match matched the ETag' },
  '404': problem('RepoNotFound, RevisionNotFound, EntryNotFound or BlobNotFound'),
  '412': problem('If-Match did not match'),
  '416': problem('range not satisfiable; Content-Range: bytes */size'),
  '500': problem('BlobCorrupt: the stored bytes no longer match; never served'),
};

/** The OpenAPI 3.1 document of the zoo API, served at /api/v1/openapi.json. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'MIM4D model zoo',
    version: '1.0.0',
    description:
      'Checkpoints and model cards by immutable revision. Every file carries its sha256 (strong ETag, Repr-Digest); ' +
      'uploads are verified before they become visible. Errors are application/problem+json with a stable `code`, ' +
      'also sent as X-Error-Code. Rate limits: RateLimit/RateLimit-Policy headers, 429 with Retry-After.',
  },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'scopes: read, read:<ns>, write:<ns>, admin' },
    },
    schemas: {
      ...WIRE_SCHEMAS,
    },
  },
  paths: {
    ...leaderboardPaths,
    '/{ns}/{name}/resolve/{rev}/{path}': {
      get: {
        summary: 'download a file of a revision (HEAD too)',
        parameters: [ns, name, rev, pathParam('path', 'file path')],
        responses: fileResponses,
      },
    },
    '/api/v1/blobs/sha256/{hex}': {
      get: {
        summary: 'download a blob by sha256 (HEAD too)',
        description:
          'Served when a revision of a model visible to the caller names the blob (public, or private with a ' +
          'token that may read its namespace). Otherwise 404 BlobNotFound, as for a blob never stored, so the ' +
          'answer does not reveal private models. Blobs only private models name are sent Cache-Control: private.',
        parameters: [pathParam('hex', 'sha256', '^[0-9a-f]{64}$')],
        responses: fileResponses,
      },
    },
    '/api/models/{ns}/{name}': {
      get: {
        summary: 'Hugging Face model_info shape at main (or the head)',
        parameters: [ns, name],
        responses: { '200': json('model info', { type: 'object' }), '404': problem('RepoNotFound') },
      },
    },
    '/api/models/{ns}/{name}/revision/{rev}': {
      get: {
        summary: 'Hugging Face model_info shape at a revision',
        parameters: [ns, name, rev],
        responses: {
          '200': json('model info', { type: 'object' }),
          '404': problem('RepoNotFound, RevisionNotFound'),
        },
      },
    },
    '/api/models/{ns}/{name}/tree/{rev}': {
      get: {
        summary: 'Hugging Face list_repo_tree shape',
        parameters: [ns, name, rev, { name: 'recursive', in: 'query', schema: { type: 'boolean' } }],
        responses: {
          '200': json('entries', { type: 'array' }),
          '404': problem('RepoNotFound, RevisionNotFound'),
        },
      },
    },
    '/api/models/{ns}/{name}/refs': {
      get: {
        summary: 'Hugging Face list_repo_refs shape: every tag as a branch (tags move like branches)',
        parameters: [ns, name],
        responses: { '200': json('refs', { type: 'object' }), '404': problem('RepoNotFound') },
      },
    },
    '/api/models/{ns}/{name}/commits/{rev}': {
      get: {
        summary:
          'Hugging Face list_repo_commits shape: the revision and its ancestors, newest first, 50 a page ' +
          '(?p=N; Link rel="next" names the next page)',
        parameters: [ns, name, rev, { name: 'p', in: 'query', schema: { type: 'integer', minimum: 0 } }],
        responses: {
          '200': json('commits', { type: 'array' }),
          '404': problem('RepoNotFound, RevisionNotFound'),
        },
      },
    },
    '/api/v1/models': {
      get: {
        summary: 'list visible models, ordered by id',
        parameters: [
          { name: 'q', in: 'query', description: 'substring of ns/name', schema: { type: 'string' } },
          { name: 'cursor', in: 'query', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } },
        ],
        responses: { '200': json('a page; Link rel=next when there is more', ref('ModelList')) },
      },
    },
    '/api/v1/models/{ns}/{name}': {
      get: {
        summary: 'model, its card at main (or the head) and its tags',
        parameters: [ns, name],
        responses: {
          '200': json('model', ref('ModelInfo')),
          '404': problem('RepoNotFound'),
        },
      },
    },
    '/api/v1/models/{ns}/{name}/refs': {
      get: {
        summary: 'head and tags',
        parameters: [ns, name],
        responses: { '200': json('refs', { type: 'object' }), '404': problem('RepoNotFound') },
      },
    },
    '/api/v1/models/{ns}/{name}/revisions/{rev}/manifest': {
      get: {
        summary: 'files of a revision with sizes and sha256; strong ETag, immutable for ids',
        parameters: [ns, name, rev],
        responses: {
          '200': json('manifest', ref('Manifest')),
          '304': { description: 'not modified' },
          '404': problem('RepoNotFound, RevisionNotFound'),
        },
      },
    },
    '/api/v1/models/{ns}/{name}/uploads': {
      post: {
        summary: 'declare files; learn which blobs must be uploaded',
        security: auth,
        parameters: [ns, name],
        requestBody: jsonBody(ref('UploadRequest')),
        responses: {
          '200': json('per file: exists, or an uploadUrl', ref('UploadPlan')),
          '401': problem('Unauthorized'),
          '403': problem('Forbidden'),
          '413': problem('PayloadTooLarge'),
          '422': problem('InvalidCommit'),
        },
      },
    },
    '/api/v1/uploads/{sha256}': {
      put: {
        summary: 'upload one declared blob; Content-Length must be the declared size',
        security: auth,
        parameters: [pathParam('sha256', 'declared sha256', '^[0-9a-f]{64}$')],
        requestBody: { content: { 'application/octet-stream': {} } },
        responses: {
          '200': json('already stored', { type: 'object' }),
          '201': json('stored', { type: 'object' }),
          '404': problem('UploadNotDeclared'),
          '411': problem('LengthRequired'),
          '413': problem('PayloadTooLarge'),
          '422': problem('DigestMismatch or SizeMismatch; nothing is kept'),
        },
      },
      head: {
        summary:
          'resumable upload: how many bytes of the declared blob the server holds (Upload-Offset); Upload-Complete ?1 once stored',
        security: auth,
        parameters: [
          pathParam('sha256', 'declared sha256', '^[0-9a-f]{64}$'),
          {
            name: 'Upload-Length',
            in: 'header',
            required: true,
            schema: { type: 'integer' },
            description: 'declared size',
          },
        ],
        responses: {
          '204': {
            description: 'Upload-Offset and Upload-Complete headers',
            headers: {
              'Upload-Offset': { schema: { type: 'integer' } },
              'Upload-Complete': { schema: { enum: ['?0', '?1'] } },
            },
          },
          '400': problem('BadRequest: no Upload-Length'),
          '404': problem('UploadNotDeclared'),
          '422': problem('SizeMismatch: Upload-Length is not the declared size'),
        },
      },
      patch: {
        summary:
          'resumable upload: append the body at Upload-Offset (the bytes held, from HEAD); the request reaching the size ' +
          'verifies the whole sha256 and stores the blob. A dropped request keeps what arrived; a newer PATCH cuts an ' +
          'older one still open for the same blob',
        security: auth,
        parameters: [
          pathParam('sha256', 'declared sha256', '^[0-9a-f]{64}$'),
          { name: 'Upload-Offset', in: 'header', required: true, schema: { type: 'integer' } },
          { name: 'Upload-Length', in: 'header', required: true, schema: { type: 'integer' } },
        ],
        requestBody: { content: { 'application/offset+octet-stream': {}, 'application/octet-stream': {} } },
        responses: {
          '200': json('already stored', { type: 'object' }),
          '201': json('complete, verified and stored', { type: 'object' }),
          '204': { description: 'appended; Upload-Offset is the new offset' },
          '400': problem('BadRequest: missing or malformed Upload-Offset / Upload-Length'),
          '404': problem('UploadNotDeclared'),
          '409': problem('OffsetMismatch: Upload-Offset header and offset member give the bytes held'),
          '422': problem('DigestMismatch or SizeMismatch: the partial upload is discarded'),
        },
      },
    },
    '/api/v1/models/{ns}/{name}/commits': {
      post: {
        summary: 'publish a revision (parentRevision null creates the model); tags default to ["main"]',
        security: auth,
        parameters: [ns, name],
        requestBody: jsonBody(ref('CommitRequest')),
        responses: {
          '201': json('created', ref('CommitCreated')),
          '409': problem('StaleParent (body has the current head)'),
          '422': problem(
            'InvalidCommit, InvalidCard (errors[] of JSON Pointers), InvalidOnnx, OnnxMismatch, MissingBlob',
          ),
        },
      },
    },
    '/api/v1/models/{ns}/{name}/tags/{tag}': {
      post: {
        summary: 'point a tag at a revision',
        security: auth,
        parameters: [ns, name, pathParam('tag', 'tag name')],
        requestBody: jsonBody(ref('TagRequest')),
        responses: {
          '200': json('moved', ref('Tag')),
          '400': problem('BadRequest: errors[] names the field'),
          '404': problem('RepoNotFound, RevisionNotFound'),
        },
      },
    },
    '/api/v1/tokens': {
      get: {
        summary:
          'tokens (admin: all; any other token: itself), without secrets; revoked ones carry revokedAt',
        security: auth,
        responses: {
          '200': json('tokens', ref('TokenList')),
          '401': problem('Unauthorized'),
        },
      },
    },
    '/api/v1/tokens/{id}': {
      delete: {
        summary: 'revoke a token (admin: any; any other token: itself); it answers 401 from then on',
        security: auth,
        parameters: [pathParam('id', 'token id, tok_...')],
        responses: {
          '200': json('the revoked token', ref('Token')),
          '401': problem('Unauthorized'),
          '404': problem('TokenNotFound: no such token, or not one the caller may revoke'),
        },
      },
    },
    '/api/v1/openapi.json': {
      get: { summary: 'this document', responses: { '200': json('OpenAPI 3.1', { type: 'object' }) } },
    },
  },
} as const;
