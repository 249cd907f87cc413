import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileDeck } from '../../server/decks/compile';
import { readDeckSources } from '../../server/decks/load';
import { findCPythons, runExample } from '../../server/python/cpython';

const source = readDeckSources(join(import.meta.dirname, '../../decks')).find((s) => s.id === 'iterators-to-asyncio')!;
const compiled = compileDeck(source);
if (!compiled.ok) throw new Error('the talk does not compile');
/** What the GIL demo's slide claims it prints: the build refuses a capture without these lines. */
const claimed = compiled.examples.find((e) => e.file === 'gil_demo.py')!.expect;
const cpythons = findCPythons();

describe('the GIL demo on a busy machine', () => {
  const hogs: ChildProcess[] = [];
  beforeAll(async () => {
    // One process spinning per core, each running before the demo starts.
    for (let i = 0; i < Math.max(2, cpus().length); i++) {
      const hog = spawn(process.execPath, ['-e', 'console.log("spinning"); for (;;);'], { stdio: ['ignore', 'pipe', 'ignore'] });
      hogs.push(hog);
      await once(hog.stdout!, 'data');
    }
  });
  afterAll(() => {
    for (const hog of hogs) hog.kill('SIGKILL');
  });

  it('gives the GIL build’s answer 10 runs out of 10, on every CPython found in turn', () => {
    expect(claimed).toEqual(['4 threads kept several CPUs busy? No', '4 threads faster than 1? No']);
    for (let i = 0; i < 10; i++) {
      const cpython = cpythons[i % cpythons.length]!;
      const run = runExample(cpython.path, source.files, 'gil_demo.py');
      if (!run.ok) throw new Error(`gil_demo.py under CPython ${cpython.version}: ${run.message}`);
      expect(run.stdout.split('\n'), `run ${i + 1}, CPython ${cpython.version}`).toEqual(expect.arrayContaining(claimed));
    }
    expect(hogs.every((hog) => hog.exitCode === null)).toBe(true);
  }, 90_000);
});
