"""What a street is made of: a random road, the bands and upright surfaces on both sides, backdrop and bridge."""

from dataclasses import dataclass, field

import numpy as np

from utils.generators import render
from utils.generators.driving_scenes.classes import BUILDING, GROUND, RAIL_TRACK, SIDEWALK, TERRAIN, VEGETATION, WATER
from utils.generators.driving_scenes.geometry import BACKDROP_CELLS, FAR, INF, Road
from utils.generators.driving_scenes.materials import (
    FACADES,
    asphalt,
    fence_colour,
    ground_colour,
    guard_rail_colour,
    line_paints,
    palette_colour,
    post_colour,
    random_sky,
    vegetation_colour,
    wall_colour,
    window_glass,
)
from utils.generators.driving_scenes.objects import PROPS, draw_lamp, draw_pedestrian, draw_prop, draw_tree
from utils.generators.driving_scenes.traffic import add_road_furniture, add_traffic

STREET_KINDS = ("city", "suburb", "country")
STREET_ODDS = (0.45, 0.3, 0.25)
STREET_LENGTH = 250.0  # metres of buildings, walls, fences and guard rails along the road


@dataclass
class _Band:
    """A strip of ground along one side of the road, ``width`` metres wide (the outermost: inf)."""

    width: float
    label: int
    colour: tuple
    texture: str


@dataclass
class _Segment:
    """A stretch of an upright surface from depth ``start`` to ``end``; ``thickness`` > 0 draws its near end."""

    start: float
    end: float
    kind: str  # a key of SURFACES
    top: float
    colour: tuple
    thickness: float = 0.0
    style: dict = field(default_factory=dict)


@dataclass
class _Upright:
    """Upright surfaces along one side (-1 left, +1 right), ``distance`` metres beyond the road's edge."""

    side: int
    distance: float
    segments: list


@dataclass
class _Street:
    road: Road
    bands: dict  # side -> list of _Band, from the road's edge outwards
    uprights: list
    objects: list  # (depth, draw function, keyword arguments)
    sky: tuple  # (zenith colour, horizon colour, cloudiness)
    haze: tuple  # (colour, visibility in metres)
    sun: tuple  # (side the light comes from, strength 0..1, shadow length per metre of height)
    backdrop: dict = None
    bridge: dict = None
    bonnet: tuple = None  # (height as a fraction of the image, paint colour)


def random_street(rng):
    """A street of a random kind under a random sky: its road, both sides, traffic, backdrop and bridge."""
    kind = STREET_KINDS[rng.choice(len(STREET_KINDS), p=STREET_ODDS)]
    sky, sun_strength, visibility = random_sky(rng)
    haze = (tuple(int(c) for c in sky[1]), visibility)
    sun = (int(rng.choice([-1, 1])), sun_strength, rng.uniform(0.4, 1.6))

    road = _random_road(rng, kind)
    bands, uprights, objects = {}, [], []
    for side in (-1, 1):
        bands[side], side_uprights = _random_side(rng, kind, side, objects)
        uprights += side_uprights
    add_traffic(rng, kind, road, objects)
    add_road_furniture(rng, kind, road, objects)
    backdrop = _random_backdrop(rng, kind)
    bridge = _random_bridge(rng, road) if rng.random() < (0.04 if kind != "suburb" else 0.02) else None
    bonnet = (rng.uniform(0.06, 0.15), render.random_colour(rng, 20, 230)) if rng.random() < 0.2 else None
    return _Street(road, bands, uprights, objects, sky, haze, sun, backdrop, bridge, bonnet)


def _random_road(rng, kind):
    """A road of the street's ``kind``: lanes, markings, maybe a median and a crossing; the camera in a lane."""
    lane = rng.uniform(2.9, 3.7)
    if kind == "city":
        per_direction, two_way = int(rng.choice([1, 2], p=(0.6, 0.4))), rng.random() < 0.85
    elif kind == "suburb":
        per_direction, two_way = 1, rng.random() < 0.9
    else:
        per_direction, two_way = int(rng.choice([1, 2], p=(0.6, 0.4))), True
    directions = [-1] * per_direction + [1] * per_direction if two_way else [1] * int(rng.integers(1, 4))
    parking = [kind == "city" and rng.random() < 0.4 for _ in range(2)]
    median_width = rng.uniform(1.5, 4.0) if two_way and per_direction == 2 and rng.random() < 0.5 else 0.0
    white, yellow = line_paints(rng)
    lanes, lines, width, median_at = _lay_out_lanes(rng, lane, directions, parking, median_width, white, yellow)
    median = None
    if median_width:
        label = GROUND if rng.random() < 0.4 else TERRAIN
        colour = ground_colour(rng, label)
        median = (median_at - width / 2, median_width / 2, label, colour)
    # centre the road
    lanes = [(centre - width / 2, direction) for centre, direction in lanes]
    lines = [(centre - width / 2,) + tuple(rest) for centre, *rest in lines]

    own = [centre for centre, direction in lanes if direction == 1]
    camera_at = own[rng.integers(len(own))] + rng.uniform(-0.25, 0.25) * lane
    heading = rng.uniform(-0.06, 0.06)
    curvature = 0.0 if rng.random() < 0.45 else rng.uniform(-1, 1) * (0.006 if kind == "country" else 0.004)
    crossing = None
    if kind != "country" and rng.random() < 0.35:
        near = rng.uniform(7, 35)
        crossing = (near, near + rng.uniform(3, 5), white)
    return Road(-camera_at, heading, curvature, width / 2, asphalt(rng), lanes, lines, median, crossing)


def _lay_out_lanes(rng, lane, directions, parking, median_width, white, yellow):
    """Lanes and lines laid out from the left edge: ``(lanes, lines, width, median_at)``, as Road holds them but
    measured from that edge (``median_at``: the median's centre, if ``median_width``)."""
    lanes, lines, position, median_at = [], [], 0.0, None
    if parking[0]:
        lanes.append((position + 1.1, 0))
        position += 2.2
    for index, direction in enumerate(directions):
        if index and direction != directions[index - 1]:  # where the two directions meet
            if median_width:
                median_at = position + median_width / 2
                position += median_width
            else:
                style = rng.choice(3)
                if style == 0:  # double yellow
                    lines += [(position - 0.1, 0.12, 0, 0, yellow), (position + 0.1, 0.12, 0, 0, yellow)]
                else:
                    lines.append((position, 0.13, 0 if style == 1 else 10.0, 3.0, white if style else yellow))
        elif index:
            lines.append((position, 0.12, rng.uniform(8, 12), rng.uniform(2.5, 4), white))
        lanes.append((position + lane / 2, direction))
        position += lane
    if parking[1]:
        lanes.append((position + 1.1, 0))
        position += 2.2
    if rng.random() < 0.6:  # solid edge lines, inside any parking lane
        for edge in (2.2 * parking[0] + 0.2, position - 2.2 * parking[1] - 0.2):
            lines.append((edge, 0.12, 0, 0, white))
    return lanes, lines, position, median_at


def _random_side(rng, kind, side, objects):
    """The ground bands and upright surfaces of one side, and the trees, lamps and people that go with them."""
    sidewalk = ground_colour(rng, SIDEWALK)
    grass = ground_colour(rng, TERRAIN)
    vegetation = vegetation_colour(rng)
    lay_out = {"city": _city_side, "suburb": _suburb_side, "country": _country_side}[kind]
    bands, uprights, walk = lay_out(rng, side, objects, sidewalk, grass, vegetation)
    if walk:
        _add_street_life(rng, kind, side, walk, objects)
    return bands, uprights


# Each lays out one side of a street of its kind: ``(bands, uprights, walk)``, where ``walk`` is the (near,
# far) distance of the sidewalk from the road's edge, or None.


def _city_side(rng, side, objects, sidewalk, grass, vegetation):
    """A kerb and a wide sidewalk, maybe gravel, then the buildings; sometimes a row of small trees."""
    width = rng.uniform(2.0, 5.0)
    bands = [_Band(0.25, SIDEWALK, render.shade(sidewalk, 1.15), "kerb"), _Band(width, SIDEWALK, sidewalk, "paving")]
    walk = (0.25, 0.25 + width)
    if rng.random() < 0.2:
        bands.append(_Band(rng.uniform(2, 6), GROUND, ground_colour(rng, GROUND), "gravel"))
    bands.append(_Band(INF, GROUND, ground_colour(rng, GROUND), "gravel"))
    line = sum(band.width for band in bands[:-1])
    uprights = [_Upright(side, line, _buildings(rng, "city"))]
    if rng.random() < 0.35:
        _add_row(objects, rng, draw_tree, side, distance=(1.0, 1.0), spacing=(8, 14), colour=vegetation, small=True)
    return bands, uprights, walk


def _suburb_side(rng, side, objects, sidewalk, grass, vegetation):
    """Maybe a verge and a sidewalk, then hedges, fences or walls, front gardens with trees, and houses."""
    bands, walk = [], None
    if rng.random() < 0.6:
        bands.append(_Band(rng.uniform(0.8, 3.0), TERRAIN, grass, "grass"))
    if rng.random() < 0.85:
        start = sum(band.width for band in bands)
        width = rng.uniform(1.5, 2.8)
        bands.append(_Band(width, SIDEWALK, sidewalk, "paving"))
        walk = (start, start + width)
    line = sum(band.width for band in bands) + rng.uniform(0, 1)
    garden = rng.uniform(3, 10)
    bands.append(_Band(INF, TERRAIN, render.shade(grass, rng.uniform(0.85, 1.1)), "grass"))
    hedges_mostly = ("hedge", "hedge", "hedge", "fence", "wall", None, None, None)
    uprights = [_Upright(side, line, _boundaries(rng, hedges_mostly)),
                _Upright(side, line + garden, _buildings(rng, "suburb"))]  # fmt: skip
    if rng.random() < 0.8:
        trees = (line + 1, line + garden - 1.5)
        _add_row(objects, rng, draw_tree, side, distance=trees, spacing=(6, 18), colour=vegetation)
    return bands, uprights, walk


def _country_side(rng, side, objects, sidewalk, grass, vegetation):
    """Maybe gravel, then fields, water or a railway; guard rails, fences, a forest edge or a farm; trees."""
    bands, uprights = [], []
    if rng.random() < 0.6:
        bands.append(_Band(rng.uniform(0.4, 1.8), GROUND, ground_colour(rng, GROUND), "gravel"))
    edge = sum(band.width for band in bands)
    feature = rng.choice(3, p=(0.9, 0.05, 0.05))  # fields, water, a railway
    trees = (edge + 1, edge + 30)
    if feature == 1:
        shore = rng.uniform(2, 10)
        bands += [_Band(shore, TERRAIN, grass, "grass"), _Band(INF, WATER, ground_colour(rng, WATER), "water")]
        trees = (edge + 0.5, edge + max(0.5, shore - 1))
    elif feature == 2:
        verge = rng.uniform(2, 8)
        bands += [_Band(verge, TERRAIN, grass, "grass"),
                  _Band(3.2, RAIL_TRACK, ground_colour(rng, RAIL_TRACK), "rails"),
                  _Band(INF, TERRAIN, render.shade(grass, 0.9), "grass")]  # fmt: skip
        trees = (edge + verge + 5, edge + 35)
    else:
        bands.append(_Band(INF, TERRAIN, grass, "grass"))
    if rng.random() < 0.3:
        uprights.append(_Upright(side, edge + rng.uniform(0.2, 0.7), _guard_rail(rng)))
    if feature != 1:
        if rng.random() < 0.15:
            uprights.append(_Upright(side, edge + rng.uniform(3, 8), _boundaries(rng, ("fence", None))))
        if rng.random() < 0.5:
            uprights.append(_Upright(side, edge + rng.uniform(10, 40), _forest_edge(rng, vegetation)))
        elif rng.random() < 0.35:
            uprights.append(_Upright(side, edge + rng.uniform(8, 30), _buildings(rng, "country")))
    for _ in range(rng.poisson(4)):
        distance, depth = rng.uniform(*trees), rng.uniform(4, 150)
        objects.append((depth, draw_tree, dict(x=(side, distance), z=depth, colour=vegetation)))
    return bands, uprights, None


def _add_street_life(rng, kind, side, walk, objects):
    """Lamps along the sidewalk ``walk`` (near, far), and people, street furniture and maybe a bus shelter on it."""
    if rng.random() < (0.9 if kind == "city" else 0.5):
        colour = post_colour(rng)
        _add_row(objects, rng, draw_lamp, side, distance=(0.45, 0.45), spacing=(16, 35), colour=colour, side=side)
    for _ in range(rng.poisson(3.0 if kind == "city" else 0.8)):
        depth = rng.uniform(3, 50)
        objects.append((depth, draw_pedestrian, dict(x=(side, rng.uniform(walk[0] + 0.3, walk[1] - 0.2)), z=depth)))
    for _ in range(rng.poisson(2.5 if kind == "city" else 0.8)):
        depth = rng.uniform(3, 45)
        prop = PROPS[rng.integers(len(PROPS))]
        objects.append(
            (depth, draw_prop, dict(x=(side, rng.uniform(walk[0] + 0.3, walk[1] - 0.3)), z=depth, prop=prop))
        )
    if kind == "city" and rng.random() < 0.15:
        depth = rng.uniform(8, 40)
        objects.append((depth, draw_prop, dict(x=(side, walk[1] - 0.9), z=depth, prop="shelter")))


def _add_row(objects, rng, draw, row_side, distance, spacing, **options):
    """Objects every ``spacing`` metres along one side, ``distance`` metres (a range) beyond the road's edge."""
    depth = rng.uniform(1, spacing[1])
    while depth < 150:
        objects.append((depth, draw, dict(x=(row_side, rng.uniform(*distance)), z=depth, **options)))
        depth += rng.uniform(*spacing)


def _buildings(rng, kind):
    """Facades with windows, and between them walls, fences or nothing."""
    segments, depth = [], rng.uniform(-20, 0)
    city = kind == "city"
    while depth < STREET_LENGTH:
        length = rng.uniform(10, 35) if city else rng.uniform(8, 16)
        top = rng.uniform(6, 40) if city else rng.uniform(4, 9)
        colour = palette_colour(rng, FACADES, lighter_or_darker=True)
        glass = window_glass(rng)
        style = dict(
            bay=rng.uniform(2.2, 4.5),
            window=rng.uniform(0.35, 0.7),
            floor=rng.uniform(2.8, 3.6),
            pane=rng.uniform(0.4, 0.65),
            glass=glass,
            shops=float(city and rng.random() < 0.5),
        )
        segments.append(
            _Segment(depth, depth + length, "facade", top, colour, thickness=rng.uniform(8, 20), style=style)
        )
        depth += length
        if rng.random() < (0.25 if city else 0.6):
            gap = rng.uniform(3, 15)
            filler = rng.choice(["wall", "fence", None], p=(0.08, 0.08, 0.84))
            if filler:
                segments += _boundaries(rng, (filler,), start=depth, stop=depth + gap)
            depth += gap
    return segments


def _boundaries(rng, kinds, start=None, stop=STREET_LENGTH):
    """Walls, fences and hedges (a None kind leaves an opening) from ``start`` to ``stop``."""
    segments, depth = [], rng.uniform(-10, 0) if start is None else start
    while depth < stop:
        length = min(rng.uniform(6, 30), stop - depth)
        kind = kinds[rng.integers(len(kinds))]
        if kind == "wall":
            colour, brick = wall_colour(rng)
            segments.append(
                _Segment(
                    depth,
                    depth + length,
                    "wall",
                    rng.uniform(0.8, 3.0),
                    colour,
                    style=dict(panel=rng.uniform(1.5, 3.0), brick=float(brick)),
                )
            )
        elif kind == "fence":
            colour = fence_colour(rng)
            segments.append(
                _Segment(
                    depth,
                    depth + length,
                    "fence",
                    rng.uniform(0.9, 2.0),
                    colour,
                    style=dict(
                        post=rng.uniform(1.8, 3.0),
                        picket=rng.uniform(0.1, 0.25),
                        fill=rng.uniform(0.3, 0.6),
                        boards=float(rng.random() < 0.7),
                    ),
                )
            )
        elif kind == "hedge":
            segments.append(_Segment(depth, depth + length, "hedge", rng.uniform(0.8, 2.2), vegetation_colour(rng)))
        depth += length
    return segments


def _guard_rail(rng):
    segments, depth = [], rng.uniform(-10, 5)
    while depth < STREET_LENGTH:
        length = rng.uniform(40, 200)
        top = rng.uniform(0.7, 0.85)
        colour = guard_rail_colour(rng)
        segments.append(_Segment(depth, depth + length, "guardrail", top, colour, style=dict(post=rng.uniform(2, 4))))
        depth += length + rng.uniform(5, 40)
    return segments


def _forest_edge(rng, colour):
    return [_Segment(rng.uniform(-10, 30), FAR, "treeline", rng.uniform(6, 16), colour)]


def _random_backdrop(rng, kind):
    """What closes the view far away: a skyline, a forest, hills, or nothing (the ground goes on)."""
    choice = rng.choice(
        4, p={"city": (0.8, 0.1, 0.0, 0.1), "suburb": (0.3, 0.5, 0.1, 0.1), "country": (0.05, 0.45, 0.35, 0.15)}[kind]
    )
    if choice == 3:
        return None
    label, low, high, width = [(BUILDING, 10, 70, 45), (VEGETATION, 8, 25, 6), (TERRAIN, 15, 60, 80)][choice]
    if label == BUILDING:  # facades of many colours
        colours = np.array(
            [palette_colour(rng, FACADES, lighter_or_darker=True) for _ in range(BACKDROP_CELLS)], np.float64
        )
    else:  # one colour, lighter and darker
        colours = np.array(
            vegetation_colour(rng) if label == VEGETATION else ground_colour(rng, TERRAIN)
        ) * rng.uniform(0.8, 1.1, size=(BACKDROP_CELLS, 1))
    return dict(
        label=label,
        depth=rng.uniform(0.7, 1.0) * FAR,
        heights=rng.uniform(low, high, size=BACKDROP_CELLS),
        width=width,
        colours=colours.astype(np.float32),
        smooth=label != BUILDING,
    )


def _random_bridge(rng, road):
    bottom = rng.uniform(5, 7)
    near = rng.uniform(20, 80)
    pillars = []
    for side in (-1, 1):
        inner = road.half_width + rng.uniform(0.5, 3)
        pillars.append(sorted((side * inner, side * (inner + rng.uniform(0.8, 1.6)))))
    return dict(
        near=near,
        far=near + rng.uniform(8, 14),
        bottom=bottom,
        top=bottom + rng.uniform(1.0, 2.0),
        railing=rng.uniform(0.8, 1.2),
        colour=render.muted_colour(rng, grey=0.8),
        pillars=pillars,
    )
