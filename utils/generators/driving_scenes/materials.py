"""The colours of each class's materials, within the ranges a simulator's materials keep."""

import numpy as np

from utils.generators.driving_scenes.classes import GROUND, SIDEWALK, TERRAIN, WATER


def asphalt(rng):
    grey = rng.uniform(55, 120)
    return tuple(int(grey + t) for t in rng.uniform(-6, 6, size=3))


def ground_colour(rng, label):
    if label == TERRAIN:  # grass, from green to dry, lighter and yellower than the trees' leaves
        dry = rng.uniform(0, 1) ** 2
        return (
            int(100 + 70 * dry + rng.integers(-10, 10)),
            int(140 + 20 * dry + rng.integers(-12, 12)),
            int(55 + 30 * dry + rng.integers(-10, 10)),
        )
    if label == GROUND:  # gravel and packed earth, browner and darker than the sidewalks
        base = rng.uniform(95, 135)
        return (int(base + rng.integers(15, 30)), int(base + rng.integers(0, 10)), int(base - rng.integers(15, 35)))
    if label == SIDEWALK:
        base = rng.uniform(150, 210)
        tint = rng.choice(3)  # grey, beige, reddish
        return (
            int(base + (15 if tint else 0)),
            int(base + (5 if tint == 1 else -5 * tint)),
            int(base - (10 if tint == 1 else 8 * tint)),
        )
    if label == WATER:
        return (int(rng.integers(30, 70)), int(rng.integers(55, 95)), int(rng.integers(70, 120)))
    return (int(rng.integers(95, 130)), int(rng.integers(85, 110)), int(rng.integers(70, 95)))  # rail ballast


# Palettes of (red, green, blue, spread). Facades: concrete, sandstone, brick, plaster, brown, never the green
# of trees or the blue of the sky. Car paints: red, blue, dark blue, yellow, orange, silver, never the green of
# grass or the brown of a facade.
FACADES = ((140, 140, 140, 30), (170, 155, 125, 25), (165, 80, 62, 15), (190, 160, 130, 20), (120, 90, 70, 15))
CAR_PAINTS = (
    (190, 30, 35, 25),
    (40, 80, 170, 25),
    (25, 35, 80, 15),
    (230, 190, 40, 20),
    (220, 110, 30, 20),
    (185, 190, 200, 15),
)


def palette_colour(rng, palette, lighter_or_darker=False):
    """A colour of ``palette`` moved by up to its spread: each channel on its own, or, with
    ``lighter_or_darker``, all three together plus a slight tint."""
    *colour, spread = palette[rng.integers(len(palette))]
    if lighter_or_darker:
        shifts = rng.uniform(-spread, spread) + rng.uniform(-8, 8, size=3)
    else:
        shifts = rng.uniform(-spread, spread, size=3)
    return tuple(int(np.clip(c + shift, 0, 255)) for c, shift in zip(colour, shifts))


def vegetation_colour(rng):
    if rng.random() < 0.06:  # autumn: orange, not the brown of brick
        return (int(rng.integers(160, 200)), int(rng.integers(100, 140)), int(rng.integers(15, 35)))
    return (int(rng.integers(25, 65)), int(rng.integers(60, 105)), int(rng.integers(20, 50)))
