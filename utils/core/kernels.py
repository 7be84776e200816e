"""Jupyter kernels of this very Python environment, for the course runner and the autograder."""

import sys

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import KernelManager


class CurrentEnvironmentKernelManager(KernelManager):
    """Starts the kernel with this very Python, whatever kernels Jupyter knows about."""

    @property
    def kernel_spec(self) -> KernelSpec:
        return KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            display_name="Python 3",
            language="python",
        )
