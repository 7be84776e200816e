"""Mutants of week4/Face_Recognition.ipynb's graded functions."""

MUTANTS = {
    "triplet_loss": [
        (
            "sums the positive distance over the batch axis",
            "tf.square(tf.subtract(anchor, positive)), axis=-1)",
            "tf.square(tf.subtract(anchor, positive)), axis=0)",
        ),
        ("forgets the max(., 0)", "tf.reduce_sum(tf.maximum(basic_loss, 0.0))", "tf.reduce_sum(basic_loss)"),
        (
            "subtracts alpha",
            "tf.add(tf.subtract(pos_dist, neg_dist), alpha)",
            "tf.subtract(tf.subtract(pos_dist, neg_dist), alpha)",
        ),
        (
            "averages instead of summing over the triplets",
            "loss = tf.reduce_sum(tf.maximum(",
            "loss = tf.reduce_mean(tf.maximum(",
        ),
        (
            "distances, not squared distances",
            "tf.reduce_sum(tf.square(tf.subtract(anchor, negative)), axis=-1)",
            "tf.norm(tf.subtract(anchor, negative), axis=-1)",
        ),
    ],
    "verify": [
        ("the original's threshold 0.7", "if dist < 0.4:", "if dist < 0.7:"),
        ("opens for distances above the threshold", "if dist < 0.4:", "if dist > 0.4:"),
        (
            "squared distance",
            "dist = np.linalg.norm(encoding - database[identity])",
            "dist = np.sum((encoding - database[identity]) ** 2)",
        ),
        (
            "L1 distance",
            "np.linalg.norm(encoding - database[identity])",
            "np.linalg.norm((encoding - database[identity]).ravel(), ord=1)",
        ),
    ],
    "who_is_it": [
        ("keeps the largest distance", "if dist < min_dist:", "if dist > min_dist or identity is None:"),
        ("the original's threshold 0.7", "if min_dist >= 0.4:", "if min_dist >= 0.7:"),
        (
            "names the closest person even when a stranger",
            '        print("Not in the database.")\n        identity = None\n',
            '        print("Not in the database.")\n',
        ),
        ("squared distance", "dist = np.linalg.norm(encoding - db_enc)", "dist = np.sum((encoding - db_enc) ** 2)"),
        (
            "compares only with the first person",
            "        if dist < min_dist:\n",
            "        if dist < min_dist and identity is None:\n",
        ),
    ],
}
