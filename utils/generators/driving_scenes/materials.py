"""The colours of each class's materials, each within its own range, as a simulator's materials are.

The tables below are the ranges; the functions draw a colour from them. A channel range ``(low, high)`` is
drawn with ``rng.integers(low, high)``. Ranges of neighbouring classes are kept apart (leaves darker than
grass, gravel browner than sidewalks, facades unlike skies, trees and cars), so that a small U-Net can tell
them apart by colour as well as by shape.
"""

import numpy as np

from utils.generators.driving_scenes.classes import GROUND, SIDEWALK, TERRAIN, WATER

# Sky, by weather: clear, overcast or dusk, with these odds.
CLEAR, OVERCAST, DUSK = range(3)
WEATHER_ODDS = (0.55, 0.3, 0.15)
CLEAR_ZENITH = ((30, 90), (90, 150), (170, 235))  # paler towards the horizon, or (ONE_COLOUR_SKY) one colour
ONE_COLOUR_SKY = 0.2
OVERCAST_GREY = (175, 225)  # brighter than the facades below it
OVERCAST_ZENITH_TINT = (-20, -12, -5)  # from that grey
OVERCAST_HORIZON_LIFT = 15
DUSK_ZENITH = ((30, 70), (40, 80), (90, 150))
DUSK_HORIZON = ((200, 255), (110, 170), (70, 130))
# Per weather: the cloud cover, the sun's strength (none when overcast) and how far one sees, in metres.
CLOUDINESS = {CLEAR: (0, 0.5), OVERCAST: (0, 0.3), DUSK: (0, 0.6)}
SUN_STRENGTH = {CLEAR: (0.5, 1), DUSK: (0.2, 0.6)}
VISIBILITY = {CLEAR: (900, 4500), OVERCAST: (800, 2500), DUSK: (600, 2400)}

# Road: asphalt of one grey, each channel tinted by up to ASPHALT_TINT.
ASPHALT_GREY = (55, 120)
ASPHALT_TINT = 6
# Grass, from green to dry, lighter and yellower than the trees' leaves: per channel, its green value, what
# dryness (0 to 1) adds, and a random shift.
GRASS = ((100, 70, (-10, 10)), (140, 20, (-12, 12)), (55, 30, (-10, 10)))
# Gravel and packed earth, browner and darker than the sidewalks: a brightness, then per channel a shift
# (low, high, sign) from it.
GRAVEL_BRIGHTNESS = (95, 135)
GRAVEL_SHIFTS = ((15, 30, 1), (0, 10, 1), (15, 35, -1))
# Sidewalks: a brightness and one of three tints (per channel): grey, beige, reddish.
SIDEWALK_BRIGHTNESS = (150, 210)
SIDEWALK_TINTS = ((0, 0, 0), (15, 5, -10), (15, -10, -16))
WATER_COLOUR = ((30, 70), (55, 95), (70, 120))
RAIL_BALLAST = ((95, 130), (85, 110), (70, 95))
# Leaves: green, or (in AUTUMN of streets) orange, not the brown of brick.
LEAVES = ((25, 65), (60, 105), (20, 50))
AUTUMN_LEAVES = ((160, 200), (100, 140), (15, 35))
AUTUMN = 0.06

# Palettes of (red, green, blue, spread). Facades: concrete, sandstone, brick, plaster, brown, never the green
# of trees or the blue of the sky. Car paints: red, blue, dark blue, yellow, orange, silver, never the green of
# grass or the brown of a facade.
FACADES = ((140, 140, 140, 30), (170, 155, 125, 25), (165, 80, 62, 15), (190, 160, 130, 20), (120, 90, 70, 15))
CAR_PAINTS = ((190, 30, 35, 25), (40, 80, 170, 25), (25, 35, 80, 15), (230, 190, 40, 20), (220, 110, 30, 20),
              (185, 190, 200, 15))  # fmt: skip
# Facade windows: lighter than car glass, a little blue.
WINDOW_GLASS = (95, 150)
WINDOW_TINT = np.array([0, 8, 14])
# Car paints are CAR_PAINT_ODDS of cars; the others are black or white (silver-grey ones vanish into asphalt).
CAR_PAINT_ODDS = 0.6
BLACK_CAR, WHITE_CAR = (10, 40), (190, 245)
# Walls: dark brick (BRICK_WALL_ODDS of them) or pale concrete, unlike the facades' brick and plaster.
BRICK_WALL_ODDS = 0.4
BRICK_WALL = ((105, 135), (45, 65), (35, 55))
CONCRETE_WALL = (170, 205)
FENCES = ((120, 80, 50), (225, 225, 215), (40, 70, 45), (140, 140, 140), (30, 30, 30))
# Guard rails: galvanised steel, a little blue.
GUARD_RAIL_GREY = (150, 210)
GUARD_RAIL_TINT = (0, 3, 8)
# Road lines: white, each channel drawn at once, or yellow.
LINE_WHITE = (200, 250)
LINE_YELLOW = ((210, 250), (170, 210), (20, 80))
# Lamp posts: painted dark, unlike the facades.
POST_GREY = (40, 75)


def _channels(rng, ranges):
    """One value per channel, each drawn from its own range."""
    return tuple(int(rng.integers(low, high)) for low, high in ranges)


def random_sky(rng):
    """``(zenith colour, horizon colour, cloudiness), sun strength, visibility in metres`` of a random weather."""
    weather = rng.choice(3, p=WEATHER_ODDS)
    if weather == CLEAR:
        zenith = tuple(rng.integers(low, high) for low, high in CLEAR_ZENITH)
        if rng.random() < ONE_COLOUR_SKY:
            horizon = tuple(int(c) for c in zenith)
        else:
            horizon = tuple(int(min(255, c * 0.5 + 120)) for c in zenith)
    elif weather == OVERCAST:
        grey = int(rng.integers(*OVERCAST_GREY))
        zenith = tuple(grey + tint for tint in OVERCAST_ZENITH_TINT)
        horizon = (grey + OVERCAST_HORIZON_LIFT,) * 3
    else:
        zenith = tuple(rng.integers(low, high) for low, high in DUSK_ZENITH)
        horizon = tuple(rng.integers(low, high) for low, high in DUSK_HORIZON)
    cloudiness = rng.uniform(*CLOUDINESS[weather])
    sun_strength = rng.uniform(*SUN_STRENGTH[weather]) if weather in SUN_STRENGTH else 0.0
    return (zenith, horizon, cloudiness), sun_strength, rng.uniform(*VISIBILITY[weather])


def asphalt(rng):
    grey = rng.uniform(*ASPHALT_GREY)
    return tuple(int(grey + t) for t in rng.uniform(-ASPHALT_TINT, ASPHALT_TINT, size=3))


def ground_colour(rng, label):
    """A colour of grass (TERRAIN), gravel (GROUND), a sidewalk, water or rail ballast (any other label)."""
    if label == TERRAIN:
        dry = rng.uniform(0, 1) ** 2
        return tuple(int(green + gain * dry + rng.integers(low, high)) for green, gain, (low, high) in GRASS)
    if label == GROUND:
        base = rng.uniform(*GRAVEL_BRIGHTNESS)
        return tuple(int(base + sign * rng.integers(low, high)) for low, high, sign in GRAVEL_SHIFTS)
    if label == SIDEWALK:
        base = rng.uniform(*SIDEWALK_BRIGHTNESS)
        return tuple(int(base + shift) for shift in SIDEWALK_TINTS[rng.choice(len(SIDEWALK_TINTS))])
    return _channels(rng, WATER_COLOUR if label == WATER else RAIL_BALLAST)


def line_paints(rng):
    """``(white, yellow)``: the paints of a road's lines."""
    white = tuple(int(v) for v in rng.integers(*LINE_WHITE, size=3))
    return white, _channels(rng, LINE_YELLOW)


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
    return _channels(rng, AUTUMN_LEAVES if rng.random() < AUTUMN else LEAVES)


def window_glass(rng):
    return tuple(int(v) for v in rng.integers(*WINDOW_GLASS, size=3) + WINDOW_TINT)


def car_colour(rng):
    if rng.random() < CAR_PAINT_ODDS:
        return palette_colour(rng, CAR_PAINTS)
    return (int(rng.integers(*BLACK_CAR) if rng.random() < 0.5 else rng.integers(*WHITE_CAR)),) * 3


def wall_colour(rng):
    """``(colour, brick)``: a brick wall's colour, or a concrete one's."""
    brick = rng.random() < BRICK_WALL_ODDS
    return (_channels(rng, BRICK_WALL) if brick else (int(rng.integers(*CONCRETE_WALL)),) * 3), brick


def fence_colour(rng):
    return tuple(FENCES[rng.integers(len(FENCES))])


def guard_rail_colour(rng):
    grey = int(rng.integers(*GUARD_RAIL_GREY))
    return tuple(grey + tint for tint in GUARD_RAIL_TINT)


def post_colour(rng):
    return (int(rng.integers(*POST_GREY)),) * 3
