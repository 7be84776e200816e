"""Drawing primitives shared by the dataset generators (Pillow + NumPy).

Scenes are drawn on a supersampled canvas and reduced, which anti-aliases the
edges. Everything is driven by a ``numpy.random.Generator``, and only integer
Pillow operations and exact NumPy arithmetic touch the pixels, so a seed gives
byte-identical images on a given software stack.
"""

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

# Skin tones from very light to very dark (RGB), interpolated between neighbours.
SKIN_TONES = np.array(
    [
        (255, 228, 206),
        (242, 200, 170),
        (228, 180, 146),
        (205, 150, 112),
        (176, 120, 84),
        (140, 92, 62),
        (104, 66, 44),
        (76, 48, 34),
    ],
    dtype=np.float64,
)


def skin_tone(rng):
    """A random skin colour between two neighbouring tones of SKIN_TONES."""
    position = rng.uniform(0, len(SKIN_TONES) - 1)
    low = int(position)
    high = min(low + 1, len(SKIN_TONES) - 1)
    colour = SKIN_TONES[low] + (SKIN_TONES[high] - SKIN_TONES[low]) * (position - low)
    return tuple(int(round(c)) for c in colour)


def random_colour(rng, low=0, high=256):
    return tuple(int(c) for c in rng.integers(low, high, size=3))


def muted_colour(rng, grey=0.35):
    """A random colour mixed with mid-grey: walls, furniture."""
    return tuple(int(round(c * (1 - grey) + 128 * grey)) for c in rng.integers(0, 256, size=3))


def shade(colour, factor):
    """``colour`` darker (factor < 1) or lighter (factor > 1), clipped to 0..255."""
    return tuple(int(min(255, max(0, round(c * factor)))) for c in colour)


# Real surface textures bundled in the scikit-image wheel (greyscale 512x512 photos), for walls.
WALL_TEXTURES = ("brick", "grass", "gravel")


def cluttered_background(rng, size, shapes=(6, 14), avoid=None, wall_grey=0.35, textured=False):
    """A room-like background: a two-colour gradient wall plus random shapes, stripes and blobs.

    ``avoid`` is a colour the shapes should not come close to (e.g. the skin
    tone of the subject), so that the subject stays visible; ``wall_grey``
    (0 to 1) mutes the wall's colours; ``textured`` gives the wall the grain of
    a real photographed surface (brick, grass or gravel).
    """
    top, bottom = muted_colour(rng, wall_grey), muted_colour(rng, wall_grey)
    ramp = np.linspace(0.0, 1.0, size)[:, None, None]
    wall = np.array(top, dtype=np.float64) * (1 - ramp) + np.array(bottom, dtype=np.float64) * ramp
    wall = np.repeat(wall, size, axis=1)
    if textured:
        wall = wall * (0.6 + 0.8 * _texture_crop(rng, size))[:, :, None]
    image = Image.fromarray(np.clip(np.round(wall), 0, 255).astype(np.uint8), "RGB")
    if rng.random() < 0.5:
        image = image.transpose(Image.Transpose.ROTATE_90)
    draw = ImageDraw.Draw(image, "RGBA")
    for _ in range(int(rng.integers(*shapes))):
        colour = _colour_away_from(rng, avoid) + (int(rng.integers(90, 256)),)
        kind = rng.integers(5)
        x0, y0 = (int(v) for v in rng.integers(-size // 4, size, size=2))
        w, h = (int(v) for v in rng.integers(size // 10, size // 2, size=2))
        if kind == 0:
            draw.rectangle([x0, y0, x0 + w, y0 + h], fill=colour)
        elif kind == 1:
            draw.ellipse([x0, y0, x0 + w, y0 + h], fill=colour)
        elif kind == 2:
            draw.line([x0, y0, x0 + w, y0 + h], fill=colour, width=int(rng.integers(2, size // 24 + 3)))
        elif kind == 3:
            points = [tuple(int(v) for v in rng.integers(-size // 8, size + size // 8, size=2)) for _ in range(3)]
            draw.polygon(points, fill=colour)
        else:  # stripes: a picture frame, shelves or blinds
            step = int(rng.integers(size // 32 + 2, size // 10 + 3))
            for offset in range(0, h, 2 * step):
                draw.rectangle([x0, y0 + offset, x0 + w, y0 + offset + step], fill=colour)
    return image


def _texture_crop(rng, size):
    """A ``size`` x ``size`` crop of a random WALL_TEXTURES photo, scaled by 1-2x, values in [0, 1]."""
    import skimage.data

    texture = Image.fromarray(getattr(skimage.data, WALL_TEXTURES[rng.integers(len(WALL_TEXTURES))])())
    side = int(rng.integers(size // 2, min(size, texture.size[0]) + 1))
    left, top = (int(v) for v in rng.integers(0, texture.size[0] - side + 1, size=2))
    crop = texture.crop((left, top, left + side, top + side)).resize((size, size), Image.Resampling.BILINEAR)
    return np.asarray(crop, dtype=np.float64) / 255.0


def _colour_away_from(rng, avoid, distance=70):
    for _ in range(20):
        colour = muted_colour(rng, grey=0.2)
        if avoid is None or sum(abs(a - b) for a, b in zip(colour, avoid)) > distance:
            return colour
    return colour


class Sprite:
    """A drawing (a face, a hand) with its own silhouette, to be placed over a background.

    ``size`` is the side of a square canvas or a ``(width, height)`` pair. The
    silhouette is drawn with ``silhouette_value``, 255 unless changed: a drawing
    of several parts can number them by changing it before each part.
    """

    def __init__(self, size):
        width, height = (size, size) if np.ndim(size) == 0 else size
        self.image = Image.new("RGB", (int(width), int(height)))
        self.mask = Image.new("L", (int(width), int(height)), 0)
        self.silhouette_value = 255
        self._colours = ImageDraw.Draw(self.image, "RGBA")
        self._silhouette = ImageDraw.Draw(self.mask)

    def draw(self, shape, *args, **options):
        """Draw an opaque ``shape``, an ImageDraw method name ("ellipse", "line", "chord", ...)."""
        getattr(self._colours, shape)(*args, **options)
        solid = {
            key: (self.silhouette_value if key in ("fill", "outline") and value is not None else value)
            for key, value in options.items()
        }
        getattr(self._silhouette, shape)(*args, **solid)

    def tint(self, shape, *args, **options):
        """Blend a see-through ``shape`` (RGBA colour) into what is drawn: highlights, shadows, stubble."""
        getattr(self._colours, shape)(*args, **options)


def shade_volume(sprite, rng, softness=0.08, grain=0.04):
    """Light ``sprite`` as a rounded body: each part bulges like its blurred silhouette, lit from a random side,
    with a faint mottled grain (skin, cloth). ``softness`` is the blur radius as a fraction of the sprite."""
    width, _ = sprite.image.size
    height_map = np.asarray(sprite.mask.filter(ImageFilter.GaussianBlur(softness * width)), dtype=np.float64) / 255
    slope_y, slope_x = np.gradient(height_map * softness * width * 2.0)
    light = np.array([*rng.uniform(-0.7, 0.7, size=2), 1.0])
    light /= np.linalg.norm(light)
    lit = (-slope_x * light[0] - slope_y * light[1] + light[2]) / np.sqrt(slope_x**2 + slope_y**2 + 1)
    coarse = rng.standard_normal((width // 8 + 2, width // 8 + 2))
    mottle = np.asarray(Image.fromarray(coarse.astype(np.float32)).resize((width, width), Image.Resampling.BICUBIC))
    factor = (0.45 + 0.65 * np.clip(lit, 0, 1)) * (1 + grain * mottle)
    pixels = np.asarray(sprite.image, dtype=np.float64) * factor[:, :, None]
    sprite.image.paste(Image.fromarray(np.clip(np.round(pixels), 0, 255).astype(np.uint8), "RGB"))


def capsule(sprite, start, end, width, fill, outline=None, outline_width=0):
    """A thick line with round ends (a finger, a limb), optionally outlined."""
    for colour, w in ((outline, width + 2 * outline_width), (fill, width)):
        if colour is None or w <= 0:
            continue
        radius = w / 2
        sprite.draw("line", [start, end], fill=colour, width=int(round(w)))
        for x, y in (start, end):
            sprite.draw("ellipse", [x - radius, y - radius, x + radius, y + radius], fill=colour)


def place(sprite, canvas, angle, scale, shift):
    """Rotate ``sprite`` by ``angle`` degrees about its centre, scale and shift it, and paste it on ``canvas``."""
    size = sprite.image.size[0]
    centre = size / 2
    cos, sin = math.cos(math.radians(angle)) / scale, math.sin(math.radians(angle)) / scale
    dx, dy = shift
    # Image.transform maps each output pixel back to an input pixel: the inverse affine map.
    inverse = (
        cos,
        sin,
        centre - cos * (centre + dx) - sin * (centre + dy),
        -sin,
        cos,
        centre + sin * (centre + dx) - cos * (centre + dy),
    )
    moved = [
        layer.transform(layer.size, Image.Transform.AFFINE, inverse, resample=Image.Resampling.BILINEAR)
        for layer in (sprite.image, sprite.mask)
    ]
    canvas.paste(moved[0], (0, 0), moved[1])
    return canvas


def finish(canvas, rng, factor, blur=(0.0, 1.0), noise=(1.0, 8.0), lighting=1.0):
    """Reduce a supersampled canvas, then add lighting, blur and sensor noise; returns uint8 RGB.

    ``lighting`` scales how strongly the light varies: its direction and
    strength across the image, its colour and the exposure.
    """
    image = canvas.reduce(factor)
    radius = rng.uniform(*blur)
    if radius > 0.15:
        image = image.filter(ImageFilter.GaussianBlur(radius))
    pixels = np.asarray(image, dtype=np.float64)
    height, width = pixels.shape[:2]
    direction = rng.uniform(-1, 1, size=2)
    ys, xs = np.mgrid[0:height, 0:width] / (np.array([height, width]) - 1)[:, None, None] - 0.5
    ramp = 1.0 + rng.uniform(0.0, 0.8 * lighting) * (direction[0] * xs + direction[1] * ys)
    cast = 1.0 + rng.uniform(-0.15, 0.15, size=3) * lighting
    exposure = 1.0 + rng.uniform(-0.4, 0.25) * lighting
    pixels = pixels * ramp[:, :, None] * cast * exposure
    pixels = pixels + rng.standard_normal(pixels.shape) * rng.uniform(*noise)
    return np.clip(np.round(pixels), 0, 255).astype(np.uint8)
