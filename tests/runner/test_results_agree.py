"""One source of truth for results: README.md, benchmarks/ and the stored notebooks show the same runs.

The course runner (`python -m utils.runner --write --update-readme`) writes each notebook with its outputs and,
in its metadata, the result of that very run; benchmarks/full.json, full.md and the README's tables are written
from the same results.
"""

import json
import shutil

import nbformat

from utils.core.paths import REPO_ROOT
from utils.runner import run


def test_readme_benchmarks_and_stored_notebooks_show_the_same_runs():
    assert run.results_disagreements() == []


def test_a_planted_mismatch_is_found_and_named(tmp_path):
    notebook = "week1/Convolution_model_Step_by_Step.ipynb"
    (tmp_path / "week1").mkdir()
    shutil.copy(REPO_ROOT / notebook, tmp_path / notebook)
    result = {"notebook": notebook, "mode": "full", "seconds": 9.5, "status": "pass", "error": "", "y": 0.6,
              "metrics": {"speedup": 990.0}, "machine": "2 cores", "date": "2026-12-04"}  # fmt: skip
    stored = nbformat.read(tmp_path / notebook, as_version=4)
    stored.metadata[run.RESULT_METADATA] = {key: result[key] for key in ("mode", "seconds", "y", "metrics")}
    nbformat.write(stored, tmp_path / notebook)
    readme = tmp_path / "README.md"
    readme.write_text(f"| 1 | [Step]({notebook}) | 9 s |\n{run.README_START}\n{run.README_END}\n")
    run.update_readme(run.save_results([result], "full", tmp_path), readme)

    def disagreements():
        return run.results_disagreements(readme, tmp_path, tmp_path, [notebook])

    assert disagreements() == []
    assert "| 1 | [Step](week1/Convolution_model_Step_by_Step.ipynb) | 10 s = 0.6 Y |" in readme.read_text()

    recorded = json.loads((tmp_path / "full.json").read_text())
    recorded[notebook]["metrics"]["speedup"] = 1168.0  # another run's number in the table only
    (tmp_path / "full.json").write_text(json.dumps(recorded))
    found = disagreements()
    assert any(
        "its stored run and full.json differ" in line and "{'speedup': 990.0}, {'speedup': 1168.0}" in line
        for line in found
    )
    assert any("full.md is not full.json's table" in line for line in found)
    assert any("README.md's results table is not full.json's" in line for line in found)
    assert all("--write --update-readme" in line for line in found)

    run.update_readme(run.save_results([result], "full", tmp_path), readme)
    readme.write_text(readme.read_text().replace("10 s = 0.6 Y", "7 s"))  # a time edited by hand
    assert disagreements() == [
        "README.md's course map does not show 10 s = 0.6 Y for week1/Convolution_model_Step_by_Step.ipynb: "
        "run `python -m utils.runner NOTEBOOK --write --update-readme` to store, table and show one run"
    ]
