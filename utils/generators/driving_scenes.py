"""A generated stand-in for the course's CARLA driving frames, with per-pixel class masks.

No road-scene segmentation data ships in a package we can use, so this module renders it. A pinhole
camera (random height, pitch and field of view) looks along a road that may curve, with one to six
lanes, lane markings, zebra crossings and parking lanes, between sidewalks, grass verges, gravel, water
and rail tracks. Walls, fences, hedges, guard rails, forest edges and building facades line it as
upright surfaces; a bridge may cross it; a skyline, a forest or hills close the view. Cars, vans,
trucks, buses, pedestrians, trees, street lamps, signs, traffic lights and street furniture stand on
the ground. City streets, suburbs and country roads, colours, textures, sun and shadows, haze,
exposure, blur and sensor noise vary from frame to frame.

How a frame is made: the ground, the upright surfaces and the sky are ray-cast per pixel with NumPy;
the objects are drawn with Pillow far to near and kept where no nearer upright surface hides them.
Every pixel's class is written by the same operation that colours it, so a mask agrees exactly with
its image. Frames are rendered at twice their size and reduced as the original's were resized: the
image averaged, the mask sampled (nearest).

Class ids, names and colours are CARLA's 23 semantic tags (versions 0.9.10 to 0.9.13). "unlabeled"
marks the ego car's bonnet where it is in view, like Cityscapes' void "ego vehicle".
"""
import math
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw

from utils.generators import render

CLASS_NAMES = ("unlabeled", "building", "fence", "other", "pedestrian", "pole", "road line", "road",
               "sidewalk", "vegetation", "vehicle", "wall", "traffic sign", "sky", "ground", "bridge",
               "rail track", "guard rail", "traffic light", "static", "dynamic", "water", "terrain")
PALETTE = np.array([
    (0, 0, 0), (70, 70, 70), (100, 40, 40), (55, 90, 80), (220, 20, 60), (153, 153, 153), (157, 234, 50),
    (128, 64, 128), (244, 35, 232), (107, 142, 35), (0, 0, 142), (102, 102, 156), (220, 220, 0),
    (70, 130, 180), (81, 0, 81), (150, 100, 100), (230, 150, 140), (180, 165, 180), (250, 170, 30),
    (110, 190, 160), (170, 120, 50), (45, 60, 150), (145, 170, 100),
], dtype=np.uint8)
(UNLABELED, BUILDING, FENCE, OTHER, PEDESTRIAN, POLE, ROAD_LINE, ROAD, SIDEWALK, VEGETATION, VEHICLE, WALL,
 TRAFFIC_SIGN, SKY, GROUND, BRIDGE, RAIL_TRACK, GUARD_RAIL, TRAFFIC_LIGHT, STATIC, DYNAMIC, WATER,
 TERRAIN) = range(len(CLASS_NAMES))

SUPERSAMPLE = 2
STREET_KINDS = ("city", "suburb", "country")
STREET_ODDS = (0.45, 0.3, 0.25)
FAR = 400.0  # metres: where the view is closed (skyline, forest, hills) or the ground simply goes on
STREET_LENGTH = 250.0  # metres of buildings, walls, fences and guard rails along the road
NOISE_SIDE = 64  # side of the random tile that textures are sampled from, in world coordinates
BACKDROP_CELLS = 64  # a far skyline, forest or hills: this many random heights, repeated across the view
INF = math.inf
# Bump when the frames change: caches written by another version are generated again.
GENERATOR_VERSION = 3


def generate(count, seed, size=(96, 128), start=0):
    """Frames ``start`` to ``start + count - 1``: images (count, H, W, 3) uint8 and masks (count, H, W) uint8.

    Frame ``i`` depends only on ``(seed, i)``, so a longer run begins with the frames of a shorter
    one, and a cache can be extended by generating only the frames it lacks.
    """
    height, width = size
    images = np.empty((count, height, width, 3), np.uint8)
    masks = np.empty((count, height, width), np.uint8)
    for offset in range(count):
        frame_rng = np.random.default_rng([seed, start + offset])
        images[offset], masks[offset] = draw_frame(frame_rng, size)
    return images, masks


def draw_frame(rng, size=(96, 128)):
    """One frame drawn with ``rng``: an image (H, W, 3) uint8 and its mask (H, W) uint8."""
    camera = _random_camera(rng, size)
    street = _random_street(rng)
    frame = _Frame(camera, rng)
    _draw_sky(frame, rng, street)
    _draw_ground(frame, street)
    for upright in street.uprights:
        _draw_upright(frame, street, upright)
    if street.backdrop:
        _draw_backdrop(frame, street.backdrop)
    if street.bridge:
        _draw_bridge(frame, street.bridge, street.road)
    _draw_objects(frame, rng, street)
    if street.bonnet:
        _draw_bonnet(frame, *street.bonnet)
    _add_haze(frame, *street.haze)
    canvas = Image.fromarray(np.clip(np.round(frame.colour), 0, 255).astype(np.uint8), "RGB")
    image = render.finish(canvas, rng, SUPERSAMPLE, blur=(0.0, 0.3), noise=(0.5, 2.0), lighting=0.15)
    mask = frame.label[SUPERSAMPLE // 2::SUPERSAMPLE, SUPERSAMPLE // 2::SUPERSAMPLE]
    return image, mask


# --- Geometry ---------------------------------------------------------------------------------------

@dataclass
class _Camera:
    """A pinhole camera ``elevation`` metres over flat ground, looking along +z (x right, y up).

    Its pitch shows as the image row of the horizon (a shifted principal point).
    """
    rows: int
    columns: int
    focal: float  # pixels
    horizon: float  # image row
    elevation: float  # metres

    def __post_init__(self):
        self.dx = (np.arange(self.columns) + 0.5 - self.columns / 2) / self.focal  # x / z along each column
        self.dy = (np.arange(self.rows) + 0.5 - self.horizon) / self.focal  # (elevation - y) / z along each row

    @property
    def ground_row(self):
        """The first image row whose rays meet the ground (in front of the camera, not at the horizon)."""
        return int(np.searchsorted(self.dy, 1e-3))

    def project(self, x, y, z):
        return self.columns / 2 + self.focal * x / z, self.horizon + self.focal * (self.elevation - y) / z


def _random_camera(rng, size):
    rows, columns = size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE
    focal = columns / 2 / math.tan(math.radians(rng.uniform(70, 100)) / 2)
    return _Camera(rows, columns, focal, horizon=rows * rng.uniform(0.3, 0.5), elevation=rng.uniform(1.2, 2.4))


@dataclass
class _Road:
    """The road's centre line lies at x = offset + heading z + curvature z^2; lateral r = x - centre."""
    offset: float
    heading: float
    curvature: float
    half_width: float
    colour: tuple
    lanes: list  # (lateral centre, direction): +1 with the camera, -1 oncoming, 0 parking
    lines: list  # (lateral centre, width, dash period or 0 for solid, dash length, colour)
    median: tuple = None  # (lateral centre, half width, label, colour)
    crossing: tuple = None  # (near z, far z, colour)

    def centre(self, z):
        return self.offset + self.heading * z + self.curvature * z * z

    def tangent(self, z):
        return self.heading + 2 * self.curvature * z


def _hit_depths(camera, road, lateral):
    """Per image column, the depth at which its rays meet the upright surface at ``lateral`` (inf: never)."""
    b = road.heading - camera.dx
    c = road.offset + lateral
    with np.errstate(divide="ignore", invalid="ignore"):
        if road.curvature == 0:
            roots = [-c / b]
        else:  # curvature z^2 + b z + c = 0, in the form that stays accurate for small curvature
            q = -0.5 * (b + np.copysign(np.sqrt(b * b - 4 * road.curvature * c), b))
            roots = [q / road.curvature, c / q]
    depths = np.full(b.shape, INF)
    for root in roots:
        depths = np.where((root > 0.5) & (root < depths), root, depths)
    return depths


# --- The frame being rendered -------------------------------------------------------------------------

class _Frame:
    """Colour, class and depth buffers at the supersampled size.

    ``occluder`` holds the depth of upright surfaces only: objects behind them are hidden, while the
    ground under an object never is.
    """

    def __init__(self, camera, rng):
        self.camera = camera
        shape = (camera.rows, camera.columns)
        self.colour = np.zeros(shape + (3,), np.float32)
        self.label = np.full(shape, SKY, np.uint8)
        self.depth = np.full(shape, INF, np.float32)
        self.occluder = np.full(shape, INF, np.float32)
        self.tile = rng.standard_normal((NOISE_SIDE, NOISE_SIDE)).astype(np.float32)

    def noise(self, a, b):
        """Unit noise at world coordinates (a, b), one value per unit square: textures that follow perspective."""
        mask = NOISE_SIDE - 1
        return self.tile[np.asarray(a).astype(np.int32) & mask, np.asarray(b).astype(np.int32) & mask]

    def paint(self, block, hit, depth, label, colour, upright=True):
        """Where ``hit`` (over the ``block`` of rows and columns) is nearer than what is drawn, draw it."""
        drawn = hit & (depth < self.depth[block])
        np.copyto(self.depth[block], depth, where=drawn)
        np.copyto(self.label[block], label, where=drawn)
        np.copyto(self.colour[block], colour, where=drawn[..., None])
        if upright:
            np.copyto(self.occluder[block], depth, where=drawn)


# --- What a street is made of -------------------------------------------------------------------------

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
    road: _Road
    bands: dict  # side -> list of _Band, from the road's edge outwards
    uprights: list
    objects: list  # (depth, draw function, keyword arguments)
    sky: tuple  # (zenith colour, horizon colour, cloudiness)
    haze: tuple  # (colour, visibility in metres)
    sun: tuple  # (side the light comes from, strength 0..1, shadow length per metre of height)
    backdrop: dict = None
    bridge: dict = None
    bonnet: tuple = None  # (height as a fraction of the image, paint colour)


def _random_street(rng):
    """A street of a random kind under a random sky: its road, both sides, traffic, backdrop and bridge."""
    kind = STREET_KINDS[rng.choice(len(STREET_KINDS), p=STREET_ODDS)]
    weather = rng.choice(3, p=(0.55, 0.3, 0.15))  # clear, overcast, dusk
    if weather == 0:
        zenith = (rng.integers(30, 90), rng.integers(90, 150), rng.integers(170, 235))
        if rng.random() < 0.2:  # a sky of one colour
            horizon = tuple(int(c) for c in zenith)
        else:  # paler towards the horizon
            horizon = tuple(int(min(255, c * 0.5 + 120)) for c in zenith)
        sky, sun_strength, visibility = ((zenith, horizon, rng.uniform(0, 0.5)), rng.uniform(0.5, 1),
                                         rng.uniform(900, 4500))
    elif weather == 1:
        grey = int(rng.integers(175, 225))  # brighter than the facades below it
        zenith = (grey - 20, grey - 12, grey - 5)
        sky, sun_strength, visibility = (zenith, (grey + 15,) * 3, rng.uniform(0, 0.3)), 0.0, rng.uniform(800, 2500)
    else:
        zenith = (rng.integers(30, 70), rng.integers(40, 80), rng.integers(90, 150))
        horizon = (rng.integers(200, 255), rng.integers(110, 170), rng.integers(70, 130))
        sky, sun_strength, visibility = ((zenith, horizon, rng.uniform(0, 0.6)), rng.uniform(0.2, 0.6),
                                         rng.uniform(600, 2400))
    haze = (tuple(int(c) for c in sky[1]), visibility)
    sun = (int(rng.choice([-1, 1])), sun_strength, rng.uniform(0.4, 1.6))

    road = _random_road(rng, kind)
    bands, uprights, objects = {}, [], []
    for side in (-1, 1):
        bands[side], side_uprights = _random_side(rng, kind, side, objects)
        uprights += side_uprights
    _add_traffic(rng, kind, road, objects)
    _add_road_furniture(rng, kind, road, objects)
    backdrop = _random_backdrop(rng, kind)
    bridge = _random_bridge(rng, road) if rng.random() < (0.04 if kind != "suburb" else 0.02) else None
    bonnet = (rng.uniform(0.06, 0.15), render.random_colour(rng, 20, 230)) if rng.random() < 0.2 else None
    return _Street(road, bands, uprights, objects, sky, haze, sun, backdrop, bridge, bonnet)


def _asphalt(rng):
    grey = rng.uniform(55, 120)
    return tuple(int(grey + t) for t in rng.uniform(-6, 6, size=3))


def _random_road(rng, kind):
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
    white = tuple(int(v) for v in rng.integers(200, 250, size=3))
    yellow = (int(rng.integers(210, 250)), int(rng.integers(170, 210)), int(rng.integers(20, 80)))

    # Lay the lanes out from the left edge, then centre the road.
    lanes, lines, position = [], [], 0.0
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
    width = position
    if rng.random() < 0.6:  # solid edge lines, inside any parking lane
        for edge in (2.2 * parking[0] + 0.2, width - 2.2 * parking[1] - 0.2):
            lines.append((edge, 0.12, 0, 0, white))
    median = None
    if median_width:
        label = GROUND if rng.random() < 0.4 else TERRAIN
        colour = _ground_colour(rng, label)
        median = (median_at - width / 2, median_width / 2, label, colour)
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
    return _Road(-camera_at, heading, curvature, width / 2, _asphalt(rng), lanes, lines, median, crossing)


def _ground_colour(rng, label):
    if label == TERRAIN:  # grass, from green to dry, lighter and yellower than the trees' leaves
        dry = rng.uniform(0, 1) ** 2
        return (int(100 + 70 * dry + rng.integers(-10, 10)), int(140 + 20 * dry + rng.integers(-12, 12)),
                int(55 + 30 * dry + rng.integers(-10, 10)))
    if label == GROUND:  # gravel and packed earth, browner and darker than the sidewalks
        base = rng.uniform(95, 135)
        return (int(base + rng.integers(15, 30)), int(base + rng.integers(0, 10)), int(base - rng.integers(15, 35)))
    if label == SIDEWALK:
        base = rng.uniform(150, 210)
        tint = rng.choice(3)  # grey, beige, reddish
        return (int(base + (15 if tint else 0)), int(base + (5 if tint == 1 else -5 * tint)),
                int(base - (10 if tint == 1 else 8 * tint)))
    if label == WATER:
        return (int(rng.integers(30, 70)), int(rng.integers(55, 95)), int(rng.integers(70, 120)))
    return (int(rng.integers(95, 130)), int(rng.integers(85, 110)), int(rng.integers(70, 95)))  # rail ballast


# Palettes of (red, green, blue, spread). Facades: concrete, sandstone, brick, plaster, brown, never the green
# of trees or the blue of the sky. Car paints: red, blue, dark blue, yellow, orange, silver, never the green of
# grass or the brown of a facade.
FACADES = ((140, 140, 140, 30), (170, 155, 125, 25), (165, 80, 62, 15), (190, 160, 130, 20), (120, 90, 70, 15))
CAR_PAINTS = ((190, 30, 35, 25), (40, 80, 170, 25), (25, 35, 80, 15), (230, 190, 40, 20), (220, 110, 30, 20),
              (185, 190, 200, 15))


def _palette_colour(rng, palette, lighter_or_darker=False):
    """A colour of ``palette`` moved by up to its spread: each channel on its own, or, with
    ``lighter_or_darker``, all three together plus a slight tint."""
    *colour, spread = palette[rng.integers(len(palette))]
    if lighter_or_darker:
        shifts = rng.uniform(-spread, spread) + rng.uniform(-8, 8, size=3)
    else:
        shifts = rng.uniform(-spread, spread, size=3)
    return tuple(int(np.clip(c + shift, 0, 255)) for c, shift in zip(colour, shifts))


def _vegetation_colour(rng):
    if rng.random() < 0.06:  # autumn: orange, not the brown of brick
        return (int(rng.integers(160, 200)), int(rng.integers(100, 140)), int(rng.integers(15, 35)))
    return (int(rng.integers(25, 65)), int(rng.integers(60, 105)), int(rng.integers(20, 50)))


def _random_side(rng, kind, side, objects):
    """The ground bands and upright surfaces of one side, and the trees, lamps and people that go with them."""
    bands, uprights = [], []
    sidewalk = _ground_colour(rng, SIDEWALK)
    grass = _ground_colour(rng, TERRAIN)
    vegetation = _vegetation_colour(rng)
    walk = None  # (near, far) distance from the road's edge of the sidewalk
    if kind == "city":
        width = rng.uniform(2.0, 5.0)
        bands += [_Band(0.25, SIDEWALK, render.shade(sidewalk, 1.15), "kerb"),
                  _Band(width, SIDEWALK, sidewalk, "paving")]
        walk = (0.25, 0.25 + width)
        if rng.random() < 0.2:
            bands.append(_Band(rng.uniform(2, 6), GROUND, _ground_colour(rng, GROUND), "gravel"))
        bands.append(_Band(INF, GROUND, _ground_colour(rng, GROUND), "gravel"))
        line = sum(band.width for band in bands[:-1])
        uprights.append(_Upright(side, line, _buildings(rng, kind)))
        if rng.random() < 0.35:
            _add_row(objects, rng, _draw_tree, side, distance=(1.0, 1.0), spacing=(8, 14),
                     colour=vegetation, small=True)
    elif kind == "suburb":
        if rng.random() < 0.6:
            width = rng.uniform(0.8, 3.0)
            bands.append(_Band(width, TERRAIN, grass, "grass"))
        if rng.random() < 0.85:
            start = sum(band.width for band in bands)
            width = rng.uniform(1.5, 2.8)
            bands.append(_Band(width, SIDEWALK, sidewalk, "paving"))
            walk = (start, start + width)
        line = sum(band.width for band in bands) + rng.uniform(0, 1)
        garden = rng.uniform(3, 10)
        bands.append(_Band(INF, TERRAIN, render.shade(grass, rng.uniform(0.85, 1.1)), "grass"))
        hedges_mostly = ("hedge", "hedge", "hedge", "fence", "wall", None, None, None)
        uprights.append(_Upright(side, line, _boundaries(rng, hedges_mostly)))
        uprights.append(_Upright(side, line + garden, _buildings(rng, kind)))
        if rng.random() < 0.8:
            _add_row(objects, rng, _draw_tree, side, distance=(line + 1, line + garden - 1.5),
                     spacing=(6, 18), colour=vegetation)
    else:
        if rng.random() < 0.6:
            bands.append(_Band(rng.uniform(0.4, 1.8), GROUND, _ground_colour(rng, GROUND), "gravel"))
        edge = sum(band.width for band in bands)
        feature = rng.choice(3, p=(0.9, 0.05, 0.05))  # fields, water, a railway
        trees = (edge + 1, edge + 30)
        if feature == 1:
            shore = rng.uniform(2, 10)
            bands += [_Band(shore, TERRAIN, grass, "grass"), _Band(INF, WATER, _ground_colour(rng, WATER), "water")]
            trees = (edge + 0.5, edge + max(0.5, shore - 1))
        elif feature == 2:
            verge = rng.uniform(2, 8)
            bands += [_Band(verge, TERRAIN, grass, "grass"),
                      _Band(3.2, RAIL_TRACK, _ground_colour(rng, RAIL_TRACK), "rails"),
                      _Band(INF, TERRAIN, render.shade(grass, 0.9), "grass")]
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
                uprights.append(_Upright(side, edge + rng.uniform(8, 30), _buildings(rng, kind)))
        for _ in range(rng.poisson(4)):
            distance, depth = rng.uniform(*trees), rng.uniform(4, 150)
            objects.append((depth, _draw_tree, dict(x=(side, distance), z=depth, colour=vegetation)))
    if walk and rng.random() < (0.9 if kind == "city" else 0.5):
        colour = (int(rng.integers(40, 75)),) * 3  # painted dark, unlike the facades
        _add_row(objects, rng, _draw_lamp, side, distance=(0.45, 0.45), spacing=(16, 35), colour=colour,
                 side=side)
    if walk:
        people = rng.poisson(3.0 if kind == "city" else 0.8)
        for _ in range(people):
            depth = rng.uniform(3, 50)
            objects.append((depth, _draw_pedestrian, dict(x=(side, rng.uniform(walk[0] + 0.3, walk[1] - 0.2)),
                                                          z=depth)))
        props = rng.poisson(2.5 if kind == "city" else 0.8)
        for _ in range(props):
            depth = rng.uniform(3, 45)
            kind_of_prop = PROPS[rng.integers(len(PROPS))]
            objects.append((depth, _draw_prop, dict(x=(side, rng.uniform(walk[0] + 0.3, walk[1] - 0.3)), z=depth,
                                                    prop=kind_of_prop)))
        if kind == "city" and rng.random() < 0.15:
            depth = rng.uniform(8, 40)
            objects.append((depth, _draw_prop, dict(x=(side, walk[1] - 0.9), z=depth, prop="shelter")))
    return bands, uprights


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
        colour = _palette_colour(rng, FACADES, lighter_or_darker=True)
        glass = tuple(int(v) for v in rng.integers(95, 150, size=3) + np.array([0, 8, 14]))  # lighter than car glass
        style = dict(bay=rng.uniform(2.2, 4.5), window=rng.uniform(0.35, 0.7), floor=rng.uniform(2.8, 3.6),
                     pane=rng.uniform(0.4, 0.65), glass=glass, shops=float(city and rng.random() < 0.5))
        segments.append(_Segment(depth, depth + length, "facade", top, colour, thickness=rng.uniform(8, 20),
                                 style=style))
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
            brick = rng.random() < 0.4
            # dark brick or pale concrete, unlike the facades' brick and plaster
            colour = ((int(rng.integers(105, 135)), int(rng.integers(45, 65)), int(rng.integers(35, 55))) if brick
                      else (int(rng.integers(170, 205)),) * 3)
            segments.append(_Segment(depth, depth + length, "wall", rng.uniform(0.8, 3.0), colour,
                                     style=dict(panel=rng.uniform(1.5, 3.0), brick=float(brick))))
        elif kind == "fence":
            colour = [(120, 80, 50), (225, 225, 215), (40, 70, 45), (140, 140, 140), (30, 30, 30)][rng.integers(5)]
            segments.append(_Segment(depth, depth + length, "fence", rng.uniform(0.9, 2.0), tuple(colour),
                                     style=dict(post=rng.uniform(1.8, 3.0), picket=rng.uniform(0.1, 0.25),
                                                fill=rng.uniform(0.3, 0.6), boards=float(rng.random() < 0.7))))
        elif kind == "hedge":
            segments.append(_Segment(depth, depth + length, "hedge", rng.uniform(0.8, 2.2), _vegetation_colour(rng)))
        depth += length
    return segments


def _guard_rail(rng):
    segments, depth = [], rng.uniform(-10, 5)
    while depth < STREET_LENGTH:
        length = rng.uniform(40, 200)
        top = rng.uniform(0.7, 0.85)
        grey = int(rng.integers(150, 210))  # galvanised steel, a little blue
        segments.append(_Segment(depth, depth + length, "guardrail", top, (grey, grey + 3, grey + 8),
                                 style=dict(post=rng.uniform(2, 4))))
        depth += length + rng.uniform(5, 40)
    return segments


def _forest_edge(rng, colour):
    return [_Segment(rng.uniform(-10, 30), FAR, "treeline", rng.uniform(6, 16), colour)]


def _random_backdrop(rng, kind):
    """What closes the view far away: a skyline, a forest, hills, or nothing (the ground goes on)."""
    choice = rng.choice(4, p={"city": (0.8, 0.1, 0.0, 0.1), "suburb": (0.3, 0.5, 0.1, 0.1),
                              "country": (0.05, 0.45, 0.35, 0.15)}[kind])
    if choice == 3:
        return None
    label, low, high, width = [(BUILDING, 10, 70, 45), (VEGETATION, 8, 25, 6), (TERRAIN, 15, 60, 80)][choice]
    if label == BUILDING:  # facades of many colours
        colours = np.array([_palette_colour(rng, FACADES, lighter_or_darker=True)
                            for _ in range(BACKDROP_CELLS)], np.float64)
    else:  # one colour, lighter and darker
        colours = (np.array(_vegetation_colour(rng) if label == VEGETATION else _ground_colour(rng, TERRAIN))
                   * rng.uniform(0.8, 1.1, size=(BACKDROP_CELLS, 1)))
    return dict(label=label, depth=rng.uniform(0.7, 1.0) * FAR, heights=rng.uniform(low, high, size=BACKDROP_CELLS),
                width=width, colours=colours.astype(np.float32), smooth=label != BUILDING)


def _random_bridge(rng, road):
    bottom = rng.uniform(5, 7)
    near = rng.uniform(20, 80)
    pillars = []
    for side in (-1, 1):
        inner = road.half_width + rng.uniform(0.5, 3)
        pillars.append(sorted((side * inner, side * (inner + rng.uniform(0.8, 1.6)))))
    return dict(near=near, far=near + rng.uniform(8, 14), bottom=bottom, top=bottom + rng.uniform(1.0, 2.0),
                railing=rng.uniform(0.8, 1.2), colour=render.muted_colour(rng, grey=0.8), pillars=pillars)


def _add_traffic(rng, kind, road, objects):
    """Vehicles in the lanes, moving or parked."""
    for centre, direction in road.lanes:
        if direction == 0:  # parked cars nose to tail, with gaps
            depth = rng.uniform(2, 10)
            while depth < 70:
                if rng.random() < 0.75:
                    objects.append((depth, _draw_vehicle, dict(x=centre + rng.uniform(-0.15, 0.15), z=depth,
                                                               facing=1, body=_random_vehicle(rng, parked=True))))
                depth += rng.uniform(5.5, 9)
            continue
        own_lane = abs(centre + road.offset) < 2
        depth = rng.uniform(8, 20) if own_lane else rng.uniform(0, 15)
        busy = {"city": 0.75, "suburb": 0.5, "country": 0.55}[kind]
        while depth < 110:
            if rng.random() < busy:
                body = _random_vehicle(rng)
                objects.append((depth, _draw_vehicle, dict(x=centre + rng.uniform(-0.3, 0.3), z=depth,
                                                           facing=direction, body=body)))
                depth += body["length"]
            depth += rng.uniform(6, 25)


def _random_vehicle(rng, parked=False):
    kind = rng.choice(4, p=(0.95, 0.05, 0, 0) if parked else (0.7, 0.14, 0.09, 0.07))
    if rng.random() < 0.6:
        colour = _palette_colour(rng, CAR_PAINTS)
    else:  # many cars are black or white (silver-grey ones vanish into the asphalt)
        colour = (int(rng.integers(10, 40) if rng.random() < 0.5 else rng.integers(190, 245)),) * 3
    if kind == 0:  # car or SUV
        tall = rng.random() < 0.3
        return dict(kind="car", length=rng.uniform(3.9, 4.9), width=rng.uniform(1.7, 1.95), base=0.22,
                    body=rng.uniform(0.8, 1.0) if tall else rng.uniform(0.7, 0.85),
                    roof=rng.uniform(1.6, 1.85) if tall else rng.uniform(1.35, 1.5), colour=colour,
                    cabin=(rng.uniform(0.12, 0.2), rng.uniform(0.25, 0.35), rng.uniform(0.6, 0.7),
                           rng.uniform(0.72, 0.8)))
    if kind == 1:  # van
        return dict(kind="car", length=rng.uniform(4.8, 5.6), width=rng.uniform(1.9, 2.05), base=0.25,
                    body=rng.uniform(0.9, 1.05), roof=rng.uniform(1.95, 2.4), colour=colour,
                    cabin=(0.0, 0.02, 0.75, 0.85))
    return dict(kind="truck" if kind == 2 else "bus", length=rng.uniform(7, 12), width=rng.uniform(2.35, 2.55),
                base=0.35, body=rng.uniform(2.9, 3.6), roof=0.0, colour=colour, cabin=None)


def _add_road_furniture(rng, kind, road, objects):
    """Signs, traffic lights, cones on the shoulder, people on the crossing."""
    for _ in range(rng.poisson(1.3)):
        side, depth = int(rng.choice([-1, 1])), rng.uniform(5, 50)
        objects.append((depth, _draw_sign, dict(x=(side, rng.uniform(0.3, 0.8)), z=depth,
                                                away=side < 0 and rng.random() < 0.6)))
    if kind == "city" and rng.random() < 0.45:
        depth = rng.uniform(10, 45)
        for side in (-1, 1):
            objects.append((depth, _draw_traffic_light, dict(x=(side, 0.4), z=depth, side=side, away=side < 0,
                                                              arm=rng.uniform(0.5, 1.0) * road.half_width
                                                              if rng.random() < 0.5 else 0)))
    if kind == "country":
        for _ in range(rng.poisson(0.4)):
            depth = rng.uniform(5, 40)
            objects.append((depth, _draw_prop, dict(x=(int(rng.choice([-1, 1])), rng.uniform(-0.8, 0.3)), z=depth,
                                                    prop="cone")))
    if road.crossing:
        for _ in range(rng.poisson(1.5)):
            depth = rng.uniform(road.crossing[0] + 0.5, road.crossing[1] - 0.5)
            objects.append((depth, _draw_pedestrian, dict(x=rng.uniform(-road.half_width, road.half_width), z=depth)))


# --- Background: sky, ground, upright surfaces ------------------------------------------------------

def _smooth_noise(rng, rows, columns, cells):
    """Smooth noise in [0, 1] over rows x columns, varying over about ``cells`` cells across."""
    coarse = rng.random((max(2, cells * rows // max(columns, 1) + 2), cells + 2)).astype(np.float32)
    return np.asarray(Image.fromarray(coarse, "F").resize((columns, rows), Image.Resampling.BICUBIC))


def _draw_sky(frame, rng, street):
    """A gradient from the zenith to the horizon, with clouds; the ground covers the rows below the horizon."""
    camera = frame.camera
    rows = camera.ground_row
    zenith, horizon, cloudiness = (np.array(c, np.float32) for c in street.sky)
    height = np.clip((camera.horizon - np.arange(rows)) / max(camera.horizon, 1), 0, 1) ** 0.6
    colour = horizon + (zenith - horizon) * height[:, None, None]
    clouds = np.clip((_smooth_noise(rng, rows, camera.columns, 5) - (1 - cloudiness)) * 3, 0, 1)
    cloud_colour = np.array(render.shade(tuple(horizon), 1.15), np.float32)
    frame.colour[:rows] = colour + (cloud_colour - colour) * clouds[:, :, None] * 0.8


def _draw_ground(frame, street):
    """Road, lines, crossing, median and the bands beside the road, as materials (a colour each) times shading."""
    camera, road = frame.camera, street.road
    rows = slice(camera.ground_row, camera.rows)
    z = camera.elevation / camera.dy[rows][:, None]  # depth of each row's ground
    x = camera.dx[None, :] * z
    r = x - road.centre(z)
    beyond = np.abs(r) - road.half_width  # distance beyond the road's edge
    on_road = beyond <= 0
    fine = frame.noise(x * 6, z * 6)
    label = np.full(r.shape, ROAD, np.uint8)
    material = np.zeros(r.shape, np.uint8)
    paints = [road.colour]
    shade = 1 + 0.06 * fine + 0.04 * frame.noise(x * 0.4 + 17, z * 0.25)

    def lay(where, new_label, colour, shading):
        label[where] = new_label
        material[where] = len(paints)
        paints.append(colour)
        shade[where] = shading

    for centre, width, period, dash, colour in road.lines:
        line = on_road & (np.abs(r - centre) < width / 2)
        if period:
            line &= (z % period) < dash
        lay(line, ROAD_LINE, colour, 1 + 0.05 * fine[line])
    if road.crossing:
        near, far, colour = road.crossing
        stripes = on_road & (z >= near) & (z < far) & (((r + road.half_width) % 1.1) < 0.55)
        lay(stripes, ROAD_LINE, colour, 1 + 0.05 * fine[stripes])
    if road.median:
        centre, half, median_label, colour = road.median
        island = np.abs(r - centre) < half
        lay(island, median_label, colour, 1 + 0.12 * fine[island])

    sky = frame.colour[0, 0]
    depths = np.broadcast_to(z, r.shape)
    for side in (-1, 1):
        outside = ~on_road & (np.sign(r) == side)
        edges = np.cumsum([band.width for band in street.bands[side]])
        which = np.searchsorted(edges, beyond, side="right")
        for index, band in enumerate(street.bands[side]):
            here = outside & (which == index)
            if not here.any():
                continue
            across = beyond - (edges[index - 1] if index else 0.0)
            if band.texture == "paving":  # slabs with darker joints
                joints = ((across[here] % 1.0) < 0.06) | ((depths[here] % 1.0) < 0.06)
                lay(here, band.label, band.colour, np.where(joints, 0.8, 1 + 0.04 * fine[here]))
            elif band.texture == "grass":
                patches = frame.noise(x[here] * 0.5 + 31, depths[here] * 0.5)
                lay(here, band.label, band.colour, 1 + 0.14 * fine[here] + 0.1 * patches)
            elif band.texture == "water":  # ripples stretched across the view, and the sky's light
                ripples = frame.noise(x[here] * 0.6 + 5, depths[here] * 4)
                lay(here, band.label, tuple(np.array(band.colour) + 0.25 * sky), 1 + 0.12 * ripples)
            elif band.texture == "rails":  # ballast, sleepers and two rails
                lay(here, band.label, band.colour, 1 + 0.2 * fine[here])
                from_centre = np.abs(across - 1.6)
                sleepers = here & (from_centre < 1.25) & ((z % 0.65) < 0.25)
                lay(sleepers, band.label, (70, 50, 35), 1.0)
                lay(here & (np.abs(from_centre - 0.72) < 0.05), band.label, (175, 170, 165), 1.0)
            else:  # kerb, gravel
                lay(here, band.label, band.colour, 1 + (0.04 if band.texture == "kerb" else 0.12) * fine[here])
    _cast_shadows(street, z, r, shade)
    colour = np.array(paints, np.float32)[material] * shade[..., None]
    frame.paint((rows, slice(None)), np.ones(r.shape, bool), z, label, colour, upright=False)


def _cast_shadows(street, z, r, shade):
    """Darken the ground where the upright surfaces on the sun's side hide the sun."""
    sun_side, strength, length = street.sun
    if strength == 0:
        return
    road = street.road
    for upright in street.uprights:
        if upright.side != sun_side:
            continue
        tops = _tops_at(upright, z[:, 0])
        reach = road.half_width + upright.distance - tops * length
        shade[sun_side * r > reach[:, None]] *= 1 - 0.45 * strength


def _segment_at(segments, depths):
    """Per depth, the number of the segment that may cover it, and whether it does (not in an opening)."""
    starts = np.array([segment.start for segment in segments])
    ends = np.array([segment.end for segment in segments])
    which = np.clip(np.searchsorted(starts, depths, side="right") - 1, 0, len(segments) - 1)
    return which, (depths >= starts[which]) & (depths < ends[which])


def _tops_at(upright, depths):
    """The height of ``upright`` at each depth (0 where it has an opening)."""
    if not upright.segments:
        return np.zeros_like(depths)
    which, covered = _segment_at(upright.segments, depths)
    tops = np.array([segment.top for segment in upright.segments])
    return np.where(covered, tops[which], 0.0)


def _draw_upright(frame, street, upright):
    """All segments of one kind at once: each column sees at most one segment of an upright."""
    if not upright.segments:
        return
    camera, road = frame.camera, street.road
    sun_side, strength, _ = street.sun
    light = 1 - 0.4 * strength if upright.side == sun_side else 1 + 0.05 * strength
    depths = _hit_depths(camera, road, upright.side * (road.half_width + upright.distance))
    segments = upright.segments
    which, seen = _segment_at(segments, depths)
    kinds = np.array([segment.kind for segment in segments])
    for kind in np.unique(kinds[which[seen]]):
        ours = seen & (kinds[which] == kind)
        columns = np.flatnonzero(ours)
        columns = slice(columns[0], columns[-1] + 1)
        index = which[columns][None, :]
        look = _Look(segments, kind, index)
        z = depths[columns][None, :]
        nearest, tallest = z.min(), look.top.max() * 1.6 + 0.5  # hedges and forests rise above their top
        rows = slice(max(0, int(camera.horizon + camera.focal * (camera.elevation - tallest) / nearest)),
                     min(camera.rows, int(camera.horizon + camera.focal * camera.elevation / nearest) + 2))
        height = camera.elevation - camera.dy[rows, None] * z
        hit, colour, shade = SURFACES[kind](frame, look, z - look.start, height)
        hit &= ours[columns][None, :] & (height >= 0)
        frame.paint((rows, columns), hit, z, SURFACE_LABELS[kind], colour * (shade * light)[..., None])
    for previous, segment in zip([None] + segments[:-1], segments):
        hidden = (previous is not None and previous.kind == "facade" and previous.end == segment.start
                  and previous.top >= segment.top)  # behind the building before it
        if segment.thickness and 1 < segment.start < 200 and not hidden:
            _draw_end_face(frame, street, upright, segment, light * 0.85)


class _Look:
    """The start, top, colour and style of the segments of one kind, gathered at ``index`` (segment numbers).

    Each attribute has the shape of ``index``, colours one more axis of 3, so that they broadcast over
    the pixels of a block.
    """

    def __init__(self, segments, kind, index):
        # Segments of other kinds (gathered between ours, then masked out) borrow the first one's style.
        first = next(segment for segment in segments if segment.kind == kind)
        table = {key: np.array([segment.style.get(key, default) for segment in segments], np.float32)
                 for key, default in first.style.items()}
        self.start = np.array([segment.start for segment in segments])[index]
        self.top = np.array([segment.top for segment in segments], np.float32)[index]
        self.colour = np.array([segment.colour for segment in segments], np.float32)[index]
        self.style = {key: values[index] for key, values in table.items()}


def _draw_end_face(frame, street, upright, segment, light):
    """The near end of a building: a face towards the camera between the facade and its back."""
    camera, road = frame.camera, street.road
    z = segment.start
    inner = road.half_width + upright.distance
    across = upright.side * (camera.dx * z - road.centre(z)) - inner
    columns = np.flatnonzero((across >= 0) & (across < segment.thickness))
    height = camera.elevation - camera.dy * z
    rows = np.flatnonzero((height >= 0) & (height < segment.top))
    if columns.size and rows.size:
        block = (slice(rows[0], rows[-1] + 1), slice(columns[0], columns[-1] + 1))
        along = np.broadcast_to(across[block[1]], (rows.size, columns.size))
        look = _Look([segment], segment.kind, np.zeros((1, 1), int))
        hit, colour, shade = _facade(frame, look, along, height[block[0], None])
        frame.paint(block, np.broadcast_to(hit, along.shape), z, BUILDING, colour * (shade * light)[..., None])


# Surfaces: (frame, look, along, height) -> (hit, colours, shading), given the metres ``along`` the surface
# from its segment's start and the ``height`` over the ground of each pixel of a block.

def _facade(frame, look, along, height):
    style = look.style
    bay, floor = style["bay"], style["floor"]
    across = along % bay
    level = height % floor
    margin = bay * (1 - style["window"]) / 2
    window = ((across > margin) & (across < bay - margin) & (level > 0.9) & (level < 0.9 + style["pane"] * floor)
              & (height > floor) & (height < look.top - 0.8))
    shop = (style["shops"] > 0) & (height > 0.4) & (height < 2.6) & (across > 0.3)
    glass = window | shop
    glow = 1 + 0.25 * frame.noise(along // bay * 7 + 3, height // floor * 11)  # lit and dark windows
    wall = np.where(height < 0.3, 0.7, 1 + 0.05 * frame.noise(along * 3, height * 3))
    shade = np.where(glass, glow * np.where(shop, 0.8, 1.0), wall)
    return height < look.top, np.where(glass[..., None], style["glass"], look.colour), shade


def _wall(frame, look, along, height):
    texture = 1 + np.where(look.style["brick"] > 0, 0.12, 0.06) * frame.noise(along * 8, height * 12)
    joint = (along % look.style["panel"]) < 0.06
    coping = height > look.top - 0.12
    return height < look.top, look.colour, np.where(joint, 0.75, np.where(coping, 1.15, texture))


def _fence(frame, look, along, height):
    style = look.style
    boards = style["boards"] > 0  # a board fence is opaque, with the boards' edges; pickets leave gaps
    post = (along % style["post"]) < 0.1
    rail = (np.abs(height - look.top * 0.85) < 0.05) | (np.abs(height - 0.2) < 0.05)
    picket = along % style["picket"]
    solid = boards | (picket < style["picket"] * style["fill"])
    shade = np.where(boards & (picket < 0.02), 0.7, 1.0) * np.where(post, 0.85, 1.0)
    hit = (height < look.top) & (post | rail | solid)
    return hit, look.colour, shade * (1 + 0.05 * frame.noise(along * 5, height * 5))


def _hedge(frame, look, along, height):
    top = look.top + 0.15 * frame.noise(along * 1.5, 3)
    return height < top, look.colour, 1 + 0.18 * frame.noise(along * 4, height * 4)


def _treeline(frame, look, along, height):
    crowns = frame.noise(along * 0.25, 5) + 0.5 * frame.noise(along * 0.9, 9)
    trunks = (height < look.top * 0.25) & ((along % 3.0) < 0.4)
    colour = np.where(trunks[..., None], np.array((70, 55, 40), np.float32), look.colour)
    return height < look.top * (1 + 0.18 * crowns), colour, 0.85 + 0.15 * frame.noise(along * 1.5, height * 1.5)


def _guardrail_surface(frame, look, along, height):
    beam = (height > look.top - 0.32) & (height < look.top)
    post = ((along % look.style["post"]) < 0.15) & (height < look.top - 0.05)
    groove = np.abs(height - (look.top - 0.16)) < 0.04
    return beam | post, look.colour, np.where(groove, 0.75, np.where(post & ~beam, 0.6, 1.0))


SURFACES = {"facade": _facade, "wall": _wall, "fence": _fence, "hedge": _hedge, "treeline": _treeline,
            "guardrail": _guardrail_surface}
SURFACE_LABELS = {"facade": BUILDING, "wall": WALL, "fence": FENCE, "hedge": VEGETATION, "treeline": VEGETATION,
                  "guardrail": GUARD_RAIL}


def _draw_backdrop(frame, backdrop):
    """A skyline, a forest or hills across the whole view at one depth."""
    camera = frame.camera
    z = backdrop["depth"]
    position = (camera.dx * z) / backdrop["width"] + 1000
    cell = position.astype(np.int32)
    heights = backdrop["heights"]
    if backdrop["smooth"]:  # interpolate between cells: rounded crowns and hill tops
        t = position - cell
        t = t * t * (3 - 2 * t)
        top = heights[cell % BACKDROP_CELLS] * (1 - t) + heights[(cell + 1) % BACKDROP_CELLS] * t
    else:
        top = heights[cell % BACKDROP_CELLS]
    height = camera.elevation - camera.dy[:, None] * z
    hit = height < top[None, :]
    texture = 1 + 0.04 * frame.noise(height * 2, cell)
    colour = backdrop["colours"][cell % BACKDROP_CELLS][None, :, :] * texture[..., None]
    frame.paint(np.s_[:, :], hit, z, backdrop["label"], colour)


def _draw_bridge(frame, bridge, road):
    """A bridge across the road: the deck's face and underside, its railing and two pillars."""
    camera = frame.camera
    near, far, bottom, top = bridge["near"], bridge["far"], bridge["bottom"], bridge["top"]
    base = np.array(bridge["colour"], np.float32)
    height = camera.elevation - camera.dy * near
    railing = (height >= top) & (height < top + bridge["railing"])
    posts = ((np.abs((camera.dx * near) % 2.0) < 0.12)[None, :]
             | (np.abs(height - top - bridge["railing"]) < 0.08)[:, None])
    deck = ((height >= bottom) & (height < top))[:, None] | (railing[:, None] & posts)
    texture = frame.noise(camera.dx[None, :] * near * 3, height[:, None] * 3)
    shade = np.where((height < bottom + 0.3)[:, None], 0.8, 1.0) * (1 + 0.05 * texture)
    frame.paint(np.s_[:, :], deck, near, BRIDGE, base * shade[..., None])
    with np.errstate(divide="ignore"):
        under = (bottom - camera.elevation) / -camera.dy  # where upward rays meet the deck's underside
    rows = (camera.dy < 0) & (under >= near) & (under <= far)
    frame.paint(np.s_[:, :], np.broadcast_to(rows[:, None], frame.label.shape),
                np.where(rows, under, INF)[:, None], BRIDGE, base * 0.55)
    centre = road.centre(near)
    x = camera.dx * near - centre
    for left, right in bridge["pillars"]:
        hit = ((height >= 0) & (height < bottom))[:, None] & ((x >= left) & (x < right))[None, :]
        frame.paint(np.s_[:, :], hit, near, BRIDGE, base * 0.9)


# --- Objects ----------------------------------------------------------------------------------------------

class _Objects:
    """Objects drawn far to near into one frame-sized Sprite whose silhouette holds each part's number."""

    def __init__(self, camera, road):
        self.camera, self.road = camera, road
        self.sprite = render.Sprite((camera.columns, camera.rows))
        self.labels, self.depths = [UNLABELED], [INF]
        self.shadows = Image.new("L", (camera.columns, camera.rows), 0)

    def part(self, label, depth):
        """Start drawing a part of class ``label`` at ``depth`` metres."""
        if len(self.labels) == 256:
            raise RuntimeError("too many object parts in one frame for an 8-bit part number")
        self.labels.append(label)
        self.depths.append(depth)
        self.sprite.silhouette_value = len(self.labels) - 1

    def stand(self, x, z, height, label, pixels):
        """A _Billboard at (``x``, ``z``) with a first part of class ``label`` started; None where an object
        ``height`` metres tall would stand under ``pixels`` (supersampled) tall, too small to draw."""
        board = _Billboard(self, x, z)
        if board.scale * height < pixels:
            return None
        self.part(label, z)
        return board

    def place(self, x, z):
        """World x of an object given as x, or as (side, metres beyond the road's edge)."""
        if isinstance(x, tuple):
            side, distance = x
            return self.road.centre(z) + side * (self.road.half_width + distance)
        return self.road.centre(z) + x


class _Billboard:
    """Drawing in metres (x to the right, y up) for an upright object standing at ``x`` (as _Objects.place takes
    it) and depth ``z``, facing the camera."""

    def __init__(self, objects, x, z):
        self.sprite = objects.sprite
        self.u, self.v = objects.camera.project(objects.place(x, z), 0.0, z)
        self.scale = objects.camera.focal / z

    def point(self, x, y):
        return (self.u + x * self.scale, self.v - y * self.scale)

    def box(self, shape, x0, y0, x1, y1, colour):
        self.sprite.draw(shape, [self.point(x0, y1), self.point(x1, y0)], fill=colour)

    def polygon(self, points, colour):
        self.sprite.draw("polygon", [self.point(x, y) for x, y in points], fill=colour)

    def capsule(self, start, end, width, colour):
        render.capsule(self.sprite, self.point(*start), self.point(*end), max(1.0, width * self.scale), fill=colour)


def _draw_objects(frame, rng, street):
    camera = frame.camera
    objects = _Objects(camera, street.road)
    for depth, draw, options in sorted(street.objects, key=lambda item: -item[0]):
        if 1.5 < depth < 200:
            draw(objects, rng, **options)
    ground = np.isinf(frame.occluder)
    shadow = np.asarray(objects.shadows, np.float32) / 255 * ground
    frame.colour *= (1 - 0.35 * shadow)[..., None]  # lighter than black cars
    part = np.asarray(objects.sprite.mask)
    depth = np.asarray(objects.depths, np.float32)[part]
    visible = (part > 0) & (depth < frame.occluder)
    frame.colour[visible] = np.asarray(objects.sprite.image)[visible]
    frame.label[visible] = np.asarray(objects.labels, np.uint8)[part[visible]]
    frame.depth[visible] = depth[visible]


def _draw_vehicle(objects, rng, x, z, facing, body):
    """A car, van, truck or bus as boxes: its side in view, its top, then the end facing the camera."""
    camera = objects.camera
    x = objects.place(x, z)
    if camera.focal * body["width"] / z < 8:  # under 4 pixels wide once reduced
        return
    detailed = camera.focal * body["width"] / z > 14  # wheels, lights and plates only where they show
    objects.part(VEHICLE, z)
    tangent = objects.road.tangent(z)
    half, length, base = body["width"] / 2, body["length"], body["base"]
    paint = body["colour"]
    glass = (40, 48, 58)
    tyre = (25, 25, 25)

    def at(lateral, y, along):
        return camera.project(x + lateral + tangent * along, y, z + along)

    def quad(corners, colour):
        objects.sprite.draw("polygon", [at(*corner) for corner in corners], fill=colour)

    shadow = ImageDraw.Draw(objects.shadows)
    shadow.polygon([at(-half - 0.2, 0, -0.3), at(half + 0.2, 0, -0.3), at(half + 0.2, 0, length + 0.3),
                    at(-half - 0.2, 0, length + 0.3)], fill=255)
    top = body["body"]
    side = -half if x - half > 0 else (half if x + half < 0 else None)
    if side is not None:  # the side towards the camera, with its wheels and windows
        quad([(side, base, 0), (side, top, 0), (side, top, length), (side, base, length)], render.shade(paint, 0.8))
        wheels = (0.18, 0.82) if body["kind"] != "bus" else (0.15, 0.75)
        for along in (length * wheel for wheel in wheels if detailed):
            corners = [at(side, y, along + dz) for y in (0, 0.68) for dz in (-0.34, 0.34)]
            us, vs = [c[0] for c in corners], [c[1] for c in corners]
            objects.sprite.draw("ellipse", [min(us), min(vs), max(us), max(vs)], fill=tyre)
        if body["cabin"]:
            a, b, c, d = (f * length for f in body["cabin"])
            inset = 0.12 * np.sign(-side)
            quad([(side + inset, top, a), (side + inset, body["roof"], b), (side + inset, body["roof"], c),
                  (side + inset, top, d)], glass)
        elif body["kind"] == "bus":
            quad([(side, top * 0.45, 0.3), (side, top * 0.85, 0.3), (side, top * 0.85, length - 0.3),
                  (side, top * 0.45, length - 0.3)], glass)
    if camera.elevation > top:  # bonnet, boot or the roof of a box
        quad([(-half, top, 0), (half, top, 0), (half, top, length), (-half, top, length)], render.shade(paint, 1.1))
    if body["cabin"]:
        a, b, c, d = (f * length for f in body["cabin"])
        roof = body["roof"]
        quad([(-half + 0.12, top, a), (half - 0.12, top, a), (half - 0.18, roof, b), (-half + 0.18, roof, b)], glass)
        if camera.elevation > roof:
            quad([(-half + 0.18, roof, b), (half - 0.18, roof, b), (half - 0.18, roof, c), (-half + 0.18, roof, c)],
                 render.shade(paint, 1.05))
    # The end facing the camera: body, bumper, lights, number plate, tyres below.
    quad([(-half, base, 0), (half, base, 0), (half, top, 0), (-half, top, 0)], render.shade(paint, 0.95))
    if not detailed:
        return
    for lateral in (-half + 0.1, half - 0.38):
        quad([(lateral, 0, 0.5), (lateral + 0.28, 0, 0.5), (lateral + 0.28, base, 0.5), (lateral, base, 0.5)], tyre)
    quad([(-half, base, 0), (half, base, 0), (half, base + 0.15, 0), (-half, base + 0.15, 0)], (30, 30, 32))
    lamp = (200, 30, 30) if facing > 0 else (235, 235, 210)
    lamp_top = min(top - 0.08, 1.1)
    for lateral in (-half + 0.05, half - 0.35):
        quad([(lateral, lamp_top - 0.15, 0), (lateral + 0.3, lamp_top - 0.15, 0), (lateral + 0.3, lamp_top, 0),
              (lateral, lamp_top, 0)], lamp)
    quad([(-0.25, base + 0.2, 0), (0.25, base + 0.2, 0), (0.25, base + 0.32, 0), (-0.25, base + 0.32, 0)],
         (225, 225, 220))
    if body["kind"] == "bus" and facing < 0:  # a bus's windscreen and destination sign
        quad([(-half + 0.1, 1.2, 0), (half - 0.1, 1.2, 0), (half - 0.1, top - 0.4, 0), (-half + 0.1, top - 0.4, 0)],
             glass)
        quad([(-half + 0.3, top - 0.35, 0), (half - 0.3, top - 0.35, 0), (half - 0.3, top - 0.1, 0),
              (-half + 0.3, top - 0.1, 0)], (250, 160, 40))


def _draw_pedestrian(objects, rng, x, z):
    size = rng.uniform(1.5, 1.9) if rng.random() < 0.9 else rng.uniform(1.0, 1.3)
    board = objects.stand(x, z, size, PEDESTRIAN, pixels=16)
    if board is None:
        return
    k = size / 1.75
    skin = render.skin_tone(rng)
    shirt = render.random_colour(rng, 10, 240)
    trousers = render.muted_colour(rng, grey=0.5) if rng.random() < 0.5 else (40, 45, 60)
    sideways = rng.random() < 0.5
    stride = rng.uniform(0.05, 0.3) * k if sideways else 0.0
    hip = 0.95 * k
    for sign in (-1, 1):
        foot = sign * stride if sideways else sign * rng.uniform(0.06, 0.14) * k
        board.capsule((0.0 if sideways else sign * 0.08 * k, hip), (foot, 0.06 * k), 0.15 * k, trousers)
    if rng.random() < 0.3:  # a coat or a dress over the legs
        board.polygon([(-0.2 * k, 0.55 * k), (0.2 * k, 0.55 * k), (0.17 * k, 1.35 * k), (-0.17 * k, 1.35 * k)], shirt)
    width = 0.24 if sideways else 0.36
    board.capsule((0, 1.0 * k), (0, 1.3 * k), width * k, shirt)
    for sign in (-1, 1):
        shoulder = (0.0 if sideways else sign * 0.17 * k, 1.35 * k)
        hand = (sign * rng.uniform(0.0, 0.2) * k if sideways else sign * 0.22 * k, 0.88 * k)
        board.capsule(shoulder, hand, 0.1 * k, shirt if rng.random() < 0.7 else skin)
    board.box("ellipse", -0.1 * k, 1.47 * k, 0.1 * k, 1.73 * k, skin)
    hair = render.shade(render.random_colour(rng, 10, 120), 0.8)
    board.sprite.draw("chord", [board.point(-0.105 * k, 1.75 * k), board.point(0.105 * k, 1.56 * k)], 180, 360,
                      fill=hair)


def _draw_tree(objects, rng, x, z, colour, small=False):
    height = rng.uniform(3.5, 6) if small else rng.uniform(5, 12)
    board = objects.stand(x, z, height, VEGETATION, pixels=20)
    if board is None:
        return
    trunk = (int(rng.integers(60, 100)), int(rng.integers(45, 70)), int(rng.integers(30, 50)))
    board.capsule((0, 0), (0, height * 0.55), rng.uniform(0.2, 0.45), trunk)
    if not small and rng.random() < 0.25:  # a conifer
        for level in range(4):
            y0 = height * (0.2 + 0.2 * level)
            half = height * 0.22 * (1 - 0.2 * level)
            board.polygon([(-half, y0), (half, y0), (0, y0 + height * 0.35)], render.shade(colour, 0.75 + 0.08 * level))
        return
    radius = height * rng.uniform(0.25, 0.35)
    centre = height - radius
    for _ in range(6 if board.scale * height > 30 else 3):
        dx, dy = rng.uniform(-0.45, 0.45, size=2) * radius
        r = radius * rng.uniform(0.5, 0.8)
        board.box("ellipse", dx - r, centre + dy - r, dx + r, centre + dy + r,
                  render.shade(colour, rng.uniform(0.75, 1.2)))


def _draw_lamp(objects, rng, x, z, colour, side):
    height = rng.uniform(6, 9)
    board = objects.stand(x, z, height, POLE, pixels=40)  # further away the post is thinner than a pixel
    if board is None:
        return
    board.box("rectangle", -0.15, 0, 0.15, height, colour)
    reach = -side * rng.uniform(0.8, 2.2)
    board.capsule((0, height), (reach, height + 0.25), 0.1, colour)
    board.box("ellipse", reach - 0.35, height + 0.05, reach + 0.35, height + 0.3, render.shade(colour, 1.3))


SIGN_SHAPES = ("round", "blue", "triangle", "stop", "square", "diamond")


def _draw_sign(objects, rng, x, z, away):
    height = rng.uniform(2.0, 2.8)
    board = objects.stand(x, z, height, POLE, pixels=30)
    if board is None:
        return
    board.box("rectangle", -0.07, 0, 0.07, height, (75, 78, 85))
    objects.part(TRAFFIC_SIGN, z - 0.05)
    size = rng.uniform(0.55, 0.9)
    squeeze = rng.uniform(0.6, 1.0)  # turned a little away from the camera
    half, cy = size / 2 * squeeze, height + size / 2 - 0.1
    shape = SIGN_SHAPES[rng.integers(len(SIGN_SHAPES))]
    back = (150, 152, 155)

    def outline(scale):
        h, v = half * scale, size / 2 * scale
        if shape in ("round", "blue"):
            return [(h * math.cos(t), cy + v * math.sin(t)) for t in np.linspace(0, 2 * math.pi, 16, endpoint=False)]
        if shape == "triangle":
            return [(-h, cy - v * 0.8), (h, cy - v * 0.8), (0, cy + v)]
        if shape == "stop":
            return [(h * math.cos(t), cy + v * math.sin(t))
                    for t in np.linspace(math.pi / 8, 2 * math.pi + math.pi / 8, 8, endpoint=False)]
        if shape == "diamond":
            return [(-h, cy), (0, cy + v), (h, cy), (0, cy - v)]
        return [(-h, cy - v), (h, cy - v), (h, cy + v), (-h, cy + v)]

    if away:
        board.polygon(outline(1.0), back)
        return
    rim, inner = {"round": ((200, 20, 25), (240, 240, 240)), "blue": ((30, 70, 170), (30, 70, 170)),
                  "triangle": ((200, 20, 25), (240, 240, 235)), "stop": ((190, 20, 25), (190, 20, 25)),
                  "square": ((240, 240, 240), (30, 80, 160) if rng.random() < 0.6 else (30, 120, 60)),
                  "diamond": ((20, 20, 20), (245, 200, 30))}[shape]
    board.polygon(outline(1.0), rim)
    board.polygon(outline(0.7 if shape in ("round", "triangle") else 0.88), inner)
    board.box("rectangle", -half * 0.35, cy - size * 0.06, half * 0.35, cy + size * 0.06,
              (30, 30, 30) if shape != "stop" else (245, 245, 245))


def _draw_traffic_light(objects, rng, x, z, side, away, arm):
    height = rng.uniform(3.0, 4.5)
    board = objects.stand(x, z, height, POLE, pixels=30)
    if board is None:
        return
    grey = (int(rng.integers(35, 75)),) * 3
    board.box("rectangle", -0.08, 0, 0.08, height + 0.2, grey)
    hang = 0.0
    if arm:
        hang = -side * arm
        board.capsule((0, height), (hang, height), 0.12, grey)
    objects.part(TRAFFIC_LIGHT, z - 0.05)
    top = height - 0.1 if arm else height + 1.1
    board.box("rectangle", hang - 0.18, top - 1.0, hang + 0.18, top,
              (30, 30, 28) if rng.random() < 0.7 else (200, 170, 30))
    if away:
        return
    lit = rng.integers(3)
    for index, colour in enumerate(((230, 40, 30), (240, 170, 20), (40, 220, 110))):
        centre = top - 0.2 - 0.3 * index
        board.box("ellipse", hang - 0.11, centre - 0.11, hang + 0.11, centre + 0.11,
                  colour if index == lit else render.shade(colour, 0.25))


PROP_CLASSES = {"bench": STATIC, "hydrant": STATIC, "planter": STATIC, "shelter": STATIC, "bin": DYNAMIC,
                "cone": DYNAMIC, "cabinet": OTHER}
PROPS = ("bench", "hydrant", "bin", "bin", "cone", "cabinet", "cabinet", "planter")  # shelters are placed apart


def _draw_prop(objects, rng, x, z, prop):
    """Street furniture, one of PROP_CLASSES."""
    board = objects.stand(x, z, 1.0, PROP_CLASSES[prop], pixels=10)  # street furniture is about a metre tall
    if board is None:
        return
    if prop == "bench":
        wood = (render.shade((120, 80, 45), rng.uniform(0.7, 1.3)) if rng.random() < 0.6
                else render.random_colour(rng, 30, 120))
        for leg in (-0.7, 0.65):
            board.box("rectangle", leg, 0, leg + 0.06, 0.45, (40, 40, 40))
        board.box("rectangle", -0.8, 0.42, 0.8, 0.5, wood)
        board.box("rectangle", -0.8, 0.58, 0.8, 0.85, wood)
    elif prop == "hydrant":
        colour = (200, 30, 25) if rng.random() < 0.7 else (230, 190, 30)
        board.box("rectangle", -0.12, 0, 0.12, 0.6, colour)
        board.box("ellipse", -0.13, 0.5, 0.13, 0.75, render.shade(colour, 0.8))
        board.box("rectangle", -0.2, 0.32, 0.2, 0.42, render.shade(colour, 0.9))
    elif prop == "planter":
        board.box("rectangle", -0.5, 0, 0.5, 0.6, render.muted_colour(rng, grey=0.8))
        board.box("rectangle", -0.5, 0.5, 0.5, 0.6, render.shade(render.muted_colour(rng, grey=0.8), 0.8))
    elif prop == "shelter":
        frame_colour = render.random_colour(rng, 30, 120)
        board.box("rectangle", -1.6, 0.1, 1.6, 2.3, (140, 160, 170))
        board.box("rectangle", -0.6, 0.3, 0.4, 1.9, render.random_colour(rng, 60, 250))  # a poster
        for post in (-1.6, 1.5):
            board.box("rectangle", post, 0, post + 0.1, 2.5, frame_colour)
        board.box("rectangle", -1.8, 2.4, 1.8, 2.6, frame_colour)
    elif prop == "bin":
        colour = [(40, 90, 50), (60, 60, 65), (40, 60, 130), (20, 20, 20), (120, 80, 40)][rng.integers(5)]
        board.polygon([(-0.3, 0.05), (0.3, 0.05), (0.33, 1.0), (-0.33, 1.0)], colour)
        board.box("rectangle", -0.36, 1.0, 0.36, 1.08, render.shade(colour, 0.8))
        board.box("ellipse", -0.28, 0, -0.12, 0.16, (20, 20, 20))
    elif prop == "cone":
        board.box("rectangle", -0.22, 0, 0.22, 0.05, (30, 30, 30))
        board.polygon([(-0.17, 0.05), (0.17, 0.05), (0.03, 0.72), (-0.03, 0.72)], (240, 100, 20))
        board.polygon([(-0.11, 0.3), (0.11, 0.3), (0.08, 0.45), (-0.08, 0.45)], (240, 240, 240))
    else:  # "cabinet": a utility cabinet
        colour = [(120, 125, 120), (60, 90, 60), (190, 180, 150), (90, 90, 100)][rng.integers(4)]
        tall = rng.uniform(1.0, 1.6)
        board.box("rectangle", -0.4, 0, 0.4, tall, colour)
        board.box("rectangle", -0.45, tall - 0.08, 0.45, tall + 0.04, render.shade(colour, 0.8))
        board.box("rectangle", -0.02, 0.1, 0.02, tall - 0.15, render.shade(colour, 0.7))


def _draw_bonnet(frame, height, paint):
    """The ego car's bonnet across the bottom of the view (class "unlabeled", as Cityscapes' ego vehicle)."""
    camera = frame.camera
    across = (np.arange(camera.columns) + 0.5) / camera.columns * 2 - 1
    edge = camera.rows * (1 - height * (1 - 0.45 * across ** 2))
    rows = np.arange(camera.rows)[:, None] + 0.5
    hit = rows >= edge[None, :]
    below = np.clip((rows - edge[None, :]) / (height * camera.rows), 0, 1)
    sky = frame.colour[0].mean(axis=0)
    shine = np.exp(-((below - 0.25) / 0.12) ** 2)  # the sky reflected in the paint
    colour = np.array(paint, np.float32) * (0.95 - 0.4 * below)[..., None] + sky * (0.35 * shine)[..., None]
    frame.paint(np.s_[:, :], hit, 0.01, UNLABELED, colour)


def _add_haze(frame, colour, visibility):
    """Blend what is far into the haze colour; the sky keeps its own."""
    amount = 1 - np.exp(-np.where(np.isfinite(frame.depth), frame.depth, 0) / visibility)
    frame.colour += (np.array(colour, np.float32) - frame.colour) * amount[..., None]
