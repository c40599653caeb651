"""Numbers as these documents write them: 29, 1,944.6, 二十九, 两, 十三, 一百二十, 约1800万元."""

from __future__ import annotations

import re

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMBER = "[零〇一二两三四五六七八九十百千]+"
# an Arabic or a Chinese count; Arabic allows thousands separators and decimals
NUMBER = rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?|{CN_NUMBER})"
_ARABIC = re.compile(r"^\d+(?:,\d{3})*(?:\.\d+)?$")


def chinese_to_int(text: str) -> int | None:
    """二十九 -> 29, 十三 -> 13, 一百二十 -> 120, 三〇五 -> 305; None when it is not a number."""
    if not text or any(c not in DIGITS and c not in UNITS for c in text):
        return None
    if not any(c in UNITS for c in text):  # digit by digit: 二〇一九
        return int("".join(str(DIGITS[c]) for c in text))
    total, current = 0, 0
    for char in text:
        if char in DIGITS:
            current = DIGITS[char]
        else:
            total += (current or 1) * UNITS[char]
            current = 0
    return total + current


def to_number(text: str) -> float | None:
    text = text.strip()
    if _ARABIC.match(text):
        return float(text.replace(",", ""))
    value = chinese_to_int(text)
    return None if value is None else float(value)


def to_int(text: str) -> int | None:
    value = to_number(text)
    if value is None or not value.is_integer():
        return None
    return int(value)


def wan(amount: str, unit: str) -> float | None:
    """An amount in 万元 from its number and unit (元, 万元, 亿元)."""
    value = to_number(amount)
    if value is None:
        return None
    factor = {"亿": 10000.0, "万": 1.0, "": 0.0001}.get(unit, 1.0)
    return round(value * factor, 4)

# the same, as a capturing-free class for use inside other patterns
NUM_CLASS = NUMBER
