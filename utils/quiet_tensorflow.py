"""A notebook's first import: it starts TensorFlow with its start-up log silenced.

TensorFlow writes timestamped lines to the process's stderr while it loads; Jupyter would show them as the
first cell's output, which then never repeats (and nbval would fail on it). Importing this module before
TensorFlow or Keras loads them quietly; later imports of TensorFlow reuse the loaded module.
"""

from utils.core.environment import import_tensorflow_quietly

import_tensorflow_quietly()
