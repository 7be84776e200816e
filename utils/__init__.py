"""Shared helpers of the Convolutional Neural Networks course, in sub-packages by audience.

``import utils`` is light (no TensorFlow): it gives every notebook the mode switch, seeding and the
runner's metric recorder. A notebook's first line starts TensorFlow without its log lines instead:

    import utils.quiet_tensorflow        # first: TensorFlow's start-up log stays out of the notebook
    EPOCHS = utils.pick(full=10, quick=1)   # quick mode is what CI runs
    utils.seed_everything(1)
    utils.record_metric("test_accuracy", accuracy)

The sub-packages, from the bottom up (each imports only those below it; CONTRIBUTING.md has the map):
``core``, ``generators``, ``data``, ``lessons``, ``models`` for the notebooks; ``grading`` and ``derive``
on top; ``runner`` beside them, on ``core`` alone.
"""

from utils.core.environment import seed_everything
from utils.core.mode import current_mode, pick
from utils.runner.record import record_metric

__all__ = ["current_mode", "pick", "record_metric", "seed_everything"]
