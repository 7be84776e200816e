"""Wall-clock timing for the notebooks' speed comparisons."""

import time


def best_time(function, repeat=3):
    """The fastest of ``repeat`` calls of ``function()``, in seconds.

    The minimum is the least disturbed by whatever else the machine is doing.
    """
    if repeat < 1:
        raise ValueError(f"repeat must be at least 1, got {repeat}")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)
