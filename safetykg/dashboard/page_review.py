"""抽取审核 Extraction review: the document with every extracted span highlighted and linked to its field;
accept, correct or reject each field and each proposed match, then write the reviewed, loadable records."""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

import streamlit as st
import yaml

from safetykg.loaders.extract.review import apply_decisions, record_key, records, still_pending
from safetykg.loaders.extract.text import decode

DRAFT_ENV = "SAFETYKG_REVIEW_DRAFT"
ACTIONS = ("pending", "accepted", "corrected", "rejected")
ACTION_NAMES = {"pending": "待定 pending", "accepted": "接受 accept", "corrected": "更正 correct", "rejected": "拒绝 reject"}


def _load_draft(path: str) -> dict[str, Any] | None:
    try:
        loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        st.error(f"无法读取草稿 / cannot read the draft: {exc}")
        return None
    if not isinstance(loaded, dict) or "nodes" not in loaded:
        st.error("不是抽取草稿 / not an extraction draft (no `nodes`)")
        return None
    return loaded


def _document_text(draft: dict[str, Any], draft_path: str) -> str | None:
    source = (draft.get("sources") or [{}])[0]
    file = (source.get("_document") or {}).get("file")
    candidates = [Path(file)] if file else []
    if file:
        candidates.append(Path(draft_path).parent / Path(file).name)
    for candidate in candidates:
        if candidate.is_file():
            return decode(candidate.read_bytes(), str(candidate))[0]
    return None


def highlighted(text: str, spans: list[tuple[int, int, str]]) -> str:
    """The text as HTML, each span in a <mark> whose title names its record and field (escaped throughout)."""
    out: list[str] = []
    cursor = 0
    for start, end, label in sorted(spans):
        if start < cursor:
            continue  # overlapping spans: the first one keeps the highlight; all are listed below
        out.append(html.escape(text[cursor:start]))
        out.append(f'<mark title="{html.escape(label, quote=True)}">{html.escape(text[start:end])}'
                   f'<sup>{html.escape(label.split("/")[-1])}</sup></mark>')
        cursor = end
    out.append(html.escape(text[cursor:]))
    return '<div style="white-space: pre-wrap; line-height: 1.9">' + "".join(out) + "</div>"


def _spans(draft: dict[str, Any]) -> list[tuple[int, int, str]]:
    found = []
    for section, record in records(draft):
        for name, entry in (record.get("_fields") or {}).items():
            if "offset" in entry and "span" in entry:
                found.append((int(entry["offset"]), int(entry["offset"]) + len(entry["span"]), f"{record_key(section, record)}/{name}"))
    return found


def _parse(raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def render() -> None:
    st.title("抽取审核 / Extraction review")
    st.caption("由 `safetykg extract` 生成的草稿：逐项接受、更正或拒绝，然后写出可加载的记录。"
               " / A draft from `safetykg extract`: decide every field and match, then write loadable records.")
    path = st.text_input("草稿文件 / draft file", value=os.environ.get(DRAFT_ENV, ""), key="rev_path")
    if not path:
        st.info("请输入草稿路径 / enter the path of a draft YAML")
        return
    draft = st.session_state.get("rev_draft") if st.session_state.get("rev_loaded") == path else None
    if draft is None:
        draft = _load_draft(path)
        if draft is None:
            return
        st.session_state["rev_draft"], st.session_state["rev_loaded"] = draft, path
    text = _document_text(draft, path)
    if text is None:
        st.warning("找不到原文，无法高亮 / the source text was not found, so spans cannot be highlighted")
    else:
        with st.expander("原文与抽取片段 / text with extracted spans", expanded=True):
            st.markdown(highlighted(text, _spans(draft)), unsafe_allow_html=True)
    threshold = st.slider("批量接受阈值 / accept all at or above", 0.0, 1.0, 0.9, 0.01, key="rev_threshold")
    if st.button("批量接受 / accept above threshold", key="rev_bulk"):
        from safetykg.loaders.extract.review import accept_above

        accept_above(draft, threshold)
        for section, record in records(draft):
            for name, entry in (record.get("_fields") or {}).items():
                st.session_state[f"rev:{record_key(section, record)}/{name}"] = entry["status"]
    for section, record in records(draft):
        key = record_key(section, record)
        fields = record.get("_fields") or {}
        if not fields and not record.get("_match"):
            continue
        title = f"{record.get('label') or record.get('type')} · {key}"
        with st.expander(title, expanded=False):
            match = record.get("_match")
            if isinstance(match, dict):
                st.write(f"匹配建议 / proposed match: **{match.get('id')}** {match.get('name') or ''} (score {match.get('score')})")
                st.caption("; ".join(match.get("evidence") or []))
                choice = st.radio("匹配 / match", ("pending", "accepted", "rejected"), index=("pending", "accepted", "rejected").index(
                    match.get("status", "pending")), format_func=lambda s: ACTION_NAMES[s], horizontal=True, key=f"rev:{key}/_match")
                match["status"] = choice
            for name, entry in fields.items():
                st.markdown(f"`{name}` = **{html.escape(str(entry.get('value')))}** · 「{html.escape(str(entry.get('span', '')))}」"
                            f" · {entry.get('confidence')}" + (f" · {html.escape(str(entry['basis']))}" if entry.get("basis") else ""))
                status = entry.get("status", "pending")
                choice = st.radio("决定 / decision", ACTIONS, index=ACTIONS.index(status) if status in ACTIONS else 0,
                                  format_func=lambda s: ACTION_NAMES[s], horizontal=True, key=f"rev:{key}/{name}")
                entry["status"] = choice
                if choice == "corrected":
                    corrected = st.text_input("更正值 / corrected value", value=json.dumps(entry.get("value"), ensure_ascii=False),
                                              key=f"rev:{key}/{name}:value")
                    entry["value"] = _parse(corrected)
                    record[name] = entry["value"]
    out = st.text_input("写出到 / write to", value=str(Path(path).with_name(Path(path).stem + ".reviewed.yaml")), key="rev_out")
    if st.button("写出审核结果 / write reviewed records", key="rev_write", type="primary"):
        reviewed = apply_decisions(draft)
        Path(out).write_text(yaml.safe_dump(reviewed, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")
        left = still_pending(reviewed)
        if left:
            st.warning(f"已写出，仍有 {len(left)} 项待审核，`load` 会拒绝 / written; {len(left)} still pending, `load` will refuse: "
                       + ", ".join(left[:10]))
        else:
            st.success(f"已写出 / written: {out}")


render()
