"""gridterm: the grid officer's field app and the township service it syncs to.

Kept deliberately light: importing ``gridterm`` must not import Textual, FastAPI or
anything else heavy (a cheap phone pays for every module at start-up).
"""

__version__ = "0.1.0"
