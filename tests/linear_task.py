"""An exact linear target on two inputs and a short training on it: what the engine's tests train."""

import numpy as np

from nnfit.engine import History, Network, Trainer

RNG = np.random.default_rng(0)
X = RNG.uniform(-1, 1, (512, 2))
Y = (3 * X[:, :1] - 2 * X[:, 1:]) + 0.5  # an exact linear target
LINEAR = Network((2, 1))


def train(recipe, network=LINEAR, callbacks=(), x_val=X[:64], y_val=Y[:64], budget=None):
    """The Trainer after training `network` on X, Y with a History first among its callbacks, and
    the parameters it ended with."""
    trainer = Trainer(network, recipe, [History(), *callbacks], budget)
    params = trainer.train(X, Y, x_val, y_val)
    return trainer, params
