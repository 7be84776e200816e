"""Errors that a learner or an instructor can act on: each message names the file or input and the fix.

Library functions raise them; only a command's ``main()`` turns one into a message and an exit status.
"""


class CourseError(Exception):
    """A problem the user can fix: a missing or changed file, a name that matches no notebook, ..."""


class DatasetError(CourseError):
    """A dataset file is missing, truncated, corrupt or not in the expected layout."""


class MissingDataFile(DatasetError, FileNotFoundError):
    """A data file is not where the course expects it."""


class ChangedDataFile(DatasetError, ValueError):
    """A data file's bytes are not those recorded for it: truncated, changed, or not the course's file."""
