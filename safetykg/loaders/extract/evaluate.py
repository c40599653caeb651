"""Scoring the extractor against labelled documents: precision and recall per record type and field.

A labelled document is `NAME.txt` (UTF-8 or GBK) beside `NAME.gold.yaml`:

    facts: [where the public facts come from]      # not scored
    accidents: [{date, adcode, deaths, kind, ...}]  # a field left out is not stated in the text
    counts: [{measure, count}]
    items: [{label: Discipline|CriminalCase|Penalty, who, kind|stage, amount_wan}]
    review: {provinces: 28, ...}
    recurrences: [{earlier: DATE, later: DATE, days: N}]

Accidents pair by date; "strict" recall counts a gold accident only when date, place unit and
deaths (where the text states them) are all exact. Every extracted span is also checked to be
the literal text at its offset.
"""
# ruff: noqa: E501  (regular expressions and Chinese test prose read better unwrapped)

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from .draft import extract
from .places import Gazetteer
from .text import read_document

ACCIDENT_FIELDS = ("adcode", "deaths", "injuries", "direct_loss_wan", "kind", "time", "severity")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) < 1e-6
    return str(a) == str(b)


def _prf(tp: int, predicted: int, gold: int) -> dict[str, Any]:
    return {"tp": tp, "predicted": predicted, "gold": gold,
            "precision": round(tp / predicted, 3) if predicted else None,
            "recall": round(tp / gold, 3) if gold else None}


def project(draft: dict[str, Any]) -> dict[str, Any]:
    """The draft in the shape of a gold file."""
    nodes = draft["nodes"]
    by_id = {n["id"]: n for n in nodes}
    people = {r["to"]: by_id.get(r["to"], {}).get("name") for r in draft["relationships"] if r["type"] == "AGAINST"}
    people.update({r["to"]: by_id.get(r["from"], {}).get("name") for r in draft["relationships"] if r["type"] == "DEFENDANT_IN"})
    against = {r["from"]: by_id.get(r["to"], {}).get("name") for r in draft["relationships"] if r["type"] == "AGAINST"}
    items = []
    for node in nodes:
        if node["label"] in ("Discipline", "Penalty"):
            items.append({"label": node["label"], "who": against.get(node["id"]), "kind": node.get("kind"),
                          "amount_wan": node.get("amount_wan"), "status": node.get("status")})
        elif node["label"] == "CriminalCase":
            items.append({"label": node["label"], "who": people.get(node["id"]), "stage": node.get("stage")})
    dates = {n["id"]: n.get("date") for n in nodes if n["label"] == "Accident"}
    recurrences = []
    for node in nodes:
        if node["label"] == "Finding" and node.get("category") == "重复发生":
            pair = sorted(dates[r["to"]] for r in draft["relationships"] if r["type"] == "CONCERNS" and r["from"] == node["id"])
            days = next((int(m.split(":")[1]) for m in node.get("metrics", []) if m.startswith("间隔天数:")), None)
            if len(pair) == 2:
                recurrences.append({"earlier": pair[0], "later": pair[1], "days": days})
    review = next(({k: v for k, v in n.items() if k in ("provinces", "accidents_major", "accidents_especially_major",
                                                        "problems_found", "recommendations")}
                   for n in nodes if n["label"] == "Review"), {})
    return {"accidents": [n for n in nodes if n["label"] == "Accident"],
            "counts": [{"measure": n["measure"], "count": n["count"]} for n in nodes if n["label"] == "AccountabilityCount"],
            "items": items, "review": review, "recurrences": recurrences}


def _item_key(item: dict[str, Any]) -> tuple[Any, ...]:
    what = item.get("stage") if item.get("label") == "CriminalCase" else item.get("kind")
    return (item.get("label"), item.get("who"), what)


def span_errors(text: str, draft: dict[str, Any]) -> list[str]:
    bad = []
    for section in ("sources", "nodes", "relationships"):
        for record in draft[section]:
            for name, entry in (record.get("_fields") or {}).items():
                if "offset" in entry and text[entry["offset"]:entry["offset"] + len(entry["span"])] != entry["span"]:
                    bad.append(f"{record.get('id', record.get('type'))}/{name}")
    return bad


def score_document(text_path: Path, gold: dict[str, Any], gazetteer: Gazetteer) -> dict[str, Any]:
    doc = read_document(text_path)
    draft = extract(doc, gazetteer).as_dict()
    got = project(draft)
    result: dict[str, Any] = {"file": text_path.name, "span_errors": span_errors(doc.text, draft)}
    gold_acc = gold.get("accidents") or []
    pred_by_date: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for accident in got["accidents"]:
        pred_by_date[str(accident.get("date"))].append(accident)
    matched, strict = 0, 0
    field_hits: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, predicted-in-matched, gold
    for accident in gold_acc:
        candidates = pred_by_date.get(str(accident["date"])) or []
        if not candidates:
            result.setdefault("missed_accidents", []).append(accident["date"])
            for name in ACCIDENT_FIELDS:
                if name in accident:
                    field_hits[name][2] += 1
            continue
        mine = candidates.pop(0)
        matched += 1
        ok = mine.get("adcode") == str(accident.get("adcode")) and mine.get("deaths") == accident.get("deaths")
        strict += ok
        if not ok:
            result.setdefault("wrong_accidents", []).append(
                {"date": accident["date"], "gold": [accident.get("adcode"), accident.get("deaths")],
                 "got": [mine.get("adcode"), mine.get("deaths")]})
        for name in ACCIDENT_FIELDS:
            if name in accident:
                field_hits[name][2] += 1
            if name in mine:
                field_hits[name][1] += 1
            if name in accident and name in mine and _same(mine[name], accident[name]):
                field_hits[name][0] += 1
    extra = sum(len(v) for v in pred_by_date.values())
    result["accidents"] = {**_prf(matched, matched + extra, len(gold_acc)), "strict_tp": strict}
    result["accident_fields"] = {k: list(v) for k, v in field_hits.items()}
    for kind, key in (("counts", lambda c: (c["measure"], c["count"])), ("items", _item_key),
                      ("recurrences", lambda r: (str(r["earlier"]), str(r["later"]), r.get("days")))):
        gold_keys = [key(g) for g in gold.get(kind) or []]
        pred_keys = [key(p) for p in got[kind]]
        tp = sum(1 for k in set(pred_keys) if k in gold_keys)
        result[kind] = _prf(tp, len(set(pred_keys)), len(set(gold_keys)))
        if tp < len(set(gold_keys)) or tp < len(set(pred_keys)):
            result.setdefault("diff", {})[kind] = {"missed": [list(k) for k in set(gold_keys) - set(pred_keys)],
                                                   "extra": [list(k) for k in set(pred_keys) - set(gold_keys)]}
    gold_review = gold.get("review") or {}
    result["review"] = {k: got["review"].get(k) == v for k, v in gold_review.items()}
    return result


def evaluate_dir(gold_dir: Path, gazetteer: Gazetteer, extra: list[tuple[Path, Path]] | None = None) -> dict[str, Any]:
    pairs = [(p, p.with_name(p.stem + ".gold.yaml")) for p in sorted(gold_dir.glob("*.txt"))]
    pairs = [(t, g) for t, g in pairs if g.exists()] + list(extra or [])
    docs = [score_document(t, yaml.safe_load(g.read_text(encoding="utf-8")), gazetteer) for t, g in pairs]
    total: dict[str, Any] = {"documents": len(docs)}
    for kind in ("accidents", "counts", "items", "recurrences"):
        tp = sum(d[kind]["tp"] for d in docs)
        total[kind] = _prf(tp, sum(d[kind]["predicted"] for d in docs), sum(d[kind]["gold"] for d in docs))
    gold_acc = total["accidents"]["gold"]
    total["accidents"]["strict_recall"] = round(sum(d["accidents"]["strict_tp"] for d in docs) / gold_acc, 3) if gold_acc else None
    fields: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for d in docs:
        for name, (tp, pred, gold) in d["accident_fields"].items():
            fields[name][0] += tp
            fields[name][1] += pred
            fields[name][2] += gold
    total["accident_fields"] = {k: _prf(*v) for k, v in sorted(fields.items())}
    # counts and named items together: the issue's "accountability items"
    tp = total["counts"]["tp"] + total["items"]["tp"]
    total["accountability"] = _prf(tp, total["counts"]["predicted"] + total["items"]["predicted"],
                                   total["counts"]["gold"] + total["items"]["gold"])
    checks = [v for d in docs for v in d["review"].values()]
    total["review_figures"] = {"right": sum(checks), "checked": len(checks)}
    total["span_errors"] = sum(len(d["span_errors"]) for d in docs)
    total["per_document"] = docs
    return total


def render(report: dict[str, Any]) -> str:
    lines = [f"documents: {report['documents']}", f"span errors: {report['span_errors']}"]
    acc = report["accidents"]
    lines.append(f"accidents: P={acc['precision']} R={acc['recall']} strict R (date+place+deaths)={acc['strict_recall']}")
    for name, value in report["accident_fields"].items():
        lines.append(f"  accident.{name}: P={value['precision']} R={value['recall']} ({value['tp']}/{value['gold']})")
    for kind in ("counts", "items", "accountability", "recurrences"):
        value = report[kind]
        lines.append(f"{kind}: P={value['precision']} R={value['recall']} (tp {value['tp']}, predicted {value['predicted']}, gold {value['gold']})")
    lines.append(f"review figures right: {report['review_figures']['right']}/{report['review_figures']['checked']}")
    for doc in report["per_document"]:
        if doc.get("diff") or doc.get("missed_accidents") or doc.get("wrong_accidents") or doc["span_errors"]:
            lines.append(f"-- {doc['file']}: {({k: doc[k] for k in ('diff', 'missed_accidents', 'wrong_accidents', 'span_errors') if doc.get(k)})}")
    return "\n".join(lines)
