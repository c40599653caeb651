"""The read-only check every user-typed or saved query passes before it reaches an engine.

Why a tokenizer and not a regular expression over the text: a regex that skips literals and
comments by backtracking is quadratic in the query's length (a 60 KB query took 10 s), and it
had to guess where each engine ends a `//` comment (Neo4j ends it at CR, NEL and U+2028 too).
Here one left-to-right pass splits the query into literals, comments, names and punctuation, so the
check is linear, and a comment ends at *any* line break some engine might honour: ending it too
early only checks more text, never less.

The rule is an allow-list: a query is a sequence of read clauses (MATCH, OPTIONAL MATCH, WHERE,
WITH, UNWIND, RETURN, ORDER BY, SKIP, LIMIT, UNION, …) and expressions. Every word that is a
clause or command keyword of Cypher, GQL or LadybugDB and not a read clause refuses the query —
compared after Unicode normalisation (NFKC, case folding, format characters removed), so
full-width or zero-width-split spellings count too. Words used as names (`n.set`, `$set`,
`` `set` ``) are not keywords. `CALL` is allowed only for a few catalogue procedures, never a
`CALL { … }` subquery; `;` (several statements) is refused. The engine is opened read-only as the
second wall (LadybugDB read-only database, Neo4j read transactions).
"""

from __future__ import annotations

import re
import unicodedata

# Keywords that start or form a write, an admin command, a file/network access or a transaction.
REFUSED_KEYWORDS = frozenset(
    {
        # Cypher / GQL writes
        "CREATE", "MERGE", "DELETE", "DETACH", "NODETACH", "SET", "REMOVE", "FOREACH", "INSERT", "DROP",
        # files and the network, engine extensions
        "LOAD", "COPY", "EXPORT", "IMPORT", "INSTALL", "UNINSTALL", "ATTACH", "PERIODIC",
        # schema, administration, transactions
        "ALTER", "RENAME", "ENABLE", "DISABLE", "GRANT", "DENY", "REVOKE", "START", "STOP", "SUSPEND",
        "TERMINATE", "DEALLOCATE", "REALLOCATE", "DRYRUN", "SHOW", "USE", "CHECKPOINT", "BEGIN", "COMMIT",
        "ROLLBACK", "TRANSACTION", "TRANSACTIONS", "COMMENT", "MACRO", "PROJECT",
    }
)
# Procedures a read may call (catalogue lookups on Neo4j); `CALL` anything else is refused.
READ_ONLY_PROCEDURES = frozenset({"db.labels", "db.relationshiptypes", "db.propertykeys", "dbms.components"})
# A user-typed query longer than this is refused before parsing: no visitor can stall the others.
MAX_USER_QUERY_CHARS = 20_000

# Every character some engine (or Python) treats as a line break ends a `//` comment.
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_PUNCTUATION = "()[]{}<>=!+-*/%^,.:;|&~?@'\"`$\\#"
_TOKEN = re.compile(
    r"(?P<space>\s+)"
    rf"|(?P<line_comment>//[^{_LINE_BREAKS}]*)"
    r"|(?P<block_comment>/\*.*?\*/)"
    r"|(?P<string>'[^'\\]*(?:\\.[^'\\]*)*'|\"[^\"\\]*(?:\\.[^\"\\]*)*\")"
    r"|(?P<quoted>`[^`]*(?:``[^`]*)*`)"
    rf"|(?P<word>[^\s{re.escape(_PUNCTUATION)}]+)"
    r"|(?P<punct>.)",
    re.DOTALL,
)
_ASCII_PARTS = re.compile(r"[A-Z0-9_]+")


class ReadOnlyViolation(ValueError):
    """A query sent through a read-only path contains a write, admin or file-reaching form."""


def _refuse(what: str) -> ReadOnlyViolation:
    return ReadOnlyViolation(f"写操作被拒绝 / write clause refused: {what}")


def _normal(word: str) -> str:
    """The keyword a word spells after Unicode normalisation, without invisible format characters."""
    if word.isascii():
        return word.upper()
    folded = unicodedata.normalize("NFKC", word).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf").upper()


def _tokens(query: str) -> list[tuple[str, str]]:
    """(kind, text) for the code of the query: whitespace and comments dropped; linear in its length."""
    out: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(query):  # contiguous: `punct` matches any character
        kind = match.lastgroup or "punct"
        if kind == "space" or kind == "line_comment" or kind == "block_comment":
            continue
        text = match.group()
        if kind == "punct":
            if text in "'\"`":
                raise _refuse(f"unterminated quote {text} at {match.start()}")
            if text == "/" and query.startswith("/*", match.start()):
                raise _refuse(f"unterminated comment at {match.start()}")
        out.append((kind, text))
    return out


def _is_keyword(word: str) -> str | None:
    """The refused keyword this word is or contains (split at non-ASCII characters), if any."""
    if word.isascii():
        upper = word.upper()
        return upper if upper in REFUSED_KEYWORDS else None
    folded = unicodedata.normalize("NFKC", word).casefold().upper()
    visible = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    for candidate in (visible, *_ASCII_PARTS.findall(folded), *_ASCII_PARTS.findall(visible)):
        if candidate in REFUSED_KEYWORDS:
            return str(candidate)
    return None


def assert_read_only(query: str) -> None:
    """Refuse any query that is not a single read; string literals, comments and names don't count."""
    tokens = _tokens(query)
    last_code = max((i for i, token in enumerate(tokens) if token != ("punct", ";")), default=-1)
    for index, (kind, text) in enumerate(tokens):
        if kind != "word" and kind != "punct":
            continue
        if kind == "punct":
            if text == ";" and index < last_code:
                raise _refuse("; (several statements)")
            continue
        if _is_name_position(tokens, index):
            continue  # a property key or a parameter name
        keyword = _is_keyword(text)
        if keyword:
            raise _refuse(keyword)
        if text.isascii() and len(text) != 4:
            continue
        if _normal(text) == "CALL":
            _check_call(tokens, index)


def _is_name_position(tokens: list[tuple[str, str]], index: int) -> bool:
    """`$name`, or `.name` after a variable, a quoted name or a closing bracket (not after a number)."""
    if index == 0 or tokens[index - 1][0] != "punct":
        return False
    if tokens[index - 1][1] == "$":
        return True
    if tokens[index - 1][1] != "." or index < 2:
        return False
    kind, text = tokens[index - 2]
    return kind == "quoted" or (kind == "word" and not text[0].isdigit()) or (kind == "punct" and text in ")]}")


def _check_call(tokens: list[tuple[str, str]], index: int) -> None:
    """`CALL name.space(…)` of an allow-listed catalogue procedure; anything else is refused."""
    parts: list[str] = []
    position = index + 1
    while position < len(tokens):
        kind, text = tokens[position]
        if kind == "word" or kind == "quoted":
            parts.append(_normal(text.strip("`")).casefold())
        elif not (kind == "punct" and text == "."):
            break
        position += 1
    name = ".".join(parts)
    follows = tokens[position][1] if position < len(tokens) else ""
    if name not in READ_ONLY_PROCEDURES or follows != "(":
        raise _refuse(f"CALL {name or follows}".strip())


def check_user_query(query: str) -> None:
    """What a person typed (the `query` command, the dashboard console): size cap, then the read-only check."""
    if len(query) > MAX_USER_QUERY_CHARS:
        raise ReadOnlyViolation(
            f"查询过长 / query too long: {len(query):,} characters (limit {MAX_USER_QUERY_CHARS:,})"
        )
    assert_read_only(query)
