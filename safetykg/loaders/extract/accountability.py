"""Who answered for an accident: published counts and named items (discipline, criminal stages, penalties).

Counts are kept as stated (`49名公职人员被追责问责，其中7人移送司法机关`): the 其中 part points
at its parent count. Named items carry the person or enterprise as published, masked names too.
"""
# ruff: noqa: E501  (regular expressions and Chinese test prose read better unwrapped)

from __future__ import annotations

import re
from dataclasses import dataclass

from .fields import Extracted
from .numbers import NUM_CLASS, to_int, wan

CLAUSE = re.compile(r"[^,，;；。\n]+")
SENTENCE = re.compile(r"[^;；。\n]+")
COUNT = re.compile(rf"({NUM_CLASS})\s?(名|人|家|个)")
# measure keywords, most specific first
MEASURES: list[tuple[str, re.Pattern[str]]] = [
    ("transferred_for_discipline", re.compile(r"移送纪检监察|移交纪检监察")),
    ("sent_to_judicial", re.compile(r"移送司法|移交司法|移送检察")),
    ("convicted", re.compile(r"判处|获刑|被判|判决有罪|作出有罪判决")),
    ("prosecuted", re.compile(r"提起公诉|审查起诉|被起诉|移送起诉|公诉")),
    ("arrested", re.compile(r"逮捕|批捕")),
    ("detained", re.compile(r"刑事拘留|刑拘")),
    ("criminal_measures", re.compile(r"刑事强制措施|强制措施|刑事措施|立案侦查")),
    ("party_government_disciplined", re.compile(r"党纪政务处分|党纪政纪处分|党政纪处分|党纪处分|政务处分|政纪处分")),
    ("organisational_handling", re.compile(r"组织处理")),
    ("officials_held_accountable", re.compile(r"追责问责|问责|追究责任|被处理|处理措施")),
    ("licences_revoked", re.compile(r"吊销")),
    ("units_penalised", re.compile(r"行政处罚")),
]
OFFICIAL = re.compile(r"公职人员|干部|党员|民警|官员|领导")
ENTERPRISE_WORD = re.compile(r"企业|公司|单位")
GRADES = ["开除党籍", "留党察看", "党内严重警告", "党内警告", "政务开除", "政务撤职", "政务降级", "政务记大过", "政务记过",
          "政务警告", "开除", "撤职", "降级", "记大过", "记过", "警告", "诫勉", "批评教育", "免职", "留置"]
GRADE = re.compile("(" + "|".join(GRADES) + ")")
SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪"
               "范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞"
               "颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻"
               "祁屈")
NAME = re.compile(r"([\u4e00-\u9fa5])(某某|某[\u4e00-\u9fa5]?|[\u4e00-\u9fa5]{1,2})")
CHARGE = re.compile(r"((?:重大责任事故|重大劳动安全事故|危险物品肇事|交通肇事|过失以危险方法危害公共安全|玩忽职守|滥用职权|"
                    r"提供虚假证明文件|伪造国家机关证件|出具证明文件重大失实|不报、谎报安全事故|受贿|行贿|工程重大安全事故|"
                    r"隐匿会计凭证、会计账簿、财务会计报告|非法采矿|消防责任事故)罪)")
STAGE = [("judged", re.compile(r"判处|获刑|被判")), ("prosecuted", re.compile(r"提起公诉|审查起诉|被起诉")),
         ("arrested", re.compile(r"逮捕|批捕")), ("detained", re.compile(r"刑事拘留|刑拘")),
         ("filed", re.compile(r"立案侦查|立案调查"))]
SENTENCE_TERM = re.compile(r"(有期徒刑[\u4e00-\u9fa5\d]{1,10}?(?:年|个月)(?:[\u4e00-\u9fa5\d]{0,3}个月)?(?:,?缓刑[\u4e00-\u9fa5\d]{1,4}年)?|拘役[\u4e00-\u9fa5\d]{1,6}月|无期徒刑|免予刑事处罚)")
ENTERPRISE = re.compile(r"([\u4e00-\u9fa5()A-Za-z]{2,30}?(?:有限责任公司|股份有限公司|有限公司|集团公司|公司|工厂|厂|酒店|饭店|酒家|煤矿|矿业))")
FINE = re.compile(rf"(?:罚款|处以|处)(?:人民币)?({NUM_CLASS})\s*(亿|万)?元(?:罚款|的罚款)?|({NUM_CLASS})\s*(亿|万)?元(?:的)?罚款")
REVOKE = re.compile(r"(仍未|尚未|未|建议|依法|已|予以)?吊销(?:其|[\u4e00-\u9fa5]{0,8}的)?(安全生产许可证|营业执照|[\u4e00-\u9fa5]{0,6}资质证书|[\u4e00-\u9fa5]{0,6}许可证)")
SUSPEND = re.compile(r"责令(?:其)?停产(?:停业)?(?:整顿)?")
BLACKLIST = re.compile(r"列入(?:安全生产)?(?:失信|黑名单|严重失信)")
POSITION_TAIL = re.compile(r"(?:书记|市长|县长|区长|镇长|乡长|局长|厅长|主任|经理|队长|所长|站长|科长|董事长|负责人|法定代表人|实际控制人|"
                           r"投资人|经营者|工程师|安全员|工长|组长|处长|委员|主席|院长|部长|厂长|矿长)$")
NOT_NAMES = {"有关", "相关", "其他", "事故", "公司", "企业", "人员", "公职", "部门", "单位", "责任", "工作", "党内", "政务", "党纪",
             "给予", "分别", "依法", "对其", "其中", "以上", "领导", "干部", "同志", "监察", "机关", "法院", "检察"}


@dataclass
class AccidentLocator:
    """Which accident a statement belongs to: the nearest one named before it, else the first."""

    anchors: list[tuple[int, Extracted]]

    def at(self, offset: int) -> Extracted | None:
        before = [a for start, a in self.anchors if start <= offset]
        if before:
            return before[-1]
        return self.anchors[0][1] if self.anchors else None


def person_before(norm: str, end: int, start_limit: int) -> tuple[int, int, str] | None:
    """A person's name ending at `end`: after a post (市长吴新伟) or a surname; masked forms (祁某华) kept."""
    for length in (3, 2, 4):
        start = end - length
        if start < start_limit:
            continue
        name = norm[start:end]
        if not re.fullmatch(r"[\u4e00-\u9fa5]+", name) or name[0] not in SURNAMES or name in NOT_NAMES:
            continue
        if any(w in name for w in ("某", )) or POSITION_TAIL.search(norm[max(start_limit, start - 6):start]) or \
                re.search(r"[、,，:：对给予将和及]$", norm[max(0, start - 1):start]) or start == start_limit:
            if length == 2 and end - 3 >= start_limit and norm[end - 3] in SURNAMES and POSITION_TAIL.search(norm[max(start_limit, end - 9):end - 3]):
                continue
            return start, end, name
    return None


def find_counts(norm: str, locate: AccidentLocator) -> list[Extracted]:
    records: list[Extracted] = []
    for sentence in SENTENCE.finditer(norm):
        parent: Extracted | None = None
        clauses = list(CLAUSE.finditer(norm, sentence.start(), sentence.end()))
        for index, clause in enumerate(clauses):
            text = clause.group(0)
            if re.search(r"死亡|遇难|受伤|失踪|获救|救出|起事故|起重大|起较大|起特别|专家|个省|项", text):
                continue
            number = COUNT.search(text)
            if not number or number.group(2) == "个" and "单位" not in text:
                continue
            scope = text
            scope_end = clause.end()
            measure = _measure(text[number.end():]) or _measure(text[:number.start()])
            if measure is None and index + 1 < len(clauses) and not COUNT.search(clauses[index + 1].group(0)):
                measure = _measure(clauses[index + 1].group(0))
                scope += clauses[index + 1].group(0)
                scope_end = clauses[index + 1].end()
            if measure is None:
                continue
            count = to_int(number.group(1))
            if count is None:
                continue
            accident = locate.at(clause.start())
            if accident is None:
                continue
            record = Extracted("AccountabilityCount", anchor=clause.start())
            record.set("measure", measure, clause.start() + number.start(), scope_end, 0.85)
            record.set("count", count, clause.start() + number.start(), clause.start() + number.end(), 0.92)
            subject = "official" if OFFICIAL.search(scope) else "enterprise" if number.group(2) == "家" else \
                "unit" if "单位" in scope[number.end():number.end() + 6] else "person"
            record.set("subject", subject, clause.start() + number.start(), clause.end(), 0.8)
            grade = GRADE.search(scope)
            if grade and measure in ("party_government_disciplined", "officials_held_accountable"):
                record.set("grade", grade.group(1), clause.start() + grade.start(), clause.start() + grade.end(), 0.8)
            within = re.search(r"其中\s*$", norm[max(sentence.start(), clause.start() - 3):clause.start() + number.start()]) \
                or text.lstrip().startswith("其中")
            if within and parent is not None:
                record.set("within_id", parent, clause.start(), clause.start() + number.start(), 0.85)
            else:
                parent = record
            record.accident = accident  # type: ignore[attr-defined]
            records.append(record)
    return records


def _measure(text: str) -> str | None:
    hits = [(m.start(), name) for name, pattern in MEASURES for m in [pattern.search(text)] if m]
    if not hits:
        return None
    # the earliest keyword names what happened to the counted people; ties go to the more specific
    return min(hits)[1]


def find_items(norm: str, locate: AccidentLocator) -> list[Extracted]:
    """Named discipline, criminal and penalty items, one per person or enterprise and kind."""
    items: list[Extracted] = []
    for sentence in SENTENCE.finditer(norm):
        for clause in CLAUSE.finditer(norm, sentence.start(), sentence.end()):
            items.extend(_discipline(norm, clause, sentence.start(), locate))
            items.extend(_criminal(norm, clause, sentence, locate))
            items.extend(_penalties(norm, clause, sentence, locate))
    return items


def _attach(record: Extracted, locate: AccidentLocator, offset: int) -> Extracted | None:
    accident = locate.at(offset)
    if accident is None:
        return None
    record.accident = accident  # type: ignore[attr-defined]
    return record


def _discipline(norm: str, clause: re.Match[str], sentence_start: int, locate: AccidentLocator) -> list[Extracted]:
    found: list[Extracted] = []
    for grade in GRADE.finditer(norm, clause.start(), clause.end()):
        if grade.group(1) == "留置" and "留置措施" not in norm[grade.start():grade.end() + 3]:
            continue
        person = person_before(norm, grade.start(), clause.start())
        if person is None:
            # 吴新伟受到政务记大过处分 / 对吴新伟给予政务记大过处分
            lead = re.search(r"([\u4e00-\u9fa5]{2,4}?)(?:受到|被给予|被予以|被|给予)$", norm[clause.start():grade.start()])
            if lead:
                person = person_before(norm, clause.start() + lead.end(1), clause.start())
        if person is None:
            continue
        if COUNT.search(norm, clause.start(), grade.start()):
            continue  # a count (5名公职人员…), not a named person
        record = Extracted("Discipline", anchor=person[0])
        record.set("person", person[2], person[0], person[1], 0.85)
        record.set("kind", grade.group(1), grade.start(), grade.end(), 0.9)
        record.set("status", "decided", grade.start(), grade.end(), 0.6, "通报已作出的处分 / stated as given")
        if _attach(record, locate, clause.start()):
            found.append(record)
    return found


def _criminal(norm: str, clause: re.Match[str], sentence: re.Match[str], locate: AccidentLocator) -> list[Extracted]:
    text = norm[clause.start():clause.end()]
    stage = next(((name, m) for name, pattern in STAGE for m in [pattern.search(text)] if m), None)
    if stage is None or COUNT.search(text):
        return []
    # the person: in this clause, or at the head of the sentence (韩国林犯…罪,…判处有期徒刑6年)
    person = None
    for name_match in NAME.finditer(norm, clause.start(), clause.end()):
        candidate = person_before(norm, name_match.end(), clause.start())
        if candidate and candidate[0] >= clause.start():
            person = candidate
            break
    if person is None:
        masked = list(re.finditer(r"[\u4e00-\u9fa5]某[\u4e00-\u9fa5]?(?=[,，、(（犯因涉以被等])", norm[sentence.start():clause.end()]))
        post = list(re.finditer(r"(?:负责人|经营者|投资人|实际控制人|实际负责人|法定代表人|经理|董事长|司机|驾驶员|厂长|矿长)"
                                r"([\u4e00-\u9fa5]{2,3}?)(?=[,，、(（犯因涉以被等]|$)", norm[sentence.start():clause.end()]))
        hit = masked[-1] if masked else None
        if hit is not None:
            person = (sentence.start() + hit.start(), sentence.start() + hit.end(), hit.group(0))
        elif post:
            last = post[-1]
            person = (sentence.start() + last.start(1), sentence.start() + last.end(1), last.group(1))
    if person is None:
        head = re.match(r"[\u4e00-\u9fa5]{2,12}", norm[sentence.start():sentence.end()])
        if head:
            for end in range(sentence.start() + head.end(), sentence.start() + 1, -1):
                person = person_before(norm, end, sentence.start())
                if person:
                    break
    if person is None:
        return []
    record = Extracted("CriminalCase", anchor=person[0])
    record.set("person", person[2], person[0], person[1], 0.8)
    name, match = stage
    record.set("stage", name, clause.start() + match.start(), clause.start() + match.end(), 0.85)
    charge = CHARGE.search(norm, sentence.start(), sentence.end())
    if charge:
        record.set("charges", [charge.group(1)], charge.start(), charge.end(), 0.85)
    term = SENTENCE_TERM.search(norm, clause.start(), clause.end())
    if term:
        record.set("outcome", term.group(1), term.start(), term.end(), 0.85)
    return [record] if _attach(record, locate, clause.start()) else []


def _penalties(norm: str, clause: re.Match[str], sentence: re.Match[str], locate: AccidentLocator) -> list[Extracted]:
    found: list[Extracted] = []
    target: re.Match[str] | _Joined | None = None
    for company in ENTERPRISE.finditer(norm, sentence.start(), clause.end()):
        if target is not None and company.start() == target.end():
            target = _Joined(target.start(), company.end(), norm[target.start():company.end()])
        else:
            target = company
    for match in FINE.finditer(norm, clause.start(), clause.end()):
        record = Extracted("Penalty", anchor=match.start())
        amount = wan(match.group(1) or match.group(3), (match.group(2) or match.group(4) or ""))
        record.set("kind", "罚款", match.start(), match.end(), 0.9)
        record.set("amount_wan", amount, match.start(), match.end(), 0.9)
        _target(record, target)
        if _attach(record, locate, clause.start()):
            found.append(record)
    for match in REVOKE.finditer(norm, clause.start(), clause.end()):
        what = match.group(2)
        kind = "吊销安全生产许可证" if what == "安全生产许可证" else "吊销营业执照" if what == "营业执照" else \
            "吊销资质证书" if "资质" in what else "其他"
        record = Extracted("Penalty", anchor=match.start())
        record.set("kind", kind, match.start(), match.end(), 0.9)
        status = {"仍未": "not_executed", "尚未": "not_executed", "未": "not_executed", "建议": "recommended",
                  "已": "executed", "依法": "decided", "予以": "decided"}.get(match.group(1) or "", "decided")
        record.set("status", status, match.start(), match.end(), 0.85)
        _target(record, target)
        if _attach(record, locate, clause.start()):
            found.append(record)
    for pattern, kind in ((SUSPEND, "责令停产停业"), (BLACKLIST, "其他")):
        for match in pattern.finditer(norm, clause.start(), clause.end()):
            record = Extracted("Penalty", anchor=match.start())
            record.set("kind", kind, match.start(), match.end(), 0.85)
            _target(record, target)
            if _attach(record, locate, clause.start()):
                found.append(record)
    return found


@dataclass
class _Joined:
    """Two enterprise names side by side (集团公司 + 其分厂) read as one."""

    begin: int
    finish: int
    text: str

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.finish

    def group(self, _: int) -> str:
        return self.text


def _target(record: Extracted, company: re.Match[str] | _Joined | None) -> None:
    if company is not None:
        name = re.split(r"对|由|给予|将|向|年", company.group(1))[-1]
        name = re.sub(r"^(?:事故企业|事故单位|涉事企业|企业|单位|一家|该)", "", name)
        if len(name) < 3:
            return
        start = company.end() - len(name)
        record.set("target", name, start, company.end(), 0.75)
