import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { DeckSource } from './compile';

function readTree(dir: string, root = dir, files: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) readTree(path, root, files);
    else if (/\.(md|py)$/.test(name)) files[relative(root, path)] = readFileSync(path, 'utf8');
  }
  return files;
}

export function readDeckSources(decksDir: string): DeckSource[] {
  if (!existsSync(decksDir)) return [];
  return readdirSync(decksDir)
    .filter((name) => existsSync(join(decksDir, name, 'deck.md')))
    .sort()
    .map((id) => ({ id, files: readTree(join(decksDir, id)) }));
}
