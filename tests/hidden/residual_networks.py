"""Hidden cases for week2/Residual_Networks.ipynb: other shapes, filters, strides and initializers than the public
tests. The blocks are compared by their output on seeded inputs; ResNet50 by its layers (in any order within a
depth, as in the public test) and by its predictions on seeded images, which also catch BatchNormalization layers
stuck in training mode."""

import numpy as np

from utils.grading.cases import LazyCase
from utils.grading.grader import same_result
from utils.grading.public_tests.residual_networks import compare_architecture


def _block_case(shape, f, filters, seed, initializer, **options):
    def factory():
        import tensorflow as tf

        x = tf.constant(np.random.default_rng(500 + seed).normal(size=shape).astype(np.float32))
        return (x, f, list(filters)), {"initializer": getattr(tf.keras.initializers, initializer), **options}

    return LazyCase(factory)


def _resnet_case(**arguments):
    return LazyCase(lambda: ((), dict(arguments)))


def _model_and_predictions(function, args, kwargs):
    model = function(*args, **kwargs)
    images = np.random.default_rng(600).random((2, *model.input_shape[1:])).astype(np.float32)
    return model, np.asarray(model(images))


def _same_model_and_predictions(actual, expected, where):
    from utils.grading.model_summary import summarize

    model, predictions = actual
    compare_architecture(model, summarize(expected[0]), name=where)
    same_result(predictions, expected[1], f"{where}, predictions on two images")


CASES = {
    "identity_block": [
        _block_case((2, 6, 6, 4), 3, (3, 2, 4), 1, "he_normal", training=True),
        _block_case((3, 5, 4, 5), 2, (4, 4, 5), 2, "glorot_normal", training=False),
        _block_case((1, 7, 7, 3), 5, (2, 6, 3), 3, "random_normal", training=True),
    ],
    "convolutional_block": [
        _block_case((2, 6, 6, 4), 3, (3, 2, 5), 4, "he_normal", training=True),
        _block_case((3, 9, 7, 2), 2, (2, 3, 6), 5, "glorot_normal", s=3, training=True),
        _block_case((2, 5, 5, 3), 3, (4, 4, 2), 6, "random_normal", s=1, training=False),
    ],
    "ResNet50": [_resnet_case(), _resnet_case(input_shape=(80, 80, 1), classes=4)],
}

OUTCOMES = {"ResNet50": _model_and_predictions}
COMPARE = {"ResNet50": _same_model_and_predictions}
