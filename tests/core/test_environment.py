import os
import subprocess
import sys

import numpy as np
import pytest

import utils
from utils.core.environment import ONEDNN_VARIABLE


def run_model_once():
    import keras

    utils.seed_everything(7)
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dropout(0.5), keras.layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse")
    x = np.random.standard_normal((32, 4)).astype("float32")
    model.fit(x, x[:, :1], epochs=2, batch_size=8, verbose=0)
    return model.predict(x, verbose=0)


def test_seed_everything_makes_training_repeat():
    np.testing.assert_array_equal(run_model_once(), run_model_once())


@pytest.mark.parametrize("seed", [-1, 1.5, "1", True])
def test_seed_everything_rejects_bad_seeds(seed):
    with pytest.raises(ValueError, match="non-negative int"):
        utils.seed_everything(seed)


def test_quiet_tensorflow_keeps_its_start_up_log_out():
    code = "import utils.quiet_tensorflow, tensorflow as tf; print(float(tf.reduce_sum(tf.ones(3))))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "3.0\n"
    assert result.stderr == ""


@pytest.mark.parametrize("modules", ["utils", "utils.grading.release, utils.grading.autograde", "utils.runner.run"])
def test_utils_and_the_grading_and_runner_commands_start_without_tensorflow(modules):
    code = f"import sys, {modules}; print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


def onednn_enabled(code_before, environment_value):
    """Whether TensorFlow's oneDNN kernels are on, in a fresh process that runs ``code_before`` first."""
    environment = {key: value for key, value in os.environ.items() if key != ONEDNN_VARIABLE}
    if environment_value is not None:
        environment[ONEDNN_VARIABLE] = environment_value
    code = code_before + "\nfrom tensorflow.python.util import _pywrap_util_port as port\nprint(port.IsMklEnabled())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment)
    return result.stdout.strip().splitlines()[-1] == "True"


@pytest.mark.parametrize(("environment_value", "expected"), [(None, True), ("1", True), ("0", False)])
def test_notebooks_tensorflow_uses_onednn_unless_turned_off(environment_value, expected):
    # TensorFlow itself left oneDNN off on the project's AMD EPYC (AVX2), where convolutions ran 1.6-3x slower.
    assert onednn_enabled("import utils.quiet_tensorflow", environment_value) is expected


def test_yardstick_measures_with_onednn_whatever_the_environment_says():
    code = "from utils.runner import yardstick\nyardstick.measure(workload=(('tiny', 'matmul', (8, 8, 8)),), repeats=1)"
    assert onednn_enabled(code, "0")
