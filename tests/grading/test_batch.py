"""Batch grading: a folder of submissions in, one CSV out, each submission graded by the autograder in processes
and a folder of its own, so that one that misbehaves changes no other's rows; Ctrl-C keeps the rows finished."""

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil

from tests.mutants import mutant_source, mutants_of
from tests.processes import communicate_or_dump, default_sigint, processes_with
from utils.core.paths import REPO_ROOT
from utils.grading import batch, notebook_cells, sandbox

STEP_BY_STEP = "week1/Convolution_model_Step_by_Step.ipynb"
NOTEBOOK = Path(STEP_BY_STEP).name
POINTS = notebook_cells.points(REPO_ROOT / STEP_BY_STEP)  # {function: points}, in notebook order
# Seconds per function: the adversary's sleeping cell runs past it. A learner's first function is charged its
# kernel's TensorFlow import: 4 s on a busy 2-core machine, but over 10 s with three submissions graded at once.
TIMEOUT = 20


def write_submission(path, cells=None):
    """The course notebook (full marks) with the graded cells ``{name: source}`` written instead, at ``path``."""
    notebook = nbformat.read(REPO_ROOT / STEP_BY_STEP, as_version=4)
    for cell in notebook.cells:
        name = cell.metadata.get("nbgrader", {}).get("grade_id")
        if name in (cells or {}):
            cell.source = cells[name]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def adversary(csv_path, shared_tmp):
    """A learner's cells with a wrong function and attacks: overwrite the CSV and write into the temporary
    folder the batch shares, run past the time limit, kill its own kernel and, in the sandbox only (elsewhere it
    could reach this machine's other kernels), every grading kernel it can see."""
    solution = notebook_cells.graded_cells(REPO_ROOT / STEP_BY_STEP)
    _, old, new = mutants_of(STEP_BY_STEP)["conv_forward"][0]
    forged = "learner,notebook,function,points,max_points,reason\nalice,x,zero_pad,0,1,forged\n"
    cells = {
        "zero_pad": (
            "import pathlib\n"
            f"for target in [{str(csv_path)!r}, {str(shared_tmp / 'forged.txt')!r}]:\n"
            f"    try:\n        pathlib.Path(target).write_text({forged!r})\n"
            "    except OSError:\n        pass\n" + solution["zero_pad"]
        ),
        "conv_single_step": "# GRADED FUNCTION: conv_single_step\nimport time\ntime.sleep(600)\n",
        "conv_forward": mutant_source(STEP_BY_STEP, "conv_forward", old, new),
        # The last function: no function runs after it in the restarted kernel, which would import TensorFlow again.
        "pool_backward": "# GRADED FUNCTION: pool_backward\nimport os\nos._exit(3)\n",
    }
    if sandbox.available():
        cells["pool_forward"] = (
            "import os, psutil\n"
            "for process in psutil.process_iter():\n    try:\n"
            "        if process.pid != os.getpid() and 'CNN_COURSE_KERNEL_MARK' in process.environ():\n"
            "            process.kill()\n"
            "    except psutil.Error:\n        pass\n" + solution["pool_forward"]
        )
    return cells


def run_batch(submissions, output, shared_tmp, mark, *options):
    """The batch command, started as an instructor would, its processes marked with ``mark``."""
    environment = dict(os.environ, TMPDIR=str(shared_tmp), TEST_BATCH_MARK=mark)
    return subprocess.Popen([sys.executable, "-X", "faulthandler", "-m", "utils.grading.batch", str(submissions),
                             "--output", str(output), *options],
                            env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=default_sigint)  # fmt: skip


def progress_lines(lines):
    """The progress bar's lines among ``lines``: stderr carries the libraries' warnings too."""
    return (line for line in lines if line.startswith("["))


def read_rows(path):
    with path.open(newline="") as file:
        return [(row["learner"], row["notebook"], row["function"], int(row["points"]), int(row["max_points"]),
                 row["reason"]) for row in csv.DictReader(file)]  # fmt: skip


def test_a_folder_of_submissions_becomes_one_csv_and_no_submission_changes_anothers_rows(tmp_path):
    submissions, shared_tmp, output = tmp_path / "submitted", tmp_path / "tmp", tmp_path / "grades.csv"
    shared_tmp.mkdir()
    write_submission(submissions / "alice" / "week1" / NOTEBOOK)  # nbgrader's layout
    (submissions / "alice" / "week1" / "timestamp.txt").write_text("2026-12-04 10:00:00")
    (submissions / "alice" / "week1" / ".ipynb_checkpoints").mkdir()
    (submissions / "alice" / "week1" / ".ipynb_checkpoints" / NOTEBOOK).write_text("a hidden folder's")
    write_submission(submissions / "adversary" / NOTEBOOK, adversary(output, shared_tmp))
    (submissions / "carol").mkdir()
    (submissions / "carol" / NOTEBOOK).write_text('{"cells": [')
    (submissions / "dave").mkdir()
    (submissions / "dave" / "my_notes.ipynb").write_text("{}")
    (submissions / "dave" / "answers.txt").write_text("42")
    (submissions / "erin").mkdir()

    mark = f"{tmp_path.name}-{os.getpid()}-batch"
    grading = run_batch(submissions, output, shared_tmp, mark, "--jobs", "2", "--timeout", str(TIMEOUT))
    out, err = communicate_or_dump(grading, timeout=600)
    assert grading.returncode == 0, err

    # Each row as the autograder gives it for the notebook alone (test_autograde.py grades these misbehaviours
    # one notebook at a time): full marks for the course's solutions, nothing for a broken function.
    rows = read_rows(output)
    by_learner = {learner: [row for row in rows if row[0] == learner] for learner in dict.fromkeys(r[0] for r in rows)}
    assert list(by_learner) == ["adversary", "alice", "carol", "dave", "erin"]
    alice = [("alice", f"week1/{NOTEBOOK}", name, points, points, "") for name, points in POINTS.items()]
    assert by_learner["alice"] == alice
    lost = {"conv_single_step": f"did not finish within {TIMEOUT} s", "pool_backward": "the kernel died",
            "conv_forward": "hidden case"}  # fmt: skip
    assert [row[2] for row in by_learner["adversary"]] == list(POINTS)
    for _, notebook, name, points, most, reason in by_learner["adversary"]:
        assert notebook == NOTEBOOK and most == POINTS[name], (name, notebook, most)
        if name in lost:
            assert points == 0 and lost[name] in reason, (name, reason)
        else:  # its attacks on the CSV, the shared folder and other kernels failed, and its functions are right
            assert points == most and reason == "", (name, reason)
    carol = by_learner["carol"]
    assert [row[2:5] for row in carol] == [(name, 0, points) for name, points in POINTS.items()]
    assert all(row[5].startswith(f"{NOTEBOOK} is not a readable notebook (") for row in carol), carol
    dave = by_learner["dave"]
    assert [row[1:5] for row in dave] == [("answers.txt", "", 0, 0), ("my_notes.ipynb", "", 0, 0)]
    assert "not a notebook" in dave[0][5] and "no course notebook has this name" in dave[1][5]
    assert by_learner["erin"] == [("erin", "", "", 0, 0, "nothing to grade in this folder")]

    lines = list(progress_lines(err.splitlines()))
    assert len(lines) == 6 and all(f"] {done}/6 submissions" in line for done, line in enumerate(lines, 1)), err
    assert any(line.endswith(f"alice/week1/{NOTEBOOK}: 12/12") for line in lines), err
    assert any(line.endswith(f"adversary/{NOTEBOOK}: 7/12") for line in lines), err
    assert any(f"carol/{NOTEBOOK}: not graded: {NOTEBOOK} is not a readable" in line for line in lines), err
    assert "graded 2 submissions in " in out and " s with --jobs 2: " in out and " submissions per minute" in out, out
    assert "4 not graded: their rows say why" in out, out

    assert processes_with("TEST_BATCH_MARK", mark) == [], "no worker, kernel or learner's process is left running"
    left = sorted(path.name for path in shared_tmp.iterdir())
    assert left == ([] if sandbox.available() else ["forged.txt"]), "each submission's folder is deleted"


def command_line(process):
    """A process's command line; empty once it has ended."""
    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""


def test_ctrl_c_stops_every_worker_and_kernel_and_keeps_the_rows_finished(tmp_path):
    submissions, shared_tmp, output = tmp_path / "submitted", tmp_path / "tmp", tmp_path / "grades.csv"
    shared_tmp.mkdir()
    (submissions / "carol").mkdir(parents=True)
    (submissions / "carol" / NOTEBOOK).write_text('{"cells": [')
    write_submission(submissions / "sam" / NOTEBOOK, {"zero_pad": "import time\ntime.sleep(600)\n"})
    mark = f"{tmp_path.name}-{os.getpid()}-batch"
    grading = run_batch(submissions, output, shared_tmp, mark, "--jobs", "2", "--timeout", "600")
    try:
        assert "1/2 submissions" in next(progress_lines(grading.stderr))  # carol's: the notebook is unreadable
        deadline = time.monotonic() + 120
        while not any("ipykernel" in command_line(process) for process in processes_with("TEST_BATCH_MARK", mark)):
            assert time.monotonic() < deadline, "sam's kernels never started"
            time.sleep(0.2)
    finally:  # while sam's kernels start, or sleep in zero_pad's cell (or after a failure above: none is left)
        grading.send_signal(signal.SIGINT)
    out, err = communicate_or_dump(grading, timeout=120)
    assert grading.returncode == 130, err
    assert "stopped (Ctrl-C)" in err and "Traceback" not in err, err
    assert processes_with("TEST_BATCH_MARK", mark) == []
    assert {row[0] for row in read_rows(output)} == {"carol"}
    assert list(shared_tmp.iterdir()) == []


def test_command_line_errors_are_messages_not_tracebacks(tmp_path, capsys):
    assert batch.main([str(tmp_path / "nowhere")]) == 2
    assert "nowhere is not a folder: give the folder that holds a folder per learner" in capsys.readouterr().err
    assert batch.main([str(tmp_path)]) == 2
    assert "is empty: it should hold a folder per learner" in capsys.readouterr().err
