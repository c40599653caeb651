"""What `safetykg load` refuses in a draft: fields still pending review, match proposals not decided,
a Source whose title or url/文号 has not been completed. Review keys (`_…`) never reach the graph."""

from __future__ import annotations

from typing import Any

REVIEW_KEYS_PREFIX = "_"


def review_problems(data: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The record without its review keys, and (field, reason) for everything still undecided."""
    if not any(isinstance(k, str) and k.startswith(REVIEW_KEYS_PREFIX) for k in data):
        return data, []
    problems: list[tuple[str, str]] = []
    fields = data.get("_fields") or {}
    if isinstance(fields, dict):
        for name, entry in fields.items():
            if isinstance(entry, dict) and entry.get("status") == "pending":
                problems.append((str(name), "抽取结果待审核 / extracted field still pending review: "
                                            "run `safetykg review` (accept, correct or reject it) first"))
    match = data.get("_match")
    if isinstance(match, dict) and match.get("status") == "pending":
        problems.append(("_match", f"匹配建议待审核 / proposed match with {match.get('id')!r} not yet accepted or rejected"))
    for name in data.get("_needs_completion") or []:
        problems.append((str(name), "来源待补全 / the Source needs its title and a url or 文号: set them (or a header) and review again"))
    clean = {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith(REVIEW_KEYS_PREFIX))}
    return clean, problems
