"""The learner's side of grading: one graded function run on its hidden cases, in the learner's own kernel.

The grader (utils.grading.grader) hands over a ``Job``: the notebook's first cell, the reference versions of
the graded functions the function may call (so that a broken earlier function costs only its own points),
the expected signature and the cases. Nothing here holds the function's own reference solution, an expected
result or a comparison: ``run`` writes what the function returned (utils.grading.results) and what went
wrong, and the grader, in another process, judges them. A function fails here if its cell raises, deletes or
redefines a name the first cell provides, changes the function's signature, prints more than PRINT_LIMIT
characters, or raises on a case.
"""

import contextlib
import dataclasses
import inspect
import io
import json
from collections.abc import Callable
from pathlib import Path

from utils.core.environment import seed_everything
from utils.grading.results import encode

PRINT_LIMIT = 1_000_000
REPORT_NAME = "report.json"
_MISSING = object()


@dataclasses.dataclass
class Job:
    """What the learner's kernel needs to run one graded function on its hidden cases."""

    name: str
    first_cell: str  # the course notebook's first code cell: the names the graded cells may use
    dependencies: dict[str, Callable]  # reference versions of the graded functions before this one
    signature: str  # the reference's signature, as signature_of writes it
    cases: list  # utils.grading.cases.Case objects
    outcome: Callable  # outcome(function, args, kwargs): what is compared
    seed: int


class _CappedWriter(io.TextIOBase):
    """Counts what is written and keeps nothing: a learner's prints cannot flood the grader."""

    def __init__(self):
        self.characters = 0

    def write(self, text):
        self.characters += len(text)
        return len(text)


@contextlib.contextmanager
def captured_prints():
    """Stdout and stderr counted, not kept: ``with captured_prints() as prints: ...; prints.characters``."""
    writer = _CappedWriter()
    with contextlib.redirect_stdout(writer), contextlib.redirect_stderr(writer):
        yield writer


def signature_of(function: Callable) -> str:
    """``(X, pad=2, model=...)``: names, kinds and plain defaults (a default object shows as ``...``)."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return "(?)"
    plain = (int, float, str, bool, type(None), tuple)
    parameters = [
        parameter.replace(
            annotation=inspect.Parameter.empty,
            default=(
                parameter.default
                if parameter.default is inspect.Parameter.empty or isinstance(parameter.default, plain)
                else ...
            ),
        )
        for parameter in signature.parameters.values()
    ]
    return str(signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty))


def run(job: Job, source: str | None, results_dir: str | Path, keep_going: Callable | None = None) -> str | None:
    """Run the learner's cell ``source`` and its function on the job's cases; write each case's outcome as
    ``case_<n>`` in ``results_dir``. Returns what went wrong (a one-line reason), or None.

    ``keep_going(n)``, if given, is asked after case n: grading in one process stops at the first wrong case.
    """
    namespace = {"__name__": "__learner__"}
    with captured_prints():
        exec(compile(job.first_cell, "<first cell>", "exec"), namespace)
    provided = {name: value for name, value in namespace.items() if not name.startswith("__")}
    namespace.update(job.dependencies)
    problem = _run_cell(job.name, source, namespace, provided)
    if problem:
        return problem
    function = namespace.get(job.name)
    if not callable(function):
        return f"its cell does not define a function {job.name}()"
    if signature_of(function) != job.signature:
        return f"its signature changed: expected {job.name}{job.signature}, found {job.name}{signature_of(function)}"
    for number, case in enumerate(job.cases, 1):
        where = f"hidden case {number} of {len(job.cases)}"
        seed_everything(job.seed)
        try:
            with captured_prints() as prints:
                outcome = job.outcome(function, *case.arguments())
        except KeyboardInterrupt:
            raise
        except NotImplementedError:
            return "raises NotImplementedError: replace the placeholder with your code"
        except BaseException as error:
            return f"{where} raised {type(error).__name__}: {error}"
        if prints.characters > PRINT_LIMIT:
            return f"{where} printed {prints.characters:,} characters (limit {PRINT_LIMIT:,})"
        encode(outcome, results_dir, f"case_{number}")
        if keep_going is not None and not keep_going(number):
            break
    return None


def _run_cell(name, source, namespace, provided):
    """Run the learner's cell of ``name``; return what went wrong, if anything."""
    if source is None:
        return f"no cell starting '# GRADED FUNCTION: {name}' was found"
    problem = None
    try:
        with captured_prints() as prints:
            exec(compile(source, f"<cell of {name}>", "exec"), namespace)
    except KeyboardInterrupt:
        raise
    except BaseException as error:
        return f"running its cell raised {type(error).__name__}: {error}"
    if prints.characters > PRINT_LIMIT:
        problem = f"running its cell printed {prints.characters:,} characters (limit {PRINT_LIMIT:,})"
    changed = sorted(key for key, value in provided.items() if namespace.get(key, _MISSING) is not value)
    if changed:
        problem = (
            f"its cell deletes or redefines {', '.join(changed)}, which the notebook's first cell "
            "provides; leave those names alone"
        )
    return problem


def run_job(job_file: str | Path, sources_file: str | Path, results_dir: str | Path) -> None:
    """``run`` a job the grader wrote, with the learner's cells from ``sources_file``; the report (what went
    wrong, if anything) goes to ``results_dir``/report.json. What the learner's kernel runs."""
    import cloudpickle

    job = cloudpickle.loads(Path(job_file).read_bytes())
    sources = json.loads(Path(sources_file).read_text())
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    try:
        problem = run(job, sources.get(job.name), results_dir)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # the learner's code may break anything, the harness included
        problem = f"grading raised {type(error).__name__}: {error}"
    (results_dir / REPORT_NAME).write_text(json.dumps({"problem": problem}))
