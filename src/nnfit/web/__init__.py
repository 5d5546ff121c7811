"""The playground: `nnfit serve`, a local web page that fits a formula or a data file live.

The page (static/) talks to the JSON API of `create_app`, whose fits run one at a time in the job
queue and stream their progress as server-sent events."""

from ._app import LOOPBACK, create_app
from ._jobs import Limits
from ._serve import running, serve

__all__ = ["LOOPBACK", "Limits", "create_app", "running", "serve"]
