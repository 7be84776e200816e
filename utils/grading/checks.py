"""Numeric check helpers for the public tests.

Every failure raises ``CheckFailed`` with a message that names the function,
the test case, what was expected and what came back (type, shape, dtype and
values), so that a learner can act on it without reading the test code.
"""

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


class CheckFailed(AssertionError):
    """A public test found a difference between expected and actual results."""


def describe(value: object) -> str:
    """A short description of a value's type, shape and dtype, for messages."""
    from utils.grading.model_summary import ModelSummary  # these modules use this one
    from utils.grading.results import Unreadable

    if value is None:
        return "None"
    if isinstance(value, ModelSummary):
        return f"a Keras model of {len(value)} layers"
    if isinstance(value, Unreadable):
        return value.description
    if isinstance(value, np.ndarray):
        return f"ndarray of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (bool, np.bool_)):
        return f"bool {value}"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return f"{type(value).__name__} {value!r}"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__} of length {len(value)}"
    if isinstance(value, dict):
        return f"dict with keys {sorted(map(str, value))}"
    kind = _keras_kind(value)
    if kind:
        return kind
    shape = getattr(value, "shape", None)
    dtype = getattr(value, "dtype", None)
    if shape is not None and dtype is not None:
        return f"{type(value).__name__} of shape {tuple(shape)} and dtype {getattr(dtype, 'name', dtype)}"
    return type(value).__name__


def _keras_kind(value):
    module = type(value).__module__
    if not module.startswith(("keras", "tensorflow")):
        return None
    import keras

    if isinstance(value, keras.Model):
        return f"a Keras model ({type(value).__name__})"
    if isinstance(value, keras.layers.Layer):
        return f"a Keras layer ({type(value).__name__})"
    if isinstance(value, keras.KerasTensor):
        return f"a symbolic KerasTensor of shape {tuple(value.shape)}"
    return None


def _where(name, case):
    return f"{name}, case {case!r}" if case else name


def call_function(function: Callable, *args: Any, name: str | None = None, case: object = None, **kwargs: Any) -> Any:
    """Call a learner's function; an exception becomes a CheckFailed naming the case."""
    name = name or getattr(function, "__name__", "the function")
    try:
        return function(*args, **kwargs)
    except NotImplementedError as error:
        raise CheckFailed(
            f"{_where(name, case)}: raised NotImplementedError. "
            "Replace the placeholder in its cell with your code and run the cell again."
        ) from error
    except Exception as error:
        raise CheckFailed(f"{_where(name, case)}: raised {type(error).__name__}: {error}") from error


def check_type(
    value: Any, expected_type: type | tuple[type, ...], *, name: str, case: object = None, hint: str = ""
) -> Any:
    """Fail unless ``value`` is an instance of ``expected_type``."""
    if not isinstance(value, expected_type):
        wanted = getattr(expected_type, "__name__", None) or " or ".join(t.__name__ for t in expected_type)
        raise CheckFailed(
            f"{_where(name, case)}: expected a {wanted}, got {describe(value)}." + (f" {hint}" if hint else "")
        )
    return value


def check_tuple(value: Any, parts: Sequence[str], *, name: str, case: object = None) -> tuple:
    """Fail unless ``value`` is a tuple with one item per name in ``parts``."""
    expected = f"a tuple ({', '.join(parts)})"
    if not isinstance(value, tuple):
        raise CheckFailed(f"{_where(name, case)}: should return {expected}, got {describe(value)}.")
    if len(value) != len(parts):
        raise CheckFailed(
            f"{_where(name, case)}: should return {expected} of {len(parts)} items, got {len(value)} items."
        )
    return value


def check_equal(actual: Any, expected: Any, *, name: str, case: object = None, what: str = "the result") -> None:
    """Fail unless ``actual == expected`` (for small, non-array values)."""
    if type(actual) is not type(expected) or actual != expected:
        raise CheckFailed(f"{_where(name, case)}: {what} is wrong.\n  expected: {expected!r}\n  got:      {actual!r}")


def check_same_object(actual: Any, expected: Any, *, name: str, case: object = None, what: str) -> None:
    """Fail unless ``actual`` is the very object ``expected`` (e.g. inputs kept in a cache)."""
    if actual is not expected:
        raise CheckFailed(
            f"{_where(name, case)}: {what} should be the object that was passed in, "
            f"got {describe(actual)} instead of {describe(expected)}."
        )


def _to_array(actual, *, name, case, what, accept_tensors):
    if isinstance(actual, np.ndarray):
        return actual
    if isinstance(actual, (bool, int, float, np.generic)):
        return np.asarray(actual)
    if accept_tensors and hasattr(actual, "numpy") and _keras_kind(actual) is None:
        return np.asarray(actual.numpy())
    if isinstance(actual, (list, tuple)):
        hint = "wrap it in np.array(...)"
    elif hasattr(actual, "numpy") and _keras_kind(actual) is None:
        hint = "convert it with .numpy()"
    else:
        hint = "return the computed values"
    wanted = "an array or tensor" if accept_tensors else "a NumPy array"
    raise CheckFailed(f"{_where(name, case)}: {what} should be {wanted}, got {describe(actual)} ({hint}).")


def check_array(
    actual: Any,
    expected: Any,
    *,
    name: str,
    case: object = None,
    what: str = "the result",
    rtol: float = 1e-6,
    atol: float = 1e-9,
    exact: bool = False,
    check_dtype: bool = True,
    accept_tensors: bool = False,
) -> None:
    """Fail unless ``actual`` matches the array ``expected`` in shape, dtype and values.

    ``exact`` asks for equal values (integers, booleans, padding); otherwise
    values must agree within ``rtol``/``atol``. With ``check_dtype`` the dtype
    must match exactly; without it, only its kind (bool, integer, float) must.
    A scalar result may be a Python or NumPy number.
    """
    expected = np.asarray(expected)
    where = _where(name, case)
    actual = _to_array(actual, name=name, case=case, what=what, accept_tensors=accept_tensors)
    if actual.shape != expected.shape:
        raise CheckFailed(
            f"{where}: {what} has the wrong shape.\n"
            f"  expected: shape {expected.shape}\n  got:      shape {actual.shape}"
        )
    dtype_ok = actual.dtype == expected.dtype if check_dtype else _dtype_kind(actual) == _dtype_kind(expected)
    if not dtype_ok:
        raise CheckFailed(
            f"{where}: {what} has the wrong dtype.\n  expected: {expected.dtype}\n  got:      {actual.dtype}"
        )
    if exact or _dtype_kind(expected) != "float":
        matches = actual == expected
    else:
        matches = np.isclose(actual, expected, rtol=rtol, atol=atol)
    if np.all(matches):
        return
    bad = np.argwhere(~np.asarray(matches))
    if _dtype_kind(expected) == "float":
        difference = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
        difference = np.where(np.isnan(difference), np.inf, difference)
        index = np.unravel_index(np.argmax(np.where(matches, -1, difference)), expected.shape)
    else:
        index = tuple(bad[0])
    lines = [
        f"{where}: {what} has the wrong values: {len(bad)} of {expected.size} differ.",
        f"  at index {tuple(int(i) for i in index)}: expected {expected[index].item()!r}, got {actual[index].item()!r}",
    ]
    if expected.size <= 36:
        lines += [f"  expected: {_preview(expected)}", f"  got:      {_preview(actual)}"]
    raise CheckFailed("\n".join(lines))


def _dtype_kind(array):
    kind = np.asarray(array).dtype.kind
    return {"b": "bool", "i": "integer", "u": "integer", "f": "float"}.get(kind, kind)


def _preview(array):
    return np.array2string(np.asarray(array), precision=5, separator=", ").replace("\n", "\n            ")
