"""``python -m utils.core.lab [JupyterLab options]``: the learner's JupyterLab, as ``make lab`` opens it.

- JupyterLab refuses to start as root (many containers run as root, and so does CI) unless given
  ``--allow-root``: it is passed when, and only when, the user is root.
- nbgrader, installed for the instructors' grading tools, adds server extensions and menus to every
  JupyterLab of this environment, which warn and cannot work without a course's nbgrader_config.py. The
  learner's JupyterLab leaves them out: ``utils/core/lab_config/`` (put first on ``JUPYTER_CONFIG_PATH``) turns
  nbgrader's server extensions off and disables its lab extension.
"""

import os
import sys
from pathlib import Path

LEARNER_CONFIG = Path(__file__).parent / "lab_config"


def lab_command(arguments, is_root=None):
    """The command line that starts JupyterLab with ``arguments``, and ``--allow-root`` when run as root."""
    if is_root is None:
        is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    return [sys.executable, "-m", "jupyterlab", *(["--allow-root"] if is_root else []), *arguments]


def lab_environment(environment):
    """``environment`` with the learner's configuration first on JUPYTER_CONFIG_PATH."""
    paths = [str(LEARNER_CONFIG), *filter(None, environment.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep))]
    return {**environment, "JUPYTER_CONFIG_PATH": os.pathsep.join(paths)}


def main(argv=None):
    command = lab_command(sys.argv[1:] if argv is None else argv)
    os.execve(command[0], command, lab_environment(os.environ))  # JupyterLab takes this process's place


if __name__ == "__main__":
    main()
