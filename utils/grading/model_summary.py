"""A Keras 3 model-summary comparator for the public tests.

``summarize(model)`` lists, per layer, its class, output shape, parameter count
and the settings that matter. ``compare_model(model, expected)`` fails on any
missing, extra, reordered or differently configured layer. (The well-known
version of this course zipped the two lists, so a model that lacked its last
layers passed; it also used ``layer.output_shape``, which Keras 3 removed.)
"""

import difflib
from typing import Any

from utils.grading.checks import CheckFailed, describe

# One layer of a summary: [class name, output shape, parameter count, {setting: value}].
LayerSummary = list
# Layer settings worth checking; a layer contributes those its config has.
SETTINGS = (
    "kernel_size",
    "strides",
    "padding",
    "activation",
    "pool_size",
    "rate",
    "axis",
    "kernel_initializer",
    "size",
    "interpolation",
    "mode",
    "factor",
)


class ModelSummary(list):
    """A Keras model's summary standing in for the model (the grader gets a learner's model back as one),
    with the depth of each layer in the model's graph."""

    def __init__(self, layers: list[LayerSummary], depths: list[int]) -> None:
        super().__init__(layers)
        self.depths = list(depths)


def summary_of(model: Any) -> ModelSummary:
    """``model``'s summary with its layers' depths; a ModelSummary is returned as it is."""
    if isinstance(model, ModelSummary):
        return model
    layers = summarize(model)
    by_depth = getattr(model, "_operations_by_depth", {})  # a functional model's graph; Sequential has none
    depth_of = {id(layer): depth for depth, members in by_depth.items() for layer in members}
    return ModelSummary(layers, [depth_of.get(id(layer), -1) for layer in model.layers])


def summarize(model: Any) -> list[LayerSummary]:
    """Per layer: ``[class name, output shape, parameter count, {setting: value}]``."""
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"summarize expects a Keras model, got {describe(model)}")
    return [_summarize_layer(layer) for layer in model.layers]


def _summarize_layer(layer):
    config = layer.get_config()
    settings = {key: _plain(config[key]) for key in SETTINGS if key in config}
    if "axis" in settings:
        settings["axis"] = _positive_axis(settings["axis"], _input_rank(layer))
    return [type(layer).__name__, _output_shape(layer), int(layer.count_params()), settings]


def _input_rank(layer):
    """The rank of a layer's input; a merging layer (Concatenate) takes a list of equal-rank inputs."""
    inputs = layer.input
    return len((inputs[0] if isinstance(inputs, (list, tuple)) else inputs).shape)


def _output_shape(layer):
    output = layer.output
    if isinstance(output, (list, tuple)):
        return [tuple(o.shape) for o in output]
    return tuple(output.shape)


def _plain(value):
    """Configs hold lists and serialized objects; compare them as tuples and names."""
    if isinstance(value, dict):
        if "class_name" in value:  # a serialized initializer, regularizer, ...
            return value["class_name"]
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return tuple(_plain(item) for item in value)
    return value


def _positive_axis(axis, rank):
    """axis=-1 and axis=3 mean the same on a 4-D input."""
    if isinstance(axis, tuple):
        return tuple(_positive_axis(a, rank) for a in axis)
    return axis % rank if isinstance(axis, int) else axis


def format_layer(layer_summary: LayerSummary) -> str:
    class_name, shape, params, settings = layer_summary
    details = ", ".join(f"{key}={value!r}" for key, value in settings.items())
    return f"{class_name:<22} {str(shape):<24} {params:>10,}" + (f"   {details}" if details else "")


def format_summary(summary: list[LayerSummary]) -> str:
    """The summary as aligned text, one layer per line."""
    return "\n".join(f"{i:>4}  {format_layer(layer)}" for i, layer in enumerate(summary))


def compare_model(model: Any, expected: list[LayerSummary], *, name: str = "the model") -> None:
    """Fail unless ``model``'s summary equals ``expected``, layer by layer, in order.

    The failure message lists each missing, extra, reordered or different
    layer with its position, then both summaries.
    """
    import keras

    if not isinstance(model, (keras.Model, ModelSummary)):
        raise CheckFailed(f"{name} should be a Keras model, got {describe(model)}.")
    actual = list(summary_of(model))
    expected = [list(layer) for layer in expected]
    if actual == expected:
        return
    expected_lines = [format_layer(layer) for layer in expected]
    actual_lines = [format_layer(layer) for layer in actual]
    problems = []
    if expected_lines != actual_lines and sorted(expected_lines) == sorted(actual_lines):
        problems.append("it has the right layers, but in the wrong order")
    else:
        matcher = difflib.SequenceMatcher(a=expected_lines, b=actual_lines, autojunk=False)
        for tag, e1, e2, a1, a2 in matcher.get_opcodes():
            if tag == "delete":
                problems += [
                    f"layer {i} is missing: {expected_lines[i].split()[0]} ({_brief(expected[i])})"
                    for i in range(e1, e2)
                ]
            elif tag == "insert":
                problems += [
                    f"layer {i} is extra: {actual_lines[i].split()[0]} ({_brief(actual[i])})" for i in range(a1, a2)
                ]
            elif tag == "replace":
                for offset in range(max(e2 - e1, a2 - a1)):
                    e, a = e1 + offset, a1 + offset
                    if e < e2 and a < a2:
                        problems.append(f"layer {a} differs: " + _difference(expected[e], actual[a]))
                    elif e < e2:
                        problems.append(f"layer {e} is missing: {expected[e][0]} ({_brief(expected[e])})")
                    else:
                        problems.append(f"layer {a} is extra: {actual[a][0]} ({_brief(actual[a])})")
    raise CheckFailed(
        f"{name} does not match the expected architecture "
        f"({len(expected)} layers expected, {len(actual)} found):\n"
        + "\n".join(f"  - {problem}" for problem in problems)
        + f"\nExpected:\n{format_summary(expected)}\nGot:\n{format_summary(actual)}"
    )


def _brief(layer_summary):
    return f"output {layer_summary[1]}, {layer_summary[2]:,} parameters"


def _difference(expected, actual):
    fields = []
    if expected[0] != actual[0]:
        fields.append(f"class {expected[0]} expected, got {actual[0]}")
    if expected[1] != actual[1]:
        fields.append(f"output shape {expected[1]} expected, got {actual[1]}")
    if expected[2] != actual[2]:
        fields.append(f"{expected[2]:,} parameters expected, got {actual[2]:,}")
    for key in sorted(set(expected[3]) | set(actual[3])):
        want, got = expected[3].get(key, "<unset>"), actual[3].get(key, "<unset>")
        if want != got:
            fields.append(f"{key}={want!r} expected, got {got!r}")
    return f"{actual[0]}: " + "; ".join(fields)
