"""CARLA's 23 semantic tags (versions 0.9.10 to 0.9.13): class ids, names and colours.

"unlabeled" marks the ego car's bonnet where it is in view, like Cityscapes' void "ego vehicle".
"""

import numpy as np

# By class id: (name, colour of CARLA's semantic segmentation camera).
CLASSES = (
    ("unlabeled", (0, 0, 0)),
    ("building", (70, 70, 70)),
    ("fence", (100, 40, 40)),
    ("other", (55, 90, 80)),
    ("pedestrian", (220, 20, 60)),
    ("pole", (153, 153, 153)),
    ("road line", (157, 234, 50)),
    ("road", (128, 64, 128)),
    ("sidewalk", (244, 35, 232)),
    ("vegetation", (107, 142, 35)),
    ("vehicle", (0, 0, 142)),
    ("wall", (102, 102, 156)),
    ("traffic sign", (220, 220, 0)),
    ("sky", (70, 130, 180)),
    ("ground", (81, 0, 81)),
    ("bridge", (150, 100, 100)),
    ("rail track", (230, 150, 140)),
    ("guard rail", (180, 165, 180)),
    ("traffic light", (250, 170, 30)),
    ("static", (110, 190, 160)),
    ("dynamic", (170, 120, 50)),
    ("water", (45, 60, 150)),
    ("terrain", (145, 170, 100)),
)
CLASS_NAMES = tuple(name for name, _ in CLASSES)
PALETTE = np.array([colour for _, colour in CLASSES], dtype=np.uint8)
(UNLABELED, BUILDING, FENCE, OTHER, PEDESTRIAN, POLE, ROAD_LINE, ROAD,
 SIDEWALK, VEGETATION, VEHICLE, WALL, TRAFFIC_SIGN, SKY, GROUND, BRIDGE,
 RAIL_TRACK, GUARD_RAIL, TRAFFIC_LIGHT, STATIC, DYNAMIC, WATER, TERRAIN) = range(len(CLASSES))  # fmt: skip
