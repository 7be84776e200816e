"""The camera, the road's centre line, where rays meet upright surfaces, and the frame's buffers."""

import math
from dataclasses import dataclass

import numpy as np

from utils.generators.driving_scenes.classes import SKY

SUPERSAMPLE = 2
FAR = 400.0  # metres: where the view is closed (skyline, forest, hills) or the ground simply goes on
NOISE_SIDE = 64  # side of the random tile that textures are sampled from, in world coordinates
BACKDROP_CELLS = 64  # a far skyline, forest or hills: this many random heights, repeated across the view
INF = math.inf


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


def random_camera(rng, size):
    rows, columns = size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE
    focal = columns / 2 / math.tan(math.radians(rng.uniform(70, 100)) / 2)
    return _Camera(rows, columns, focal, horizon=rows * rng.uniform(0.3, 0.5), elevation=rng.uniform(1.2, 2.4))


@dataclass
class Road:
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


def hit_depths(camera, road, lateral):
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


class Frame:
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
