"""pytest set-up shared by the unit tests and nbval.

The test suite runs the notebooks in quick mode unless CNN_COURSE_MODE is set
(`CNN_COURSE_MODE=full pytest week1` checks the stored full-mode outputs).
The nbval kernels inherit this process's environment.
"""

import os

from utils.core.mode import MODE_VARIABLE

os.environ.setdefault(MODE_VARIABLE, "quick")
