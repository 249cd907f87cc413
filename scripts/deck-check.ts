/** `npm run deck:check`: compiles every deck and runs its Python; prints problems as file:line. */
import { loadConfig } from '../server/config';
import { DeckBuildError, buildDecks } from '../server/decks/build';

const config = loadConfig();
try {
  const ran = new Set<string>();
  const decks = await buildDecks(config.decksDir, { cacheDir: config.cacheDir, onExecute: (id) => ran.add(id) });
  for (const deck of decks.values()) {
    const slides = deck.stacks.flat();
    const timeouts = Object.values(deck.answerKeys).flat().filter((r) => r.outcome.kind === 'timeout');
    console.log(`✓ ${deck.id}: ${slides.length} slides, ${slides.filter((s) => s.poll).length} polls, ${Object.keys(deck.answerKeys).length} predictions${timeouts.length ? `, ${timeouts.length} steps timed out` : ''}${ran.has(deck.id) ? ', Python ran' : ''}`);
  }
} catch (error) {
  if (!(error instanceof DeckBuildError)) throw error;
  console.error(error.problems.join('\n'));
  process.exit(1);
}
