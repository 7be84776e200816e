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
