"""A generated stand-in for the course's SIGNS photos: a hand showing 0 to 5 fingers.

No hand-sign photo set ships in a package, so this module draws hands: a
group of people (skin tone, hand size, finger thickness, sleeve) photographed
in a few rooms, each photo with its own pose, framing, lighting, blur and
noise; each hand is shaded as a lit, rounded body with a faint skin grain. The
walls stay plain, as in the original photos: textured walls (as the Happy House
has) were measured to narrow the course's small ConvNet's lead over a raw-pixel
baseline, and at full contrast to reverse it.
Which fingers are raised varies as in sign language: three fingers are
index-middle-ring or thumb-index-middle.
"""

import math

import numpy as np

from utils.generators import render

SIZE = 64
SUPERSAMPLE = 4
CLASS_NAMES = ("0", "1", "2", "3", "4", "5")
# Bump when the images change: caches written by another version are generated again.
GENERATOR_VERSION = 2
PEOPLE = 30
ROOMS = 12
SHIFT_SD, MAX_ANGLE, SCALES = 0.025, 6, (1.2, 1.3)

# Fingers from index to little finger, in units of a 128-pixel canvas: base
# position along the top of the palm, length, and the angle they fan out at.
FINGERS = (("index", -13, 32, -14), ("middle", -4, 35, -4), ("ring", 5, 32, 6), ("little", 13, 26, 16))
RAISED = {  # sets of raised fingers for each count
    0: [()],
    1: [("index",)],
    2: [("index", "middle")],
    3: [("index", "middle", "ring"), ("thumb", "index", "middle")],
    4: [("index", "middle", "ring", "little")],
    5: [("thumb", "index", "middle", "ring", "little")],
}


def generate(count, seed):
    """``count`` photos (count, 64, 64, 3) uint8 and labels (count,) int64, classes 0-5 balanced."""
    rng = np.random.default_rng(seed)
    people = [_random_person(rng) for _ in range(PEOPLE)]
    canvas_size = SIZE * SUPERSAMPLE
    rooms = [
        render.cluttered_background(rng, canvas_size * 5 // 4, shapes=(1, 5), wall_grey=0.65) for _ in range(ROOMS)
    ]
    labels = rng.permutation(np.arange(count) % len(CLASS_NAMES))
    images = np.stack(
        [draw_photo(rng, people[rng.integers(PEOPLE)], rooms[rng.integers(ROOMS)], int(label)) for label in labels]
    )
    return images, labels.astype(np.int64)


def _random_person(rng):
    return {
        "skin": render.skin_tone(rng),
        "size": rng.uniform(0.9, 1.1),
        "thickness": rng.uniform(8, 11),
        "sleeve": render.random_colour(rng, 20, 240),
        "left_hand": rng.random() < 0.15,
    }


def draw_photo(rng, person, room, count):
    """One 64x64 RGB photo of ``person``'s hand raising ``count`` fingers in ``room``."""
    canvas_size = SIZE * SUPERSAMPLE
    left, top = (int(v) for v in rng.integers(0, room.size[0] - canvas_size + 1, size=2))
    canvas = room.crop((left, top, left + canvas_size, top + canvas_size))
    hand = render.Sprite(canvas_size)
    raised = RAISED[count][rng.integers(len(RAISED[count]))]
    _draw_hand(hand, rng, canvas_size / 128, person, raised)
    render.shade_volume(hand, rng, softness=0.03)  # a finger is thin: it bulges over less width than a face
    if person["left_hand"]:
        hand.image, hand.mask = (layer.transpose(0) for layer in (hand.image, hand.mask))  # FLIP_LEFT_RIGHT
    shift = rng.normal(0, SHIFT_SD, size=2) * canvas_size
    render.place(hand, canvas, angle=rng.uniform(-MAX_ANGLE, MAX_ANGLE), scale=rng.uniform(*SCALES), shift=shift)
    return render.finish(canvas, rng, SUPERSAMPLE, blur=(0.0, 0.6), noise=(1.0, 4.0), lighting=0.4)


def _draw_hand(sprite, rng, u, person, raised):
    """A right hand, palm to the camera, wrist at the bottom; ``raised`` names the raised fingers."""
    skin = person["skin"]
    edge = render.shade(skin, 0.7)
    size = person["size"] * u
    width = person["thickness"] * size
    cx, palm_top = 64 * u, 62 * u
    palm = [cx - 19 * size, palm_top - 2 * size, cx + 19 * size, palm_top + 38 * size]

    sprite.draw("rectangle", [cx - 15 * size, palm[3] - 12 * size, cx + 15 * size, 160 * u], fill=skin)  # wrist
    sprite.draw("rectangle", [cx - 24 * size, palm[3] + 18 * size, cx + 24 * size, 160 * u], fill=person["sleeve"])
    sprite.draw("rounded_rectangle", palm, radius=int(12 * size), fill=skin, outline=edge, width=max(1, int(1.5 * u)))
    sprite.tint(
        "line",
        [cx - 10 * size, palm_top + 22 * size, cx + 8 * size, palm_top + 16 * size],
        fill=edge + (110,),
        width=max(1, int(1.2 * u)),
    )  # a palm crease

    for name, dx, length, angle in FINGERS:
        base = (cx + dx * size, palm_top + 3 * size)
        angle = math.radians(angle + rng.normal(0, 3))
        if name in raised:
            reach = length * size * rng.uniform(0.92, 1.05)
            tip = (base[0] + reach * math.sin(angle), base[1] - reach * math.cos(angle))
        else:  # folded: only the knuckle shows above the palm
            tip = (base[0] + 2 * size * math.sin(angle), base[1] - 5 * size)
        finger_width = width * (0.85 if name == "little" else 1.0)
        render.capsule(sprite, base, tip, finger_width, fill=skin, outline=edge, outline_width=1.2 * u)

    thumb_base = (cx - 17 * size, palm_top + 26 * size)
    if "thumb" in raised:
        angle = math.radians(rng.uniform(-60, -40))
        reach = 24 * size * rng.uniform(0.92, 1.05)
        tip = (thumb_base[0] + reach * math.sin(angle), thumb_base[1] - reach * math.cos(angle))
    else:  # folded across the palm
        tip = (cx + rng.uniform(-2, 6) * size, palm_top + rng.uniform(14, 22) * size)
    render.capsule(sprite, thumb_base, tip, width * 1.1, fill=skin, outline=edge, outline_width=1.2 * u)
