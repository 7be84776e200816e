"""Setting a Keras model's weights from converted arrays, with every layer accounted for."""


def set_layer_weights(model, weights, source):
    """Set each layer named in ``weights`` ({layer name: [arrays in Keras order]}).

    Raises ValueError if a named layer is missing, a shape differs, or a layer
    of ``model`` that has weights is left unset; ``source`` says where the
    arrays come from (e.g. "the Darknet arrays"), for the messages.
    """
    for layer_name, values in weights.items():
        try:
            layer = model.get_layer(layer_name)
        except ValueError:
            raise ValueError(f"the Keras model has no layer {layer_name!r} for {source}") from None
        expected = [tuple(weight.shape) for weight in layer.weights]
        given = [tuple(value.shape) for value in values]
        if expected != given:
            raise ValueError(f"layer {layer_name!r}: the Keras weights have shapes {expected}, {source} {given}")
        layer.set_weights(values)
    unset = [layer.name for layer in model.layers if layer.weights and layer.name not in weights]
    if unset:
        raise ValueError(f"{source} leave the Keras layers {unset} unset")
