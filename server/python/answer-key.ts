import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { DeckPrediction, StepRecord } from '../decks/types';
import type { SheetRow, Verdict } from '../protocol/predictions';

export const STEPPER_SOURCE = readFileSync(new URL('./stepper.py', import.meta.url), 'utf8');
const WORKER_URL = new URL('./pyodide-worker.mjs', import.meta.url);
/** After an interrupt, how long a step may take to stop before its worker is killed. */
const KILL_GRACE_MS = 2000;
const SIGINT = 2;

type Reply = { ok: true; record?: StepRecord; result?: unknown } | { ok: false; message: string };

/** One step's rows to grade against its executed outcome. */
export type GradeItem = { outcome: StepRecord['outcome']; printed: string; prints: boolean; rows: SheetRow[] };
export type GradeResult = { key: string; rows: { verdict: Verdict; label: string }[] };

/**
 * Runs predictions step by step in Pyodide (Python 3.14 from npm: the same on every machine), and
 * reads answers as Python literals (never executing them) to grade them by Python's equality.
 */
export type AnswerKeyRunner = {
  pythonVersion: string;
  run: (prediction: Pick<DeckPrediction, 'file' | 'setup' | 'target' | 'steps'>, source: string) => Promise<StepRecord[]>;
  grade: (items: GradeItem[]) => Promise<GradeResult[]>;
  /** Canonical labels of free answers (`15.0` -> `15`), so equal answers group together. */
  freeLabels: (texts: string[]) => Promise<string[]>;
  /** For each call, why it may not run as a what-if (null: it may). */
  checkCalls: (calls: string[], target: string) => Promise<(string | null)[]>;
  close: () => Promise<void>;
};

export class PredictionSetupError extends Error {}

function spawn(interrupt: SharedArrayBuffer): Promise<{ worker: Worker; pyVersion: string }> {
  const worker = new Worker(WORKER_URL, { workerData: { interrupt, stepper: STEPPER_SOURCE }, execArgv: [] });
  return new Promise((resolve, reject) => {
    worker.once('message', (msg: { pyVersion: string }) => resolve({ worker, pyVersion: msg.pyVersion }));
    worker.once('error', reject);
  });
}

export async function startAnswerKeyRunner(stepTimeoutMs = 2000): Promise<AnswerKeyRunner> {
  const interrupt = new SharedArrayBuffer(1);
  const flag = new Uint8Array(interrupt);
  const first = await spawn(interrupt);
  const pyVersion = first.pyVersion;
  let worker = first.worker;

  /** Sends one message; interrupts Python at the limit, kills and replaces the worker if it still hangs. */
  function request(message: object, limitMs: number): Promise<Reply | 'killed'> {
    return new Promise((resolve) => {
      const interruptTimer = setTimeout(() => (flag[0] = SIGINT), limitMs);
      const killTimer = setTimeout(async () => {
        worker.removeAllListeners('message');
        await worker.terminate();
        ({ worker } = await spawn(interrupt));
        flag[0] = 0;
        resolve('killed');
      }, limitMs + KILL_GRACE_MS);
      worker.once('message', (reply: Reply) => {
        clearTimeout(interruptTimer);
        clearTimeout(killTimer);
        flag[0] = 0;
        resolve(reply);
      });
      worker.postMessage(message);
    });
  }

  async function read<T>(op: 'grade' | 'free' | 'check', arg: unknown): Promise<T> {
    const reply = await request({ op, arg: JSON.stringify(arg) }, stepTimeoutMs);
    if (reply === 'killed' || !reply.ok) throw new Error(reply === 'killed' ? `${op} timed out` : reply.message);
    return reply.result as T;
  }

  async function runPrediction(prediction: Pick<DeckPrediction, 'file' | 'setup' | 'target' | 'steps'>, source: string): Promise<StepRecord[]> {
    const job = { source, file: prediction.file, setup: prediction.setup, target: prediction.target };
    const started = await request({ op: 'start', job }, stepTimeoutMs);
    if (started === 'killed' || !started.ok) {
      throw new PredictionSetupError(started === 'killed' ? 'loading the example timed out' : started.message);
    }
    const records: StepRecord[] = [];
    for (const call of prediction.steps) {
      const reply = await request({ op: 'step', call }, stepTimeoutMs);
      if (reply !== 'killed' && reply.ok && reply.record) {
        records.push(reply.record);
        continue;
      }
      // The session is gone with the worker: this step and the rest are reported, not run.
      for (const rest of prediction.steps.slice(records.length)) records.push({ call: rest, outcome: { kind: 'timeout' }, state: null, at: null, printed: '' });
      break;
    }
    return records;
  }

  // One worker holds one session: requests run one after another.
  let queue: Promise<unknown> = Promise.resolve();
  function enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = queue.then(task);
    queue = result.catch(() => undefined);
    return result;
  }
  return {
    pythonVersion: pyVersion,
    run: (prediction, source) => enqueue(() => runPrediction(prediction, source)),
    grade: (items) => enqueue(() => read<GradeResult[]>('grade', items)),
    freeLabels: (texts) => enqueue(() => read<string[]>('free', texts)),
    checkCalls: (calls, target) => enqueue(() => read<(string | null)[]>('check', calls.map((c) => [c, target]))),
    async close() {
      await queue;
      await worker.terminate();
    },
  };
}
