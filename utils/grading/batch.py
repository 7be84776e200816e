"""Batch grading: a folder of submissions in, one CSV of points out, graded in parallel by the autograder.

    python -m utils.grading.batch SUBMISSIONS --output grades.csv [--jobs N] [--timeout 60]

SUBMISSIONS holds a folder per learner, with the learner's notebooks in it or in a folder per assignment, as
nbgrader's exchange collects them into ``submitted/``:

    SUBMISSIONS/<learner>/<notebook>.ipynb
    SUBMISSIONS/<learner>/<assignment>/<notebook>.ipynb

A notebook is graded against the course notebook of the same file name by the course's autograder
(``python -m utils.grading.autograde --json``), started for each submission as a process of its own, in a
session of its own (signals for one reach no other), with its own grader and learner kernels and its own
temporary folder, deleted afterwards. ``--jobs`` of them run at once. Where the sandbox works
(utils.grading.sandbox), a submission's code can write only its own scratch folder and see only its own
processes, so it cannot change another's rows, nor the CSV, which only this process writes.

The CSV has a row per graded function: learner, notebook (its path in the learner's folder), function,
points, max_points and the autograder's one-line reason. A file that cannot be graded gets rows with no points
and the reason instead: a notebook that is unreadable or not a course notebook's name, any other file (but
nbgrader's timestamp.txt), a learner's folder with nothing in it. Rows are sorted by learner and notebook, and
the CSV is rewritten after each submission, so Ctrl-C (which stops every worker and its kernels) keeps the
rows finished so far. Progress goes to stderr; the end prints how many were graded, in what time, and the
rate in submissions per minute.
"""

import argparse
import csv
import dataclasses
import functools
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any, TextIO

import psutil

from utils.core.errors import CourseError
from utils.core.paths import NOTEBOOKS
from utils.grading import autograde, notebook_cells, sandbox

PROG = "python -m utils.grading.batch"
COLUMNS = ("learner", "notebook", "function", "points", "max_points", "reason")
# A worker's two TensorFlow kernels and its autograder took 3.5 GB on Step_by_Step: more workers than memory
# allows would have kernels killed for memory, which costs learners their points.
MEMORY_PER_JOB = 4 * 2**30
STOP_GRACE = 60  # seconds a worker has after Ctrl-C to stop its kernels before it is killed
NBGRADER_TIMESTAMP = "timestamp.txt"  # written by nbgrader's exchange next to each submitted notebook

CsvRow = dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Submission:
    """One file in a learner's folder; ``course`` is the course notebook it answers, ``problem`` says why there
    is none."""

    learner: str
    notebook: str  # its path inside the learner's folder, as the CSV names it
    path: Path
    course: Path | None = None
    problem: str = ""


def find_submissions(folder: Path, skip: Path | None = None) -> list[Submission]:
    """Every file under ``folder`` (hidden files and folders, nbgrader's timestamps and ``skip`` left out), and
    every empty learner's folder, in order; CourseError if ``folder`` is not a folder or holds nothing."""
    if not folder.is_dir():
        raise CourseError(f"{folder} is not a folder: give the folder that holds a folder per learner, "
                          "SUBMISSIONS/<learner>/<notebook>.ipynb")  # fmt: skip
    found = []
    for learner_folder in sorted(path for path in folder.iterdir() if not path.name.startswith(".")):
        if learner_folder.is_file():
            if learner_folder.resolve() != skip:
                problem = f"not in a learner's folder: move it to {folder}/<learner>/{learner_folder.name}"
                found.append(Submission("", learner_folder.name, learner_folder, problem=problem))
            continue
        files = [path for path in _files_under(learner_folder) if path.resolve() != skip]
        if not files:
            found.append(Submission(learner_folder.name, "", learner_folder, problem="nothing to grade in this folder"))
        found += [_submission(learner_folder, path) for path in files]
    if not found:
        raise CourseError(
            f"{folder} is empty: it should hold a folder per learner, {folder}/<learner>/<notebook>.ipynb"
        )
    return found


def _files_under(learner_folder: Path) -> list[Path]:
    files = []
    for root, folders, names in os.walk(learner_folder):
        folders[:] = [name for name in folders if not name.startswith(".")]  # .ipynb_checkpoints, .git, ...
        files += [Path(root, name) for name in names if not name.startswith(".") and name != NBGRADER_TIMESTAMP]
    return sorted(files)


def _submission(learner_folder: Path, path: Path) -> Submission:
    learner, notebook = learner_folder.name, path.relative_to(learner_folder).as_posix()
    if path.suffix != ".ipynb":
        return Submission(learner, notebook, path, problem="not a notebook (.ipynb): not graded")
    try:
        course = autograde.course_notebook_for(path)
    except CourseError:
        names = ", ".join(Path(course_path).name for course_path in NOTEBOOKS)
        return Submission(learner, notebook, path, problem=f"no course notebook has this name; the course's: {names}")
    if not course.is_file():
        return Submission(learner, notebook, path, problem=f"its course notebook, {course}, is not written yet")
    return Submission(learner, notebook, path, course=course)


def rows_of(submission: Submission, graded: list[autograde.Row] | None = None, problem: str = "") -> list[CsvRow]:
    """The CSV rows of a submission: what the autograder ``graded``, or else no points, for ``problem``."""
    where = {"learner": submission.learner, "notebook": submission.notebook}
    if graded is not None:
        return [{**where, "function": row["name"], "points": row["scored"], "max_points": row["points"],
                 "reason": row["reason"]} for row in graded]  # fmt: skip
    problem = problem or submission.problem
    if submission.course is None:
        return [{**where, "function": "", "points": 0, "max_points": 0, "reason": problem}]
    return [{**where, "function": name, "points": 0, "max_points": points, "reason": problem}
            for name, points in _course_points(submission.course).items()]  # fmt: skip


@functools.cache
def _course_points(course: Path) -> dict[str, int]:
    return notebook_cells.points(course)


def write_csv(path: Path, rows: list[CsvRow]) -> None:
    """Write ``rows`` to ``path`` through a temporary file, so that it always holds a whole table."""
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("w", newline="") as file:
        writer = csv.DictWriter(file, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(partial, path)


class Workers:
    """The autograder processes running now, so that Ctrl-C can stop them all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen] = set()
        self.stopping = False

    def run(self, command: list[str], folder: str) -> tuple[int, str, str] | None:
        """``(exit status, stdout, stderr)`` of ``command`` run in ``folder``, with its temporary files there;
        None if Ctrl-C came first."""
        with self._lock:
            if self.stopping:
                return None
            process = subprocess.Popen(
                command,
                cwd=folder,
                env=dict(os.environ, TMPDIR=folder),
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            self._running.add(process)
        out, err = process.communicate()
        with self._lock:
            self._running.discard(process)
        return None if self.stopping else (process.returncode, out, err)

    def stop(self) -> None:
        """Ctrl-C each worker, which stops its kernels and all they started (the autograder's own Ctrl-C); kill
        one that is still running ``STOP_GRACE`` seconds later."""
        with self._lock:
            self.stopping = True
            running = list(self._running)
        for process in running:
            if os.name == "posix":
                process.send_signal(signal.SIGINT)
            else:  # Windows has no SIGINT to send
                process.terminate()
        deadline = time.monotonic() + STOP_GRACE
        for process in running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()


@dataclasses.dataclass
class Outcome:
    """A submission's rows, and whether the autograder graded it (rather than a reason why not)."""

    rows: list[CsvRow]
    graded: bool

    def summary(self) -> str:
        if not self.graded:
            return f"not graded: {self.rows[0]['reason'][:80]}"
        return f"{sum(row['points'] for row in self.rows)}/{sum(row['max_points'] for row in self.rows)}"


def grade_one(submission: Submission, timeout: int, workspace: str, workers: Workers) -> Outcome | None:
    """A submission graded by an autograder process of its own; None if Ctrl-C stopped it."""
    command = [sys.executable, "-m", "utils.grading.autograde", str(submission.path.resolve()), "--json",
               "--course-notebook", str(submission.course), "--timeout", str(timeout)]  # fmt: skip
    # ignore_cleanup_errors: a learner's code may leave a file it made read-only; the workspace goes at the end.
    with tempfile.TemporaryDirectory(prefix="submission-", dir=workspace, ignore_cleanup_errors=True) as folder:
        result = workers.run(command, folder)
    if result is None:
        return None
    status, out, err = result
    if status in (0, 1):
        try:
            return Outcome(rows_of(submission, json.loads(out)), graded=True)
        except ValueError:
            problem = f"grading failed: the autograder printed no rows ({out[-200:]!r})"
            return Outcome(rows_of(submission, problem=problem), graded=False)
    message = " ".join(err.strip().splitlines()[-1:]).removeprefix(f"{autograde.PROG}: ")
    # The autograder names the notebook by its absolute path; the CSV's own columns say whose it is.
    message = message.replace(str(submission.path.resolve()), submission.notebook)
    if status != 2:  # 2: a CourseError, such as a notebook it cannot read; anything else is the grading's own
        message = f"grading failed (exit status {status}){': ' if message else ''}{message[-300:]}"
    return Outcome(rows_of(submission, problem=message), graded=False)


class ProgressBar:
    """``[#####-----] 3/8 submissions, 1:02 elapsed, about 1:40 left: alice/week1.ipynb: 12/12`` on ``stream``:
    redrawn in place on a terminal, a line per submission elsewhere (a log, a test)."""

    WIDTH = 24

    def __init__(self, total: int, stream: TextIO = sys.stderr) -> None:
        self.total, self.stream, self.done, self.last = total, stream, 0, ""
        self.start = time.monotonic()
        self.interactive = stream.isatty()

    def advance(self, last: str) -> None:
        self.done, self.last = self.done + 1, last
        self.draw(force=True)

    def draw(self, force: bool = False) -> None:
        """Redraw (a terminal's clock ticks); elsewhere, write a line only when a submission finished."""
        if not (self.interactive or force):
            return
        elapsed = time.monotonic() - self.start
        filled = self.WIDTH * self.done // max(self.total, 1)
        bar = f"[{'#' * filled}{'-' * (self.WIDTH - filled)}]"
        line = f"{bar} {self.done}/{self.total} submissions, {_clock(elapsed)} elapsed"
        if 0 < self.done < self.total:
            line += f", about {_clock(elapsed / self.done * (self.total - self.done))} left"
        line += f": {self.last}" if self.last else ""
        self.stream.write(f"\r{line}\x1b[K" if self.interactive else f"{line}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.interactive:
            self.stream.write("\n")


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"


def grade_submissions(
    submissions: list[Submission], output: Path, jobs: int, timeout: int, progress: ProgressBar
) -> list[Outcome]:
    """Grade ``submissions``, ``jobs`` at a time, rewriting ``output`` after each; their outcomes, in order.

    Call it from the main thread: on Ctrl-C it stops every worker, leaves ``output`` with the submissions
    finished so far, and raises KeyboardInterrupt.
    """
    outcomes = {submission: Outcome(rows_of(submission), graded=False) for submission in submissions
                if submission.course is None}  # fmt: skip

    def finished(submission: Submission, outcome: Outcome) -> None:
        outcomes[submission] = outcome
        write_csv(output, [row for each in submissions if each in outcomes for row in outcomes[each].rows])
        progress.advance(f"{submission.learner}/{submission.notebook}: {outcome.summary()}")

    for submission, outcome in list(outcomes.items()):
        finished(submission, outcome)
    workers = Workers()
    with tempfile.TemporaryDirectory(prefix="batch-grading-") as workspace, ThreadPoolExecutor(jobs) as pool:
        futures = {pool.submit(grade_one, submission, timeout, workspace, workers): submission
                   for submission in submissions if submission.course is not None}  # fmt: skip
        pending = set(futures)
        try:
            while pending:
                done, pending = wait(pending, timeout=1, return_when=FIRST_COMPLETED)
                for future in done:
                    finished(futures[future], future.result())
                progress.draw()
        except BaseException:  # Ctrl-C, or a failure of this process: no worker, and no kernel, outlives it
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C would cut the stopping short
            try:
                pool.shutdown(wait=False, cancel_futures=True)
                workers.stop()
            finally:
                signal.signal(signal.SIGINT, previous)
            raise
        finally:
            progress.close()
    return [outcomes[submission] for submission in submissions]


def default_jobs() -> int:
    """The cores this process may use, but no more workers than the available memory holds."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, psutil.virtual_memory().available // MEMORY_PER_JOB))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "submissions",
        type=Path,
        help="the folder of submissions: SUBMISSIONS/<learner>/[<assignment>/]<notebook>.ipynb",
    )
    parser.add_argument("--output", type=Path, default=Path("grades.csv"), help="the CSV to write (grades.csv)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=default_jobs(),
        help="submissions graded at once (default: the cores, as far as memory allows 4 GB each)",
    )
    parser.add_argument("--timeout", type=int, default=60, help="seconds allowed per graded function")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    start = time.perf_counter()
    try:
        if not args.output.parent.is_dir():
            raise CourseError(f"{args.output.parent} does not exist: create it, or give --output a file elsewhere")
        submissions = find_submissions(args.submissions, skip=args.output.resolve())
        outcomes = grade_submissions(submissions, args.output, args.jobs, args.timeout, ProgressBar(len(submissions)))
    except CourseError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # every worker, and its kernels, stopped on the way out
        print(f"{PROG}: stopped (Ctrl-C); {args.output} holds the rows of the submissions finished", file=sys.stderr)
        return 130
    seconds = time.perf_counter() - start
    graded = sum(outcome.graded for outcome in outcomes)
    print(f"graded {graded} submissions in {seconds:.1f} s with --jobs {args.jobs}: "
          f"{graded / seconds * 60:.1f} submissions per minute; rows in {args.output}")  # fmt: skip
    if graded < len(outcomes):
        print(f"{len(outcomes) - graded} not graded: their rows say why")
    print(autograde.isolation())
    if not sandbox.available():
        print("without the sandbox, a submission's code could also reach the other submissions' files and processes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
