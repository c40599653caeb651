"""Review documents (回头看, 评估): their figures, and the recurrences they state (相隔33天, 再次发生)."""

from __future__ import annotations

import datetime as dt
import re

from .fields import Extracted
from .numbers import NUM_CLASS, to_int

FIGURES: list[tuple[str, re.Pattern[str]]] = [
    ("provinces", re.compile(rf"({NUM_CLASS})个省(?:\(区、市\)|份|区市|、自治区、直辖市)")),
    ("accidents_especially_major", re.compile(rf"({NUM_CLASS})起特别重大(?:生产安全)?事故")),
    ("accidents_major", re.compile(rf"(?<![\d特别、和])({NUM_CLASS})起重大(?:生产安全)?事故")),
    ("problems_found", re.compile(rf"({NUM_CLASS})(?:项|个|条)(?:具体|突出|各类)?问题|问题({NUM_CLASS})(?:项|个|条)")),
    ("recommendations", re.compile(rf"({NUM_CLASS})(?:项|条)(?:工作)?建议|建议({NUM_CLASS})(?:项|条)")),
]
REVIEW_WORDS = re.compile(r"回头看|评估|督查|检查")
PERIOD = re.compile(r"(\d{4})年(?:至|到|-|—|~)(\d{4})年")
RECENT = re.compile(r"近(\d|[一二三四五六七八九十])年")
NOTICE_DATE = re.compile(r"于(\d{4})年(\d{1,2})月(\d{1,2})日(?:印发|下发|部署)")
INTERVAL = re.compile(rf"(?:间隔|相隔|时隔|仅隔)({NUM_CLASS})(?:天|日)")
AGAIN = re.compile(r"再次发生|又发生|再度发生|重蹈覆辙|接连发生|同类[\u4e00-\u9fa5]{0,8}事故")


def find_review(norm: str, title: str | None) -> Extracted | None:
    """A Review record when the text reports a review's own figures; None for an ordinary report."""
    if not REVIEW_WORDS.search(norm):
        return None
    record = Extracted("Review", anchor=0)
    for name, pattern in FIGURES:
        match = pattern.search(norm)
        if match:
            record.set(name, to_int(match.group(1) or match.group(match.lastindex or 1)), match.start(), match.end(), 0.9)
    if len(record.fields) < 2:
        return None
    period = PERIOD.search(norm)
    if period:
        record.set("period_from", period.group(1), period.start(1), period.end(1) + 1, 0.85)
        record.set("period_to", period.group(2), period.start(2), period.end(2) + 1, 0.85)
    notice = NOTICE_DATE.search(norm)
    if notice:
        try:
            iso = dt.date(int(notice.group(1)), int(notice.group(2)), int(notice.group(3))).isoformat()
            record.set("notice_date", iso, notice.start() + 1, notice.end(3) + 1, 0.85)
        except ValueError:
            pass
    focus = re.search(r"“回头看”|回头看|评估", norm)
    if focus:
        name = (title or "").strip() or norm[focus.start():focus.end()] + "工作"
        record.set("name", name, focus.start(), focus.end(), 0.9, None if title else "以文中用语命名 / named from the text")
    return record


def find_recurrences(norm: str, accidents: list[Extracted]) -> list[Extracted]:
    """Pairs a sentence states as recurring: 间隔33天接连发生A、B; A…直至…又发生B. Findings concerning both."""
    findings: list[Extracted] = []
    for sentence in re.finditer(r"[^。;；\n]+", norm):
        cue = INTERVAL.search(sentence.group(0)) or AGAIN.search(sentence.group(0))
        if not cue:
            continue
        inside = [a for a in accidents if any(
            f.start is not None and sentence.start() <= f.start < sentence.end() for n, f in a.fields.items() if n in ("date", "name")
        )]
        if len(inside) == 1 and AGAIN.search(sentence.group(0)):
            # 10月4日,松原再次发生…: the earlier one is the last accident before it in the same prefecture
            later = inside[0]
            unit = str(later.value("adcode") or "")[:4]
            earlier_ones = [a for a in accidents if a is not later and a.anchor < later.anchor
                            and str(a.value("adcode") or "")[:4] == unit and unit]
            if earlier_ones:
                inside = [earlier_ones[-1], later]
        if len(inside) < 2:
            continue
        inside.sort(key=lambda a: str(a.value("date")))
        earlier, later = inside[0], inside[1]
        days = (dt.date.fromisoformat(later.value("date")) - dt.date.fromisoformat(earlier.value("date"))).days
        start = sentence.start() + cue.start()
        end = sentence.start() + cue.end()
        finding = Extracted("Finding", anchor=start)
        finding.set("category", "重复发生", start, end, 0.9)
        stated = INTERVAL.search(sentence.group(0))
        stated_days = to_int(stated.group(1)) if stated else None
        finding.set("metrics", [f"间隔天数:{stated_days if stated_days is not None else days}"], start, end,
                    0.9 if stated_days == days or stated_days is None else 0.5,
                    None if stated_days is not None else "由两起事故日期计算 / computed from the two dates")
        finding.set("summary", norm[sentence.start():sentence.end()].strip(), sentence.start(), sentence.end(), 0.9)
        finding.set("name", f"{earlier.value('name')}与{later.value('name')}重复发生", start, end, 0.9)
        finding.pair = (earlier, later)  # type: ignore[attr-defined]
        findings.append(finding)
    return findings
