"""The autograder: scores a learner's notebook on hidden test cases.

    python -m utils.grading.autograde student/week1/Convolution_model_Step_by_Step.ipynb
    python -m utils.grading.autograde MY_COPY.ipynb --course-notebook week1/Convolution_model_Step_by_Step.ipynb

It reads the learner's graded cells (found by their nbgrader ids or their ``# GRADED FUNCTION: name`` first
line) and grades one function per cell, each within ``--timeout`` seconds, with the hidden cases of
tests/hidden/. Two kernels take part. The grader's kernel (utils.grading.grader) holds the reference solutions
and computes every expected result before any learner's code runs; it judges. The learner's kernel
(utils.grading.learner_kernel) runs the learner's cell and function, with the reference versions of the
functions it calls, and hands back plain data only; where Linux allows it runs in a sandbox
(utils.grading.sandbox) that cannot read the solutions or hidden cases, reach the grader or keep files.
A function that raises, runs too long, crashes its kernel, prints megabytes, deletes or redefines a provided
name or changes its signature loses its own points with a one-line reason; the others are still graded. It
prints a score table and exits with 0 only for full marks; ``--json`` prints the rows as JSON instead (for
utils.grading.batch). The rest of the notebook (training, plots) is not run: it earns no points.
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
from utils.grading import notebook_cells, sandbox

PROG = "python -m utils.grading.autograde"  # how its messages name it
SETUP_TIMEOUT = 300
LEARNER_SETUP = "from utils.grading.learner_kernel import run_job as _run_job"
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

    def __init__(self, cwd: Path, sandbox_scratch: Path | None = None) -> None:
        # The mark finds every process the kernel starts, even one that left its process group.
        self.mark = new_kernel_mark()
        environment = dict(os.environ, CNN_COURSE_MODE="quick", **{KERNEL_MARK_VARIABLE: self.mark})
        self.manager = (
            sandbox.SandboxedKernelManager(sandbox_scratch) if sandbox_scratch else CurrentEnvironmentKernelManager()
        )
        try:
            # The kernel's own stdout/stderr carry only start-up warnings; results come over its channels.
            self.manager.start_kernel(
                cwd=str(cwd), env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            self.client = self.manager.client()
            self.client.start_channels()
            self.client.wait_for_ready(timeout=120)
        except BaseException:  # a failed start, or Ctrl-C while it starts (batch grading stops workers any time)
            stop_marked_processes(self.mark)
            raise

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

    def kill(self) -> None:
        """Stop the kernel and all it started without its manager: after Ctrl-C, which may have landed inside
        jupyter_client's event loop, the manager's own shutdown can hang (seen under load)."""
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
    # Absolute: the grader's kernel runs in the course notebook's folder, not in ours.
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
        scratch = Path(scratch)
        (scratch / "sources.json").write_text(json.dumps(sources))
        verdicts = _grade_in_kernels(course_path, names, scratch, timeout, log)
    return [{"name": name, "points": points.get(name, 0), "scored": points.get(name, 0) if passed else 0,
             "reason": reason} for name, (passed, reason) in verdicts.items()]  # fmt: skip


def isolation() -> str:
    """How the learner's code is kept apart from the grader on this machine, in one line."""
    if sandbox.available():
        return "the learner's code ran in a sandbox: no solutions or hidden cases in sight, no reach to the grader"
    return ("the learner's code ran in a kernel of its own, but not in a sandbox (Linux namespaces are not "
            "available here): it could read this repository's files and signal the grader")  # fmt: skip


def _grade_in_kernels(course_path, names, scratch, timeout, log):
    """``{name: (passed, reason)}``, each function graded in the learner's kernel and judged in the grader's."""
    grader = Kernel(course_path.parent)
    learner = None
    verdicts = {}
    interrupted = False
    try:
        setup = f"from utils.grading.grader import Grader\n_grader = Grader({str(course_path)!r})"
        _ok(grader.run(setup, SETUP_TIMEOUT), "starting the grader")
        work = scratch / "work"
        work.mkdir()
        learner = Kernel(work, sandbox_scratch=scratch if sandbox.available() else None)
        _ok(learner.run(LEARNER_SETUP, SETUP_TIMEOUT), "starting the learner's kernel")
        for name in names:
            log(f"grading {name} ...")
            job, results, verdict = scratch / f"{name}.job", scratch / f"{name}.results", scratch / f"{name}.json"
            _ok(grader.run(f"_grader.write_job({name!r}, {str(job)!r})", SETUP_TIMEOUT), "writing the job")
            status, output = learner.run(f"_run_job({str(job)!r}, {str(scratch / 'sources.json')!r}, "
                                         f"{str(results)!r})", timeout)  # fmt: skip
            job.unlink()
            if status == "ok":
                judge = f"_grader.judge_to_file({name!r}, {str(results)!r}, {str(verdict)!r})"
                _ok(grader.run(judge, SETUP_TIMEOUT), "judging")
                outcome = json.loads(verdict.read_text())
                verdicts[name] = (outcome["passed"], outcome["reason"])
                continue
            verdicts[name] = (False, {
                "timeout": f"did not finish within {timeout} s (an endless loop?)",
                "dead": "the kernel died while grading it (a crash, an exit or too much memory)",
            }.get(status, f"grading failed: {output.strip()[-300:]}"))  # fmt: skip
            learner.restart()
            _ok(learner.run(LEARNER_SETUP, SETUP_TIMEOUT), "restarting the learner's kernel")
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        for kernel in (grader, learner):
            if kernel is not None and interrupted:
                kernel.kill()
            elif kernel is not None:
                kernel.shutdown()
    return verdicts


def _ok(result, what):
    """Fail loudly when the grader's own step (not the learner's code) did not run."""
    status, output = result
    if status != "ok":
        raise RuntimeError(f"{what} failed ({status}): {output.strip()[-2000:]}")


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
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", type=Path, help="the learner's notebook")
    parser.add_argument("--course-notebook", type=Path, help="the course notebook it answers (default: by name)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds allowed per graded function")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON, progress on stderr")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    progress = sys.stderr if args.json else sys.stdout
    try:
        rows = autograde(args.notebook, args.course_notebook, args.timeout,
                         log=lambda line: print(line, file=progress, flush=True))  # fmt: skip
    except CourseError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # the kernels, and all they started, were stopped on the way out
        print(f"{parser.prog}: stopped (Ctrl-C); nothing was graded", file=sys.stderr)
        return 130
    if args.json:
        print(json.dumps(rows))
    else:
        print(score_table(rows, time.perf_counter() - start))
        print(isolation())
    return 0 if all(row["scored"] == row["points"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
