"""The course runner: fresh kernels, mode, metrics, failures, tables."""

import json
import os
import signal
import subprocess
import sys
import time

import nbformat
import pytest

from tests.processes import communicate_or_dump, default_sigint, processes_with
from utils.core.errors import CourseError
from utils.core.paths import NOTEBOOKS, REPO_ROOT, resolve_notebooks
from utils.runner import run, yardstick


def make_notebook(path, *sources):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(notebook, path)
    return path


def test_runs_in_the_requested_mode_and_collects_metrics(tmp_path):
    path = make_notebook(
        tmp_path / "ok.ipynb", "import utils\nprint(utils.current_mode())", "utils.record_metric('answer', 42)"
    )
    lines = []
    result = run.run_notebook(path, "quick", write=True, log=lines.append)
    assert result["status"] == "pass" and result["error"] == ""
    assert result["metrics"] == {"answer": 42.0}
    assert result["mode"] == "quick" and result["notebook"] == str(path)
    assert len(lines) == 2 and lines[0].startswith("  [  1/2]")
    stored = nbformat.read(path, as_version=4)
    assert stored.cells[0].outputs[0].text == "quick\n"


def test_a_failing_cell_is_reported_and_the_notebook_left_alone(tmp_path):
    path = make_notebook(tmp_path / "bad.ipynb", "x = 1", "raise ValueError('boom')", "print('never')")
    before = path.read_text()
    result = run.run_notebook(path, "full", write=True, log=lambda line: None)
    assert result["status"] == "fail"
    assert result["error"] == "ValueError: boom"
    assert path.read_text() == before


def test_an_output_naming_this_clones_folder_is_not_written(tmp_path):
    path = make_notebook(tmp_path / "local.ipynb", "print(1)", "import os\nprint(os.getcwd())")
    before = path.read_text()
    result = run.run_notebook(path, "quick", write=True, log=lambda line: None)
    assert result["status"] == "fail"
    assert result["error"].startswith("cell 2's output names this clone's folder")
    assert path.read_text() == before


def result(notebook, status="pass", seconds=1.0, metrics=None, error=""):
    return {
        "notebook": notebook,
        "mode": "full",
        "seconds": seconds,
        "status": status,
        "error": error,
        "metrics": metrics or {},
        "machine": "2 cores",
        "date": "2026-11-25",
    }


def test_results_are_merged_and_tabled_in_course_order(tmp_path):
    run.save_results([result(NOTEBOOKS[1], metrics={"test_accuracy": 0.9512})], "full", tmp_path)
    merged = run.save_results(
        [result(NOTEBOOKS[0], seconds=7.64), result(NOTEBOOKS[1], "fail", error="ValueError: boom")], "full", tmp_path
    )
    assert len(merged) == 2
    recorded = json.loads((tmp_path / "full.json").read_text())
    assert recorded[NOTEBOOKS[1]]["status"] == "fail"
    table = (tmp_path / "full.md").read_text().splitlines()
    assert table[0] == "| Notebook | Mode | Time (s) | Time (Y) | Result | Headline metrics |"
    assert table[2] == f"| {NOTEBOOKS[0]} | full | 7.6 | - | pass |  |"
    assert table[3] == f"| {NOTEBOOKS[1]} | full | 1.0 | - | FAIL: ValueError: boom |  |"
    assert "Measured on: 2 cores (2026-11-25)" in table[-1]


def test_metrics_are_formatted_to_four_significant_digits():
    assert run.format_metrics({"test_accuracy": 0.95123, "speedup": 1090.4}) == "test_accuracy = 0.9512, speedup = 1090"


def test_readme_table_and_course_map_times_are_updated(tmp_path):
    step = {
        "notebook": "week1/Convolution_model_Step_by_Step.ipynb",
        "mode": "full",
        "seconds": 7.46,
        "status": "pass",
        "error": "",
        "metrics": {},
        "machine": "2 cores",
        "date": "2026-11-29",
    }
    failed = dict(step, notebook="week3/Image_segmentation_Unet.ipynb", status="fail", error="boom")
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Course\n| Week | Notebook | Time |\n|---|---|---:|\n"
        "| 1 | [Step](week1/Convolution_model_Step_by_Step.ipynb) | camera \\| photo | 9 s |\n"
        "| 3 | [Unet](week3/Image_segmentation_Unet.ipynb) | 300 s |\n"
        f"{run.README_START}\nold table\n{run.README_END}\nrest\n"
    )
    run.update_readme([step, failed], readme)
    text = readme.read_text()
    assert "| 1 | [Step](week1/Convolution_model_Step_by_Step.ipynb) | camera \\| photo | 7 s |\n" in text
    assert "| 3 | [Unet](week3/Image_segmentation_Unet.ipynb) | 300 s |\n" in text  # a failed run keeps the old time
    assert text.endswith(f"{run.README_START}\n{run.markdown_table([step, failed])}{run.README_END}\nrest\n")
    assert "| week3/Image_segmentation_Unet.ipynb | full | 7.5 | - | FAIL: boom |" in text
    readme.write_text("# Course without markers\n")
    with pytest.raises(CourseError, match="lacks the markers"):
        run.update_readme([step], readme)


def test_notebooks_are_found_by_part_of_their_name(tmp_path):
    assert resolve_notebooks(["step_by_step"]) == ["week1/Convolution_model_Step_by_Step.ipynb"]
    assert resolve_notebooks(["week1", "Step"]) == [
        "week1/Convolution_model_Step_by_Step.ipynb",
        "week1/Convolution_model_Application.ipynb",
    ]
    with pytest.raises(CourseError, match="'nothing-like-this' matches no course notebook"):
        resolve_notebooks(["nothing-like-this"])
    outside = make_notebook(tmp_path / "mine.ipynb", "x = 1")
    with pytest.raises(CourseError, match="mine.ipynb is not a course notebook"):
        resolve_notebooks([str(outside)])
    assert resolve_notebooks([str(REPO_ROOT / "week1" / "Convolution_model_Step_by_Step.ipynb")]) == [
        "week1/Convolution_model_Step_by_Step.ipynb"
    ]


def test_command_line_errors_are_messages_not_tracebacks(capsys):
    assert run.main(["nothing-like-this"]) == 2
    assert "python -m utils.runner: 'nothing-like-this' matches no course notebook" in capsys.readouterr().err


def test_command_line_runs_a_notebook_and_writes_its_table(tmp_path, capsys):
    exit_code = run.main(["Step_by_Step", "--mode", "quick", "--results", str(tmp_path)])
    output = capsys.readouterr().out
    assert exit_code == 0
    assert "[1/1] week1/Convolution_model_Step_by_Step.ipynb (quick mode)" in output
    assert "| week1/Convolution_model_Step_by_Step.ipynb | quick |" in output
    recorded = json.loads((tmp_path / "quick.json").read_text())["week1/Convolution_model_Step_by_Step.ipynb"]
    assert set(recorded["metrics"]) == {"im2col_speedup_vs_loops", "im2col_time_vs_tensorflow"}
    # The yardstick, measured before and after the notebook, gives its time in Y.
    assert output.count("yardstick: ") == 2 and len(recorded["yardstick_gflops"]) == 2
    assert recorded["y"] == pytest.approx(
        run.in_y(recorded["seconds"], sum(recorded["yardstick_gflops"]) / 2), rel=0.01
    )
    low, high = sorted(recorded["yardstick_gflops"])
    assert f"yardstick {low:.1f}-{high:.1f} GFLOP/s" in (tmp_path / "quick.md").read_text()


def test_the_yardstick_counts_operations_and_converts_seconds_to_y():
    assert yardstick.flop("conv", (2, 4, 4, 3, 3, 8)) == 2 * 2 * 4 * 4 * 3 * 9 * 8
    assert yardstick.flop("matmul", (2, 3, 4)) == 48
    with pytest.raises(ValueError, match="unknown kind of operation 'fft'"):
        yardstick.flop("fft", (1,))
    assert yardstick.in_y(50, 60) == pytest.approx(3.0)  # 50 s at 60 GFLOP/s: 3e12 operations' time
    measured = yardstick.measure(
        workload=(("small matrix product", "matmul", (64, 64, 64)), ("small convolution", "conv", (1, 8, 8, 4, 3, 4))),
        repeats=2,
    )
    assert measured["gflops"] > 0 and measured["seconds"] > 0


def test_each_notebook_is_timed_in_y_by_the_yardstick_around_it(tmp_path, monkeypatch, capsys):
    # The machine's speed drifts within a run: notebook 1 ran between measurements of 100 and 50 GFLOP/s,
    # notebook 2 between 50 and 200, and each is converted at its own mean.
    speeds = iter([100.0, 50.0, 200.0])
    monkeypatch.setattr(run, "measure_yardstick", lambda: next(speeds))

    def fake_run(path, mode, timeout, write, log):
        return {
            "notebook": run._label(path),
            "mode": mode,
            "seconds": 10.0,
            "status": "pass",
            "error": "",
            "metrics": {},
            "machine": "2 cores",
            "date": "2026-12-04",
        }

    monkeypatch.setattr(run, "run_notebook", fake_run)
    assert run.main(["Step_by_Step", "Application", "--results", str(tmp_path)]) == 0
    recorded = json.loads((tmp_path / "full.json").read_text())
    first, second = (recorded[f"week1/Convolution_model_{name}.ipynb"] for name in ("Step_by_Step", "Application"))
    assert first["yardstick_gflops"] == [100.0, 50.0] and first["y"] == pytest.approx(run.in_y(10.0, 75.0))
    assert second["yardstick_gflops"] == [50.0, 200.0] and second["y"] == pytest.approx(run.in_y(10.0, 125.0))
    output = capsys.readouterr().out
    assert "Measured on: 2 cores (2026-12-04); yardstick 50.0-200.0 GFLOP/s" in output
    # Each full-mode run is compared with the notebook's stored full-mode run: Step_by_Step records only times,
    # Application accuracies, which the fake run lacks.
    assert "metrics repeat the stored run's exactly" in output
    assert "metrics differ from the stored run's: happy_baseline_accuracy " in output


def test_without_a_yardstick_times_stay_in_seconds(capsys, monkeypatch):
    result = {"notebook": "x.ipynb", "seconds": 30.0}
    run.add_yardstick(result, [None, None])
    assert "y" not in result and run.format_time(result) == "30 s"
    run.add_yardstick(result, [None, 70.0])  # one failed measurement: the other one gives Y
    assert result["yardstick_gflops"] == [70.0] and result["y"] == pytest.approx(2.1)
    run.add_yardstick(result, [50.0, 70.0])
    assert result["yardstick_gflops"] == [50.0, 70.0] and result["y"] == pytest.approx(1.8)
    assert run.format_time(result) == "30 s = 1.8 Y"
    monkeypatch.setattr(run.sys, "executable", "/nonexistent/python")
    assert run.measure_yardstick() is None
    assert "yardstick: not measured (FileNotFoundError)" in capsys.readouterr().out


def test_readme_is_only_updated_from_full_mode(capsys):
    with pytest.raises(SystemExit):
        run.main(["--mode", "quick", "--update-readme"])
    assert "--update-readme records full-mode results only" in capsys.readouterr().err


STUBBORN_CELL = """import os, signal, time
signal.signal(signal.SIGINT, signal.SIG_IGN)  # ignores interrupts
if os.fork() == 0:  # a child that leaves the kernel's process group
    os.setsid()
    while True:
        time.sleep(0.1)
open(os.environ["STARTED_FILE"], "w").close()
while True:
    pass"""


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("while True:\n    pass", id="loops-silently"),
        pytest.param("import time\nfor i in range(100):\n    print(i, flush=True)\n    time.sleep(0.2)", id="prints"),
        pytest.param(STUBBORN_CELL, id="forks-and-ignores-interrupts"),
    ],
)
def test_a_cell_past_the_time_limit_is_stopped_with_all_it_started(tmp_path, monkeypatch, source):
    mark = f"{tmp_path.name}-{os.getpid()}"
    monkeypatch.setenv("TEST_RUN_MARK", mark)
    monkeypatch.setenv("STARTED_FILE", str(tmp_path / "started"))
    path = make_notebook(tmp_path / "slow.ipynb", "x = 1", source, "print('never')")
    started = time.perf_counter()
    result = run.run_notebook(path, "quick", timeout=3, log=lambda line: None)
    assert time.perf_counter() - started < 60
    assert result["status"] == "fail"
    assert result["error"].startswith("ran past the 3 s limit in cell 2 (")
    assert processes_with("TEST_RUN_MARK", mark) == []


CTRL_C_RUN = """import sys
from utils.runner import run
result = run.run_notebook(sys.argv[1], "quick", timeout=600, log=lambda line: None)
print(result["status"], "|", result["error"], flush=True)
"""


def test_ctrl_c_stops_the_notebook_and_all_it_started_and_reports_the_cell(tmp_path):
    path = make_notebook(tmp_path / "long.ipynb", "x = 1", STUBBORN_CELL)
    mark = f"{tmp_path.name}-{os.getpid()}-ctrl-c"
    environment = dict(os.environ, TEST_RUN_MARK=mark, STARTED_FILE=str(tmp_path / "started"))
    runner = subprocess.Popen([sys.executable, "-X", "faulthandler", "-c", CTRL_C_RUN, str(path)], env=environment,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              preexec_fn=default_sigint)  # fmt: skip
    deadline = time.monotonic() + 120
    while not (tmp_path / "started").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    runner.send_signal(signal.SIGINT)
    out, err = communicate_or_dump(runner, timeout=120)
    assert out == "interrupted | stopped by Ctrl-C in cell 2 (import os, signal, time)\n", err
    assert "Traceback" not in err
    assert processes_with("TEST_RUN_MARK", mark) == []


def test_a_written_notebook_keeps_its_runs_result_in_its_metadata(tmp_path):
    path = make_notebook(tmp_path / "stored.ipynb", "print(1)")
    result = {
        "notebook": str(path),
        "mode": "full",
        "seconds": 3.2,
        "status": "pass",
        "error": "",
        "metrics": {"accuracy": 0.9},
        "y": 0.19,
    }
    run.store_in_notebook(result)
    stored = nbformat.read(path, as_version=4)
    assert stored.metadata[run.RESULT_METADATA] == {
        "mode": "full",
        "seconds": 3.2,
        "metrics": {"accuracy": 0.9},
        "y": 0.19,
    }
    assert stored.cells[0].source == "print(1)"


def test_adjacent_stream_outputs_are_joined_and_others_kept_in_order():
    notebook = nbformat.v4.new_notebook()
    stream = nbformat.v4.new_output
    cell = nbformat.v4.new_code_cell("print(1)")
    cell.outputs = [
        stream("stream", name="stdout", text="All tests passed."),
        stream("stream", name="stdout", text="\n"),
        stream("display_data", data={"text/plain": "<Figure>"}),
        stream("stream", name="stdout", text="after\n"),
        stream("stream", name="stderr", text="warning\n"),
    ]
    notebook.cells = [cell, nbformat.v4.new_markdown_cell("text")]
    run.merge_adjacent_streams(notebook)
    assert [(output.output_type, output.get("text")) for output in cell.outputs] == [
        ("stream", "All tests passed.\n"),
        ("display_data", None),
        ("stream", "after\n"),
        ("stream", "warning\n"),
    ]


def test_a_run_is_compared_with_the_notebooks_stored_run_times_aside():
    stored = {"test_accuracy": 0.9667, "training_seconds": 217.0, "im2col_speedup_vs_loops": 1091.0}
    again = {"test_accuracy": 0.9667, "training_seconds": 301.0, "im2col_speedup_vs_loops": 990.0}
    assert run.repeat_report(stored, again) == "metrics repeat the stored run's exactly"
    moved = {**again, "test_accuracy": 0.9833, "epochs": 10.0}
    assert run.repeat_report(stored, moved) == (
        "metrics differ from the stored run's: epochs none -> 10, test_accuracy 0.9667 -> 0.9833"
    )
