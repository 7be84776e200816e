"""Finding the processes a test started, by a variable it set in their environment."""


def processes_with(variable, value):
    """The live processes whose environment has ``variable=value``."""
    import psutil

    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get(variable) == value and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def default_sigint():
    """For ``Popen(preexec_fn=...)``: the child takes Ctrl-C as a terminal's would deliver it.

    A shell starts background jobs with SIGINT ignored, and children inherit that: a test run from such a job
    (CI launched with ``&``) would send its SIGINT to a process that ignores it, and wait for ever.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def communicate_or_dump(process, timeout):
    """``process.communicate(timeout=timeout)``; past it, fail with the stacks of the process's threads.

    Start the process with ``python -X faulthandler``: SIGABRT then makes it print every thread's stack.
    """
    import signal
    import subprocess

    import pytest

    try:
        return process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        _, err = process.communicate(timeout=60)
        pytest.fail(f"still running {timeout} s after Ctrl-C; its threads' stacks:\n{err[-8000:]}")
