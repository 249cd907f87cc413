"""Runs a prediction's steps against a real generator and records what each one does, and grades
what students predicted by Python's own semantics.

Used two ways: loaded into Pyodide by the answer-key builder and the server's grader
(server/python/answer-key.ts), and as a script, `python3 stepper.py < job.json`, by the test
that checks Pyodide against CPython. Nothing a student types is executed: answers are read
with ast.literal_eval, which only builds literals.
"""
import ast
import builtins
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


MAX_ANSWER = 200


def _label(value):
    """A canonical spelling, so answers that Python calls equal read the same: 15.0 -> 15."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return repr(int(value))
    if isinstance(value, tuple):
        inner = ", ".join(_label(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(_label(v) for v in value) + "]"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(_label(v) for v in value)) + "}" if value else "set()"
    if isinstance(value, dict):
        return "{" + ", ".join(sorted(f"{_label(k)}: {_label(v)}" for k, v in value.items())) + "}"
    return repr(value)


def _literal(text):
    """(True, value) when text is a Python literal, else (False, None). Never evaluates code."""
    try:
        return True, ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


def _exception_call(text):
    """`ValueError`, `ValueError()` or `StopIteration(5)`: (name, args) for an exception-like name, else None."""
    try:
        node = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    args = []
    if isinstance(node, ast.Call) and not node.keywords:
        node, args = node.func, node.args
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
    if not name or not name[0].isupper() or name in ("None", "True", "False"):
        return None
    return name, args


def _answer(kind, text):
    """What an answer says: {kind, label, literal, value}; kind '' with no text is blank."""
    text = str(text or "").strip()
    if len(text) > MAX_ANSWER:
        return {"kind": kind or "value", "label": text[:MAX_ANSWER] + "…", "literal": False, "value": None}
    if not kind and not text:
        return {"kind": "", "label": "", "literal": False, "value": None}
    kind = kind or "value"
    if kind == "raise":
        call = _exception_call(text)
        if call and call[0] == "StopIteration":
            return free_answer(text)
        return {"kind": "raise", "label": call[0] if call else text, "literal": False, "value": None}
    if kind == "stop" and text in ("", "StopIteration", "StopIteration()"):
        return {"kind": "stop", "label": "StopIteration", "literal": True, "value": None}
    is_literal, value = _literal(text)
    label = _label(value) if is_literal else text
    if kind == "stop":
        label = "StopIteration" if is_literal and value is None else f"StopIteration({label})"
    return {"kind": kind, "label": label, "literal": is_literal, "value": value}


def free_answer(text):
    """A one-line answer typed into a poll: a literal value, StopIteration(v), or an exception name."""
    text = str(text or "").strip()
    if _literal(text)[0]:
        return _answer("value", text)
    call = _exception_call(text)
    if call and call[0] == "StopIteration":
        arg = call[1][0] if call[1] else None
        return _answer("stop", ast.unparse(arg) if arg is not None else "")
    if call:
        return _answer("raise", call[0])
    return _answer("value", text)


def key_answer(outcome):
    """The executed outcome, read the same way as a student's answer."""
    kind = outcome["kind"]
    if kind == "raise":
        return {"kind": "raise", "label": outcome["type"], "literal": False, "value": None}
    if kind in ("value", "stop"):
        return _answer(kind, outcome["repr"])
    return {"kind": "timeout", "label": "did not finish", "literal": False, "value": None}


def same_answer(a, b):
    if a["kind"] != b["kind"]:
        return False
    if a["literal"] and b["literal"]:
        try:
            return bool(a["value"] == b["value"])
        except Exception:
            return False
    return a["label"] == b["label"]


def _printed(text):
    return "\n".join(line.rstrip() for line in str(text or "").strip("\n").splitlines())


def grade(item):
    """One step for many rows: each row's verdict (right, wrong, blank) and its canonical label."""
    key = key_answer(item["outcome"])
    results = []
    for row in item["rows"]:
        answer = _answer(row.get("kind", ""), row.get("value", ""))
        if not answer["kind"]:
            results.append({"verdict": "blank", "label": ""})
            continue
        right = same_answer(answer, key) and (not item["prints"] or _printed(row.get("prints")) == _printed(item["printed"]))
        results.append({"verdict": "right" if right else "wrong", "label": answer["label"]})
    return {"key": key["label"], "rows": results}


def grade_json(items_json):
    return json.dumps([grade(item) for item in json.loads(items_json)])


def free_json(texts_json):
    return json.dumps([free_answer(t)["label"] for t in json.loads(texts_json)])


def check_call(call, target):
    """A presenter's what-if step: the deck's four calls on the target, with literal arguments only."""
    try:
        node = ast.parse(call, mode="eval").body
    except SyntaxError:
        return "not Python"
    if not isinstance(node, ast.Call) or node.keywords:
        return "not a call"
    func = node.func
    if isinstance(func, ast.Name) and func.id == "next":
        ok = len(node.args) == 1 and isinstance(node.args[0], ast.Name) and node.args[0].id == target
        return None if ok else f"next takes just {target}"
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == target):
        return f"call next({target}), {target}.send, {target}.throw or {target}.close"
    if func.attr == "close":
        return None if not node.args else "close takes no argument"
    if func.attr == "send":
        return None if len(node.args) == 1 and _literal(ast.unparse(node.args[0]))[0] else "send takes one literal value"
    if func.attr == "throw" and len(node.args) == 1:
        arg = node.args[0]
        exc = arg.func if isinstance(arg, ast.Call) and not arg.keywords else arg
        args = arg.args if isinstance(arg, ast.Call) else []
        builtin = isinstance(exc, ast.Name) and isinstance(getattr(builtins, exc.id, None), type) and issubclass(getattr(builtins, exc.id), BaseException)
        if builtin and all(_literal(ast.unparse(a))[0] for a in args):
            return None
        return "throw takes a built-in exception, with literal arguments"
    return f"call next({target}), {target}.send, {target}.throw or {target}.close"


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
