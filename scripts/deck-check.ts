/** `npm run deck:check`: compiles every deck and runs its Python; prints problems as file:line. */
import { loadConfig } from '../server/config';
import { DeckBuildError, buildDecks } from '../server/decks/build';
import { projectorOverflow } from '../server/decks/fit';

const config = loadConfig();
try {
  const ran = new Set<string>();
  const decks = await buildDecks(config.decksDir, { cacheDir: config.cacheDir, onExecute: (id) => ran.add(id) });
  for (const deck of decks.values()) {
    const slides = deck.stacks.flat();
    const timeouts = Object.values(deck.answerKeys).flat().filter((r) => r.outcome.kind === 'timeout');
    const { ranOn, checked, differences } = deck.keyVersions;
    const differing = Object.values(differences).flat().length;
    const versions = ranOn ? ` (keys from Python ${ranOn}, checked on CPython ${checked.join(', ') || 'none found'}${differing ? `; ${differing} step answers differ by version` : ''})` : '';
    console.log(`✓ ${deck.id}: ${slides.length} slides, ${slides.filter((s) => s.poll).length} polls, ${Object.keys(deck.answerKeys).length} predictions${timeouts.length ? `, ${timeouts.length} steps timed out` : ''}${ran.has(deck.id) ? ', Python ran' : ''}${versions}`);
    // Warnings, not failures: the slide still shows, but the room cannot read past the edge.
    slides.forEach((slide, i) => {
      const title = /<h[1-3][^>]*>([\s\S]*?)<\/h[1-3]>/.exec(slide.html)?.[1]?.replace(/<[^>]+>/g, '') ?? 'untitled';
      for (const warning of projectorOverflow(slide, `decks/${deck.id}/deck.md: slide ${i + 1} "${title}"`)) console.warn(`⚠ ${warning}`);
    });
  }
} catch (error) {
  if (!(error instanceof DeckBuildError)) throw error;
  console.error(error.problems.join('\n'));
  process.exit(1);
}
