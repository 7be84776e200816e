"""A frame from all its parts, and the frames of a seed."""

import numpy as np
from PIL import Image

from utils.generators import render
from utils.generators.driving_scenes.geometry import SUPERSAMPLE, Frame, random_camera
from utils.generators.driving_scenes.ground import add_haze, draw_ground, draw_sky
from utils.generators.driving_scenes.objects import draw_bonnet, draw_objects
from utils.generators.driving_scenes.street import random_street
from utils.generators.driving_scenes.uprights import draw_backdrop, draw_bridge, draw_upright

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
    camera = random_camera(rng, size)
    street = random_street(rng)
    frame = Frame(camera, rng)
    draw_sky(frame, rng, street)
    draw_ground(frame, street)
    for upright in street.uprights:
        draw_upright(frame, street, upright)
    if street.backdrop:
        draw_backdrop(frame, street.backdrop)
    if street.bridge:
        draw_bridge(frame, street.bridge, street.road)
    draw_objects(frame, rng, street)
    if street.bonnet:
        draw_bonnet(frame, *street.bonnet)
    add_haze(frame, *street.haze)
    canvas = Image.fromarray(np.clip(np.round(frame.colour), 0, 255).astype(np.uint8), "RGB")
    image = render.finish(canvas, rng, SUPERSAMPLE, blur=(0.0, 0.3), noise=(0.5, 2.0), lighting=0.15)
    mask = frame.label[SUPERSAMPLE // 2 :: SUPERSAMPLE, SUPERSAMPLE // 2 :: SUPERSAMPLE]
    return image, mask
