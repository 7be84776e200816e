"""The sky, the ground (road, markings and the bands beside it) with its shadows, and the haze."""

import numpy as np
from PIL import Image

from utils.generators import render
from utils.generators.driving_scenes.classes import ROAD, ROAD_LINE
from utils.generators.driving_scenes.uprights import tops_at


def _smooth_noise(rng, rows, columns, cells):
    """Smooth noise in [0, 1] over rows x columns, varying over about ``cells`` cells across."""
    coarse = rng.random((max(2, cells * rows // max(columns, 1) + 2), cells + 2)).astype(np.float32)
    return np.asarray(Image.fromarray(coarse, "F").resize((columns, rows), Image.Resampling.BICUBIC))


def draw_sky(frame, rng, street):
    """A gradient from the zenith to the horizon, with clouds; the ground covers the rows below the horizon."""
    camera = frame.camera
    rows = camera.ground_row
    zenith, horizon, cloudiness = (np.array(c, np.float32) for c in street.sky)
    height = np.clip((camera.horizon - np.arange(rows)) / max(camera.horizon, 1), 0, 1) ** 0.6
    colour = horizon + (zenith - horizon) * height[:, None, None]
    clouds = np.clip((_smooth_noise(rng, rows, camera.columns, 5) - (1 - cloudiness)) * 3, 0, 1)
    cloud_colour = np.array(render.shade(tuple(horizon), 1.15), np.float32)
    frame.colour[:rows] = colour + (cloud_colour - colour) * clouds[:, :, None] * 0.8


def draw_ground(frame, street):
    """Road, lines, crossing, median and the bands beside the road, as materials (a colour each) times shading."""
    ground = _Ground(frame, street.road)
    _lay_markings(ground, street.road)
    for side in (-1, 1):
        _lay_bands(ground, frame, side, street.bands[side])
    _cast_shadows(street, ground.z, ground.r, ground.shade)
    colour = np.array(ground.paints, np.float32)[ground.material] * ground.shade[..., None]
    frame.paint((ground.rows, slice(None)), np.ones(ground.r.shape, bool), ground.z, ground.label, colour,
                upright=False)  # fmt: skip


class _Ground:
    """The pixels below the horizon: where they lie on the ground, and the materials laid there, road first."""

    def __init__(self, frame, road):
        camera = frame.camera
        self.rows = slice(camera.ground_row, camera.rows)
        self.z = camera.elevation / camera.dy[self.rows][:, None]  # depth of each row's ground
        self.x = camera.dx[None, :] * self.z
        self.r = self.x - road.centre(self.z)  # lateral, from the road's centre line
        self.beyond = np.abs(self.r) - road.half_width  # distance beyond the road's edge
        self.on_road = self.beyond <= 0
        self.fine = frame.noise(self.x * 6, self.z * 6)
        self.label = np.full(self.r.shape, ROAD, np.uint8)
        self.material = np.zeros(self.r.shape, np.uint8)
        self.paints = [road.colour]
        self.shade = 1 + 0.06 * self.fine + 0.04 * frame.noise(self.x * 0.4 + 17, self.z * 0.25)

    def lay(self, where, label, colour, shading):
        """Lay a material of ``colour`` and class ``label`` over the pixels ``where``, with its ``shading``."""
        self.label[where] = label
        self.material[where] = len(self.paints)
        self.paints.append(colour)
        self.shade[where] = shading


def _lay_markings(ground, road):
    """Lines, a zebra crossing and a median island on the road."""
    on_road, r, z, fine = ground.on_road, ground.r, ground.z, ground.fine
    for centre, width, period, dash, colour in road.lines:
        line = on_road & (np.abs(r - centre) < width / 2)
        if period:
            line &= (z % period) < dash
        ground.lay(line, ROAD_LINE, colour, 1 + 0.05 * fine[line])
    if road.crossing:
        near, far, colour = road.crossing
        stripes = on_road & (z >= near) & (z < far) & (((r + road.half_width) % 1.1) < 0.55)
        ground.lay(stripes, ROAD_LINE, colour, 1 + 0.05 * fine[stripes])
    if road.median:
        centre, half, median_label, colour = road.median
        island = np.abs(r - centre) < half
        ground.lay(island, median_label, colour, 1 + 0.12 * fine[island])


def _lay_bands(ground, frame, side, bands):
    """The bands along one ``side`` of the road (-1 left, +1 right), each with its texture."""
    outside = ~ground.on_road & (np.sign(ground.r) == side)
    edges = np.cumsum([band.width for band in bands])
    which = np.searchsorted(edges, ground.beyond, side="right")
    depths = np.broadcast_to(ground.z, ground.r.shape)
    fine, x, lay = ground.fine, ground.x, ground.lay
    for index, band in enumerate(bands):
        here = outside & (which == index)
        if not here.any():
            continue
        across = ground.beyond - (edges[index - 1] if index else 0.0)
        if band.texture == "paving":  # slabs with darker joints
            joints = ((across[here] % 1.0) < 0.06) | ((depths[here] % 1.0) < 0.06)
            lay(here, band.label, band.colour, np.where(joints, 0.8, 1 + 0.04 * fine[here]))
        elif band.texture == "grass":
            patches = frame.noise(x[here] * 0.5 + 31, depths[here] * 0.5)
            lay(here, band.label, band.colour, 1 + 0.14 * fine[here] + 0.1 * patches)
        elif band.texture == "water":  # ripples stretched across the view, and the sky's light
            ripples = frame.noise(x[here] * 0.6 + 5, depths[here] * 4)
            lay(here, band.label, tuple(np.array(band.colour) + 0.25 * frame.colour[0, 0]), 1 + 0.12 * ripples)
        elif band.texture == "rails":  # ballast, sleepers and two rails
            lay(here, band.label, band.colour, 1 + 0.2 * fine[here])
            from_centre = np.abs(across - 1.6)
            sleepers = here & (from_centre < 1.25) & ((ground.z % 0.65) < 0.25)
            lay(sleepers, band.label, (70, 50, 35), 1.0)
            lay(here & (np.abs(from_centre - 0.72) < 0.05), band.label, (175, 170, 165), 1.0)
        else:  # kerb, gravel
            lay(here, band.label, band.colour, 1 + (0.04 if band.texture == "kerb" else 0.12) * fine[here])


def _cast_shadows(street, z, r, shade):
    """Darken the ground where the upright surfaces on the sun's side hide the sun."""
    sun_side, strength, length = street.sun
    if strength == 0:
        return
    road = street.road
    for upright in street.uprights:
        if upright.side != sun_side:
            continue
        tops = tops_at(upright, z[:, 0])
        reach = road.half_width + upright.distance - tops * length
        shade[sun_side * r > reach[:, None]] *= 1 - 0.45 * strength


def add_haze(frame, colour, visibility):
    """Blend what is far into the haze colour; the sky keeps its own."""
    amount = 1 - np.exp(-np.where(np.isfinite(frame.depth), frame.depth, 0) / visibility)
    frame.colour += (np.array(colour, np.float32) - frame.colour) * amount[..., None]
