"""Hidden test cases: the arguments a graded function is called with, built afresh for each call."""

import copy


class Case:
    """The arguments of one hidden test case; each call gets fresh copies."""

    def __init__(self, *args, **kwargs) -> None:
        self.args, self.kwargs = args, kwargs

    def arguments(self) -> tuple[tuple, dict]:
        return copy.deepcopy((self.args, self.kwargs))


class LazyCase(Case):
    """A case whose arguments are built by ``factory()`` (tensors, models, files) on each call."""

    def __init__(self, factory) -> None:
        self.factory = factory

    def arguments(self) -> tuple[tuple, dict]:
        return self.factory()


def call(function, args, kwargs):
    """A case's outcome unless its hidden module says otherwise: what ``function(*args, **kwargs)`` returns."""
    return function(*args, **kwargs)
