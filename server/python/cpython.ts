import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DeckPrediction, StepRecord } from '../decks/types';
import { STEPPER_SOURCE } from './answer-key';

/** The CPython the audience runs: `PYTHON` or `python3`, 3.10 or newer; undefined if none. */
export function findCPython(): string | undefined {
  const python = process.env.PYTHON || 'python3';
  const probe = spawnSync(python, ['-c', 'import sys; print(sys.version_info >= (3, 10))'], { encoding: 'utf8' });
  return probe.stdout?.trim() === 'True' ? python : undefined;
}

/** Runs `examples/FILE` as a script beside the deck's other examples; returns its stdout. */
export function runExample(python: string, files: Record<string, string>, file: string): { ok: true; stdout: string } | { ok: false; message: string } {
  const dir = mkdtempSync(join(tmpdir(), 'yieldroom-example-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      if (!name.startsWith('examples/')) continue;
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const run = spawnSync(python, [file], { cwd: join(dir, 'examples'), encoding: 'utf8', timeout: 20_000, env: { ...process.env, PYTHONHASHSEED: '0', PYTHONDONTWRITEBYTECODE: '1' } });
    if (run.error) return { ok: false, message: run.error.message };
    if (run.status !== 0) return { ok: false, message: `exited with ${run.status}: ${run.stderr.trim().split('\n').at(-1) ?? ''}` };
    return { ok: true, stdout: run.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same steps as the answer key, under CPython: the cross-check for Pyodide. */
export function runStepsInCPython(python: string, prediction: DeckPrediction, source: string, timeoutMs = 2000): StepRecord[] {
  const job = { source, file: prediction.file, setup: prediction.setup, target: prediction.target, steps: prediction.steps, timeoutMs };
  const run = spawnSync(python, ['-c', STEPPER_SOURCE], { input: JSON.stringify(job), encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`stepper failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as StepRecord[];
}
