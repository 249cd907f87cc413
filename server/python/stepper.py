"""Runs a prediction's steps against a real generator and records what each one does.

Used two ways: loaded into Pyodide by the answer-key builder (server/python/answer-key.ts), and
as a script, `python3 stepper.py < job.json`, by the test that checks Pyodide against CPython.
"""
import contextlib
import inspect
import io
import json
import os
import sys
import types


def load(source, filename, setup):
    """Executes the example as a module (not __main__, so its demo code stays quiet), then setup."""
    namespace = {"__name__": "example", "__file__": filename}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(source, filename, "exec"), namespace)
        exec(compile(setup, "<setup>", "exec"), namespace)
    return namespace


def _innermost(gen):
    # `yield from` delegates: the line that matters is where the innermost generator waits.
    while isinstance(getattr(gen, "gi_yieldfrom", None), types.GeneratorType):
        gen = gen.gi_yieldfrom
    return gen


def _suspended_at(gen):
    frame = _innermost(gen).gi_frame
    if frame is None:
        return None
    return {"file": frame.f_code.co_filename, "line": frame.f_lineno, "function": frame.f_code.co_name}


def run_step(namespace, target, call):
    """One step: what it returned or raised, what it printed, and where the generator stands."""
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            value = eval(call, namespace)
        outcome = {"kind": "value", "repr": repr(value)}
    except StopIteration as stop:
        outcome = {"kind": "stop", "repr": repr(stop.value)}
    except KeyboardInterrupt:
        # The host interrupts a step that runs past its time limit.
        outcome = {"kind": "timeout"}
    except BaseException as error:  # GeneratorExit and friends are outcomes too
        outcome = {"kind": "raise", "type": type(error).__name__, "message": str(error)}
    gen = namespace.get(target)
    state = inspect.getgeneratorstate(gen) if isinstance(gen, types.GeneratorType) else None
    at = _suspended_at(gen) if state == "GEN_SUSPENDED" else None
    return {"call": call, "outcome": outcome, "state": state, "at": at, "printed": printed.getvalue()}


def _main():
    import signal

    job = json.load(sys.stdin)
    out, sys.stdout = sys.stdout, io.StringIO()
    namespace = load(job["source"], job["file"], job["setup"])

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGALRM, interrupt)
    records = []
    for call in job["steps"]:
        signal.setitimer(signal.ITIMER_REAL, job["timeoutMs"] / 1000)
        records.append(run_step(namespace, job["target"], call))
        signal.setitimer(signal.ITIMER_REAL, 0)
    out.write(json.dumps(records))
    out.flush()
    # No interpreter shutdown: a generator's `finally` printing on cleanup must not follow the JSON.
    os._exit(0)


if __name__ == "__main__":
    _main()
