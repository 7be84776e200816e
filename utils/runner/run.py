"""The course runner, the project's benchmark.

    python -m utils.runner                          # every notebook, full mode
    python -m utils.runner Step_by_Step --mode quick     # or week1, Unet, ...
    python -m utils.runner --mode full --write --update-readme

Each notebook runs in a fresh kernel of this Python environment. Progress is
printed per cell; at the end comes a table (notebook, mode, seconds, result
and the headline metrics the notebook recorded with ``utils.record_metric``),
also written to benchmarks/<mode>.md and benchmarks/<mode>.json. The speed
yardstick (utils/runner/yardstick.py) is measured before and after each
notebook, and each time is given in Y too, which a machine's speed does not change.
"""

import argparse
import importlib.metadata
import json
import logging
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

from utils.core.errors import CourseError
from utils.core.kernels import (
    KERNEL_MARK_VARIABLE,
    AsyncCurrentEnvironmentKernelManager,
    new_kernel_mark,
    stop_marked_processes,
)
from utils.core.mode import MODE_VARIABLE, MODES
from utils.core.paths import NOTEBOOKS, REPO_ROOT, resolve_notebooks
from utils.runner.record import METRICS_FILE_VARIABLE, measures_speed, read_metrics
from utils.runner.yardstick import in_y

RESULTS_DIR = REPO_ROOT / "benchmarks"
README = REPO_ROOT / "README.md"
README_START = "<!-- course-runner:full:start -->"
README_END = "<!-- course-runner:full:end -->"
MAX_NOTEBOOK_BYTES = 2_000_000
# nbclient leaves its output-polling task pending when it stops a cell at its time limit; asyncio reports
# such tasks when they are collected, which would print a traceback-like message after the table.
logging.getLogger("asyncio").addFilter(lambda record: not record.getMessage().startswith("Task was destroyed"))
# One notebook's run: notebook, mode, seconds, status (pass or fail), error, metrics, machine, date, and
# from the yardstick: y (the time in Y) and yardstick_gflops (its measurements just before and just after it).
Result = dict[str, Any]


@contextmanager
def _environment(**variables: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_notebook(
    path: str | Path, mode: str, timeout: int = 1800, write: bool = False, log: Callable[[str], None] = print
) -> Result:
    """Execute one notebook in a fresh kernel; return its result as a dict.

    A cell that runs past ``timeout`` seconds, a kernel that dies and Ctrl-C each stop the notebook: its kernel
    and every process the kernel started are killed, and the result names the cell. Its status is "pass",
    "fail" or "interrupted" (Ctrl-C).
    """
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    code_cells = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    current = {}

    def on_cell_start(cell, cell_index):
        current.update(cell=cell, index=cell_index, started=time.perf_counter())

    def on_cell_executed(cell, cell_index, execute_reply):
        seconds = time.perf_counter() - current.get("started", time.perf_counter())
        log(f"  [{code_cells.index(cell_index) + 1:>3}/{len(code_cells)}] {seconds:6.1f} s  {_first_line(cell)}")

    def where():
        if "cell" not in current:
            return "before its first cell"
        return f"in cell {code_cells.index(current['index']) + 1} ({_first_line(current['cell'])})"

    with tempfile.TemporaryDirectory() as scratch:
        metrics_file = Path(scratch) / "metrics.json"
        client = NotebookClient(
            notebook,
            timeout=timeout,
            kernel_manager_class=AsyncCurrentEnvironmentKernelManager,
            shutdown_kernel="immediate",
            resources={"metadata": {"path": str(path.parent)}},
            record_timing=False,
            on_cell_start=on_cell_start,
            on_cell_executed=on_cell_executed,
        )
        mark = new_kernel_mark()
        start = time.perf_counter()
        with _environment(
            **{MODE_VARIABLE: mode, METRICS_FILE_VARIABLE: str(metrics_file), KERNEL_MARK_VARIABLE: mark}
        ):
            failure, interrupted = _execute(client, mark)
        seconds = time.perf_counter() - start
        metrics = read_metrics(metrics_file)
    if interrupted:
        status, error = "interrupted", f"stopped by Ctrl-C {where()}"
    elif isinstance(failure, CellExecutionError):
        status, error = "fail", f"{failure.ename}: {failure.evalue}".split("\n", 1)[0]
    elif isinstance(failure, CellTimeoutError):
        status, error = "fail", f"ran past the {timeout} s limit {where()}"
    elif failure is not None:
        status, error = "fail", f"{type(failure).__name__} {where()}: {failure}".split("\n", 1)[0]
    else:
        status, error = "pass", ""
    local = cells_naming_folders(notebook, [REPO_ROOT, path.resolve().parent]) if write and status == "pass" else []
    if local:
        # A warning such as "generating the cached data again" names this clone's folders: stored, it would
        # differ in every other clone (nbval compares it) and tell learners about the author's machine.
        status = "fail"
        error = (
            f"cell {code_cells.index(local[0]) + 1}'s output names this clone's folder, so it cannot repeat "
            "elsewhere; not written - run again (a warning about a cache being refreshed goes away)"
        )
    if write and status == "pass":
        merge_adjacent_streams(notebook)
        nbformat.write(notebook, path)
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            log(f"  warning: {path.name} is {size / 1e6:.1f} MB; keep notebooks under about 2 MB")
    return {
        "notebook": _label(path),
        "mode": mode,
        "seconds": round(seconds, 1),
        "status": status,
        "error": error,
        "metrics": metrics,
        "machine": machine_description(),
        "date": date.today().isoformat(),
    }


def cells_naming_folders(notebook, folders: list[Path]) -> list[int]:
    """The indexes of the cells whose outputs contain one of ``folders``' absolute paths."""
    names = {str(folder) for folder in folders}
    found = []
    for index, cell in enumerate(notebook.cells):
        shown = json.dumps(cell.get("outputs", []))
        if any(name in shown for name in names):
            found.append(index)
    return found


def merge_adjacent_streams(notebook) -> None:
    """Join each run of stream outputs of one name (stdout, stderr) into one output, as a learner's Jupyter shows
    them: a print's text and its newline may arrive as two messages, or as one, from run to run."""
    for cell in notebook.cells:
        merged = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if (
                output.output_type == "stream"
                and previous is not None
                and previous.output_type == "stream"
                and previous.name == output.name
            ):
                previous.text += output.text
            else:
                merged.append(output)
        if "outputs" in cell:
            cell.outputs = merged


def _first_line(cell) -> str:
    return cell.source.strip().split("\n", 1)[0][:60]


def _execute(client: NotebookClient, mark: str) -> tuple[BaseException | None, bool]:
    """Run ``client`` in a thread of its own; return ``(what it raised, whether Ctrl-C stopped it)``.

    In its own thread nbclient installs no signal handlers, so Ctrl-C reaches this one, which then kills the
    kernel and all it started (found by ``mark``). The kernel's stdout and stderr, which carry only its
    transport warning and, when it is killed, its last words, are dropped; cells' output comes over its
    channels.
    """
    outcome = {}

    def execute():
        try:
            client.execute(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except Exception as failure:
            outcome["failure"] = failure

    worker = threading.Thread(target=execute, name="notebook", daemon=True)
    worker.start()
    interrupted = False
    try:
        while worker.is_alive():
            worker.join(0.2)
    except KeyboardInterrupt:
        interrupted = True
        stop_marked_processes(mark)
        worker.join(60)
    finally:
        stop_marked_processes(mark)  # what the kernel started and left running
    return outcome.get("failure"), interrupted


def _label(path: Path) -> str:
    """A notebook's path relative to the repository (absolute if it lies elsewhere)."""
    path = path.resolve()
    return path.relative_to(REPO_ROOT).as_posix() if path.is_relative_to(REPO_ROOT) else str(path)


def machine_description() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [
            line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")
        ]
        cpu = models[0] if models else cpu
    return (
        f"{os.cpu_count()} cores, {cpu}; Python {platform.python_version()}, "
        f"TensorFlow {importlib.metadata.version('tensorflow')}"
    )


def measure_yardstick(log: Callable[[str], None] = print) -> float | None:
    """The machine's GFLOP/s on the yardstick workload, measured in a process of its own; None if it failed."""
    try:
        finished = subprocess.run(
            [sys.executable, "-m", "utils.runner.yardstick"], capture_output=True, text=True, timeout=300, check=True
        )
        gflops = float(json.loads(finished.stdout.strip().splitlines()[-1])["gflops"])
    except (subprocess.SubprocessError, OSError, ValueError, KeyError, IndexError) as error:
        log(f"yardstick: not measured ({type(error).__name__}); times are given in seconds only")
        return None
    log(f"yardstick: {gflops:.1f} GFLOP/s")
    return gflops


RESULT_METADATA = "course_runner"  # the key of a written notebook's metadata that holds its run's result


def store_in_notebook(result: Result) -> None:
    """Put ``result`` (less its notebook, status and error) in its notebook's metadata: the outputs and the
    numbers that README.md and benchmarks/ show come from one run, and a test checks they agree."""
    path = REPO_ROOT / result["notebook"]
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata[RESULT_METADATA] = {
        key: value for key, value in result.items() if key not in ("notebook", "status", "error")
    }
    nbformat.write(notebook, path)


def stored_result(path: Path) -> Result:
    """The result ``store_in_notebook`` kept in the notebook at ``path`` ({} if none)."""
    return nbformat.read(path, as_version=4).metadata.get(RESULT_METADATA, {})


def repeat_report(stored: dict[str, float], measured: dict[str, float]) -> str:
    """Whether a run's metrics ``measured`` repeat those of the notebook's stored run, and if not, which differ
    (times, which measure the machine, aside)."""
    differences = [
        f"{name} {_number(stored.get(name))} -> {_number(measured.get(name))}"
        for name in sorted(stored.keys() | measured.keys())
        if not measures_speed(name) and stored.get(name) != measured.get(name)
    ]
    if not differences:
        return "metrics repeat the stored run's exactly"
    return "metrics differ from the stored run's: " + ", ".join(differences)


def _number(value: float | None) -> str:
    return "none" if value is None else f"{value:.6g}"


def results_disagreements(
    readme: Path = README, results_dir: Path = RESULTS_DIR, root: Path = REPO_ROOT, notebooks: list[str] = NOTEBOOKS
) -> list[str]:
    """Where the stored notebooks, ``results_dir``'s full-mode tables and the README show different runs.

    Each of ``notebooks`` must hold in its metadata the result full.json records for it; full.md and the README's
    table must be full.json's table, and the README's course map must show each notebook's time.
    """
    fix = "run `python -m utils.runner NOTEBOOK --write --update-readme` to store, table and show one run"
    json_path = Path(results_dir) / "full.json"
    recorded = json.loads(json_path.read_text()) if json_path.exists() else {}
    problems = []
    for notebook in notebooks:
        stored = stored_result(Path(root) / notebook)
        result = recorded.get(notebook)
        if not stored or not result:
            where = "its metadata" if not stored else json_path.name
            problems.append(f"{notebook}: no result of the run that made its outputs in {where}")
            continue
        differences = {key: (value, result.get(key)) for key, value in stored.items() if result.get(key) != value}
        if differences:
            problems.append(f"{notebook}: its stored run and {json_path.name} differ (stored, recorded): {differences}")
    table = markdown_table(list(recorded.values()))
    if (Path(results_dir) / "full.md").read_text() != table:
        problems.append("full.md is not full.json's table")
    text = Path(readme).read_text()
    try:
        _, shown, _ = _readme_parts(text, readme)
    except CourseError as error:
        return [*problems, str(error)]
    if shown != f"\n{table}":
        problems.append(f"{Path(readme).name}'s results table is not full.json's")
    lines = text.splitlines()
    for result in recorded.values():
        row = next((line for line in lines if _is_course_map_row(line, result["notebook"])), None)
        if row is not None and not row.rstrip(" |").endswith(format_time(result)):
            problems.append(
                f"{Path(readme).name}'s course map does not show {format_time(result)} for {result['notebook']}"
            )
    return [f"{problem}: {fix}" for problem in problems]


def add_yardstick(result: Result, gflops: list[float | None]) -> None:
    """Give ``result`` its time in Y, at the mean of the yardstick measured just before and just after its notebook
    (``gflops``; None where a measurement failed): the machine's speed drifts within a run of the course."""
    measured = [value for value in gflops if value is not None]
    if not measured:
        return
    result["yardstick_gflops"] = [round(value, 1) for value in measured]
    result["y"] = round(in_y(result["seconds"], sum(measured) / len(measured)), 2)


def format_time(result: Result) -> str:
    """``"205 s"``, or ``"205 s = 12.3 Y"`` when the run measured the yardstick."""
    return f"{result['seconds']:.0f} s" + (f" = {result['y']:.1f} Y" if "y" in result else "")


def format_metrics(metrics: dict[str, float]) -> str:
    return ", ".join(f"{name} = {value:.4g}" for name, value in metrics.items())


def markdown_table(results: list[Result]) -> str:
    """A Markdown table of results, in course order."""
    order = {path: i for i, path in enumerate(NOTEBOOKS)}
    lines = ["| Notebook | Mode | Time (s) | Time (Y) | Result | Headline metrics |", "|---|---|---:|---:|---|---|"]
    for result in sorted(results, key=lambda r: order.get(r["notebook"], len(order))):
        outcome = "pass" if result["status"] == "pass" else f"{result['status'].upper()}: {result['error']}"
        y = f"{result['y']:.2f}" if "y" in result else "-"
        lines.append(
            f"| {result['notebook']} | {result['mode']} | {result['seconds']:.1f} | {y} | {outcome} | "
            f"{format_metrics(result['metrics'])} |"
        )
    machines = sorted({f"{r['machine']} ({r['date']})" for r in results})
    measured = [value for r in results for value in r.get("yardstick_gflops", [])]
    yardstick = f"; yardstick {min(measured):.1f}-{max(measured):.1f} GFLOP/s" if measured else ""
    return "\n".join(lines) + "\n\nMeasured on: " + "; ".join(machines) + yardstick + "\n"


def save_results(results: list[Result], mode: str, results_dir: Path = RESULTS_DIR) -> list[Result]:
    """Merge ``results`` into results_dir/<mode>.json; rewrite <mode>.md; return all results."""
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    json_path = results_dir / f"{mode}.json"
    recorded = json.loads(json_path.read_text()) if json_path.exists() else {}
    recorded.update({result["notebook"]: result for result in results})
    json_path.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")
    all_results = list(recorded.values())
    (results_dir / f"{mode}.md").write_text(markdown_table(all_results))
    return all_results


def _readme_parts(text: str, readme: Path) -> tuple[str, str, str]:
    """The README's text before its results table, the table between the markers, and the text after."""
    if README_START not in text or README_END not in text:
        raise CourseError(f"{readme} lacks the markers {README_START} and {README_END}")
    head, rest = text.split(README_START, 1)
    table, tail = rest.split(README_END, 1)
    return head, table, tail


def _is_course_map_row(line: str, notebook: str) -> bool:
    """Whether ``line`` is the README course-map row that links to ``notebook``."""
    return line.startswith("| ") and f"]({notebook})" in line


def update_readme(results: list[Result], readme: Path = README) -> None:
    """Put the results' table between the README's markers, and each passing notebook's time, rounded, in the
    last cell of its course-map row (the row that links to it)."""
    text = readme.read_text()
    _readme_parts(text, readme)  # fails before anything is changed
    passing = [r for r in results if r["status"] == "pass"]
    lines = text.split("\n")
    for i, line in enumerate(lines):
        result = next((r for r in passing if _is_course_map_row(line, r["notebook"])), None)
        if result:
            lines[i] = line.rstrip().rstrip("|").rsplit("|", 1)[0] + f"| {format_time(result)} |"
    head, _, tail = _readme_parts("\n".join(lines), readme)
    readme.write_text(f"{head}{README_START}\n{markdown_table(results)}{README_END}{tail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m utils.runner", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebook paths or parts of their names (default: all)")
    parser.add_argument("--mode", choices=MODES, default="full", help="full (default) or quick")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell")
    parser.add_argument("--write", action="store_true", help="store the executed notebooks, with outputs")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="folder for <mode>.md and <mode>.json")
    parser.add_argument("--no-yardstick", action="store_true", help="skip the speed yardstick (times in seconds only)")
    parser.add_argument(
        "--update-readme",
        action="store_true",
        help="copy the full-mode table, and each notebook's time, into README.md",
    )
    args = parser.parse_args(argv)
    if args.update_readme and args.mode != "full":
        parser.error("--update-readme records full-mode results only")
    try:
        return run_course(args)
    except CourseError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 2


def run_course(args: argparse.Namespace) -> int:
    """Run the notebooks ``args`` names; print and save their table; 0 if all passed, 1 if not, 130 if stopped.

    Ctrl-C stops the notebook that is running (reported as interrupted) and the run goes on with the next;
    SIGTERM, or Ctrl-C between two notebooks, ends the run. Either way the finished notebooks' results are
    printed and saved.
    """
    paths = resolve_notebooks(args.notebooks)
    if not paths:
        raise CourseError("no course notebooks found")
    results, stop = [], []
    measure = (lambda: None) if args.no_yardstick else measure_yardstick
    before = measure()

    def terminate(signum, frame):
        stop.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        for number, relative in enumerate(paths, 1):
            print(f"[{number}/{len(paths)}] {relative} ({args.mode} mode)", flush=True)
            result = run_notebook(
                REPO_ROOT / relative, args.mode, args.timeout, args.write, log=lambda line: print(line, flush=True)
            )
            outcome = "passed" if result["status"] == "pass" else f"{result['status'].upper()}: {result['error']}"
            stored = stored_result(REPO_ROOT / relative)
            print(f"  {outcome} in {result['seconds']:.1f} s  {format_metrics(result['metrics'])}", flush=True)
            if result["status"] == "pass" and stored.get("mode") == args.mode:
                print(f"  {repeat_report(stored['metrics'], result['metrics'])}", flush=True)
            results.append(result)
            if stop:
                break
            after = measure()
            add_yardstick(result, [before, after])
            before = after
    except KeyboardInterrupt:
        stop.append(signal.SIGINT)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if stop:
        print(f"stopped after {len(results)} of {len(paths)} notebooks", flush=True)
    if args.write:
        for result in results:
            if result["status"] == "pass":
                store_in_notebook(result)
    print()
    print(markdown_table(results))
    all_results = save_results(results, args.mode, args.results) if results else []
    if args.update_readme and all_results:
        update_readme(all_results)
    if stop:
        return 130
    return 0 if all(result["status"] == "pass" for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
