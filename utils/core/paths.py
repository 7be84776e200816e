"""Where the course's files are: the repository root, its notebooks and datasets."""
from pathlib import Path

# utils is installed in editable mode, so this file stays inside the repository.
REPO_ROOT = Path(__file__).resolve().parents[2]
DATASETS_DIR = REPO_ROOT / "datasets"

# The course's notebooks, in teaching order (paths relative to REPO_ROOT).
NOTEBOOKS = (
    "week1/Convolution_model_Step_by_Step.ipynb",
    "week1/Convolution_model_Application.ipynb",
    "week2/Residual_Networks.ipynb",
    "week2/Transfer_learning_with_MobileNet.ipynb",
    "week3/Car_detection_with_YOLO.ipynb",
    "week3/Image_segmentation_Unet.ipynb",
    "week4/Face_Recognition.ipynb",
    "week4/Neural_Style_Transfer.ipynb",
)


def existing_notebooks():
    """The course notebooks written so far, in teaching order."""
    return [path for path in NOTEBOOKS if (REPO_ROOT / path).exists()]
