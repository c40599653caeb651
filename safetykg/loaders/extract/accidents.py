"""Accidents: where a text names one (a date with an event, or a “3·7”-style name) and what it says of it.

One mention is a date anchor plus the stretch of its sentence up to the next anchor; mentions of
the same day and place are one accident. Two accidents in one sentence ("“9·27”“12·4”两起事故
分别造成16人、23人死亡") each get their own toll from the list, in order.
"""
# ruff: noqa: E501  (regular expressions and Chinese test prose read better unwrapped)

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from ...graph.recurrence import severity_of as derived_severity
from .dates import DateMention
from .fields import Extracted
from .numbers import NUMBER, to_int, wan
from .places import PlaceResolver

REFERS_BACK = re.compile(r"该事故|这起事故|此次事故|该起事故|事故(?:共|最终)?造成")
SENTENCE_END = re.compile(r"[。;；!！?？\n]")
EVENT = re.compile(r"发生|爆炸|坍塌|倒塌|垮塌|起火|着火|火灾|大火|相撞|碰撞|翻沉|沉没|侧翻|坠落|坠河|坠崖|透水|冒顶|泄漏|中毒|窒息|"
                   r"事故|遇难|死亡|冲出|燃爆|爆燃|突出|塌方|滑坡")
PAPER_VERB = re.compile(r"公布|批复|印发|召开|宣判|判决|判处|拘留|逮捕|起诉|成立|作出|通报|发布|审理|开庭|提起|签发|下发|报送|完成|"
                        r"约谈|挂牌|决定|受理|立案|部署|出台|公开|审议|通过|听取|举行|开展|截至|截止")
BREAK = re.compile(r"[,，;；]\s*(?:但|此后|随后|之后|同期|同比|另外|此外|目前|至今|直至)|事故(?:发生)?后[,，]|以来[,，]")
NUM = NUMBER
DEATHS = [
    re.compile(rf"({NUM})\s?(?:人|名[\u4e00-\u9fa5]{{0,4}}?)(?:当场)?(?:死亡|遇难|罹难|丧生)"),
    re.compile(rf"(?:死亡|遇难|罹难)(?:人数)?(?:上升|增加|升)?(?:至|为|达)?\s?({NUM})\s?人"),
    re.compile(rf"(?<![\d.])({NUM})死(?:{NUM}伤)?"),
]
NO_DEATHS = re.compile(r"(?:未造成|无|没有)人员(?:死亡|伤亡)")
INJURIES = [re.compile(rf"({NUM})\s?人(?:不同程度)?(?:受伤|轻伤|伤)(?!亡)"), re.compile(rf"(?:受伤|伤)\s?({NUM})\s?人"),
            re.compile(rf"(?<![\d.]){NUM}死({NUM})伤")]
MISSING = [re.compile(rf"({NUM})人(?:失踪|下落不明)"), re.compile(rf"失踪({NUM})人")]
LOSS = re.compile(r"直接经济损失(?:约|达|近|超过|共计|合计)?\s?(\d+(?:,\d{3})*(?:\.\d+)?)\s*(亿|万)?元")
STAT_BEFORE = re.compile(r"(?:起|次)[、,，]?\s*$")
LIST_DEATHS = re.compile(rf"分别(?:造成|导致|致)?((?:{NUM}人?[、,，和及与]\s*)+{NUM})人(?:死亡|遇难)")
SEVERITY = re.compile(r"(特别重大|重大|较大|一般)(?=[\u4e00-\u9fa5]{0,14}事故)")
NAME_TAIL = re.compile(r"^[\u4e00-\u9fa5A-Za-z0-9()（）]{0,24}?事故")
NAME_STOP = re.compile(r"[^\u4e00-\u9fa5A-Za-z0-9()（）]|如|在|的|是|和|与|及|对|于|将|为|致|造成|发生|其中|接连|以及|等")
KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("道路交通", re.compile(r"交通事故|道路交通|货车|客车|大巴|轿车|车辆|槽罐车|公交车|侧翻|追尾|高速公路|省道|国道")),
    ("水上交通", re.compile(r"商渔船|渔船|客船|货船|船舶|翻沉|沉船|水上交通")),
    ("爆炸", re.compile(r"爆炸|燃爆|爆燃")),
    ("火灾", re.compile(r"火灾|起火|着火|大火")),
    ("透水", re.compile(r"透水")),
    ("冒顶", re.compile(r"冒顶|顶板")),
    ("中毒窒息", re.compile(r"中毒|窒息")),
    ("坍塌", re.compile(r"坍塌|倒塌|垮塌|塌方")),
    ("起重伤害", re.compile(r"升降机|吊笼|塔吊|起重机|起重作业")),
    ("高处坠落", re.compile(r"坠落")),
]
MECHANISMS: list[tuple[str, re.Pattern[str]]] = [
    ("烟花爆竹", re.compile(r"烟花|爆竹")), ("煤矿", re.compile(r"煤矿|煤业")), ("瓦斯", re.compile(r"瓦斯")),
    ("危险化学品", re.compile(r"化工|危化|危险化学品|芳烃")), ("建筑施工", re.compile(r"施工|工地|在建")),
    ("施工升降机", re.compile(r"升降机")), ("货车载人", re.compile(r"货车[^。;；]{0,6}载人|载人[^。;；]{0,6}货车|货车违法载人")),
    ("违法建设", re.compile(r"违法建设|违规加建|违法占地|违法违规占地|违规改建")), ("非法改装", re.compile(r"非法改装")),
    ("疲劳驾驶", re.compile(r"疲劳驾驶")), ("超员", re.compile(r"超员|超载")), ("商渔船碰撞", re.compile(r"商渔船碰撞")),
]
DERIVED_SEVERITY = "由死亡人数按《生产安全事故报告和调查处理条例》第三条推定 / derived from the toll"


@dataclass
class Mention:
    date: DateMention
    start: int
    end: int  # end of the anchor (date or name)
    scope_end: int
    record: Extracted = field(default_factory=lambda: Extracted("Accident"))
    prefecture: str | None = None


def severity_of(deaths: int) -> str:
    """The grade a death toll implies: the one rule the recurrence analysis also uses."""
    return derived_severity(None, deaths) or "一般"


def _is_anchor(norm: str, date: DateMention, sentence_end: int) -> bool:
    after_start = date.time_end or date.end
    after = norm[after_start:min(sentence_end, after_start + 50)]
    if date.form in ("quoted", "dotted"):
        return bool(re.match(r"^[\u4e00-\u9fa5A-Za-z0-9()、“”·]{0,30}?(?:事故|事件|爆炸|火灾|坍塌)", after))
    event = EVENT.search(after)
    if not event:
        return False
    if re.search(r"“\d{1,2}·\d{1,2}”", after[:event.end() + 12]) and date.form == "full":
        return False  # 2020年9月3日,…聚仙饭店“8·29”坍塌事故的负责人…: the date of something done about a named accident
    paper = PAPER_VERB.search(after[:event.start()])
    before = norm[max(0, date.start - 6):date.start]
    return paper is None and not re.search(r"(?:截至|截止|自|从|[\d日]至)$", before)


def _sentences(norm: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in SENTENCE_END.finditer(norm):
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(norm)))
    return spans


def _first(patterns: list[re.Pattern[str]], norm: str, start: int, end: int) -> re.Match[str] | None:
    best: re.Match[str] | None = None
    for pattern in patterns:
        for match in pattern.finditer(norm, start, end):
            if STAT_BEFORE.search(norm[max(0, match.start() - 4):match.start()]):
                continue  # 发生事故19起、死亡24人: a statistic, not this accident's toll
            if best is None or match.start() < best.start():
                best = match
            break
    return best


def _name(norm: str, text: str, mention: Mention) -> tuple[int, int, str] | None:
    """The accident's own name around a “M·D” anchor: 福建泉州欣佳酒店“3·7”重大坍塌事故."""
    date = mention.date
    tail = NAME_TAIL.match(norm[date.end:date.end + 30])
    if not tail:
        return None
    end = date.end + tail.end()
    quote = norm.index("“", date.start) if "“" in norm[date.start:date.end] else date.start
    start = quote if date.year is None or date.year_basis != "stated" else date.start
    # walk back over the place or enterprise that prefixes the name
    back = _prefix_start(norm, start)
    year_prefix = re.compile(r"\d{4}年")
    literal = text[back:end]
    value = year_prefix.sub("", norm[back:end], count=1) if date.form == "quoted" else norm[back:end]
    if value.startswith(("年", "月")):
        return None
    del literal
    return back, end, value


def find_accidents(norm: str, text: str, dates: list[DateMention], places: PlaceResolver,
                   by_prefecture: dict[str, str]) -> list[Extracted]:
    sentences = _sentences(norm)
    starts = [d.start for d in dates]
    mentions: list[Mention] = []
    for number, (s_start, s_end) in enumerate(sentences):
        following = sentences[number + 1] if number + 1 < len(sentences) else None
        if following and REFERS_BACK.search(norm, following[0], min(following[1], following[0] + 30)) and \
                bisect_left(starts, following[0]) == bisect_left(starts, following[1]):
            s_end = following[1]
        in_sentence = [d for d in dates[bisect_left(starts, s_start):bisect_left(starts, s_end)] if d.iso]
        anchors = [d for d in in_sentence if _is_anchor(norm, d, s_end)]
        # a full date and the quoted name of the same day side by side are one anchor
        merged: list[DateMention] = []
        for date in anchors:
            if merged and merged[-1].iso == date.iso and date.start - merged[-1].end < 40 and date.form in ("quoted", "dotted"):
                continue
            merged.append(date)
        sentence_mentions: list[Mention] = []
        for index, date in enumerate(merged):
            next_start = merged[index + 1].start if index + 1 < len(merged) else s_end
            scope_end = next_start
            brk = BREAK.search(norm, date.end, scope_end)
            if brk:
                scope_end = brk.start()
            sentence_mentions.append(Mention(date, date.start, date.time_end or date.end, scope_end))
        _fill(norm, text, sentence_mentions, s_start, s_end, places, by_prefecture)
        mentions.extend(sentence_mentions)
    return _merge(mentions)


def _fill(norm: str, text: str, mentions: list[Mention], s_start: int, s_end: int, places: PlaceResolver,
          by_prefecture: dict[str, str]) -> None:
    previous_end = s_start
    for index, mention in enumerate(mentions):
        record, date = mention.record, mention.date
        record.anchor = mention.start
        confidence = {"stated": 0.97, "stated_in_clause": 0.93, "same_day_stated": 0.95, "earlier_year_near": 0.9,
                      "earlier_year": 0.8, "document_date": 0.9}.get(date.year_basis, 0.8)
        basis = None if date.year_basis == "stated" else f"年份 / year: {date.year_basis}"
        record.set("date", date.iso, date.start, date.end, confidence, basis)
        if date.time and date.time_end:
            record.set("time", date.time, date.end, date.time_end, 0.9)
        lo, hi = mention.end, mention.scope_end
        named = _name(norm, text, mention) if date.form in ("quoted", "dotted") else None
        if named:
            record.set("name", named[2], named[0], named[1], 0.95)
        name_start = named[0] if named else _prefix_start(norm, mention.start) if date.form == "quoted" else mention.start
        # deaths: in scope, or "造成29人死亡的" just before the name
        death = _first(DEATHS, norm, lo, hi)
        before = re.search(rf"(?:造成|致|导致)({NUM})人(?:死亡|遇难)的$", norm[max(previous_end, name_start - 16):name_start])
        if death:
            _set_count(record, "deaths", death, 0.95)
        elif before:
            offset = max(previous_end, name_start - 16)
            value = to_int(before.group(1))
            record.set("deaths", value, offset + before.start(1), offset + before.end(0) - 1, 0.9)
        elif NO_DEATHS.search(norm, lo, hi):
            found = NO_DEATHS.search(norm, lo, hi)
            assert found
            record.set("deaths", 0, found.start(), found.end(), 0.85)
        for name, patterns in (("injuries", INJURIES), ("missing", MISSING)):
            match = _first(patterns, norm, lo, hi)
            if match:
                _set_count(record, name, match, 0.9)
        loss = LOSS.search(norm, lo, hi)
        if loss:
            record.set("direct_loss_wan", wan(loss.group(1), loss.group(2) or ""), loss.start(), loss.end(), 0.95)
        # place: the clause before the anchor (from the previous anchor) through the scope
        window_start = max(previous_end, name_start - 40, s_start)
        if date.form in ("quoted", "dotted"):
            window_start = max(window_start, name_start)
        placed = places.resolve(named[0], named[1], mention.start, date.year) if named else None
        placed = placed or places.resolve(window_start, min(hi, mention.end + 60), mention.start, date.year)
        if placed:
            code, place = placed
            full = norm[place.start:place.end] == places.gazetteer.regions[code].name
            record.set("adcode", code, place.start, place.end, 0.92 if full or len(place.codes) == 1 else 0.8)
        elif index > 0 and mentions[index - 1].record.value("adcode"):
            prior = mentions[index - 1].record.fields["adcode"]
            record.set("adcode", prior.value, prior.start, prior.end, 0.75, "沿用同句前一起事故的地点 / place of the previous accident in the sentence")
        elif date.form == "month_day" and by_prefecture.get("_last"):
            pass
        kind_text_start = named[0] if named else mention.start
        kind_end = named[1] if named else hi
        _kind(norm, record, kind_text_start, max(kind_end, min(hi, mention.end + 40)))
        severity = SEVERITY.search(norm, name_start, named[1] if named else min(hi, mention.end + 40))
        if severity:
            record.set("severity", severity.group(1), severity.start(), severity.end(), 0.95)
        previous_end = mention.end
    _distribute_list(norm, mentions, s_start, s_end)
    for mention in mentions:
        record = mention.record
        deaths = record.fields.get("deaths")
        if "severity" not in record.fields and deaths is not None and deaths.value >= 3:
            record.set("severity", severity_of(deaths.value), deaths.start, deaths.end, 0.7, DERIVED_SEVERITY)


def _set_count(record: Extracted, name: str, match: re.Match[str], confidence: float) -> None:
    group = next(i for i in range(1, (match.lastindex or 0) + 1) if match.group(i))
    value = to_int(match.group(group))
    if value is not None:
        record.set(name, value, match.start(), match.end(), confidence)


def _distribute_list(norm: str, mentions: list[Mention], s_start: int, s_end: int) -> None:
    """“9·27”“12·4”两起事故分别造成16人、23人死亡: the n numbers go to the n accidents before, in order."""
    for match in LIST_DEATHS.finditer(norm, s_start, s_end):
        numbers = list(re.finditer(NUM, match.group(1)))
        before = [m for m in mentions if m.start < match.start()]
        if len(numbers) < 2 or len(before) < len(numbers):
            continue
        targets = before[-len(numbers):]
        for target, number in zip(targets, numbers, strict=True):
            start = match.start(1) + number.start()
            value = to_int(number.group(0))
            deaths = target.record.fields.get("deaths")
            if deaths is None or (deaths.start is not None and deaths.start >= match.start()):
                target.record.set("deaths", value, start, start + len(number.group(0)) + 1, 0.88,
                                  "“分别造成”列举 / from a list", overwrite=True)
                if target.record.fields.get("severity") and target.record.fields["severity"].basis == DERIVED_SEVERITY:
                    del target.record.fields["severity"]


def _kind(norm: str, record: Extracted, start: int, end: int) -> None:
    segment = norm[start:end]
    hits = [(m.start(), kind, m) for kind, pattern in KINDS for m in [pattern.search(segment)] if m]
    if hits:
        traffic = [h for h in hits if h[1] in ("道路交通", "水上交通")]
        position, kind, match = min(traffic) if traffic else min(hits)
        record.set("kind", kind, start + match.start(), start + match.end(), 0.8 if kind in ("起重伤害", "高处坠落") else 0.9)
    tags = []
    first: tuple[int, int] | None = None
    for tag, pattern in MECHANISMS:
        found = pattern.search(segment)
        if found:
            tags.append(tag)
            first = first or (start + found.start(), start + found.end())
    if tags and first:
        record.set("mechanisms", tags, first[0], first[1], 0.7)


def _merge(mentions: list[Mention]) -> list[Extracted]:
    """Mentions of one day in one place (or with no place) are one accident; earlier mentions win."""
    accidents: list[Extracted] = []
    for mention in mentions:
        record = mention.record
        target = None
        for existing in accidents:
            if existing.value("date") != record.value("date"):
                continue
            a, b = existing.value("adcode"), record.value("adcode")
            if a is None or b is None or a[:4] == b[:4] or a[:2] == b[:2] and (a.endswith("0000") or b.endswith("0000")):
                target = existing
                break
        if target is None:
            accidents.append(record)
            continue
        for name, found in record.fields.items():
            mine = target.fields.get(name)
            if mine is None or name == "adcode" and _more_specific(found.value, mine.value) and found.confidence >= 0.8 or name == "name" and mine.basis and not found.basis:
                target.fields[name] = found
    return accidents


def _more_specific(new: str, old: str) -> bool:
    def level(code: str) -> int:
        return 0 if code.endswith("0000") else 1 if code.endswith("00") else 2
    return new.startswith(old[:2]) and level(new) > level(old)


def _prefix_start(norm: str, start: int) -> int:
    """Where the place or enterprise written before a “M·D” begins (重庆松藻煤矿“9·27”)."""
    back = start
    while back > 0 and start - back < 24:
        head = norm[max(0, back - 5):back]
        if NAME_STOP.match(norm[back - 1]) or head.endswith(("造成", "发生", "其中", "接连", "以及")) or re.search(r"\d{4}年$", head):
            break
        back -= 1
    return back
