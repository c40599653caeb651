"""Entity resolution: is a drafted accident, enterprise or person one the graph already holds?

Proposals, not merges: each drafted record that matches gets `_match: {id, score, evidence,
status: pending}`; the review accepts it (the record is then replaced by the existing node) or
rejects it. Accidents match on the same date, the same prefecture-level unit and a toll within
tolerance; enterprises on credit code or normalised name; people on name within the same
accident; masked names (祁某华 / 祁建华) only as a weak proposal.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

from ...graph.store import Store
from .places import Gazetteer

_fuzz: Any = None
try:  # optional (the `extract` extra): ~35x faster than difflib on name pairs; difflib is the fallback
    import rapidfuzz.fuzz

    _fuzz = rapidfuzz.fuzz
except ImportError:  # pragma: no cover - depends on the environment
    pass

COMPANY_NOISE = re.compile(r"[()（）\s]|有限责任公司|股份有限公司|有限公司|公司")


def similarity(a: str, b: str) -> float:
    if _fuzz is not None:
        return float(_fuzz.ratio(a, b)) / 100.0
    return SequenceMatcher(None, a, b).ratio()


def unit_of(adcode: str | None, gazetteer: Gazetteer) -> str | None:
    """The prefecture-level unit a code belongs to (municipalities: the municipality itself)."""
    if not adcode:
        return None
    if adcode[:2] in ("11", "12", "31", "50"):
        return adcode[:2] + "0000"
    region = gazetteer.regions.get(adcode)
    if region is None:
        return adcode[:4] + "00"
    if region.level == "county":
        parent = gazetteer.regions.get(region.parent or "")
        return parent.adcode if parent and parent.level == "prefecture" else region.adcode
    return region.adcode if region.level == "prefecture" else None


def _year_inferred(draft: dict[str, Any]) -> bool:
    basis = str(((draft.get("_fields") or {}).get("date") or {}).get("basis") or "")
    return "document" in basis or "earlier_year" in basis


def score_accident(draft: dict[str, Any], stored: dict[str, Any], gazetteer: Gazetteer) -> tuple[float, list[str]]:
    mine_date, their_date = str(draft.get("date") or ""), str(stored.get("date") or "")
    if mine_date != their_date:
        # a bare “8·12” whose year was only inferred: the graph's accident of that day and place settles it
        if not (_year_inferred(draft) and mine_date[4:] == their_date[4:] and mine_date):
            return 0.0, []
        same_unit = unit_of(draft.get("adcode"), gazetteer) == unit_of(stored.get("adcode"), gazetteer) and draft.get("adcode")
        sim = similarity(str(draft.get("name", "")), str(stored.get("name", "")))
        if not same_unit or sim < 0.4:
            return 0.0, []
        return 0.9, [f"年份系推断 / year only inferred ({mine_date}); 图中同月日同地市事故 / the graph has {their_date} "
                     f"in the same prefecture unit", f"名称相似度 / name similarity {sim:.2f}"]
    evidence = [f"同日 / same date {draft['date']}"]
    mine, theirs = unit_of(draft.get("adcode"), gazetteer), unit_of(stored.get("adcode"), gazetteer)
    d1, d2 = draft.get("deaths"), stored.get("deaths")
    toll_ok = d1 is None or d2 is None or abs(int(d1) - int(d2)) <= max(2, round(0.2 * max(int(d1), int(d2))))
    if not toll_ok:
        return 0.5, [*evidence, f"死亡人数不符 / tolls differ {d1} vs {d2}"]
    if mine and theirs and mine == theirs:
        score = 0.93
        evidence.append(f"同一地市 / same prefecture unit {mine}")
    elif draft.get("adcode") and stored.get("adcode") and str(draft["adcode"])[:2] == str(stored["adcode"])[:2]:
        score = 0.8
        evidence.append("同省 / same province")
    elif not draft.get("adcode"):
        score = 0.6
    else:
        return 0.2, [*evidence, "地点不同 / different places"]
    if d1 is not None and d2 is not None and int(d1) == int(d2):
        score += 0.04
        evidence.append(f"死亡人数相同 / same toll {d1}")
    elif d1 is not None and d2 is not None:
        evidence.append(f"死亡人数相近 / toll within tolerance {d1} vs {d2}")
    if draft.get("name") and stored.get("name"):
        sim = similarity(str(draft["name"]), str(stored["name"]))
        score += 0.02 * sim
        evidence.append(f"名称相似度 / name similarity {sim:.2f}")
    return min(score, 0.99), evidence


def normalise_company(name: str) -> str:
    return COMPANY_NOISE.sub("", name)


def score_enterprise(draft: dict[str, Any], stored: dict[str, Any]) -> tuple[float, list[str]]:
    if draft.get("credit_code") and draft.get("credit_code") == stored.get("credit_code"):
        return 0.99, [f"统一社会信用代码相同 / same credit code {draft['credit_code']}"]
    a, b = normalise_company(str(draft.get("name", ""))), normalise_company(str(stored.get("name", "")))
    if a and a == b:
        return 0.95, [f"规范化名称相同 / same normalised name {a}"]
    if a and b and (a.endswith(b) or b.endswith(a)) and min(len(a), len(b)) >= 6:
        return 0.85, [f"名称包含 / one name contains the other ({a} / {b})"]
    sim = similarity(a, b)
    return (0.7 * sim, [f"名称相似度 / name similarity {sim:.2f}"]) if sim >= 0.85 else (0.0, [])


def masked_match(a: str, b: str) -> bool:
    """祁某华 and 祁建华: same length, same surname and last character, one of them masked."""
    if len(a) != len(b) or len(a) < 2 or a[0] != b[0]:
        return False
    return ("某" in a) != ("某" in b) and a[-1] == b[-1]


def propose(draft: dict[str, Any], store: Store, gazetteer: Gazetteer) -> int:
    """Add `_match` proposals to the draft's nodes; returns how many were proposed."""
    nodes = draft.get("nodes") or []
    proposals = 0
    accidents = [n for n in nodes if n.get("label") == "Accident"]
    if accidents:
        dates = sorted({str(n.get("date")) for n in accidents if n.get("date")} |
                       {f"{year}{str(n['date'])[4:]}" for n in accidents if n.get("date") and _year_inferred(n)
                        for year in range(1990, 2040)})
        stored = store.run("MATCH (a:Accident) WHERE a.date IN $dates RETURN a.id AS id, a.name AS name, a.date AS date, "
                           "a.deaths AS deaths, a.adcode AS adcode", {"dates": dates})
        for node in accidents:
            proposals += _best(node, [(s, *score_accident(node, s, gazetteer)) for s in stored])
    accident_ids = {str(n.get("_match", {}).get("id") or n["id"]) for n in accidents}
    enterprises = [n for n in nodes if n.get("label") == "Enterprise"]
    if enterprises:
        stored = store.run("MATCH (e:Enterprise) RETURN e.id AS id, e.name AS name, e.credit_code AS credit_code")
        for node in enterprises:
            proposals += _best(node, [(s, *score_enterprise(node, s)) for s in stored])
    people = [n for n in nodes if n.get("label") == "Person"]
    if people and accident_ids:
        stored = store.run("MATCH (p:Person)-[*1..2]-(a:Accident) WHERE a.id IN $ids RETURN DISTINCT p.id AS id, p.name AS name",
                           {"ids": sorted(accident_ids)})
        for node in people:
            scored = []
            for s in stored:
                if s["name"] == node.get("name"):
                    scored.append((s, 0.93, ["同名且涉及同一事故 / same name, same accident"]))
                elif masked_match(str(node.get("name", "")), str(s["name"] or "")):
                    scored.append((s, 0.5, ["隐名与全名相符 / masked name fits (low confidence)"]))
            proposals += _best(node, scored)
    return proposals


def _best(node: dict[str, Any], scored: list[tuple[dict[str, Any], float, list[str]]]) -> int:
    candidates = sorted((c for c in scored if c[1] >= 0.45), key=lambda c: -c[1])
    if not candidates:
        return 0
    best, score, evidence = candidates[0]
    node["_match"] = {"id": best["id"], "name": best.get("name"), "score": round(score, 2), "evidence": evidence,
                      "status": "pending"}
    if len(candidates) > 1:
        node["_match"]["alternatives"] = [{"id": c[0]["id"], "score": round(c[1], 2)} for c in candidates[1:4]]
    return 1
