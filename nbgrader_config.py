"""nbgrader's configuration for grading a class with this course; nbgrader reads it when run from this folder.

The course root is class/ (source notebooks written by ``python -m utils.grading.nbgrader_class``); the
README's section on grading a class with nbgrader has the commands, utils/grading/nbgrader_class.py the why.
"""

from utils.grading import nbgrader_class

c = get_config()  # noqa: F821 (nbgrader defines get_config when it reads this file)

c.CourseDirectory.root = str(nbgrader_class.CLASS_DIR)
c.GenerateAssignment.preprocessors = nbgrader_class.generate_assignment_preprocessors()
c.Autograde.autograde_preprocessors = nbgrader_class.autograde_preprocessors()
c.Execute.timeout = nbgrader_class.CELL_TIMEOUT
