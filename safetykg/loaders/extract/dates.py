"""Dates as accident documents write them, with the year each one means.

Forms: 2020年8月29日, 2019年“12·4”, a bare “8·29”, 10月4日 after an earlier full date,
二〇一九年十二月四日, and the time of day that follows (9时40分许, 凌晨5时30分).
A year left out is taken from the same day written in full elsewhere, else the nearest earlier
year in the text (for 10月4日) or the document's date (for a bare “8·29”), never after that date.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from dataclasses import dataclass

from .numbers import chinese_to_int

_Y = r"(\d{4}|[〇零一二三四五六七八九]{4})"
_M = r"(\d{1,2}|十[一二]?|[一二三四五六七八九])"
_D = r"(\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
FULL = re.compile(rf"{_Y}\s?年\s?{_M}\s?月\s?{_D}\s?[日号]")  # PDF text puts spaces around numbers
QUOTED = re.compile(r"(?:(\d{4})年(?:的)?)?“(\d{1,2})·(\d{1,2})”")
BARE_DOT = re.compile(r"(?<![\d.·])(\d{1,2})[·.](\d{1,2})(?![\d·.])(?=[\u4e00-\u9fa5]{0,16}事故)")
MONTH_DAY = re.compile(rf"(?<!\d年)(?<!\d\s年)(?<![\d月]){_M}\s?月\s?{_D}\s?[日号]")
YEAR_ONLY = re.compile(r"(?<!\d)(\d{4})年")
_CLOCK = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
TIME = re.compile(rf"^[,，\s]*(凌晨|早上|上午|中午|下午|晚上|晚|夜间|夜)?\s?{_CLOCK}\s?[时点](?:\s?{_CLOCK}\s?分)?(?:许|左右)?")


@dataclass
class DateMention:
    start: int
    end: int
    month: int
    day: int
    year: int | None
    form: str  # full | quoted | dotted | month_day
    year_basis: str = "stated"
    time: str | None = None
    time_end: int | None = None

    @property
    def iso(self) -> str | None:
        if self.year is None:
            return None
        try:
            return dt.date(self.year, self.month, self.day).isoformat()
        except ValueError:
            return None


def _num(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) if text.isdigit() else chinese_to_int(text)


def _time_after(norm: str, end: int) -> tuple[str | None, int | None]:
    match = TIME.match(norm[end:end + 16])
    if not match:
        return None, None
    hour = _num(match.group(2)) or 0
    minute = _num(match.group(3)) or 0
    if match.group(1) in ("下午", "晚上", "晚", "夜") and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        return None, None
    return f"{hour:02d}:{minute:02d}", end + match.end()


def find_dates(norm: str) -> list[DateMention]:
    found: list[DateMention] = []
    taken = bytearray(len(norm) + 1)

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end])

    for pattern, form in ((FULL, "full"), (QUOTED, "quoted"), (BARE_DOT, "dotted"), (MONTH_DAY, "month_day")):
        for match in pattern.finditer(norm):
            if not free(match.start(), match.end()):
                continue
            groups = match.groups()
            if form == "full" or form == "quoted":
                year, month, day = _num(groups[0]), _num(groups[1]), _num(groups[2])
            else:
                year, month, day = None, _num(groups[0]), _num(groups[1])
            if not month or not day or not 1 <= month <= 12 or not 1 <= day <= 31:
                continue
            mention = DateMention(match.start(), match.end(), month, day, year, form)
            if form in ("full", "month_day"):
                mention.time, mention.time_end = _time_after(norm, match.end())
            found.append(mention)
            taken[match.start():match.end()] = b"\x01" * (match.end() - match.start())
    found.sort(key=lambda m: m.start)
    return found


def document_year_hint(norm: str) -> int | None:
    """The latest year a text mentions: a stand-in for its date when none is given."""
    years = [int(y) for y in YEAR_ONLY.findall(norm) if 1949 < int(y) < 2100]
    return max(years) if years else None


def resolve_years(mentions: list[DateMention], norm: str, doc_date: dt.date | None) -> None:
    """Give every mention without a year the year it means (see the module docstring)."""
    stated = {(m.month, m.day): m for m in mentions if m.year is not None and m.form == "full"}
    years = [(y.start(), int(y.group(1))) for y in YEAR_ONLY.finditer(norm) if 1949 < int(y.group(1)) < 2100]
    year_starts = [start for start, _ in years]
    hint = doc_date.year if doc_date else document_year_hint(norm)
    for mention in mentions:
        if mention.year is not None:
            continue
        same_day = stated.get((mention.month, mention.day))
        cut = bisect_left(year_starts, mention.start)
        earlier = [y for _, y in years[:cut]]
        near = [y for start, y in years[max(0, cut - 8):cut] if start > mention.start - 200]
        clause_year = _year_in_clause(norm, mention, mentions)
        if clause_year is not None:
            mention.year, mention.year_basis = clause_year, "stated_in_clause"
        elif same_day is not None:
            mention.year, mention.year_basis = same_day.year, "same_day_stated"
        elif mention.form == "month_day" and earlier:
            mention.year, mention.year_basis = earlier[-1], ("earlier_year_near" if near else "earlier_year")
        elif hint is not None:
            year = hint
            if doc_date and (mention.month, mention.day) > (doc_date.month, doc_date.day):
                year -= 1
            mention.year, mention.year_basis = year, ("document_date" if doc_date else "document_year")
        elif earlier:
            mention.year, mention.year_basis = earlier[-1], "earlier_year"


CLAUSE_BREAK = re.compile(r"[,，。;；:：\n、(（]")


def _year_in_clause(norm: str, mention: DateMention, mentions: list[DateMention]) -> int | None:
    """2019年湖南省浏阳市碧溪烟花制造有限公司“12·4”: a year written earlier in the same clause."""
    if mention.form not in ("quoted", "dotted"):
        return None
    start = max([m.end for m in mentions if m.end <= mention.start] + [mention.start - 40, 0])
    clause = norm[start:mention.start]
    breaks = list(CLAUSE_BREAK.finditer(clause))
    if breaks:
        clause = clause[breaks[-1].end():]
    years = YEAR_ONLY.findall(clause)
    return int(years[-1]) if years else None
