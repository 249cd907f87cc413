import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compileDeck } from './compile';
import type { DeckSource } from './compile';
import { formatProblem } from './types';
import type { Deck } from './types';

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

/** Compiles every deck in the folder; a deck with problems is an error, reported with file:line. */
export function loadDecks(decksDir: string): Map<string, Deck> {
  const decks = new Map<string, Deck>();
  const failures: string[] = [];
  for (const source of readDeckSources(decksDir)) {
    const result = compileDeck(source);
    if (result.ok) decks.set(source.id, result.deck);
    else failures.push(...result.problems.map((p) => `decks/${source.id}/${formatProblem(p)}`));
  }
  if (failures.length > 0) throw new Error(`deck problems:\n${failures.join('\n')}`);
  return decks;
}
