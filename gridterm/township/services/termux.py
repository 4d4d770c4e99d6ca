"""The one line that puts gridterm on a phone: ``curl -fsSL URL/termux | sh -s CODE``.

:func:`script` writes the POSIX sh script ``GET /termux`` answers, from
``templates/termux.sh``: the service's address and the officer's messages (in the reader's
language) are put in shell-quoted, so nothing in them can become a command.
:func:`install_line` is the line shown with an enrollment code.
"""

from __future__ import annotations

import re
import shlex
from functools import cache
from importlib import resources

from gridterm.client.updates import trusted_host
from gridterm.core.i18n import t

_QUOTED = re.compile(r"@([A-Z_]+)@")
_RAW = re.compile(r"\{\{([A-Z_]+)\}\}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# What a usable service address looks like: scheme, host (a name, IPv4 or [IPv6]), an
# optional port and path — nothing a shell or a comment line could take another way.
SAFE_URL = re.compile(
    r"https?://(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:/[A-Za-z0-9._~/\-]*)?"
)


@cache
def _template() -> str:
    path = resources.files("gridterm.township").joinpath("templates/termux.sh")
    return path.read_text(encoding="utf-8")


def usable_url(url: str) -> bool:
    return SAFE_URL.fullmatch(url) is not None


def script(url: str, lang: str) -> str:
    """The install script for the service at ``url`` (checked with :func:`usable_url`)."""
    url = url.rstrip("/")
    words = {
        "TITLE": t("install.termux.title", lang=lang, url=url),
        "USAGE": t("install.termux.usage", lang=lang, url=url),
        "WHAT": t("install.termux.what", lang=lang),
        "TRUSTED_NOTE": t("install.termux.trusted_note", lang=lang),
        "URL": url,
        "TRUSTED_HOST": trusted_host(url),
    }
    for name in (
        "root",
        "need_python",
        "need_pip",
        "installing_python",
        "installing",
        "pip_failed",
        "next",
        "enrolling",
        "done",
    ):
        words[f"MSG_{name.upper()}"] = t(f"install.termux.{name}", lang=lang, url=url)
    text = _RAW.sub(lambda m: _CONTROL.sub(" ", words[m.group(1)]), _template())
    return _QUOTED.sub(lambda m: shlex.quote(words[m.group(1)]), text)


def install_line(url: str | None, code: str, lang: str | None = None) -> str:
    """ "Phone (Termux): curl -fsSL URL/termux | sh -s CODE" for an enrollment code."""
    where = url.rstrip("/") if url else t("install.hint.no_url", lang=lang)
    return t("install.hint.termux", lang=lang, url=where, code=code)
