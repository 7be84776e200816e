"""Vehicles in the lanes, and the signs, traffic lights, cones and people on and beside the road."""

from utils.generators.driving_scenes.materials import car_colour
from utils.generators.driving_scenes.objects import (
    draw_pedestrian,
    draw_prop,
    draw_sign,
    draw_traffic_light,
    draw_vehicle,
)


def add_traffic(rng, kind, road, objects):
    """Vehicles in the lanes, moving or parked."""
    for centre, direction in road.lanes:
        if direction == 0:  # parked cars nose to tail, with gaps
            depth = rng.uniform(2, 10)
            while depth < 70:
                if rng.random() < 0.75:
                    objects.append(
                        (
                            depth,
                            draw_vehicle,
                            dict(
                                x=centre + rng.uniform(-0.15, 0.15),
                                z=depth,
                                facing=1,
                                body=_random_vehicle(rng, parked=True),
                            ),
                        )
                    )
                depth += rng.uniform(5.5, 9)
            continue
        own_lane = abs(centre + road.offset) < 2
        depth = rng.uniform(8, 20) if own_lane else rng.uniform(0, 15)
        busy = {"city": 0.75, "suburb": 0.5, "country": 0.55}[kind]
        while depth < 110:
            if rng.random() < busy:
                body = _random_vehicle(rng)
                objects.append(
                    (depth, draw_vehicle, dict(x=centre + rng.uniform(-0.3, 0.3), z=depth, facing=direction, body=body))
                )
                depth += body["length"]
            depth += rng.uniform(6, 25)


def _random_vehicle(rng, parked=False):
    kind = rng.choice(4, p=(0.95, 0.05, 0, 0) if parked else (0.7, 0.14, 0.09, 0.07))
    colour = car_colour(rng)
    if kind == 0:  # car or SUV
        tall = rng.random() < 0.3
        return dict(
            kind="car",
            length=rng.uniform(3.9, 4.9),
            width=rng.uniform(1.7, 1.95),
            base=0.22,
            body=rng.uniform(0.8, 1.0) if tall else rng.uniform(0.7, 0.85),
            roof=rng.uniform(1.6, 1.85) if tall else rng.uniform(1.35, 1.5),
            colour=colour,
            cabin=(rng.uniform(0.12, 0.2), rng.uniform(0.25, 0.35), rng.uniform(0.6, 0.7), rng.uniform(0.72, 0.8)),
        )
    if kind == 1:  # van
        return dict(
            kind="car",
            length=rng.uniform(4.8, 5.6),
            width=rng.uniform(1.9, 2.05),
            base=0.25,
            body=rng.uniform(0.9, 1.05),
            roof=rng.uniform(1.95, 2.4),
            colour=colour,
            cabin=(0.0, 0.02, 0.75, 0.85),
        )
    return dict(
        kind="truck" if kind == 2 else "bus",
        length=rng.uniform(7, 12),
        width=rng.uniform(2.35, 2.55),
        base=0.35,
        body=rng.uniform(2.9, 3.6),
        roof=0.0,
        colour=colour,
        cabin=None,
    )


def add_road_furniture(rng, kind, road, objects):
    """Signs, traffic lights, cones on the shoulder, people on the crossing."""
    for _ in range(rng.poisson(1.3)):
        side, depth = int(rng.choice([-1, 1])), rng.uniform(5, 50)
        objects.append(
            (depth, draw_sign, dict(x=(side, rng.uniform(0.3, 0.8)), z=depth, away=side < 0 and rng.random() < 0.6))
        )
    if kind == "city" and rng.random() < 0.45:
        depth = rng.uniform(10, 45)
        for side in (-1, 1):
            objects.append(
                (
                    depth,
                    draw_traffic_light,
                    dict(
                        x=(side, 0.4),
                        z=depth,
                        side=side,
                        away=side < 0,
                        arm=rng.uniform(0.5, 1.0) * road.half_width if rng.random() < 0.5 else 0,
                    ),
                )
            )
    if kind == "country":
        for _ in range(rng.poisson(0.4)):
            depth = rng.uniform(5, 40)
            objects.append(
                (depth, draw_prop, dict(x=(int(rng.choice([-1, 1])), rng.uniform(-0.8, 0.3)), z=depth, prop="cone"))
            )
    if road.crossing:
        for _ in range(rng.poisson(1.5)):
            depth = rng.uniform(road.crossing[0] + 0.5, road.crossing[1] - 0.5)
            objects.append((depth, draw_pedestrian, dict(x=rng.uniform(-road.half_width, road.half_width), z=depth)))
