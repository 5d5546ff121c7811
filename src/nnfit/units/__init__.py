"""The user's units and the network's: scalers (standard, min-max, log), a target's dimensionless
groups, and the `Coordinates` that carry inputs in and predictions back through both."""

from ._coordinates import Coordinates
from ._groups import Groups, find_groups
from ._scaling import Scaler, loggable

__all__ = ["Coordinates", "Groups", "Scaler", "find_groups", "loggable"]
