"""Hidden cases for week3/Image_segmentation_Unet.ipynb: other shapes than the public tests.

Each call is built on ``keras.Input``s of the case's shapes; what is compared with the course's solution
is the model it makes (layer by layer) and its output when every weight and the input are seeded
(utils.grading.public_tests.image_segmentation_unet).
"""

from utils.grading.cases import Case
from utils.grading.public_tests.image_segmentation_unet import (
    conv_block_outcome,
    unet_outcome,
    upsampling_block_outcome,
)

CASES = {
    "conv_block": [
        Case((10, 14, 3), 5),
        Case((6, 8, 2), 4, 0.25, True),
        Case((5, 7, 3), 2, dropout_prob=0.1, max_pooling=False),
    ],
    "upsampling_block": [
        Case((4, 6, 3), (8, 12, 2), 3),
        Case((3, 3, 4), (6, 6, 4)),
        Case((2, 4, 6), (4, 8, 1), n_filters=5),
    ],
    "unet_model": [Case((16, 32, 3), 2, 4), Case(input_size=(48, 32, 1), n_filters=3, n_classes=3), Case()],
}

OUTCOMES = {  # the grader passes (function, args, kwargs)
    "conv_block": lambda function, args, kwargs: conv_block_outcome(function, *args, **kwargs),
    "upsampling_block": lambda function, args, kwargs: upsampling_block_outcome(function, *args, **kwargs),
    "unet_model": lambda function, args, kwargs: unet_outcome(function, *args, **kwargs),
}
