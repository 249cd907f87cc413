import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DeckPrediction, StepRecord } from '../decks/types';
import { STEPPER_SOURCE } from './answer-key';

/** The CPython the audience runs: `PYTHON` or `python3`, 3.10 or newer; undefined if none. */
export function findCPython(): string | undefined {
  const python = process.env.PYTHON || 'python3';
  const probe = spawnSync(python, ['-c', 'import sys; print(sys.version_info >= (3, 10))'], { encoding: 'utf8' });
  return probe.stdout?.trim() === 'True' ? python : undefined;
}

/** A CPython found on this machine: its executable (not a pyenv shim: those are slow to start) and version. */
export type CPython = { path: string; version: string };

// Free-threaded builds are left out: the talk, and its GIL demo, are about the standard build.
const PROBE = `import json, os, sys, sysconfig
print(json.dumps({"version": ".".join(map(str, sys.version_info[:3])), "executable": os.path.realpath(sys.executable),
  "cpython": sys.implementation.name == "cpython", "gil": not sysconfig.get_config_var("Py_GIL_DISABLED")}))`;

/**
 * Every standard-build CPython 3.10+ here: `PYTHON`, `python3` and pyenv's versions, one per
 * install, oldest first. The build and the tests compare the answer keys with each of them.
 */
export function findCPythons(): CPython[] {
  const where = `${process.env.PYTHON}\0${process.env.PYENV_ROOT}\0${process.env.PATH}`;
  if (found?.where !== where) found = { where, pythons: probeCPythons() };
  return found.pythons;
}

// Probing takes about a second: once per process (and per PYTHON, PYENV_ROOT and PATH).
let found: { where: string; pythons: CPython[] } | undefined;

function probeCPythons(): CPython[] {
  const pyenv = join(process.env.PYENV_ROOT || join(homedir(), '.pyenv'), 'versions');
  const tooOld = (name: string) => /^(?:2\.|3\.[0-9]\.)/.test(name);
  const installed = existsSync(pyenv) ? readdirSync(pyenv).filter((v) => !tooOld(v)).map((v) => join(pyenv, v, 'bin', 'python3')).filter(existsSync) : [];
  const found = new Map<string, CPython & { order: number[] }>();
  for (const path of [process.env.PYTHON, 'python3', ...installed]) {
    if (!path) continue;
    const probe = spawnSync(path, ['-c', PROBE], { encoding: 'utf8', timeout: 10_000 });
    if (probe.status !== 0) continue;
    const info = JSON.parse(probe.stdout) as { version: string; executable: string; cpython: boolean; gil: boolean };
    const order = info.version.split('.').map(Number);
    if (!info.cpython || !info.gil || order[0]! < 3 || (order[0] === 3 && order[1]! < 10) || found.has(info.executable)) continue;
    found.set(info.executable, { path: info.executable, version: info.version, order });
  }
  return [...found.values()].sort((a, b) => a.order[0]! - b.order[0]! || a.order[1]! - b.order[1]! || a.order[2]! - b.order[2]!).map(({ path, version }) => ({ path, version }));
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
