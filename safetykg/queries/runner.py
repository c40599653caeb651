"""Saved audit queries: parse the `safetykg/queries/*.cypher` files, validate them, run them on any Store.

An audit file is a metadata header of `// key: value` comment lines followed by the rows
query, and optionally a `// ---- subgraph` section (edges for drawing: src, src_label, rel,
dst, dst_label), a `// ---- count` section (x and y for "x of y") and a `// ---- total`
section (`total`: how many rows the rows query returns, counted cheaply; see Paging). A count
section that returns `y` alone takes x to be the rows' total, so an audit whose x counts its rows
does not find them twice. Count and total sections may return several rows (e.g. UNION ALL, one branch per label or case, each
aggregating only its own items): the runner adds them up. A header looks like this:

    // id: unexecuted-penalties
    // title_zh: 行政处罚未执行
    // title_en: Penalties not executed
    // severity: high
    // explains_zh: 每行是……
    //   an indented comment line continues the previous value
    // explains_en: Each row is ...
    // param: as_of date today reference date
    // param: min_days int 0 only items open at least this many days
    // row_key: penalty_id
    MATCH ... RETURN ... ORDER BY ...

Header keys: id, title_zh, title_en, severity (high|medium|low), explains_zh, explains_en,
param (repeatable: `name type default description`, type date|int|string|list, default `-`
for none, `today` for the run date), row_key (columns identifying a row across snapshots),
order (the row order, `col [asc|desc] [nulls first|last], ...`, for queries whose final
ORDER BY cannot state it, e.g. UNION ALL or nulls last), count_zh / count_en (what x and
y of the count section mean), total (`x`: the rows are the items x counts, one row each, so a
page's total is the count's x and the audit has no total section), and count_sums (`x_column,
y_column`: x and y are these columns summed over every row, instead of a count section; the rows
are then fetched whole and paged here, for an audit of few rows, one per department, whose count
and total would each cost a second pass over every item). A date parameter `x` reaches the query
as `$x` (ISO string) and `$x_day` (days since 1970-01-01) so queries do date arithmetic on
integers on both engines.

A count section may repeat its `// ---- count` line: each statement runs on its own and x and y
are summed over the rows of all of them (counts that share nothing run faster apart).

Validation: every `$name` a query uses must be declared (or be the `_day` twin of a declared
date), every declared parameter must be used, no section may contain a write clause.

Rows are returned in a deterministic order: list cells are sorted (they are sets) and rows
are re-sorted in Python by the `order` header, else the query's final ORDER BY, with nulls
sorting as Neo4j sorts them unless stated (after every value ascending), ties broken by the
whole row — so both engines give the same rows in the same order.

Paging: `run_audit(..., limit, offset)` returns one page and the number of all rows. A rows
query with one RETURN and a total ORDER BY on returned columns is paged by the engine
(`SKIP`/`LIMIT` appended) and counted by the same query ending in `count(*)`, or by the
`total` section when there is one. A rows query may instead page itself early, before costly
enrichment (OPTIONAL MATCH, collect): it writes `ORDER BY … SKIP $page_offset LIMIT $page_limit`
in a WITH whose order is the rows' order, total (ties broken by the row key), and it must have a
`total` section. The lines of that paging step end in the comment `// page`; for every row the
runner drops them, so the query without them must be valid and give the same rows (the paging
tests compare the two). `$page_offset` / `$page_limit` are reserved for this and used only on
`// page` lines.

A per-engine variant `<id>.neo4j.cypher` / `<id>.ladybug.cypher` beside the audit replaces
its sections on that engine; it holds sections only (its header lines are comments) and
should say why it exists.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..graph.engines import ENGINE_NAMES
from ..graph.store import ReadOnlyViolation, Store, assert_read_only

QUERIES_DIR = Path(__file__).resolve().parent
SEVERITIES = ("high", "medium", "low")
PARAM_TYPES = ("date", "int", "string", "list")
ENGINES = ENGINE_NAMES  # variant file names follow the store layer's engine registry
REQUIRED_KEYS = ("id", "title_zh", "title_en", "severity", "explains_zh", "explains_en")
SINGLE_KEYS = (*REQUIRED_KEYS, "row_key", "order", "count_zh", "count_en", "count_sums", "total")
SUBGRAPH_COLUMNS = ("src", "src_label", "rel", "dst", "dst_label")
COUNT_COLUMNS = ("x", "y")
SECTIONS = ("subgraph", "count", "total")
PAGE_OFFSET, PAGE_LIMIT = "page_offset", "page_limit"
PAGE_PARAMS = (PAGE_OFFSET, PAGE_LIMIT)
EPOCH = dt.date(1970, 1, 1)

_HEADER_LINE = re.compile(r"^//\s?([a-z_]+):\s*(.*)$")
_CONTINUATION = re.compile(r"^//\s{2,}(\S.*)$")
_SECTION = re.compile(r"^//\s*-{2,}\s*([a-z]+)\s*$")
COUNT_SEPARATOR = "// ---- count"  # between the statements of a count section
_PARAM_REF = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_STRINGS_AND_COMMENTS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*|/\*.*?\*/", re.DOTALL)
_PAGE_LINE = re.compile(r"//\s*page\s*$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_AUDIT_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class AuditError(ValueError):
    """An audit file that cannot be used (syntax, metadata, undeclared parameter)."""


class AuditWriteRefused(AuditError, ReadOnlyViolation):
    """An audit file containing a write clause."""


class AuditParamError(ValueError):
    """Parameters given to an audit that do not fit its declaration."""


class UnknownAudit(KeyError):
    """No audit with that id."""

    def __str__(self) -> str:
        return f"未知审计 / unknown audit: {self.args[0]!r}"


@dataclass(frozen=True)
class OrderTerm:
    """One sort key of an audit's rows; nulls sort as in Neo4j (after values ascending) unless stated."""

    column: str
    descending: bool = False
    nulls_last: bool | None = None

    @property
    def nulls_at_end(self) -> bool:
        return (not self.descending) if self.nulls_last is None else self.nulls_last


@dataclass(frozen=True)
class AuditParam:
    name: str
    type: str
    default: str | None
    description: str

    def default_value(self, today: dt.date | None = None) -> Any:
        if self.default is None:
            return None
        return coerce_param(self, self.default, today)


@dataclass(frozen=True)
class Audit:
    id: str
    title_zh: str
    title_en: str
    severity: str
    explains_zh: str
    explains_en: str
    params: list[AuditParam]
    rows_query: str
    subgraph_query: str | None = None
    count_query: str | None = None
    total_query: str | None = None
    row_key: tuple[str, ...] = ()
    order: tuple[OrderTerm, ...] = ()
    count_zh: str = ""
    count_en: str = ""
    count_sums: tuple[str, str] | None = None
    total_is_x: bool = False
    path: Path | None = None
    variants: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        """Column names of the rows query (from its last RETURN), known even when no row comes back."""
        return return_columns(self.rows_query)

    def param(self, name: str) -> AuditParam | None:
        return next((p for p in self.params if p.name == name), None)

    def query(self, section: str, engine: str | None = None) -> str | None:
        """The text of `rows`, `subgraph`, `count` or `total`, taking an engine variant when there is one."""
        if engine and section in self.variants.get(engine, {}):
            return self.variants[engine][section]
        return {
            "rows": self.rows_query, "subgraph": self.subgraph_query, "count": self.count_query,
            "total": self.total_query,
        }[section]


@dataclass
class AuditResult:
    """One run: `rows` is the requested page (all rows unless a limit was given), `total` all rows."""

    rows: list[dict[str, Any]]
    count: tuple[Any, Any] | None
    columns: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    total: int = 0
    offset: int = 0
    limit: int | None = None


# ---------------------------------------------------------------------------- parsing
def code_only(query: str) -> str:
    """The query with string literals and comments blanked, for scanning."""
    return _STRINGS_AND_COMMENTS.sub("''", query)


def referenced_params(query: str) -> set[str]:
    return set(_PARAM_REF.findall(code_only(query)))


def _split_sections(lines: list[str], where: str) -> dict[str, str]:
    sections: dict[str, list[str]] = {"rows": []}
    current = "rows"
    for line in lines:
        match = _SECTION.match(line.strip())
        if match:
            current = match.group(1)
            if current not in SECTIONS:
                raise AuditError(f"{where}: unknown section '// ---- {current}' ({', '.join(SECTIONS)})")
            if current in sections and current != "count":
                raise AuditError(f"{where}: section {current!r} appears twice")
            if current in sections:  # a further count statement, run on its own (see `count_statements`)
                sections[current].append(COUNT_SEPARATOR)
            else:
                sections[current] = []
            continue
        sections[current].append(line)
    return {name: "\n".join(body).strip() for name, body in sections.items()}


def count_statements(count_query: str) -> list[str]:
    """The statements of a count section: it may repeat its `// ---- count` line, each statement run on its
    own and x and y summed over all their rows. For counts that share nothing: LadybugDB 0.22 ran a y over
    1M accidents and an x over 79k links in 0.3 + 0.15 s as two statements, 0.65 s as one and 0.9 s as a
    UNION ALL."""
    return [part.strip() for part in count_query.split(COUNT_SEPARATOR) if part.strip()]


def count_returns_x(count_query: str) -> bool:
    """A count section whose statements return y alone leaves x to the number of rows."""
    return any(return_columns(statement) != ["y"] for statement in count_statements(count_query))


def join_lines(first: str, second: str) -> str:
    """Join a continuation line: no space between two CJK characters, one space otherwise."""
    first, second = first.rstrip(), second.strip()
    if not first or not second:
        return first + second
    if ord(first[-1]) > 0x2E7F and ord(second[0]) > 0x2E7F:
        return first + second
    return f"{first} {second}"


def _parse_header(lines: list[str], where: str) -> tuple[dict[str, str], list[str], int]:
    """Header values, param lines, and the index of the first line after the header."""
    values: dict[str, str] = {}
    params: list[str] = []
    last: tuple[str, int] | None = None  # (key, index into params or -1)
    index = 0
    for index, raw in enumerate(lines):  # noqa: B007 - index is used after the loop
        line = raw.rstrip()
        if not line.strip():
            last = None
            continue
        if not line.startswith("//"):
            break
        if _SECTION.match(line.strip()):
            break
        continuation = _CONTINUATION.match(line)
        header = _HEADER_LINE.match(line)
        if continuation and last is not None:
            key, pos = last
            if pos >= 0:
                params[pos] = join_lines(params[pos], continuation.group(1))
            else:
                values[key] = join_lines(values[key], continuation.group(1))
            continue
        if header:
            key, value = header.group(1), header.group(2).strip()
            if key == "param":
                params.append(value)
                last = (key, len(params) - 1)
            elif key in SINGLE_KEYS:
                if key in values:
                    raise AuditError(f"{where}: header key {key!r} given twice")
                values[key] = value
                last = (key, -1)
            else:
                raise AuditError(f"{where}: unknown header key {key!r}")
            continue
        last = None  # a free comment ends any continuation
    else:
        index = len(lines)
    return values, params, index


def _parse_param(text: str, where: str) -> AuditParam:
    parts = text.split(None, 3)
    if len(parts) < 3:
        raise AuditError(f"{where}: param needs 'name type default description', got {text!r}")
    name, kind, default = parts[0], parts[1], parts[2]
    description = parts[3] if len(parts) > 3 else ""
    if not _IDENT.match(name):
        raise AuditError(f"{where}: param name {name!r} is not an identifier")
    if kind not in PARAM_TYPES:
        raise AuditError(f"{where}: param {name}: type {kind!r} is not one of {', '.join(PARAM_TYPES)}")
    param = AuditParam(name, kind, None if default == "-" else default, description)
    try:
        param.default_value()
    except AuditParamError as exc:
        raise AuditError(f"{where}: param {name}: bad default: {exc}") from exc
    return param


def _parse_order(text: str, where: str) -> tuple[OrderTerm, ...]:
    spec = _order_terms(text)
    if spec is None:
        raise AuditError(f"{where}: order must be 'column [asc|desc] [nulls first|last], ...', got {text!r}")
    return spec


def _order_terms(text: str) -> tuple[OrderTerm, ...] | None:
    terms = []
    for part in _split_top_level(text):
        words = part.split()
        if not words or not _IDENT.match(words[0]):
            return None
        rest = [w.upper() for w in words[1:]]
        desc = False
        if rest and rest[0] in ("ASC", "ASCENDING", "DESC", "DESCENDING"):
            desc = rest.pop(0).startswith("DESC")
        nulls_last: bool | None = None
        if rest[:1] == ["NULLS"] and len(rest) == 2 and rest[1] in ("FIRST", "LAST"):
            nulls_last = rest[1] == "LAST"
            rest = []
        if rest:
            return None
        terms.append(OrderTerm(words[0], desc, nulls_last))
    return tuple(terms)


def _split_top_level(text: str) -> list[str]:
    """Split on commas that are not inside (), [] or {}."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    tail = "".join(current).strip()
    if tail:
        parts.append(tail)
    return parts


def _keyword(word: str) -> str:
    """A Cypher keyword, not part of a `$param`, a `.property` or a longer name."""
    return rf"(?<![$\w.`]){word}(?![\w`])"


def _last_return(query: str) -> tuple[str, str]:
    """(projection, tail after ORDER BY) of the last RETURN, on code with strings blanked."""
    code = code_only(query)
    matches = list(re.finditer(_keyword("RETURN"), code, re.IGNORECASE))
    if not matches:
        return "", ""
    body = code[matches[-1].end():]
    stop = re.search(_keyword(r"(?:ORDER\s+BY|SKIP|LIMIT|UNION)"), body, re.IGNORECASE)
    projection = body[: stop.start()] if stop else body
    order = ""
    order_match = re.search(
        _keyword(r"ORDER\s+BY") + r"(.*?)(?:" + _keyword("SKIP") + "|" + _keyword("LIMIT") + r"|$)",
        body,
        re.IGNORECASE | re.DOTALL,
    )
    if order_match:
        order = order_match.group(1)
    return projection, order


def return_columns(query: str) -> list[str]:
    projection, _ = _last_return(query)
    projection = re.sub(r"^\s*DISTINCT\b", "", projection, flags=re.IGNORECASE)
    columns = []
    for item in _split_top_level(projection):
        alias = re.search(r"\bAS\s+([A-Za-z_][A-Za-z0-9_]*)\s*$", item, re.IGNORECASE)
        columns.append(alias.group(1) if alias else item.strip())
    return columns


def query_order(query: str) -> tuple[OrderTerm, ...]:
    """The final ORDER BY as terms, if every term names a returned column (else no order: use `order:`)."""
    _, order = _last_return(query)
    if not order.strip():
        return ()
    columns = set(return_columns(query))
    terms = _order_terms(" ".join(order.split())) or ()
    if any(t.column not in columns for t in terms):
        return ()
    return terms


def _check_section(query: str, section: str, where: str) -> None:
    if section != "count":
        _check_query(query, section, where)
        return
    statements = count_statements(query)
    for statement in statements:
        _check_query(statement, section, where)
    returned = [set(return_columns(statement)) & set(COUNT_COLUMNS) for statement in statements]
    if not all(returned) or not any("y" in columns for columns in returned):
        raise AuditError(f"{where}: count query must return x and y (or y alone; each of several statements "
                         f"x, y or both, one of them y); returned {[sorted(c) for c in returned]}")


def _check_query(query: str, section: str, where: str) -> None:
    try:
        assert_read_only(query)
    except ReadOnlyViolation as exc:
        raise AuditWriteRefused(f"{where}: {section} query: {exc}") from exc
    if not re.search(_keyword("RETURN"), code_only(query), re.IGNORECASE):
        raise AuditError(f"{where}: {section} query has no RETURN")
    if section == "subgraph":
        missing = [c for c in SUBGRAPH_COLUMNS if c not in return_columns(query)]
        if missing:
            raise AuditError(f"{where}: subgraph query must return {', '.join(SUBGRAPH_COLUMNS)}; missing {missing}")
    if section == "total" and return_columns(query) != ["total"]:
        raise AuditError(f"{where}: total query must return one column, total")
    paging = referenced_params(query) & set(PAGE_PARAMS)
    if (paging or pages_itself(query)) and section != "rows":
        raise AuditError(f"{where}: only the rows query may page itself ($page_offset, '// page' lines)")
    if pages_itself(query):
        page_lines = "\n".join(line for line in query.splitlines() if _PAGE_LINE.search(line))
        if referenced_params(page_lines) != referenced_params(page_lines) | set(PAGE_PARAMS):
            raise AuditError(f"{where}: the '// page' lines use both $page_offset and $page_limit")
        if referenced_params(unpaged(query)) & set(PAGE_PARAMS):
            raise AuditError(f"{where}: $page_offset / $page_limit are used only on '// page' lines")
    elif paging:
        raise AuditError(f"{where}: $page_offset / $page_limit are used only on '// page' lines")


def _allowed_names(params: Sequence[AuditParam]) -> set[str]:
    names = {p.name for p in params}
    names |= {f"{p.name}_day" for p in params if p.type == "date"}
    return names


def _check_params(sections: Mapping[str, str], params: Sequence[AuditParam], where: str) -> set[str]:
    allowed = _allowed_names(params) | set(PAGE_PARAMS)
    used: set[str] = set()
    for section, query in sections.items():
        names = referenced_params(query)
        undeclared = sorted(names - allowed)
        if undeclared:
            raise AuditError(
                f"{where}: {section} query uses undeclared parameter(s) "
                + ", ".join(f"${n}" for n in undeclared)
            )
        used |= names
    return used


def parse_audit(text: str, path: Path | None = None, variants: Mapping[str, str] | None = None) -> Audit:
    """Parse and validate one audit file's text; `variants` maps engine -> variant file text."""
    where = str(path) if path else "<audit>"
    lines = text.splitlines()
    values, param_lines, start = _parse_header(lines, where)
    missing = [k for k in REQUIRED_KEYS if not values.get(k)]
    if missing:
        raise AuditError(f"{where}: header is missing {', '.join(missing)}")
    audit_id = values["id"]
    if not _AUDIT_ID.match(audit_id):
        raise AuditError(f"{where}: id {audit_id!r} must be lower-case words joined by '-'")
    if path is not None and path.name.split(".")[0] != audit_id:
        raise AuditError(f"{where}: id {audit_id!r} does not match the file name")
    if values["severity"] not in SEVERITIES:
        raise AuditError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
    params = [_parse_param(p, where) for p in param_lines]
    names = [p.name for p in params]
    if len(names) != len(set(names)):
        raise AuditError(f"{where}: a parameter is declared twice")
    reserved = set(names) & set(PAGE_PARAMS)
    if reserved:
        raise AuditError(f"{where}: parameter name(s) {sorted(reserved)} are reserved for paging")
    clash = set(names) & {f"{p.name}_day" for p in params if p.type == "date"}
    if clash:
        raise AuditError(f"{where}: parameter(s) {sorted(clash)} clash with a date parameter's _day twin")
    sections = {k: v for k, v in _split_sections(lines[start:], where).items() if v}
    if "rows" not in sections:
        raise AuditError(f"{where}: no rows query after the header")
    for section, query in sections.items():
        _check_section(query, section, where)
    used = _check_params(sections, params, where)
    total_is_x = _parse_total(values.get("total"), sections, where)
    if pages_itself(sections["rows"]) and "total" not in sections and not total_is_x:
        raise AuditError(f"{where}: a rows query that pages itself ($page_offset) needs a '// ---- total' section")
    variant_sections: dict[str, dict[str, str]] = {}
    for engine, variant_text in (variants or {}).items():
        if engine not in ENGINES:
            raise AuditError(f"{where}: unknown engine variant {engine!r}")
        vwhere = f"{where} [{engine} variant]"
        vsections = {k: v for k, v in _split_sections(variant_text.splitlines(), vwhere).items() if v}
        vsections = {k: v for k, v in vsections.items() if re.search(_keyword("RETURN"), code_only(v), re.IGNORECASE)}
        if not vsections:
            raise AuditError(f"{vwhere}: no query in the variant")
        for section, query in vsections.items():
            _check_section(query, section, vwhere)
        used |= _check_params(vsections, params, vwhere)
        if total_is_x:
            _parse_total("x", {**sections, **vsections}, vwhere)
        if ("rows" in vsections and pages_itself(vsections["rows"]) and not total_is_x
                and "total" not in {**sections, **vsections}):
            raise AuditError(f"{vwhere}: a rows query that pages itself ($page_offset) needs a '// ---- total' section")
        variant_sections[engine] = vsections
    unused = [p.name for p in params if p.name not in used and f"{p.name}_day" not in used]
    if unused:
        raise AuditError(f"{where}: declared parameter(s) never used: {', '.join(unused)}")
    columns = return_columns(sections["rows"])
    row_key = tuple(c.strip() for c in values.get("row_key", "").split(",") if c.strip())
    bad_key = [c for c in row_key if c not in columns]
    if bad_key:
        raise AuditError(f"{where}: row_key column(s) {bad_key} are not returned by the rows query")
    order = _parse_order(values["order"], where) if values.get("order") else ()
    bad_order = [t.column for t in order if t.column not in columns]
    if bad_order:
        raise AuditError(f"{where}: order column(s) {bad_order} are not returned by the rows query")
    count_sums = _parse_count_sums(values.get("count_sums", ""), columns, sections, variant_sections, where)
    return Audit(
        id=audit_id,
        title_zh=values["title_zh"],
        title_en=values["title_en"],
        severity=values["severity"],
        explains_zh=values["explains_zh"],
        explains_en=values["explains_en"],
        params=params,
        rows_query=sections["rows"],
        subgraph_query=sections.get("subgraph"),
        count_query=sections.get("count"),
        total_query=sections.get("total"),
        row_key=row_key,
        order=order,
        count_zh=values.get("count_zh", ""),
        count_en=values.get("count_en", ""),
        count_sums=count_sums,
        total_is_x=total_is_x,
        path=path,
        variants=variant_sections,
    )


def _parse_total(value: str | None, sections: Mapping[str, str], where: str) -> bool:
    """`total: x`: the rows are the items x counts, one row each, so the count gives the total and no
    pass of its own is needed (on Neo4j at 1M each pass over 1.4M penalties reads ~2 s of properties)."""
    if value is None:
        return False
    if value != "x":
        raise AuditError(f"{where}: total names the count's x (got {value!r})")
    if "total" in sections:
        raise AuditError(f"{where}: with 'total: x' there is no total section")
    if "count" not in sections or not count_returns_x(sections["count"]):
        raise AuditError(f"{where}: 'total: x' needs a count section that returns x")
    return True


def _parse_count_sums(value: str, columns: list[str], sections: Mapping[str, str],
                      variants: Mapping[str, Mapping[str, str]], where: str) -> tuple[str, str] | None:
    if not value:
        return None
    named = tuple(c.strip() for c in value.split(","))
    if len(named) != 2 or not all(named):
        raise AuditError(f"{where}: count_sums names two columns, x then y (got {value!r})")
    missing = [c for c in named if c not in columns]
    if missing:
        raise AuditError(f"{where}: count_sums column(s) {missing} are not returned by the rows query")
    for found in (sections, *variants.values()):
        if "count" in found or "total" in found or ("rows" in found and pages_itself(found["rows"])):
            raise AuditError(f"{where}: with count_sums the rows are fetched whole: no count or total section, "
                             "no paging in the rows query")
    return named[0], named[1]


def load_audit_file(path: Path) -> Audit:
    variants = {}
    for engine in ENGINES:
        variant = path.with_name(f"{path.stem}.{engine}.cypher")
        if variant.exists():
            variants[engine] = variant.read_text(encoding="utf-8")
    return parse_audit(path.read_text(encoding="utf-8"), path, variants)


def _is_variant(path: Path) -> bool:
    parts = path.name.split(".")
    return len(parts) == 3 and parts[1] in ENGINES


def list_audits(directory: Path | None = None) -> list[Audit]:
    """Every audit under `directory` (default: this package), high severity first, then by id."""
    folder = directory or QUERIES_DIR
    audits = [load_audit_file(p) for p in sorted(folder.glob("*.cypher")) if not _is_variant(p)]
    ids = [a.id for a in audits]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise AuditError(f"{folder}: audit id(s) defined twice: {', '.join(duplicates)}")
    for variant in folder.glob("*.cypher"):
        if _is_variant(variant) and variant.name.split(".")[0] not in ids:
            raise AuditError(f"{variant}: variant of an audit that does not exist")
    return sorted(audits, key=lambda a: (SEVERITIES.index(a.severity), a.id))


def get_audit(audit_id: str, directory: Path | None = None) -> Audit:
    folder = directory or QUERIES_DIR
    path = folder / f"{audit_id}.cypher"
    if not _AUDIT_ID.match(audit_id) or not path.is_file():
        raise UnknownAudit(audit_id)
    return load_audit_file(path)


# ---------------------------------------------------------------------------- parameters
def day_ordinal(value: dt.date) -> int:
    return (value - EPOCH).days


def coerce_param(param: AuditParam, value: Any, today: dt.date | None = None) -> Any:
    """A value (native or a CLI string) in the parameter's declared type."""
    if value is None:
        return None
    kind = param.type
    try:
        if kind == "date":
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            text = str(value).strip()
            if text.lower() == "today":
                return today or dt.date.today()
            if not re.match(r"^\d{4}-\d{2}-\d{2}$", text):
                raise ValueError(f"not an ISO date (YYYY-MM-DD): {value!r}")
            return dt.date.fromisoformat(text)
        if kind == "int":
            if isinstance(value, bool):
                raise ValueError(f"not an integer: {value!r}")
            if isinstance(value, int):
                return value
            if isinstance(value, float) and value.is_integer():
                return int(value)
            text = str(value).strip()
            if not re.match(r"^[+-]?\d+$", text):
                raise ValueError(f"not an integer: {value!r}")
            return int(text)
        if kind == "list":
            if isinstance(value, (list, tuple)):
                return [str(v) for v in value]
            text = str(value).strip()
            if text.startswith("["):
                parsed = json.loads(text)
                if not isinstance(parsed, list):
                    raise ValueError(f"not a list: {value!r}")
                return [str(v) for v in parsed]
            return [part.strip() for part in text.split(",") if part.strip()]
        if isinstance(value, (list, dict)):
            raise ValueError(f"not a string: {value!r}")
        return str(value)
    except (ValueError, json.JSONDecodeError) as exc:
        raise AuditParamError(f"参数 / parameter {param.name} ({kind}): {exc}") from exc


def resolve_params(audit: Audit, given: Mapping[str, Any] | None, today: dt.date | None = None) -> dict[str, Any]:
    """Declared parameters with the given values (coerced) or their defaults; unknown names refused."""
    given = dict(given or {})
    unknown = sorted(set(given) - {p.name for p in audit.params})
    if unknown:
        declared = ", ".join(p.name for p in audit.params) or "none"
        raise AuditParamError(f"{audit.id}: unknown parameter(s) {', '.join(unknown)} (declared: {declared})")
    resolved: dict[str, Any] = {}
    for param in audit.params:
        value = coerce_param(param, given[param.name], today) if param.name in given else param.default_value(today)
        if value is None:
            raise AuditParamError(f"{audit.id}: parameter {param.name} needs a value")
        resolved[param.name] = value
    return resolved


def query_params(query: str, resolved: Mapping[str, Any]) -> dict[str, Any]:
    """Only what the query references; a date `x` gives `$x` (ISO) and `$x_day` (ordinal)."""
    expanded: dict[str, Any] = {}
    for name, value in resolved.items():
        if isinstance(value, dt.date):
            expanded[name] = value.isoformat()
            expanded[f"{name}_day"] = day_ordinal(value)
        else:
            expanded[name] = value
    names = referenced_params(query)
    return {k: v for k, v in expanded.items() if k in names}


def display_params(resolved: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in resolved.items()}


# ---------------------------------------------------------------------------- running
def _sortable(value: Any, term: OrderTerm) -> tuple[int, int, Any]:
    if value is None:
        # placed so that, after an ascending or a reversed (descending) sort, nulls land where the term says
        return (1 if term.nulls_at_end != term.descending else -1, 0, "")
    if isinstance(value, bool):
        return (0, 0, int(value))
    if isinstance(value, (int, float)):
        return (0, 0, value)
    if isinstance(value, list):
        return (0, 1, json.dumps(value, ensure_ascii=False, sort_keys=True))
    return (0, 1, str(value))


def _normalise_cell(value: Any) -> Any:
    if isinstance(value, list):
        items = [_normalise_cell(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True, default=str))
    return value


def sort_rows(rows: list[dict[str, Any]], order: Sequence[OrderTerm]) -> list[dict[str, Any]]:
    """Deterministic order: list cells sorted; rows by the terms, ties broken by the whole row."""
    result = [{k: _normalise_cell(v) for k, v in row.items()} for row in rows]
    result.sort(key=lambda r: json.dumps(r, ensure_ascii=False, sort_keys=True, default=str))
    for term in reversed(list(order)):
        result.sort(key=_term_key(term), reverse=term.descending)
    return result


def _term_key(term: OrderTerm) -> Callable[[dict[str, Any]], tuple[int, int, Any]]:
    def key(row: dict[str, Any]) -> tuple[int, int, Any]:
        return _sortable(row.get(term.column), term)

    return key


def _engine(store: Store) -> str:
    return str(getattr(store, "engine", ""))


def pages_itself(query: str) -> bool:
    """The rows query pages early: lines ending in `// page` (with `SKIP $page_offset LIMIT $page_limit`)."""
    return any(_PAGE_LINE.search(line) for line in query.splitlines())


def unpaged(query: str) -> str:
    """The rows query for every row: its `// page` lines dropped."""
    return "\n".join(line for line in query.splitlines() if not _PAGE_LINE.search(line))


def _pageable(audit: Audit, query: str) -> bool:
    """The engine can page this query by appending SKIP/LIMIT: one RETURN with a total ORDER BY on returned columns."""
    code = code_only(query)
    if audit.order or re.search(_keyword("UNION"), code, re.IGNORECASE):
        return False
    if re.search(_keyword("SKIP") + "|" + _keyword("LIMIT"), code, re.IGNORECASE):
        return False
    return bool(query_order(query))


def _blank_same_length(query: str) -> str:
    """Strings and comments blanked with the same length, so positions in the result hold in `query`."""
    return _STRINGS_AND_COMMENTS.sub(lambda m: " " * len(m.group(0)), query)


def _total_query(query: str) -> str:
    """The rows query counted: its last `RETURN … ORDER BY …` becomes `WITH … RETURN count(*)`."""
    code = _blank_same_length(query)
    start = list(re.finditer(_keyword("RETURN"), code, re.IGNORECASE))[-1]
    order = re.search(_keyword(r"ORDER\s+BY"), code[start.end():], re.IGNORECASE)
    end = start.end() + order.start() if order else len(query)
    return f"{query[: start.start()]}WITH{query[start.end(): end].rstrip()}\nRETURN count(*) AS total"


def run_audit(
    store: Store,
    audit: Audit,
    params: Mapping[str, Any] | None = None,
    today: dt.date | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> AuditResult:
    """Run the rows query (and the count query, if any) with the declared parameters.

    Paging: `limit` rows from `offset` (in the audit's order), with `total` = every row. A rows
    query that pages itself gets `$page_offset`/`$page_limit` and its `total` section counts; a
    rows query with one RETURN and a total ORDER BY is paged by the engine (`SKIP`/`LIMIT`) and
    counted by its `total` section or, without one, by the same query ending in `count(*)`. Either
    way a page of a large result never travels whole. Otherwise every row is fetched and sliced here.
    """
    if (limit is not None and limit < 0) or offset < 0:
        raise AuditParamError("limit and offset must not be negative")
    resolved = resolve_params(audit, params, today)
    engine = _engine(store)
    rows_query = audit.query("rows", engine) or audit.rows_query
    order = audit.order or query_order(rows_query)
    args = query_params(rows_query, resolved)
    total_query = audit.query("total", engine)
    count_query = audit.query("count", engine)
    count: tuple[Any, Any] | None = None
    if audit.total_is_x and limit is not None and count_query:  # the page's total is the count's x
        count = _run_count(store, count_query, resolved, None)
    if limit is not None and pages_itself(rows_query):  # never with count_sums: the parser refuses it
        page = {PAGE_OFFSET: offset, PAGE_LIMIT: limit}
        rows = sort_rows(store.run(rows_query, {**args, **page}), order)
        known = _page_total(rows, offset, limit, count)
        total = known if known is not None else _run_total(store, total_query or "", resolved)
    elif limit is not None and not audit.count_sums and _pageable(audit, rows_query):
        page_query = f"{rows_query}\nSKIP ${PAGE_OFFSET} LIMIT ${PAGE_LIMIT}"
        rows = sort_rows(store.run(page_query, {**args, PAGE_OFFSET: offset, PAGE_LIMIT: limit}), order)
        known = _page_total(rows, offset, limit, count)
        if known is not None:
            total = known
        elif total_query:
            total = _run_total(store, total_query, resolved)
        else:
            found = store.run(_total_query(rows_query), args)
            total = int(found[0]["total"]) if found else 0
    else:
        every = unpaged(rows_query)
        rows = sort_rows(store.run(every, query_params(every, resolved)), order)
        total = len(rows)
        if audit.count_sums:  # x and y over every row, before the page is cut
            x_column, y_column = audit.count_sums
            count = (sum(r.get(x_column) or 0 for r in rows), sum(r.get(y_column) or 0 for r in rows))
        if limit is not None or offset:
            rows = rows[offset : None if limit is None else offset + limit]
    if count_query and count is None:
        count = _run_count(store, count_query, resolved, total)
    columns = list(rows[0].keys()) if rows else audit.columns
    return AuditResult(
        rows=rows, count=count, columns=columns, params=display_params(resolved), total=total, offset=offset,
        limit=limit,
    )


def _run_count(store: Store, count_query: str, resolved: Mapping[str, Any], total: int | None) -> tuple[Any, Any]:
    """x and y summed over every row of every statement; x is the rows' total where none returns x."""
    found = [row for statement in count_statements(count_query)
             for row in store.run(statement, query_params(statement, resolved))]
    y = sum(r.get("y") or 0 for r in found)
    return (sum(r.get("x") or 0 for r in found) if count_returns_x(count_query) else total, y)


def _page_total(rows: list[dict[str, Any]], offset: int, limit: int | None,
                counted: tuple[Any, Any] | None = None) -> int | None:
    """The number of all rows when the page itself shows it (a short page that is not past the end), else
    the count's x when it was run for an audit whose total is x."""
    if (limit is None or len(rows) < limit) and (rows or not offset):
        return offset + len(rows)
    return int(counted[0]) if counted is not None else None


def _run_total(store: Store, query: str, resolved: Mapping[str, Any]) -> int:
    found = store.run(query, query_params(query, resolved))
    return sum(int(r["total"] or 0) for r in found)


def audit_subgraph(
    store: Store, audit: Audit, params: Mapping[str, Any] | None = None, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Edges (src, src_label, rel, dst, dst_label, …) around the audit's rows, de-duplicated and sorted."""
    resolved = resolve_params(audit, params, today)
    query = audit.query("subgraph", _engine(store))
    if not query:
        return []
    edges = store.run(query, query_params(query, resolved))
    unique = {json.dumps(e, ensure_ascii=False, sort_keys=True, default=str): e for e in edges}
    order = tuple(OrderTerm(c) for c in SUBGRAPH_COLUMNS)
    return sort_rows(list(unique.values()), order)
