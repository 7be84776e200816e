"""The course runner, the project's benchmark.

    python -m utils.runner                          # every notebook, full mode
    python -m utils.runner Step_by_Step --mode quick     # or week1, Unet, ...
    python -m utils.runner --mode full --write --update-readme

Each notebook runs in a fresh kernel of this Python environment. Progress is
printed per cell; at the end comes a table (notebook, mode, seconds, result
and the headline metrics the notebook recorded with ``utils.record_metric``),
also written to benchmarks/<mode>.md and benchmarks/<mode>.json.
"""

import argparse
import importlib.metadata
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from utils.core.errors import CourseError
from utils.core.kernels import CurrentEnvironmentKernelManager
from utils.core.mode import MODE_VARIABLE, MODES
from utils.core.paths import NOTEBOOKS, REPO_ROOT, resolve_notebooks
from utils.runner.record import METRICS_FILE_VARIABLE, read_metrics

RESULTS_DIR = REPO_ROOT / "benchmarks"
README = REPO_ROOT / "README.md"
README_START = "<!-- course-runner:full:start -->"
README_END = "<!-- course-runner:full:end -->"
MAX_NOTEBOOK_BYTES = 2_000_000
# One notebook's run: notebook, mode, seconds, status (pass or fail), error, metrics, machine, date.
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
    """Execute one notebook in a fresh kernel; return its result as a dict."""
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    code_cells = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    started = {}

    def on_cell_start(cell, cell_index):
        started[cell_index] = time.perf_counter()

    def on_cell_executed(cell, cell_index, execute_reply):
        seconds = time.perf_counter() - started.get(cell_index, time.perf_counter())
        first_line = cell.source.strip().split("\n", 1)[0][:60]
        log(f"  [{code_cells.index(cell_index) + 1:>3}/{len(code_cells)}] {seconds:6.1f} s  {first_line}")

    with tempfile.TemporaryDirectory() as scratch:
        metrics_file = Path(scratch) / "metrics.json"
        client = NotebookClient(
            notebook,
            timeout=timeout,
            kernel_manager_class=CurrentEnvironmentKernelManager,
            resources={"metadata": {"path": str(path.parent)}},
            record_timing=False,
            on_cell_start=on_cell_start,
            on_cell_executed=on_cell_executed,
        )
        error = ""
        start = time.perf_counter()
        with _environment(**{MODE_VARIABLE: mode, METRICS_FILE_VARIABLE: str(metrics_file)}):
            try:
                client.execute()
            except CellExecutionError as failure:
                error = f"{failure.ename}: {failure.evalue}".split("\n", 1)[0]
            except (CellTimeoutError, DeadKernelError) as failure:
                error = f"{type(failure).__name__}: {failure}".split("\n", 1)[0]
        seconds = time.perf_counter() - start
        metrics = read_metrics(metrics_file)
    if write and not error:
        nbformat.write(notebook, path)
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            log(f"  warning: {path.name} is {size / 1e6:.1f} MB; keep notebooks under about 2 MB")
    return {
        "notebook": _label(path),
        "mode": mode,
        "seconds": round(seconds, 1),
        "status": "fail" if error else "pass",
        "error": error,
        "metrics": metrics,
        "machine": machine_description(),
        "date": date.today().isoformat(),
    }


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


def format_metrics(metrics: dict[str, float]) -> str:
    return ", ".join(f"{name} = {value:.4g}" for name, value in metrics.items())


def markdown_table(results: list[Result]) -> str:
    """A Markdown table of results, in course order."""
    order = {path: i for i, path in enumerate(NOTEBOOKS)}
    lines = ["| Notebook | Mode | Time (s) | Result | Headline metrics |", "|---|---|---:|---|---|"]
    for result in sorted(results, key=lambda r: order.get(r["notebook"], len(order))):
        outcome = "pass" if result["status"] == "pass" else f"FAIL: {result['error']}"
        lines.append(
            f"| {result['notebook']} | {result['mode']} | {result['seconds']:.1f} | {outcome} | "
            f"{format_metrics(result['metrics'])} |"
        )
    machines = sorted({f"{r['machine']} ({r['date']})" for r in results})
    return "\n".join(lines) + "\n\nMeasured on: " + "; ".join(machines) + "\n"


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


def update_readme(results: list[Result], readme: Path = README) -> None:
    """Put the results' table between the README's markers, and each passing notebook's time, rounded, in the
    last cell of its course-map row (the row that links to it)."""
    text = readme.read_text()
    if README_START not in text or README_END not in text:
        raise CourseError(f"{readme} lacks the markers {README_START} and {README_END}")
    times = {f"]({r['notebook']})": f"{r['seconds']:.0f} s" for r in results if r["status"] == "pass"}
    lines = text.split("\n")
    for i, line in enumerate(lines):
        link = next((link for link in times if line.startswith("| ") and link in line), None)
        if link:
            lines[i] = line.rstrip().rstrip("|").rsplit("|", 1)[0] + f"| {times[link]} |"
    head, rest = "\n".join(lines).split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(f"{head}{README_START}\n{markdown_table(results)}{README_END}{tail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m utils.runner", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebook paths or parts of their names (default: all)")
    parser.add_argument("--mode", choices=MODES, default="full", help="full (default) or quick")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell")
    parser.add_argument("--write", action="store_true", help="store the executed notebooks, with outputs")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="folder for <mode>.md and <mode>.json")
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
    """Run the notebooks ``args`` names; print and save their table; 0 if all passed, else 1."""
    paths = resolve_notebooks(args.notebooks)
    if not paths:
        raise CourseError("no course notebooks found")
    results = []
    for number, relative in enumerate(paths, 1):
        print(f"[{number}/{len(paths)}] {relative} ({args.mode} mode)", flush=True)
        result = run_notebook(
            REPO_ROOT / relative, args.mode, args.timeout, args.write, log=lambda line: print(line, flush=True)
        )
        outcome = "passed" if result["status"] == "pass" else f"FAILED: {result['error']}"
        print(f"  {outcome} in {result['seconds']:.1f} s  {format_metrics(result['metrics'])}", flush=True)
        results.append(result)
    print()
    print(markdown_table(results))
    all_results = save_results(results, args.mode, args.results)
    if args.update_readme:
        update_readme(all_results)
    return 0 if all(result["status"] == "pass" for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
