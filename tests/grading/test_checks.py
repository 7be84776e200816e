import numpy as np
import pytest

from utils.grading.checks import (
    CheckFailed,
    call_function,
    check_array,
    check_equal,
    check_same_object,
    check_tuple,
    check_type,
    describe,
)

EXPECTED = np.arange(6.0).reshape(2, 3)


def check(actual, **options):
    check_array(actual, EXPECTED, name="f", case="small", what="Z", **options)


def test_matching_array_passes():
    check(EXPECTED + 1e-12)


def test_wrong_values_name_case_index_and_both_values():
    wrong = EXPECTED.copy()
    wrong[1, 2] = 9.5
    with pytest.raises(CheckFailed) as failure:
        check(wrong)
    message = str(failure.value)
    assert "f, case 'small': Z has the wrong values: 1 of 6 differ" in message
    assert "at index (1, 2): expected 5.0, got 9.5" in message
    assert "expected: [[0., 1., 2.]," in message


def test_wrong_shape_and_dtype():
    with pytest.raises(CheckFailed, match=r"wrong shape.*\n  expected: shape \(2, 3\)\n  got:      shape \(3, 2\)"):
        check(EXPECTED.T)
    with pytest.raises(CheckFailed, match=r"wrong dtype.*\n  expected: float64\n  got:      float32"):
        check(EXPECTED.astype(np.float32))
    check(EXPECTED.astype(np.float32), check_dtype=False)  # same kind is enough then
    with pytest.raises(CheckFailed, match="wrong dtype"):
        check(EXPECTED.astype(int), check_dtype=False)


def test_nan_is_a_wrong_value():
    with pytest.raises(CheckFailed, match=r"at index \(0, 0\): expected 0.0, got nan"):
        check(np.where(EXPECTED == 0, np.nan, EXPECTED))


@pytest.mark.parametrize(
    "value, says",
    [
        ([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], r"got list of length 2 \(wrap it in np.array"),
        (None, "got None"),
        ("text", "got str"),
    ],
)
def test_wrong_types_are_named(value, says):
    with pytest.raises(CheckFailed, match=says):
        check(value)


def test_tensors_are_refused_or_accepted_on_request():
    import tensorflow as tf

    with pytest.raises(CheckFailed, match=r"should be a NumPy array, got EagerTensor.*convert it with .numpy\(\)"):
        check(tf.constant(EXPECTED))
    check(tf.constant(EXPECTED), accept_tensors=True)


def test_a_keras_model_is_named_not_crashed_on():
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(CheckFailed, match=r"got a Keras model \(Sequential\)"):
        check(model)
    assert describe(model.layers[0]) == "a Keras layer (Dense)"


def test_scalars():
    check_array(np.float64(2.5), np.array(2.5), name="f")
    check_array(2.5, np.array(2.5), name="f")
    with pytest.raises(CheckFailed, match=r"wrong shape.\n  expected: shape \(\)\n  got:      shape \(1, 1, 1\)"):
        check_array(np.full((1, 1, 1), 2.5), np.array(2.5), name="f")


def test_exact_comparison():
    check_array(np.array([1, 2]), np.array([1, 2]), name="f", exact=True)
    with pytest.raises(CheckFailed):
        check_array(np.array([1.0, 2.0 + 1e-12]), np.array([1.0, 2.0]), name="f", exact=True)


def test_call_function_turns_errors_into_named_failures():
    def blank(x):
        raise NotImplementedError()

    def broken(x):
        return x / "a"

    with pytest.raises(CheckFailed, match="blank, case 'one': raised NotImplementedError. Replace the placeholder"):
        call_function(blank, 1, case="one")
    with pytest.raises(CheckFailed, match="broken, case 'one': raised TypeError: unsupported operand"):
        call_function(broken, 1, case="one")
    assert call_function(lambda x, y=0: x + y, 1, y=2) == 3


def test_check_tuple():
    assert check_tuple((1, 2), ("Z", "cache"), name="f") == (1, 2)
    with pytest.raises(CheckFailed, match=r"should return a tuple \(Z, cache\), got ndarray"):
        check_tuple(np.zeros(2), ("Z", "cache"), name="f")
    with pytest.raises(CheckFailed, match="of 2 items, got 3 items"):
        check_tuple((1, 2, 3), ("Z", "cache"), name="f")


def test_check_equal_type_and_identity():
    check_equal((1, 2), (1, 2), name="f")
    with pytest.raises(CheckFailed, match=r"expected: \(1, 2\)\n  got:      \[1, 2\]"):
        check_equal([1, 2], (1, 2), name="f")
    with pytest.raises(CheckFailed, match="expected a int, got str"):
        check_type("3", int, name="f")
    value = np.zeros(2)
    check_same_object(value, value, name="f", what="cache")
    with pytest.raises(CheckFailed, match="cache should be the object that was passed in"):
        check_same_object(value.copy(), value, name="f", what="cache")
