"""Binder and JupyterHub (repo2docker) set the course up as `make setup` does: same requirements, same utils."""

import json
import os
import re

from utils.core.paths import REPO_ROOT


def test_repo2docker_installs_the_requirements_and_utils_as_make_setup_does():
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert "pip install -r requirements.txt -e ." in makefile  # repo2docker reads requirements.txt itself
    post_build = REPO_ROOT / "postBuild"
    assert os.access(post_build, os.X_OK), "repo2docker runs postBuild only if it is executable"
    commands = [line for line in post_build.read_text().splitlines() if line and not line.startswith("#")]
    assert "python -m pip install --no-deps -e ." in commands  # utils, editable, with requirements.txt's pins
    assert not any("requirements" in line for line in commands), "requirements.txt is installed once, by repo2docker"


def test_the_hubs_jupyterlab_leaves_out_what_make_lab_leaves_out():
    commands = (REPO_ROOT / "postBuild").read_text()
    server = json.loads((REPO_ROOT / "utils/core/lab_config/jupyter_server_config.json").read_text())
    page = json.loads((REPO_ROOT / "utils/core/lab_config/labconfig/page_config.json").read_text())
    looped = commands.split("for extension in ", 1)[1].split(";", 1)[0].split()
    assert sorted(f"nbgrader.server_extensions.{name}" for name in looped) == sorted(
        server["ServerApp"]["jpserver_extensions"]
    )
    assert 'jupyter server extension disable --sys-prefix "nbgrader.server_extensions.$extension"' in commands
    for extension in page["disabledExtensions"]:
        assert f"jupyter labextension disable --level=sys_prefix {extension}" in commands


def test_binder_runs_a_python_the_readme_promises():
    minor = int(re.fullmatch(r"python-3\.(\d+)\n", (REPO_ROOT / "runtime.txt").read_text()).group(1))
    assert "Python 3.10-3.13" in (REPO_ROOT / "README.md").read_text() and 10 <= minor <= 13
