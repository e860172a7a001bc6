import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** Writes a benchmark's figures to bench/results/<name>.json (git-ignored) and says where. */
export async function saveResults(name: string, document: unknown): Promise<void> {
  const dir = new URL('../results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const file = fileURLToPath(new URL(`${name}.json`, dir));
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`\nresults written to ${file}`);
}
