"""Jupyter kernels of this very Python environment, for the course runner and the autograder."""

import os
import sys
import uuid

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager, KernelManager


def current_environment_kernel_spec() -> KernelSpec:
    """A kernel of this very Python, whatever kernels Jupyter knows about."""
    return KernelSpec(
        argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        display_name="Python 3",
        language="python",
    )


class CurrentEnvironmentKernelManager(KernelManager):
    """A blocking manager of this Python's kernels: the autograder polls it with its own time limits."""

    @property
    def kernel_spec(self) -> KernelSpec:
        return current_environment_kernel_spec()


class AsyncCurrentEnvironmentKernelManager(AsyncKernelManager):
    """An asynchronous one, for nbclient. With a blocking one, nbclient's wait for a cell's output blocks the
    loop that enforces the cell's time limit: a cell that loops silently, or keeps printing, ran past it."""

    @property
    def kernel_spec(self) -> KernelSpec:
        return current_environment_kernel_spec()


# Set in a kernel's environment, so that every process it starts (even one that left its process group)
# carries it and can be found and stopped with it.
KERNEL_MARK_VARIABLE = "CNN_COURSE_KERNEL_MARK"


def new_kernel_mark() -> str:
    return f"{os.getpid()}-{uuid.uuid4().hex}"


def stop_marked_processes(mark: str) -> int:
    """Kill every process whose environment carries ``mark`` (a kernel and all it started); return how many."""
    import psutil

    stopped = 0
    for process in psutil.process_iter():
        try:
            if process.pid != os.getpid() and process.environ().get(KERNEL_MARK_VARIABLE) == mark:
                process.kill()
                stopped += 1
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return stopped
