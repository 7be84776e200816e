"""A generated stand-in for the course's "Happy House" photos: is the person smiling?

No public smiling/not-smiling photo set ships in a package, so this module
draws faces: varied skin tones, hair, hats, glasses, beards; mouths that smile
(open with teeth, broad grin) or do not (neutral, frown, open "o", talking
with teeth showing); random pose, scale and partial crops, cluttered
rooms behind, lighting, blur and noise. Label 1 = smiling, 0 = not smiling.
"""

import numpy as np

from utils.generators import render

SIZE = 64
SUPERSAMPLE = 4
CLASS_NAMES = ("not smiling", "smiling")
# Bump when the images change: caches written by another version are generated again.
GENERATOR_VERSION = 2

HAIR_COLOURS = [
    (20, 16, 14),
    (60, 40, 25),
    (110, 75, 40),
    (170, 130, 70),
    (220, 190, 120),
    (150, 150, 150),
    (120, 40, 20),
    (235, 235, 230),
]
EYE_COLOURS = [(60, 40, 20), (40, 90, 140), (60, 110, 60), (90, 70, 40), (30, 30, 30)]
MOUTH_INSIDE = (70, 20, 25)
TEETH = (240, 238, 228)


RESIDENTS = 40
ROOMS = 12
# Pose of the face in a photo: shift (fraction of the image, one standard
# deviation), rotation (degrees) and scale.
SHIFT_SD, MAX_ANGLE, SCALES = 0.04, 12, (0.9, 1.1)


def generate(count, seed):
    """``count`` photos (count, 64, 64, 3) uint8 and labels (count,) int64, half of each class.

    Like the original Happy House, the photos show a fixed group of residents
    (skin tone, face shape, hair, glasses, beard) in a few rooms of the house;
    every photo varies pose, framing, expression, lighting, blur and noise.
    """
    rng = np.random.default_rng(seed)
    residents = [_random_resident(rng) for _ in range(RESIDENTS)]
    canvas_size = SIZE * SUPERSAMPLE
    rooms = [
        render.cluttered_background(rng, canvas_size * 5 // 4, shapes=(4, 10), textured=True) for _ in range(ROOMS)
    ]
    labels = rng.permutation(np.arange(count) % 2)
    images = np.stack(
        [
            draw_photo(rng, residents[rng.integers(RESIDENTS)], rooms[rng.integers(ROOMS)], bool(label))
            for label in labels
        ]
    )
    return images, labels.astype(np.int64)


def _random_resident(rng):
    return {
        "skin": render.skin_tone(rng),
        "radii": (rng.uniform(33, 38), rng.uniform(40, 46)),
        "hair": HAIR_COLOURS[rng.integers(len(HAIR_COLOURS))],
        "hair_style": int(rng.integers(4)),
        "long_hair": rng.random() < 0.35,
        "hat": render.random_colour(rng, 20, 240),
        "iris": EYE_COLOURS[rng.integers(len(EYE_COLOURS))],
        "glasses": None if rng.random() < 0.7 else (render.random_colour(rng, 0, 120), rng.random() < 0.5),
        "beard": rng.random() < 0.2,
        "moustache": rng.random() < 0.15,
        "shirt": render.random_colour(rng, 20, 240),
    }


def draw_photo(rng, resident, room, smiling):
    """One 64x64 RGB photo of ``resident`` in ``room``, smiling or not."""
    canvas_size = SIZE * SUPERSAMPLE
    left, top = (int(v) for v in rng.integers(0, room.size[0] - canvas_size + 1, size=2))
    canvas = room.crop((left, top, left + canvas_size, top + canvas_size))
    person = render.Sprite(canvas_size)
    _draw_person(person, rng, canvas_size / 128, resident, smiling)
    render.shade_volume(person, rng)
    shift = rng.normal(0, SHIFT_SD, size=2) * canvas_size
    render.place(person, canvas, angle=rng.uniform(-MAX_ANGLE, MAX_ANGLE), scale=rng.uniform(*SCALES), shift=shift)
    return render.finish(canvas, rng, SUPERSAMPLE, blur=(0.0, 0.8), noise=(1.0, 6.0))


def _draw_person(sprite, rng, u, resident, smiling):
    """Draw on a canvas of 128 units of ``u`` pixels: the face fills about half of it."""
    cx, cy = 64 * u, 60 * u
    rx, ry = resident["radii"][0] * u, resident["radii"][1] * u
    skin, hair = resident["skin"], resident["hair"]
    dark_skin = render.shade(skin, 0.8)

    sprite.draw("ellipse", [cx - 66 * u, cy + ry + 2 * u, cx + 66 * u, cy + ry + 90 * u], fill=resident["shirt"])
    sprite.draw("rectangle", [cx - 13 * u, cy + ry - 12 * u, cx + 13 * u, cy + ry + 10 * u], fill=dark_skin)
    if resident["long_hair"]:
        sprite.draw(
            "rounded_rectangle",
            [cx - rx - 8 * u, cy - ry - 6 * u, cx + rx + 8 * u, cy + ry + 20 * u],
            radius=int(24 * u),
            fill=hair,
        )
    for side in (-1, 1):
        ex = cx + side * rx
        sprite.draw("ellipse", [ex - 7 * u, cy - 8 * u, ex + 7 * u, cy + 10 * u], fill=dark_skin)
    sprite.draw("ellipse", [cx - rx, cy - ry, cx + rx, cy + ry], fill=skin)
    lit = rng.choice([-1, 1])
    sprite.tint(
        "ellipse",
        [cx + lit * rx * 0.25 - rx * 0.6, cy - ry * 0.75, cx + lit * rx * 0.25 + rx * 0.6, cy + ry * 0.5],
        fill=render.shade(skin, 1.12) + (70,),
    )
    _draw_hair(sprite, u, cx, cy, rx, ry, resident)

    eye_y = cy - ry * rng.uniform(0.08, 0.14)
    eye_dx = rx * 0.4
    squint = smiling and rng.random() < 0.6  # a real smile often narrows the eyes
    brow_tilt = rng.uniform(-3, 3) * u
    for side in (-1, 1):
        ex = cx + side * eye_dx
        eh = (2.5 if squint else rng.uniform(3.5, 5.0)) * u
        sprite.draw("ellipse", [ex - 7 * u, eye_y - eh, ex + 7 * u, eye_y + eh], fill=(245, 245, 240))
        ih = min(eh, 3.5 * u)
        sprite.draw("ellipse", [ex - 3.5 * u, eye_y - ih, ex + 3.5 * u, eye_y + ih], fill=resident["iris"])
        sprite.draw("ellipse", [ex - 1.5 * u, eye_y - 1.5 * u, ex + 1.5 * u, eye_y + 1.5 * u], fill=(10, 10, 10))
        by = eye_y - rng.uniform(8, 11) * u
        sprite.draw(
            "line",
            [ex - 8 * u, by + side * brow_tilt, ex + 8 * u, by - side * brow_tilt],
            fill=render.shade(hair, 0.9),
            width=int(3 * u),
        )
    if resident["glasses"]:
        _draw_glasses(sprite, u, cx, eye_y, eye_dx, *resident["glasses"])

    nose_y = cy + ry * 0.22
    sprite.draw("line", [cx, eye_y + 5 * u, cx - 2 * u, nose_y], fill=render.shade(skin, 0.75), width=int(2 * u))
    sprite.draw("ellipse", [cx - 7 * u, nose_y - 1 * u, cx + 7 * u, nose_y + 4 * u], fill=render.shade(skin, 0.82))

    mouth_y = cy + ry * rng.uniform(0.52, 0.58)
    if resident["beard"]:  # leaving the mouth visible
        sprite.tint(
            "chord", [cx - rx * 0.95, cy - ry * 0.1, cx + rx * 0.95, cy + ry * 1.05], 10, 170, fill=hair + (210,)
        )
        sprite.draw("ellipse", [cx - rx * 0.5, mouth_y - 8 * u, cx + rx * 0.5, mouth_y + 9 * u], fill=skin)
    if resident["moustache"]:
        sprite.draw("chord", [cx - 14 * u, mouth_y - 12 * u, cx + 14 * u, mouth_y - 2 * u], 180, 360, fill=hair)
    _draw_mouth(sprite, rng, u, cx, mouth_y, skin, smiling)


def _draw_hair(sprite, u, cx, cy, rx, ry, resident):
    hair, style = resident["hair"], resident["hair_style"]
    if style == 0:  # short hair: a cap over the top of the head
        sprite.draw("chord", [cx - rx - 2 * u, cy - ry - 4 * u, cx + rx + 2 * u, cy + ry * 0.4], 180, 360, fill=hair)
    elif style == 1:  # fringe
        sprite.draw("chord", [cx - rx - 2 * u, cy - ry - 5 * u, cx + rx + 2 * u, cy + ry * 0.1], 170, 370, fill=hair)
    elif style == 2:  # hat with a band
        hat = resident["hat"]
        sprite.draw("chord", [cx - rx - 3 * u, cy - ry - 12 * u, cx + rx + 3 * u, cy + ry * 0.2], 180, 360, fill=hat)
        sprite.draw(
            "rectangle", [cx - rx - 9 * u, cy - ry * 0.5, cx + rx + 9 * u, cy - ry * 0.38], fill=render.shade(hat, 0.8)
        )
    # style 3: bald or shaved


def _draw_glasses(sprite, u, cx, eye_y, eye_dx, frame, round_frames):
    width = int(2 * u)
    shape = "ellipse" if round_frames else "rectangle"
    for side in (-1, 1):
        ex = cx + side * eye_dx
        sprite.draw(shape, [ex - 10 * u, eye_y - 8 * u, ex + 10 * u, eye_y + 8 * u], outline=frame, width=width)
    sprite.draw("line", [cx - eye_dx + 10 * u, eye_y, cx + eye_dx - 10 * u, eye_y], fill=frame, width=width)


def _draw_mouth(sprite, rng, u, cx, y, skin, smiling):
    lips = render.shade((skin[0], int(skin[1] * 0.78), int(skin[2] * 0.8)), 0.72)
    half = rng.uniform(15, 20) * u
    thickness = int(rng.uniform(4, 5.5) * u)
    if smiling:
        # An open smile: lips around a dark mouth with the upper teeth showing;
        # a grin is wider. Closed-lip smiles are left out: at 64x64 pixels they
        # look too much like a neutral mouth for the course's small models.
        half *= rng.choice([1.0, 1.2], p=[0.65, 0.35])
        depth = rng.uniform(12, 18) * u
        rim = 2.5 * u
        sprite.draw("chord", [cx - half - rim, y - depth - rim, cx + half + rim, y + depth + rim], 0, 180, fill=lips)
        sprite.draw("chord", [cx - half, y - depth, cx + half, y + depth], 0, 180, fill=MOUTH_INSIDE)
        sprite.draw(
            "chord", [cx - half * 0.92, y - depth * 0.55, cx + half * 0.92, y + depth * 0.55], 0, 180, fill=TEETH
        )
        for side in (-1, 1):  # raised cheeks beside the corners of the mouth
            sprite.draw(
                "arc",
                [cx + side * half - 6 * u, y - 11 * u, cx + side * half + 6 * u, y + 1 * u],
                90 - side * 60,
                90 + side * 60,
                fill=render.shade(skin, 0.82),
                width=int(2 * u),
            )
        return
    kind = rng.choice(["neutral", "frown", "o", "talking"], p=[0.45, 0.25, 0.15, 0.15])
    if kind == "neutral":
        tilt = rng.uniform(-1.5, 1.5) * u
        sprite.draw("line", [cx - half, y + tilt, cx + half, y - tilt], fill=lips, width=thickness)
    elif kind == "frown":  # corners turned down
        depth = rng.uniform(3, 7) * u
        sprite.draw("arc", [cx - half, y, cx + half, y + 2 * depth], 195, 345, fill=lips, width=thickness)
    elif kind == "o":
        r = rng.uniform(4, 7) * u
        sprite.draw(
            "ellipse", [cx - r * 0.8, y - r, cx + r * 0.8, y + r], fill=MOUTH_INSIDE, outline=lips, width=thickness
        )
    else:  # talking: an open, flat mouth with the upper teeth showing
        h = rng.uniform(3.5, 5.5) * u
        sprite.draw(
            "rounded_rectangle",
            [cx - half * 0.85, y - h, cx + half * 0.85, y + h],
            radius=int(h),
            fill=MOUTH_INSIDE,
            outline=lips,
            width=thickness,
        )
        sprite.draw("rectangle", [cx - half * 0.6, y - h * 0.6, cx + half * 0.6, y - h * 0.1], fill=TEETH)
