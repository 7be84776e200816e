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
        tops = tops_at(upright, z[:, 0])
        reach = road.half_width + upright.distance - tops * length
        shade[sun_side * r > reach[:, None]] *= 1 - 0.45 * strength


def add_haze(frame, colour, visibility):
    """Blend what is far into the haze colour; the sky keeps its own."""
    amount = 1 - np.exp(-np.where(np.isfinite(frame.depth), frame.depth, 0) / visibility)
    frame.colour += (np.array(colour, np.float32) - frame.colour) * amount[..., None]
