"""Vocabulary codes as the township reads them: the Chinese label, empty for no code.

The labels are :mod:`gridterm.core.model`'s (``vocab.json``), the same the officer's device
shows; exports, the staff list and the resident's page all name things this way.
"""

from __future__ import annotations

from typing import Any

from gridterm.core import model


def vocab_label(group: str, code: Any, lang: str = "zh") -> str:
    """``vocab_label("category", "safety")`` -> ``安全隐患``; no code -> ``""``; a code the
    vocabulary does not know -> the code as text."""
    if code is None or code == "":
        return ""
    return model.label(group, str(code), lang)
