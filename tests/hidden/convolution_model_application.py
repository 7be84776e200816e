"""Hidden cases for week1/Convolution_model_Application.ipynb: the models' layers, compared with the solution's."""

from utils.grading.cases import Case

CASES = {
    "happyModel": [Case()],
    "convolutional_model": [Case((64, 64, 3)), Case((32, 48, 1)), Case((96, 96, 3))],
}
