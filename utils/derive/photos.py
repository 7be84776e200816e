"""Small JPEG copies of photos and paintings from packages, as the course commits them."""

from pathlib import Path

JPEG_QUALITY = 90


def write_jpeg(
    image,
    target: str | Path,
    *,
    short_side: int | None = None,
    long_side: int | None = None,
    quality: int = JPEG_QUALITY,
) -> Path:
    """Save an RGB copy of the Pillow ``image`` as the JPEG file ``target``; return its path.

    The copy is scaled down (Lanczos, aspect ratio kept, never enlarged) so that its shorter side is at most
    ``short_side`` pixels, or its longer side at most ``long_side``.
    """
    from PIL import Image

    if (short_side is None) == (long_side is None):
        raise ValueError("give short_side or long_side, not both")
    image = image.convert("RGB")
    scale = min(1.0, short_side / min(image.size) if short_side else long_side / max(image.size))
    size = (round(image.width * scale), round(image.height * scale))
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    image.resize(size, Image.Resampling.LANCZOS).save(target, quality=quality)
    return target
