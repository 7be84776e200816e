"""Where the course's files are: the repository root, its notebooks and datasets."""

from pathlib import Path

from utils.core.errors import CourseError

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


def existing_notebooks() -> list[str]:
    """The course notebooks written so far, in teaching order."""
    return [path for path in NOTEBOOKS if (REPO_ROOT / path).exists()]


def resolve_notebooks(names: list[str]) -> list[str]:
    """Course notebook paths for ``names``: paths, or parts of notebook paths ("week1", "Unet"); all if none.

    Raises CourseError for a name that matches no written course notebook, or the path of a notebook that is
    not one of the course's (a student copy, a notebook elsewhere).
    """
    if not names:
        return existing_notebooks()
    chosen = []
    for name in names:
        as_path = Path(name).resolve()
        if as_path.is_file():
            relative = as_path.relative_to(REPO_ROOT).as_posix() if as_path.is_relative_to(REPO_ROOT) else None
            if relative not in NOTEBOOKS:
                raise CourseError(f"{name} is not a course notebook: give one of these paths, or a part of one "
                                  "(a student copy is written from, and graded against, its course notebook):\n  "
                                  + "\n  ".join(NOTEBOOKS))  # fmt: skip
            chosen.append(relative)
            continue
        matches = [path for path in NOTEBOOKS if name.lower() in path.lower()]
        if not matches:
            raise CourseError(f"{name!r} matches no course notebook; choose from:\n  " + "\n  ".join(NOTEBOOKS))
        written = [path for path in matches if (REPO_ROOT / path).exists()]
        if not written:
            raise CourseError(f"{', '.join(matches)}: not written yet")
        chosen += [path for path in written if path not in chosen]
    return chosen
