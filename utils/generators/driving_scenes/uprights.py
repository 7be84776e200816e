"""Upright surfaces ray-cast per pixel: facades, walls, fences, hedges, forest edges, guard rails, bridges."""

import numpy as np

from utils.generators.driving_scenes.classes import BRIDGE, BUILDING, FENCE, GUARD_RAIL, VEGETATION, WALL
from utils.generators.driving_scenes.geometry import BACKDROP_CELLS, INF, hit_depths


def _segment_at(segments, depths):
    """Per depth, the number of the segment that may cover it, and whether it does (not in an opening)."""
    starts = np.array([segment.start for segment in segments])
    ends = np.array([segment.end for segment in segments])
    which = np.clip(np.searchsorted(starts, depths, side="right") - 1, 0, len(segments) - 1)
    return which, (depths >= starts[which]) & (depths < ends[which])


def tops_at(upright, depths):
    """The height of ``upright`` at each depth (0 where it has an opening)."""
    if not upright.segments:
        return np.zeros_like(depths)
    which, covered = _segment_at(upright.segments, depths)
    tops = np.array([segment.top for segment in upright.segments])
    return np.where(covered, tops[which], 0.0)


def draw_upright(frame, street, upright):
    """All segments of one kind at once: each column sees at most one segment of an upright."""
    if not upright.segments:
        return
    camera, road = frame.camera, street.road
    sun_side, strength, _ = street.sun
    light = 1 - 0.4 * strength if upright.side == sun_side else 1 + 0.05 * strength
    depths = hit_depths(camera, road, upright.side * (road.half_width + upright.distance))
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
        rows = slice(
            max(0, int(camera.horizon + camera.focal * (camera.elevation - tallest) / nearest)),
            min(camera.rows, int(camera.horizon + camera.focal * camera.elevation / nearest) + 2),
        )
        height = camera.elevation - camera.dy[rows, None] * z
        hit, colour, shade = SURFACES[kind](frame, look, z - look.start, height)
        hit &= ours[columns][None, :] & (height >= 0)
        frame.paint((rows, columns), hit, z, SURFACE_LABELS[kind], colour * (shade * light)[..., None])
    for previous, segment in zip([None] + segments[:-1], segments):
        hidden = (
            previous is not None
            and previous.kind == "facade"
            and previous.end == segment.start
            and previous.top >= segment.top
        )  # behind the building before it
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
        table = {
            key: np.array([segment.style.get(key, default) for segment in segments], np.float32)
            for key, default in first.style.items()
        }
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


def _facade(frame, look, along, height):
    style = look.style
    bay, floor = style["bay"], style["floor"]
    across = along % bay
    level = height % floor
    margin = bay * (1 - style["window"]) / 2
    window = (
        (across > margin)
        & (across < bay - margin)
        & (level > 0.9)
        & (level < 0.9 + style["pane"] * floor)
        & (height > floor)
        & (height < look.top - 0.8)
    )
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


SURFACES = {
    "facade": _facade,
    "wall": _wall,
    "fence": _fence,
    "hedge": _hedge,
    "treeline": _treeline,
    "guardrail": _guardrail_surface,
}
SURFACE_LABELS = {
    "facade": BUILDING,
    "wall": WALL,
    "fence": FENCE,
    "hedge": VEGETATION,
    "treeline": VEGETATION,
    "guardrail": GUARD_RAIL,
}


def draw_backdrop(frame, backdrop):
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


def draw_bridge(frame, bridge, road):
    """A bridge across the road: the deck's face and underside, its railing and two pillars."""
    camera = frame.camera
    near, far, bottom, top = bridge["near"], bridge["far"], bridge["bottom"], bridge["top"]
    base = np.array(bridge["colour"], np.float32)
    height = camera.elevation - camera.dy * near
    railing = (height >= top) & (height < top + bridge["railing"])
    posts = (np.abs((camera.dx * near) % 2.0) < 0.12)[None, :] | (np.abs(height - top - bridge["railing"]) < 0.08)[
        :, None
    ]
    deck = ((height >= bottom) & (height < top))[:, None] | (railing[:, None] & posts)
    texture = frame.noise(camera.dx[None, :] * near * 3, height[:, None] * 3)
    shade = np.where((height < bottom + 0.3)[:, None], 0.8, 1.0) * (1 + 0.05 * texture)
    frame.paint(np.s_[:, :], deck, near, BRIDGE, base * shade[..., None])
    with np.errstate(divide="ignore"):
        under = (bottom - camera.elevation) / -camera.dy  # where upward rays meet the deck's underside
    rows = (camera.dy < 0) & (under >= near) & (under <= far)
    frame.paint(
        np.s_[:, :],
        np.broadcast_to(rows[:, None], frame.label.shape),
        np.where(rows, under, INF)[:, None],
        BRIDGE,
        base * 0.55,
    )
    centre = road.centre(near)
    x = camera.dx * near - centre
    for left, right in bridge["pillars"]:
        hit = ((height >= 0) & (height < bottom))[:, None] & ((x >= left) & (x < right))[None, :]
        frame.paint(np.s_[:, :], hit, near, BRIDGE, base * 0.9)
