"""The autograder: scores a learner's notebook on hidden test cases.

    python -m utils.grading.autograde student/week1/Convolution_model_Step_by_Step.ipynb
    python -m utils.grading.autograde MY_COPY.ipynb --course-notebook week1/Convolution_model_Step_by_Step.ipynb

It reads the learner's graded cells (found by their nbgrader ids or their
``# GRADED FUNCTION: name`` first line), starts a fresh kernel, and grades one
function per cell, each within ``--timeout`` seconds, with the hidden cases of
tests/hidden/ (see utils/grading/grader.py). A function that raises, runs too long,
crashes the kernel, prints megabytes, deletes or redefines a provided name or
changes its signature loses its points with a one-line reason; the others are
still graded. It prints a score table and exits with 0 only for full marks.
The rest of the notebook (training, plots) is not run: it earns no points.
"""

import argparse
import json
import os
import queue
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from utils.core.errors import CourseError
from utils.core.kernels import (
    KERNEL_MARK_VARIABLE,
    CurrentEnvironmentKernelManager,
    new_kernel_mark,
    stop_marked_processes,
)
from utils.core.paths import NOTEBOOKS, REPO_ROOT
from utils.grading import notebook_cells

SETUP_TIMEOUT = 300
OUTPUT_LIMIT = 20_000  # characters of kernel output kept for a message


def course_notebook_for(learner_path: str | Path) -> Path:
    """The course notebook with the same file name as ``learner_path``; CourseError if there is none."""
    matches = [path for path in NOTEBOOKS if Path(path).name == Path(learner_path).name]
    if not matches:
        names = "\n  ".join(Path(path).name for path in NOTEBOOKS)
        raise CourseError(
            f"{learner_path}: not a course notebook name; pass --course-notebook, or use one of:\n  " + names
        )
    return REPO_ROOT / matches[0]


class Kernel:
    """A kernel that runs code with a time limit, and is restarted when it hangs or dies."""

    def __init__(self, cwd: Path) -> None:
        # The mark finds every process the kernel starts, even one that left its process group.
        self.mark = new_kernel_mark()
        environment = dict(os.environ, CNN_COURSE_MODE="quick", **{KERNEL_MARK_VARIABLE: self.mark})
        self.manager = CurrentEnvironmentKernelManager()
        # The kernel's own stdout/stderr carry only start-up warnings; results come over its channels.
        self.manager.start_kernel(cwd=str(cwd), env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=120)

    def run(self, code: str, timeout: float) -> tuple[str, str]:
        """``(status, output)``: status is "ok", "error", "timeout" or "dead"."""
        message_id = self.client.execute(code, store_history=False)
        deadline = time.monotonic() + timeout
        output, status = [], "ok"
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return self._interrupt(), "".join(output)
            try:
                message = self.client.get_iopub_msg(timeout=min(remaining, 1.0))
            except queue.Empty:
                if not self.manager.is_alive():
                    return "dead", "".join(output)
                continue
            if message["parent_header"].get("msg_id") != message_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream" and sum(map(len, output)) < OUTPUT_LIMIT:
                output.append(content["text"])
            elif kind == "error":
                status = "error"
                output.append(f"{content['ename']}: {content['evalue']}\n")
            elif kind == "status" and content["execution_state"] == "idle":
                return status, "".join(output)

    def _interrupt(self) -> str:
        """Interrupt a cell that ran out of time; restart the kernel if it does not stop."""
        self.manager.interrupt_kernel()
        probe = self.client.execute("pass", store_history=False)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                reply = self.client.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if reply["parent_header"].get("msg_id") == probe:
                return "timeout"
        self.restart()
        return "timeout"

    def restart(self) -> None:
        stop_marked_processes(self.mark)
        self.manager.restart_kernel(now=True)
        self.client.wait_for_ready(timeout=120)

    def shutdown(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)
        stop_marked_processes(self.mark)


Row = dict[str, Any]  # one graded function: name, points, scored, reason


def autograde(
    learner_path: str | Path,
    course_path: str | Path | None = None,
    timeout: int = 60,
    log: Callable[[str], None] = print,
) -> list[Row]:
    """Grade every graded function; return rows ``{name, points, scored, reason}``.

    A learner's notebook or a course notebook that is missing or unreadable raises CourseError.
    """
    # Absolute: the grading kernel runs in the course notebook's folder, not in ours.
    course_path = Path(course_path).resolve() if course_path else course_notebook_for(learner_path)
    if not course_path.is_file():
        raise CourseError(
            f"{course_path} does not exist: pass --course-notebook the course's notebook, "
            "e.g. week1/Convolution_model_Step_by_Step.ipynb"
        )
    names = list(notebook_cells.graded_cells(course_path))
    points = notebook_cells.points(course_path)
    sources = notebook_cells.learner_cells(learner_path, names)
    with tempfile.TemporaryDirectory(prefix="autograde-") as scratch:
        sources_file, result_file = Path(scratch) / "sources.json", Path(scratch) / "result.json"
        sources_file.write_text(json.dumps(sources))
        return [
            {
                "name": name,
                "points": points.get(name, 0),
                "scored": points.get(name, 0) if passed else 0,
                "reason": reason,
            }
            for name, passed, reason in _grade_in_kernel(course_path, names, sources_file, result_file, timeout, log)
        ]


def _grade_in_kernel(course_path, names, sources_file, result_file, timeout, log):
    """``(name, passed, reason)`` for each function, graded one at a time in a fresh kernel."""
    setup = f"from utils.grading.grader import Grader\n_grader = Grader({str(course_path)!r})"
    kernel = Kernel(course_path.parent)
    results = []
    try:
        status, output = kernel.run(setup, SETUP_TIMEOUT)
        if status != "ok":
            raise RuntimeError(f"the grader could not start ({status}): {output.strip()[-2000:]}")
        for name in names:
            log(f"grading {name} ...")
            result_file.unlink(missing_ok=True)
            status, output = kernel.run(
                f"_grader.report({name!r}, {str(sources_file)!r}, {str(result_file)!r})", timeout
            )
            if status == "ok" and result_file.exists():
                result = json.loads(result_file.read_text())
            else:
                result = {
                    "passed": False,
                    "reason": {
                        "timeout": f"did not finish within {timeout} s (an endless loop?)",
                        "dead": "the kernel died while grading it (a crash, an exit or too much memory)",
                    }.get(status, f"grading failed: {output.strip()[-300:]}"),
                }
                if status != "ok":
                    if status == "dead":
                        kernel.restart()
                    kernel.run(setup, SETUP_TIMEOUT)
            results.append((name, result["passed"], result["reason"]))
    finally:
        kernel.shutdown()
    return results


def score_table(rows: list[Row], seconds: float) -> str:
    width = max(len("function"), *(len(row["name"]) for row in rows))
    lines = [f"{'function':<{width}}  points  result  reason"]
    for row in rows:
        result = "pass" if row["scored"] == row["points"] else "FAIL"
        lines.append(f"{row['name']:<{width}}  {row['scored']:>2}/{row['points']:<3}  {result:<6}  {row['reason']}")
    scored, total = sum(row["scored"] for row in rows), sum(row["points"] for row in rows)
    lines.append(f"score {scored}/{total} in {seconds:.1f} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m utils.grading.autograde", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", type=Path, help="the learner's notebook")
    parser.add_argument("--course-notebook", type=Path, help="the course notebook it answers (default: by name)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds allowed per graded function")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        rows = autograde(args.notebook, args.course_notebook, args.timeout, log=lambda line: print(line, flush=True))
    except CourseError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 2
    print(score_table(rows, time.perf_counter() - start))
    return 0 if all(row["scored"] == row["points"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
