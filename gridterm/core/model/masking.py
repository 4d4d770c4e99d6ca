"""Masking personal data wherever it leaves the officer's own screen: 张*明, 500***********123X."""

from __future__ import annotations

import re


def mask_name(name: str | None) -> str:
    """张三明 -> 张*明, 张三 -> 张*, 欧阳娜娜 -> 欧**娜: the first and last characters stay."""
    text = (name or "").strip()
    if len(text) <= 1:
        return "*" if text else ""
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


def mask_id(id_number: str | None) -> str:
    """Keep the first 3 and last 4 characters: 500***********123X."""
    text = re.sub(r"\s+", "", id_number or "").upper()
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_phone(phone: str | None) -> str:
    """138****5678: the first 3 and last 4 digits stay."""
    text = re.sub(r"[\s\-]", "", phone or "")
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]
