"""The learner's kernel in a sandbox: it cannot read the course's solutions, reach the grader or keep files.

Where Linux lets an unprivileged user make namespaces (``unshare``, as on most Linux machines and in CI), the
autograder starts the learner's kernel through ``kernel_command``:

1. a user and mount namespace, in which this module's ``main`` lays out the file system: the course
   notebooks (which hold the solutions), tests/ (the hidden cases) and .git (their history) become empty
   folders; /dev/shm becomes a private one; every other file system becomes read-only, but for the grading's
   scratch folder, so that nothing the learner's code writes outlives the grading;
2. inside it, a user, mount and PID namespace of the kernel's own: the mounts made in step 1 are locked there
   (the kernel cannot uncover the hidden folders), and it sees and can signal only its own processes.

``available()`` says whether this machine allows it; where it does not (macOS, Windows, a container that
forbids namespaces), the kernel runs as a plain process of the same user, and the autograder says so.
"""

import contextlib
import functools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from utils.core.kernels import CurrentEnvironmentKernelManager, current_environment_kernel_spec
from utils.core.paths import REPO_ROOT

# What the learner's code must not read: the course notebooks, the hidden cases and mutants, the history, and
# the nbgrader class (its source notebooks hold the solutions, its submitted/ folder other learners' work).
HIDDEN = ("week1", "week2", "week3", "week4", "tests", ".git", "class")
OUTER = ["unshare", "--user", "--map-root-user", "--mount", "--"]
INNER = ["unshare", "--user", "--map-root-user", "--mount", "--pid", "--fork", "--mount-proc", "--"]


def kernel_command(scratch: str | Path, command: list[str]) -> list[str]:
    """``command`` (a kernel's argv) to run inside the sandbox, with ``scratch`` its only writable folder."""
    return [*OUTER, sys.executable, "-m", "utils.grading.sandbox", str(scratch), "--", *command]


class SandboxedKernelManager(CurrentEnvironmentKernelManager):
    """A kernel of this Python started inside the sandbox, with ``scratch`` its only writable folder."""

    def __init__(self, scratch: str | Path, **kwargs) -> None:
        super().__init__(**kwargs)
        self.scratch = Path(scratch)

    @property
    def kernel_spec(self):
        spec = current_environment_kernel_spec()
        spec.argv = kernel_command(self.scratch, spec.argv)
        return spec


@functools.cache
def available() -> bool:
    """Whether this machine lets the sandbox be built (tried once, with ``true`` for a kernel)."""
    with tempfile.TemporaryDirectory(prefix="sandbox-check-") as scratch:
        try:
            result = subprocess.run(kernel_command(scratch, ["true"]), capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return False
    return result.returncode == 0


def _mount(*arguments: str) -> None:
    subprocess.run(["mount", *arguments], check=True, capture_output=True)


def _mount_points() -> list[str]:
    """The mount points of this namespace, from /proc/self/mountinfo (field 5)."""
    lines = Path("/proc/self/mountinfo").read_text().splitlines()
    return [line.split()[4].replace("\\040", " ") for line in lines]


def lay_out(scratch: Path) -> dict[str, str]:
    """Step 1 (as root of a new user namespace): hide, make read-only, keep ``scratch`` writable; return the
    environment variables that point the kernel's caches and temporary files into ``scratch``."""
    _mount("--bind", str(scratch), str(scratch))
    for name in HIDDEN:
        if (REPO_ROOT / name).is_dir():
            _mount("-t", "tmpfs", "-o", "ro,size=4k", "none", str(REPO_ROOT / name))
    if Path("/dev/shm").is_dir():
        _mount("-t", "tmpfs", "-o", "size=256m", "none", "/dev/shm")
    keep = {str(scratch), "/dev/shm"}
    for point in _mount_points():
        if point in keep or point.startswith(("/proc", "/sys", "/dev")):
            continue
        with contextlib.suppress(subprocess.CalledProcessError):  # a mount it may not change stays as it is
            _mount("-o", "remount,bind,ro", point)
    homes = {"HOME": "home", "TMPDIR": "tmp", "IPYTHONDIR": "ipython", "MPLCONFIGDIR": "matplotlib",
             "KERAS_HOME": "keras"}  # fmt: skip
    environment = {}
    for variable, folder in homes.items():
        (scratch / folder).mkdir(exist_ok=True)
        environment[variable] = str(scratch / folder)
    return environment


def main(argv: list[str] | None = None) -> None:
    """``python -m utils.grading.sandbox SCRATCH -- COMMAND...``: step 1, then step 2 runs COMMAND."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 3 or argv[1] != "--":
        raise SystemExit("usage: python -m utils.grading.sandbox SCRATCH -- COMMAND...")
    scratch, command = Path(argv[0]).resolve(), argv[2:]
    os.environ.update(lay_out(scratch))
    os.execvp(INNER[0], [*INNER, *command])


if __name__ == "__main__":
    main()
