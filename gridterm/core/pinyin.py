"""Pinyin spellings of Chinese text, for search: a soft keyboard types Latin letters fastest.

``spellings("胡丽")`` is ``("huli", "hl")``: the full pinyin without tones, then the initials.
A character with several readings gives each (单 dan/chan/shan, 曾 ceng/zeng), so a surname
read its own way is found too; 吕 is both ``lv`` (what pinyin keyboards type) and ``lu``.

pypinyin is imported on first use, never at start-up, and without its phrase dictionary
(``PYPINYIN_NO_PHRASES``): names are read one character at a time, and the phrases would
cost about 45 MB and a quarter of a second on import.  Both lookups are cached, so a name
seen once (on any screen) costs nothing the next time.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from types import ModuleType

# A name whose characters all have several readings would multiply out; the first readings
# pypinyin gives are the common ones, so the first few spellings are the useful ones.
MAX_SPELLINGS = 8

_lock = threading.Lock()
_library: ModuleType | None = None
_missing = False


def _pypinyin() -> ModuleType | None:
    """pypinyin, imported once, lean (no phrase dictionary, no copy of the character one)."""
    global _library, _missing
    if _library is not None or _missing:
        return _library
    with _lock:
        if _library is None and not _missing:
            os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
            os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
            try:
                import pypinyin
            except ImportError:  # search still works on characters, digits and tags
                _missing = True
            else:
                _library = pypinyin
    return _library


def is_han(ch: str) -> bool:
    """A CJK ideograph (the BMP blocks and the supplementary ones names use)."""
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x323AF
    )


@lru_cache(maxsize=16384)
def readings(ch: str) -> tuple[str, ...]:
    """The toneless readings of one Chinese character, most common first; () for others."""
    if not is_han(ch):
        return ()
    lib = _pypinyin()
    if lib is None:
        return ()
    found = lib.pinyin(ch, style=lib.Style.NORMAL, heteronym=True, errors="ignore")
    out: list[str] = []
    for reading in found[0] if found else ():
        reading = reading.lower()
        if reading.isascii() and reading.isalpha():
            out.append(reading)
            if "v" in reading:  # ü: keyboards type v, people also type u
                out.append(reading.replace("v", "u"))
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=65536)
def spellings(text: str) -> tuple[str, ...]:
    """Full spellings, then initials, of ``text``; () when it holds no Chinese character.

    Latin letters and digits are kept as they are (lower case); other characters (spaces,
    the middle dot of transcribed names) are dropped.
    """
    full, initials = [""], [""]
    han = False
    for ch in text:
        options = readings(ch)
        if options:
            han = True
            full = [f + r for f in full for r in options][:MAX_SPELLINGS]
            firsts = list(dict.fromkeys(r[0] for r in options))
            initials = [i + r for i in initials for r in firsts][:MAX_SPELLINGS]
        elif ch.isascii() and ch.isalnum():
            full = [f + ch.lower() for f in full]
            initials = [i + ch.lower() for i in initials]
    if not han:
        return ()
    return tuple(dict.fromkeys(full + initials))


def is_spelling(query: str) -> bool:
    """Could ``query`` be pinyin (Latin letters only)?"""
    return bool(query) and query.isascii() and query.isalpha()


def loaded() -> bool:
    """Has pypinyin been imported yet (start-up must not do it)?"""
    return _library is not None
