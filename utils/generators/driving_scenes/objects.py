"""Objects drawn with Pillow far to near and kept where no nearer upright surface hides them."""

import math

import numpy as np
from PIL import Image, ImageDraw

from utils.generators import render
from utils.generators.driving_scenes.classes import (
    DYNAMIC,
    OTHER,
    PEDESTRIAN,
    POLE,
    STATIC,
    TRAFFIC_LIGHT,
    TRAFFIC_SIGN,
    UNLABELED,
    VEGETATION,
    VEHICLE,
)
from utils.generators.driving_scenes.geometry import INF


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


def draw_objects(frame, rng, street):
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


def draw_vehicle(objects, rng, x, z, facing, body):
    """A car, van, truck or bus as boxes: its side in view, its top, then the end facing the camera."""
    camera = objects.camera
    x = objects.place(x, z)
    if camera.focal * body["width"] / z < 8:  # under 4 pixels wide once reduced
        return
    detailed = camera.focal * body["width"] / z > 14  # wheels, lights and plates only where they show
    objects.part(VEHICLE, z)
    vehicle = _Vehicle(objects, x, z, body)
    vehicle.draw_shadow()
    vehicle.draw_side(detailed)
    vehicle.draw_top()
    vehicle.draw_end(facing, detailed)


GLASS = (40, 48, 58)
TYRE = (25, 25, 25)


class _Vehicle:
    """Drawing a vehicle's faces in its own metres: ``lateral`` across (0 its centre line), ``y`` up from the
    ground, ``along`` from its end nearest the camera; the body is a box with a cabin of glass on top."""

    def __init__(self, objects, x, z, body):
        self.objects, self.camera, self.x, self.z, self.body = objects, objects.camera, x, z, body
        self.tangent = objects.road.tangent(z)
        self.half, self.length, self.base, self.top = body["width"] / 2, body["length"], body["base"], body["body"]
        self.paint = body["colour"]

    def at(self, lateral, y, along):
        return self.camera.project(self.x + lateral + self.tangent * along, y, self.z + along)

    def quad(self, corners, colour):
        self.objects.sprite.draw("polygon", [self.at(*corner) for corner in corners], fill=colour)

    def end_face(self, x0, x1, y0, y1, colour, along=0.0):
        """A rectangle across the vehicle, facing the camera."""
        self.quad([(x0, y0, along), (x1, y0, along), (x1, y1, along), (x0, y1, along)], colour)

    def side_face(self, lateral, y0, y1, a0, a1, colour):
        """A rectangle along the vehicle's side at ``lateral``."""
        self.quad([(lateral, y0, a0), (lateral, y1, a0), (lateral, y1, a1), (lateral, y0, a1)], colour)

    def top_face(self, x0, x1, y, a0, a1, colour):
        """A level rectangle at height ``y``."""
        self.quad([(x0, y, a0), (x1, y, a0), (x1, y, a1), (x0, y, a1)], colour)

    def cabin(self):
        """Where the cabin's glass starts and ends along the vehicle: (a, b, c, d), windscreen b-a, rear d-c."""
        return tuple(f * self.length for f in self.body["cabin"])

    def draw_shadow(self):
        half, length = self.half, self.length
        corners = [(-half - 0.2, 0, -0.3), (half + 0.2, 0, -0.3), (half + 0.2, 0, length + 0.3),
                   (-half - 0.2, 0, length + 0.3)]  # fmt: skip
        ImageDraw.Draw(self.objects.shadows).polygon([self.at(*corner) for corner in corners], fill=255)

    def draw_side(self, detailed):
        """The side towards the camera, if one is, with its wheels and windows."""
        half, length, base, top, body = self.half, self.length, self.base, self.top, self.body
        side = -half if self.x - half > 0 else (half if self.x + half < 0 else None)
        if side is None:
            return
        self.side_face(side, base, top, 0, length, render.shade(self.paint, 0.8))
        wheels = (0.18, 0.82) if body["kind"] != "bus" else (0.15, 0.75)
        for along in (length * wheel for wheel in wheels if detailed):
            corners = [self.at(side, y, along + dz) for y in (0, 0.68) for dz in (-0.34, 0.34)]
            us, vs = [c[0] for c in corners], [c[1] for c in corners]
            self.objects.sprite.draw("ellipse", [min(us), min(vs), max(us), max(vs)], fill=TYRE)
        if body["cabin"]:
            a, b, c, d = self.cabin()
            glass_at = side + 0.12 * np.sign(-side)
            self.quad([(glass_at, top, a), (glass_at, body["roof"], b), (glass_at, body["roof"], c),
                       (glass_at, top, d)], GLASS)  # fmt: skip
        elif body["kind"] == "bus":
            self.side_face(side, top * 0.45, top * 0.85, 0.3, length - 0.3, GLASS)

    def draw_top(self):
        """The bonnet, boot or roof of a box where the camera sees it from above, then the cabin."""
        half, top = self.half, self.top
        if self.camera.elevation > top:
            self.top_face(-half, half, top, 0, self.length, render.shade(self.paint, 1.1))
        if self.body["cabin"]:
            a, b, c, _ = self.cabin()
            roof = self.body["roof"]
            self.quad([(-half + 0.12, top, a), (half - 0.12, top, a), (half - 0.18, roof, b), (-half + 0.18, roof, b)],
                      GLASS)  # fmt: skip
            if self.camera.elevation > roof:
                self.top_face(-half + 0.18, half - 0.18, roof, b, c, render.shade(self.paint, 1.05))

    def draw_end(self, facing, detailed):
        """The end facing the camera: body, then (where ``detailed``) tyres, bumper, lights, number plate."""
        half, base, top = self.half, self.base, self.top
        self.end_face(-half, half, base, top, render.shade(self.paint, 0.95))
        if not detailed:
            return
        for lateral in (-half + 0.1, half - 0.38):
            self.end_face(lateral, lateral + 0.28, 0, base, TYRE, along=0.5)
        self.end_face(-half, half, base, base + 0.15, (30, 30, 32))
        lamp = (200, 30, 30) if facing > 0 else (235, 235, 210)
        lamp_top = min(top - 0.08, 1.1)
        for lateral in (-half + 0.05, half - 0.35):
            self.end_face(lateral, lateral + 0.3, lamp_top - 0.15, lamp_top, lamp)
        self.end_face(-0.25, 0.25, base + 0.2, base + 0.32, (225, 225, 220))
        if self.body["kind"] == "bus" and facing < 0:  # a bus's windscreen and destination sign
            self.end_face(-half + 0.1, half - 0.1, 1.2, top - 0.4, GLASS)
            self.end_face(-half + 0.3, half - 0.3, top - 0.35, top - 0.1, (250, 160, 40))


def draw_pedestrian(objects, rng, x, z):
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
    board.sprite.draw(
        "chord", [board.point(-0.105 * k, 1.75 * k), board.point(0.105 * k, 1.56 * k)], 180, 360, fill=hair
    )


def draw_tree(objects, rng, x, z, colour, small=False):
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
        board.box(
            "ellipse", dx - r, centre + dy - r, dx + r, centre + dy + r, render.shade(colour, rng.uniform(0.75, 1.2))
        )


def draw_lamp(objects, rng, x, z, colour, side):
    height = rng.uniform(6, 9)
    board = objects.stand(x, z, height, POLE, pixels=40)  # further away the post is thinner than a pixel
    if board is None:
        return
    board.box("rectangle", -0.15, 0, 0.15, height, colour)
    reach = -side * rng.uniform(0.8, 2.2)
    board.capsule((0, height), (reach, height + 0.25), 0.1, colour)
    board.box("ellipse", reach - 0.35, height + 0.05, reach + 0.35, height + 0.3, render.shade(colour, 1.3))


SIGN_SHAPES = ("round", "blue", "triangle", "stop", "square", "diamond")


def draw_sign(objects, rng, x, z, away):
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
            return [
                (h * math.cos(t), cy + v * math.sin(t))
                for t in np.linspace(math.pi / 8, 2 * math.pi + math.pi / 8, 8, endpoint=False)
            ]
        if shape == "diamond":
            return [(-h, cy), (0, cy + v), (h, cy), (0, cy - v)]
        return [(-h, cy - v), (h, cy - v), (h, cy + v), (-h, cy + v)]

    if away:
        board.polygon(outline(1.0), back)
        return
    rim, inner = {
        "round": ((200, 20, 25), (240, 240, 240)),
        "blue": ((30, 70, 170), (30, 70, 170)),
        "triangle": ((200, 20, 25), (240, 240, 235)),
        "stop": ((190, 20, 25), (190, 20, 25)),
        "square": ((240, 240, 240), (30, 80, 160) if rng.random() < 0.6 else (30, 120, 60)),
        "diamond": ((20, 20, 20), (245, 200, 30)),
    }[shape]
    board.polygon(outline(1.0), rim)
    board.polygon(outline(0.7 if shape in ("round", "triangle") else 0.88), inner)
    board.box(
        "rectangle",
        -half * 0.35,
        cy - size * 0.06,
        half * 0.35,
        cy + size * 0.06,
        (30, 30, 30) if shape != "stop" else (245, 245, 245),
    )


def draw_traffic_light(objects, rng, x, z, side, away, arm):
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
    board.box(
        "rectangle", hang - 0.18, top - 1.0, hang + 0.18, top, (30, 30, 28) if rng.random() < 0.7 else (200, 170, 30)
    )
    if away:
        return
    lit = rng.integers(3)
    for index, colour in enumerate(((230, 40, 30), (240, 170, 20), (40, 220, 110))):
        centre = top - 0.2 - 0.3 * index
        board.box(
            "ellipse",
            hang - 0.11,
            centre - 0.11,
            hang + 0.11,
            centre + 0.11,
            colour if index == lit else render.shade(colour, 0.25),
        )


PROP_CLASSES = {
    "bench": STATIC,
    "hydrant": STATIC,
    "planter": STATIC,
    "shelter": STATIC,
    "bin": DYNAMIC,
    "cone": DYNAMIC,
    "cabinet": OTHER,
}
PROPS = ("bench", "hydrant", "bin", "bin", "cone", "cabinet", "cabinet", "planter")  # shelters are placed apart


def draw_prop(objects, rng, x, z, prop):
    """Street furniture, one of PROP_CLASSES."""
    board = objects.stand(x, z, 1.0, PROP_CLASSES[prop], pixels=10)  # street furniture is about a metre tall
    if board is None:
        return
    if prop == "bench":
        wood = (
            render.shade((120, 80, 45), rng.uniform(0.7, 1.3))
            if rng.random() < 0.6
            else render.random_colour(rng, 30, 120)
        )
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


def draw_bonnet(frame, height, paint):
    """The ego car's bonnet across the bottom of the view (class "unlabeled", as Cityscapes' ego vehicle)."""
    camera = frame.camera
    across = (np.arange(camera.columns) + 0.5) / camera.columns * 2 - 1
    edge = camera.rows * (1 - height * (1 - 0.45 * across**2))
    rows = np.arange(camera.rows)[:, None] + 0.5
    hit = rows >= edge[None, :]
    below = np.clip((rows - edge[None, :]) / (height * camera.rows), 0, 1)
    sky = frame.colour[0].mean(axis=0)
    shine = np.exp(-(((below - 0.25) / 0.12) ** 2))  # the sky reflected in the paint
    colour = np.array(paint, np.float32) * (0.95 - 0.4 * below)[..., None] + sky * (0.35 * shine)[..., None]
    frame.paint(np.s_[:, :], hit, 0.01, UNLABELED, colour)
