import { EXPORT_FILES } from '@mim4d/pretrain';
import { type Manifest, type ManifestFile, parseRepoRef, ZooClient } from '@mim4d/zoo';
import { readBackboneFile } from './read-backbone-file.ts';
import type { ResolvedBackbone, ZooSettings } from './resolved-backbone.ts';

/** The export's weights file, else the revision's only .safetensors file. */
function weightsFile(manifest: Manifest, name: string): ManifestFile {
  const exported = manifest.files.find((f) => f.path === EXPORT_FILES.weights);
  if (exported) return exported;
  const candidates = manifest.files.filter((f) => f.path.endsWith('.safetensors'));
  if (candidates.length === 1) return candidates[0];
  const files = manifest.files.map((f) => f.path).join(', ');
  throw new Error(
    `${name}: ${candidates.length === 0 ? 'no' : 'several'} .safetensors files and no ${EXPORT_FILES.weights} ` +
      `(files: ${files || 'none'})`,
  );
}

/**
 * Pulls the backbone weights of a zoo revision through the zoo client: cached, sha256-verified, resumable, and
 * served from the cache when offline. Settings left out come from the environment, then the saved login.
 */
export async function zooBackbone(ref: string, settings: ZooSettings): Promise<ResolvedBackbone> {
  const { repo, revision } = parseRepoRef(ref);
  const client = new ZooClient(settings);
  const manifest = await client.manifest(repo, revision);
  const name = `${repo.namespace}/${repo.name}@${manifest.revision}`;
  const file = weightsFile(manifest, name);
  const local = await client.download(repo, file.path, { revision: manifest.revision });
  const source = `${name}/${file.path}`;
  const weights = readBackboneFile(local.localPath, source);
  return {
    ref,
    kind: 'zoo',
    description: `zoo ${source} (step ${weights.step}, config ${weights.config.name})`,
    config: weights.config,
    tensors: weights.tensors,
    revision: manifest.revision,
    sha256: file.sha256,
  };
}
