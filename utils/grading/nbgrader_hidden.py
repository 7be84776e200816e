"""The hidden tests of the nbgrader class (utils.grading.nbgrader_class), run by nbgrader in a submission's kernel.

The grade cell of each function in the class's source notebooks holds a hidden block

    ### BEGIN HIDDEN TESTS
    from utils.grading.nbgrader_hidden import check_hidden_cases

    check_hidden_cases("week1/Convolution_model_Step_by_Step.ipynb", "zero_pad")
    ### END HIDDEN TESTS

which ``nbgrader generate_assignment`` leaves out of the students' version and ``nbgrader autograde`` puts back.
It grades the function as utils.grading.autograde does, with the same Grader (utils.grading.grader): the
learner's cell, read from the submission nbgrader is running (in the kernel's working folder), runs on the
hidden cases of tests/hidden/ with the course's versions of the functions it calls, so that a broken function
costs only its own points; the expected results come from the course notebook's solution. Unlike the
autograder's, this learner's code shares its kernel with the tests (nbgrader's way): no sandbox, and no time
limit but nbgrader's for a cell.
"""

import functools
from pathlib import Path

from utils.core.errors import CourseError
from utils.core.paths import REPO_ROOT
from utils.grading.checks import CheckFailed
from utils.grading.grader import Grader
from utils.grading.learner_kernel import captured_prints
from utils.grading.notebook_cells import learner_cells


@functools.cache
def _grader(course_notebook: str) -> Grader:
    """One per course notebook in a kernel: it computes the expected results of all its functions once."""
    return Grader(REPO_ROOT / course_notebook)


def check_hidden_cases(course_notebook: str, name: str) -> None:
    """Print that function ``name`` passes its hidden cases, or raise CheckFailed with the reason.

    ``course_notebook`` is the course notebook's path in this repository; the submission graded is the notebook
    of the same name in the working folder, where nbgrader runs it.
    """
    submission = Path(Path(course_notebook).name).resolve()
    if not submission.is_file():
        raise CourseError(
            f"{submission} does not exist: hidden tests grade the notebook that nbgrader runs, from its own folder "
            "(run them with nbgrader autograde, not by hand)"
        )
    # nbgrader gives a grade cell no points for anything written to stderr: a warning must not cost them.
    with captured_prints():
        grader = _grader(course_notebook)
        passed, reason = grader.grade(name, learner_cells(submission, [name]))
    if not passed:
        raise CheckFailed(f"{name}: {reason}")
    print(f"{name} passes its {len(grader.hidden.CASES[name])} hidden test cases.")
