// Pyodide in a worker thread, so the main thread can interrupt a step that runs too long.
// Plain JavaScript: a worker runs outside the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPyodide } from 'pyodide';

// Pyodide finds its files from a stack trace unless told; loaders (tsx, vitest) confuse that.
const pyodide = await loadPyodide({ indexURL: `${dirname(fileURLToPath(import.meta.resolve('pyodide')))}/` });
pyodide.setInterruptBuffer(new Uint8Array(workerData.interrupt));
pyodide.FS.writeFile('/home/pyodide/stepper.py', workerData.stepper);
pyodide.runPython('import sys; sys.path.insert(0, "/home/pyodide"); import stepper, json');
const pyVersion = pyodide.runPython('import sys; sys.version.split()[0]');

// One prediction at a time: `start` loads the example and setup, `step` runs one call; `grade`,
// `free` and `check` read students' and presenters' answers without running them.
const READERS = { grade: 'stepper.grade_json(arg)', free: 'stepper.free_json(arg)', check: 'json.dumps([stepper.check_call(c, t) for c, t in json.loads(arg)])' };
parentPort.on('message', ({ op, job, call, arg }) => {
  try {
    if (op in READERS) {
      pyodide.globals.set('arg', arg);
      parentPort.postMessage({ ok: true, result: JSON.parse(pyodide.runPython(READERS[op])) });
    } else if (op === 'start') {
      pyodide.globals.set('job_json', JSON.stringify(job));
      pyodide.runPython('job = json.loads(job_json); session = stepper.load(job["source"], job["file"], job["setup"])');
      parentPort.postMessage({ ok: true });
    } else {
      pyodide.globals.set('call', call);
      parentPort.postMessage({ ok: true, record: JSON.parse(pyodide.runPython('json.dumps(stepper.run_step(session, job["target"], call))')) });
    }
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error.message ?? error).trim().split('\n').at(-1) });
  }
});
parentPort.postMessage({ ready: true, pyVersion });
