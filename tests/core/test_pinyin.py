"""Pinyin spellings for search (gridterm.core.pinyin): full and initials, every reading of a
character with several, and pypinyin imported lean and only when first needed."""

from __future__ import annotations

import subprocess
import sys

from gridterm.core import pinyin


def test_full_spelling_then_initials():
    assert pinyin.spellings("胡丽") == ("huli", "hl")
    assert pinyin.spellings("胡丽丽") == ("hulili", "hll")
    assert pinyin.spellings("胡刚") == ("hugang", "hg")


def test_a_surname_with_its_own_reading_is_found_by_it():
    # 单 and 曾 are read shan and zeng as surnames; the common reading comes first.
    assert "shanxiongxin" in pinyin.spellings("单雄信")
    assert {"zengguofan", "zgf"} <= set(pinyin.spellings("曾国藩"))
    # ü: keyboards type v, people also type u.
    assert {"lvbu", "lubu", "lb"} <= set(pinyin.spellings("吕布"))


def test_other_characters_and_the_bound_on_spellings():
    assert pinyin.spellings("") == ()
    assert pinyin.spellings("Wang Fang") == ()  # no Chinese: nothing to spell
    assert pinyin.spellings("王A1")[0] == "wanga1"  # Latin letters and digits kept
    # The middle dot of a transcribed name is dropped; many readings stay bounded.
    spelled = pinyin.spellings("阿卜杜·热合曼")
    assert "abudureheman" in spelled
    assert len(spelled) <= 2 * pinyin.MAX_SPELLINGS
    assert not pinyin.is_spelling("") and not pinyin.is_spelling("hl1")
    assert pinyin.is_spelling("huli")


def test_pypinyin_is_imported_only_when_needed_and_without_its_phrases():
    code = (
        "import sys\n"
        "import gridterm.core.households, gridterm.core.pinyin as p\n"
        "assert 'pypinyin' not in sys.modules\n"
        "assert p.spellings('胡丽') == ('huli', 'hl')\n"
        "assert 'pypinyin' in sys.modules and 'pypinyin.phrases_dict' not in sys.modules\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
