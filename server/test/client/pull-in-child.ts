// Run as a separate process by the two-process test: pulls one revision into a cache shared with the test.
import { ZooClient } from '@mim4d/zoo';

const [endpoint, cacheDir, configPath, model] = process.argv.slice(2);
const client = new ZooClient({ endpoint, cacheDir, configPath });
const snapshot = await client.snapshot(model);
process.stdout.write(
  `${JSON.stringify(snapshot.files.map((f) => ({ path: f.path, bytes: f.bytesTransferred })))}\n`,
);
