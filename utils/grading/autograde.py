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
from pathlib import Path

import nbformat

from utils.core.paths import NOTEBOOKS, REPO_ROOT
from utils.grading.notebook_cells import GRADED_MARKER, graded_cells
from utils.runner.run import CurrentEnvironmentKernelManager

SETUP_TIMEOUT = 300
OUTPUT_LIMIT = 20_000  # characters of kernel output kept for a message


def course_notebook_for(learner_path):
    """The course notebook with the same file name as ``learner_path``."""
    matches = [path for path in NOTEBOOKS if Path(path).name == Path(learner_path).name]
    if not matches:
        names = "\n  ".join(Path(path).name for path in NOTEBOOKS)
        raise SystemExit(f"{learner_path}: not a course notebook name; pass --course-notebook, or use one of:\n  "
                         + names)
    return REPO_ROOT / matches[0]


def learner_cells(learner_path, names):
    """``{name: source}`` of the learner's graded cells."""
    try:
        notebook = nbformat.read(learner_path, as_version=4)
    except FileNotFoundError:
        raise SystemExit(f"{learner_path} does not exist.") from None
    except Exception as error:  # nbformat raises several kinds on broken JSON
        raise SystemExit(f"{learner_path} is not a readable notebook ({type(error).__name__}: {error}). "
                         "Restore it from a checkpoint (File > Revert) or a fresh student copy.") from None
    sources = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        first_line = cell.source.split("\n", 1)[0].strip()
        header = first_line[len(GRADED_MARKER):].strip() if first_line.startswith(GRADED_MARKER) else None
        for name in (grade_id, header):
            if name in names and name not in sources:
                sources[name] = cell.source
    return sources


def points_of(course_path):
    """``{function name: points}`` from the nbgrader metadata of the course notebook's test cells."""
    notebook = nbformat.read(course_path, as_version=4)
    points = {}
    for cell in notebook.cells:
        metadata = cell.metadata.get("nbgrader", {})
        if metadata.get("grade") and metadata.get("grade_id", "").endswith("_test"):
            points[metadata["grade_id"][: -len("_test")]] = metadata.get("points", 0)
    return points


class Kernel:
    """A kernel that runs code with a time limit, and is restarted when it hangs or dies."""

    def __init__(self, cwd):
        environment = dict(os.environ, CNN_COURSE_MODE="quick")
        self.manager = CurrentEnvironmentKernelManager()
        # The kernel's own stdout/stderr carry only start-up warnings; results come over its channels.
        self.manager.start_kernel(cwd=str(cwd), env=environment, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=120)

    def run(self, code, timeout):
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

    def _interrupt(self):
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

    def restart(self):
        self.manager.restart_kernel(now=True)
        self.client.wait_for_ready(timeout=120)

    def shutdown(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def autograde(learner_path, course_path=None, timeout=60, log=print):
    """Grade every graded function; return rows ``{name, points, scored, reason}``."""
    # Absolute: the grading kernel runs in the course notebook's folder, not in ours.
    course_path = Path(course_path).resolve() if course_path else course_notebook_for(learner_path)
    if not course_path.is_file():
        raise SystemExit(f"{course_path} does not exist: pass --course-notebook the course's notebook, "
                         "e.g. week1/Convolution_model_Step_by_Step.ipynb")
    names = list(graded_cells(course_path))
    points = points_of(course_path)
    sources = learner_cells(learner_path, names)
    scratch = Path(tempfile.mkdtemp(prefix="autograde-"))
    sources_file, result_file = scratch / "sources.json", scratch / "result.json"
    sources_file.write_text(json.dumps(sources))
    setup = f"from utils.grading.grader import Grader\n_grader = Grader({str(course_path)!r})"
    kernel = Kernel(course_path.parent)
    rows = []
    try:
        status, output = kernel.run(setup, SETUP_TIMEOUT)
        if status != "ok":
            raise RuntimeError(f"the grader could not start ({status}): {output.strip()[-2000:]}")
        for name in names:
            log(f"grading {name} ...")
            result_file.unlink(missing_ok=True)
            status, output = kernel.run(f"_grader.report({name!r}, {str(sources_file)!r}, {str(result_file)!r})",
                                        timeout)
            if status == "ok" and result_file.exists():
                result = json.loads(result_file.read_text())
            else:
                result = {"passed": False, "reason": {
                    "timeout": f"did not finish within {timeout} s (an endless loop?)",
                    "dead": "the kernel died while grading it (a crash, an exit or too much memory)",
                }.get(status, f"grading failed: {output.strip()[-300:]}")}
                if status != "ok":
                    if status == "dead":
                        kernel.restart()
                    kernel.run(setup, SETUP_TIMEOUT)
            rows.append({"name": name, "points": points.get(name, 0),
                         "scored": points.get(name, 0) if result["passed"] else 0, "reason": result["reason"]})
    finally:
        kernel.shutdown()
    return rows


def score_table(rows, seconds):
    width = max(len("function"), *(len(row["name"]) for row in rows))
    lines = [f"{'function':<{width}}  points  result  reason"]
    for row in rows:
        result = "pass" if row["scored"] == row["points"] else "FAIL"
        lines.append(f"{row['name']:<{width}}  {row['scored']:>2}/{row['points']:<3}  {result:<6}  {row['reason']}")
    scored, total = sum(row["scored"] for row in rows), sum(row["points"] for row in rows)
    lines.append(f"score {scored}/{total} in {seconds:.1f} s")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m utils.grading.autograde", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", type=Path, help="the learner's notebook")
    parser.add_argument("--course-notebook", type=Path, help="the course notebook it answers (default: by name)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds allowed per graded function")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    rows = autograde(args.notebook, args.course_notebook, args.timeout, log=lambda line: print(line, flush=True))
    print(score_table(rows, time.perf_counter() - start))
    return 0 if all(row["scored"] == row["points"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
