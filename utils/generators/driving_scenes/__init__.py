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

from utils.generators.driving_scenes.classes import CLASS_NAMES, PALETTE
from utils.generators.driving_scenes.frame import GENERATOR_VERSION, draw_frame, generate

__all__ = ["CLASS_NAMES", "GENERATOR_VERSION", "PALETTE", "draw_frame", "generate"]
