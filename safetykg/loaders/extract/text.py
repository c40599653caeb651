"""Reading a document as published: encoding detection, the optional header, one-for-one normalisation.

Spans must be the literal words of the file, so normalisation never changes the length of the
text: every variant character (full-width digits, the many quotation marks and middle dots) is
mapped to one canonical character. Patterns run on the normalised text; spans are cut from the
text as read, at the same offsets, so `text[offset:offset + len(span)] == span` always holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# one character in, one character out: offsets in the normalised text are offsets in the original
_PAIRS = {
    **{chr(0xFF10 + d): str(d) for d in range(10)},
    "〝": "“", "〞": "”", "「": "“", "」": "”", "『": "“", "』": "”", "‘": "“", "’": "”",
    "•": "·", "‧": "·", "∙": "·", "⋅": "·", "・": "·", "．": ".", "￮": "·", "。": "。",
    "（": "(", "）": ")", "：": ":", "；": ";", "，": ",",
}
_TABLE = str.maketrans(_PAIRS)
# an ASCII double quote opens or closes depending on position; handled after the table
_ASCII_QUOTE = re.compile(r'"')

HEADER_KEYS = {"标题": "title", "文号": "doc_no", "网址": "url", "日期": "published_date", "发布机构": "publisher",
               "类型": "kind", "title": "title", "doc_no": "doc_no", "url": "url", "date": "published_date"}
HEADER_LINE = re.compile(r"^(标题|文号|网址|日期|发布机构|类型|title|doc_no|url|date)\s*[:：]\s*(.*?)\s*$")
ENCODINGS = ("utf-8-sig", "gb18030")


class DocumentError(ValueError):
    """A file that cannot be read as text at all."""


@dataclass
class Document:
    """A text as read (`text`), its normalised twin of equal length (`norm`), and its header."""

    path: Path | None
    text: str
    encoding: str
    meta: dict[str, str] = field(default_factory=dict)
    meta_spans: dict[str, tuple[int, str]] = field(default_factory=dict)
    body_start: int = 0

    def __post_init__(self) -> None:
        self.norm = normalise(self.text)
        assert len(self.norm) == len(self.text)

    def span(self, start: int, end: int) -> str:
        return self.text[start:end]


def normalise(text: str) -> str:
    """Canonical digits, quotes and dots, without changing a single offset."""
    out = text.translate(_TABLE)
    # full-width letters/digits beyond the table (e.g. Ａ) map by code point, still one for one
    out = "".join(chr(ord(c) - 0xFEE0) if "\uff21" <= c <= "\uff5a" else c for c in out)
    if '"' in out:
        chars = list(out)
        opening = True
        for match in _ASCII_QUOTE.finditer(out):
            chars[match.start()] = "“" if opening else "”"
            opening = not opening
        out = "".join(chars)
    # a dot between day numbers inside quotes (“8.29”) is the same middle dot
    return re.sub(r"(?<=“\d)\.(?=\d)|(?<=“\d\d)\.(?=\d)", "·", out)


def decode(raw: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """UTF-8 when it decodes, else GB18030 (a superset of GBK and GB2312)."""
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding), ("utf-8" if encoding == "utf-8-sig" else encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError(f"{name}: 无法识别编码 / neither UTF-8 nor GB18030 text")


def parse_header(text: str) -> tuple[dict[str, str], dict[str, tuple[int, str]], int]:
    """Lines `标题: …` etc. at the very top, ended by a blank line; returns values, their spans, body start."""
    meta: dict[str, str] = {}
    spans: dict[str, tuple[int, str]] = {}
    offset = 0
    lines = text.split("\n")
    for index, line in enumerate(lines):
        match = HEADER_LINE.match(line.rstrip("\r"))
        if match and match.group(2):
            key = HEADER_KEYS[match.group(1)]
            meta[key] = match.group(2)
            spans[key] = (offset + match.start(2), match.group(2))
            offset += len(line) + 1
            continue
        if meta and not line.strip():
            return meta, spans, offset + len(line) + 1
        if not meta or index == 0:
            return {}, {}, 0
        return meta, spans, offset
    return meta, spans, offset


def read_document(path: Path) -> Document:
    raw = path.read_bytes()
    text, encoding = decode(raw, str(path))
    meta, spans, body = parse_header(text)
    return Document(path, text, encoding, meta, spans, body)


def document_from_text(text: str) -> Document:
    meta, spans, body = parse_header(text)
    return Document(None, text, "utf-8", meta, spans, body)
