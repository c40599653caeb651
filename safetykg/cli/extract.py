"""`safetykg extract`, `safetykg review`, `safetykg extract-eval`: drafting records from texts, reviewing them, scoring."""
# ruff: noqa: E501  (regular expressions and Chinese test prose read better unwrapped)

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
import yaml

from .common import EXIT_INPUT, err, settings


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200)


def register(app: typer.Typer) -> None:
    @app.command()
    def extract(
        ctx: typer.Context,
        document: Path = typer.Argument(..., help="a text file (UTF-8 or GBK/GB18030): notice, report, news item, judgment"),
        source_id: str = typer.Option(None, "--source-id", help="id of the Source the drafts cite (default: from the text's hash)"),
        title: str = typer.Option(None, "--title", help="the document's title as published (or a 标题: header line)"),
        url: str = typer.Option(None, "--url", help="网址 (or a 网址: header line)"),
        doc_no: str = typer.Option(None, "--doc-no", help="文号 (or a 文号: header line)"),
        date: str = typer.Option(None, "--date", help="the document's date, YYYY-MM-DD (or a 日期: header line); resolves bare “8·29”"),
        gazetteer: Path = typer.Option(None, "--gazetteer", help="regions.csv (default: $SAFETYKG_GAZETTEER, ./data/regions, the checkout's)"),
        resolve: bool = typer.Option(True, "--resolve/--no-resolve", help="propose matches with nodes already in the graph"),
        out: Path = typer.Option(None, "--out", "-o", help="draft YAML (default: stdout)"),
    ) -> None:
        """抽取草稿 / Draft accountability-chain records from a text; every field keeps its span, all pending review."""
        from ..loaders.extract.draft import extract as run_extract
        from ..loaders.extract.places import GazetteerMissing, load_gazetteer
        from ..loaders.extract.text import DocumentError, read_document

        try:
            gaz = load_gazetteer(gazetteer)
            doc = read_document(document)
        except (GazetteerMissing, DocumentError, OSError) as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(EXIT_INPUT) from exc
        meta = {"title": title, "url": url, "doc_no": doc_no, "published_date": date}
        draft = run_extract(doc, gaz, {k: v for k, v in meta.items() if v}, source_id).as_dict()
        proposals = _propose(ctx, draft, gaz) if resolve else 0
        text = _dump(draft)
        if out:
            out.write_text(text, encoding="utf-8")
        else:
            print(text, end="")
        source = draft["sources"][0]
        if source.get("_needs_completion"):
            err.print(f"[yellow]来源待补全 / the Source needs: {', '.join(source['_needs_completion'])} "
                      "(options --title/--url/--doc-no or a header); `load` refuses it until then[/yellow]")
        err.print(f"{len(draft['nodes'])} 条草稿记录 / draft records, {len(draft['relationships'])} links, "
                  f"{proposals} 个匹配建议 / match proposals{f' -> {out}' if out else ''}; review before `safetykg load`")

    @app.command()
    def review(
        draft_path: Path = typer.Argument(..., help="a draft written by `safetykg extract`"),
        accept_above: float = typer.Option(None, "--accept-above", help="accept pending fields and matches with confidence ≥ this"),
        accept: list[str] = typer.Option([], "--accept", help="RECORD/FIELD to accept (repeatable), e.g. ACC-2020-0829-141023/deaths"),
        reject: list[str] = typer.Option([], "--reject", help="RECORD/FIELD to reject (repeatable); RECORD/_match rejects a match"),
        correct: list[str] = typer.Option([], "--correct", help="RECORD/FIELD=VALUE (JSON values keep their type)"),
        reject_rest: bool = typer.Option(False, "--reject-rest", help="reject whatever is still pending"),
        source_title: str = typer.Option(None, "--title", help="complete the Source's title"),
        source_url: str = typer.Option(None, "--url", help="complete the Source's url"),
        source_doc_no: str = typer.Option(None, "--doc-no", help="complete the Source's 文号"),
        out: Path = typer.Option(None, "--out", "-o", help="reviewed YAML (default: overwrite the draft)"),
    ) -> None:
        """审核草稿 / Accept, correct or reject extracted fields and match proposals; write loadable records."""
        from ..loaders.extract.review import ReviewError, apply_decisions, decide, reject_pending, still_pending
        from ..loaders.extract.review import accept_above as do_accept_above

        try:
            draft = yaml.safe_load(draft_path.read_text(encoding="utf-8"))
            for path in accept:
                decide(draft, path, "accept")
            for path in reject:
                decide(draft, path, "reject")
            for item in correct:
                path, _, raw = item.partition("=")
                try:
                    value: Any = json.loads(raw)
                except json.JSONDecodeError:
                    value = raw
                decide(draft, path, "correct", value)
        except (ReviewError, OSError, yaml.YAMLError) as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(EXIT_INPUT) from exc
        accepted = do_accept_above(draft, accept_above) if accept_above is not None else 0
        rejected = reject_pending(draft) if reject_rest else 0
        _complete_source(draft, source_title, source_url, source_doc_no)
        reviewed = apply_decisions(draft)
        target = out or draft_path
        target.write_text(_dump(reviewed), encoding="utf-8")
        left = still_pending(reviewed)
        err.print(f"{accepted} accepted, {rejected} rejected; {len(left)} still pending -> {target}")
        for item in left[:20]:
            err.print(f"  待审核 / pending: {item}")

    @app.command("extract-eval")
    def extract_eval(
        gold_dir: Path = typer.Argument(..., help="directory of labelled documents (*.txt + *.gold.yaml)"),
        seed: Path = typer.Option(None, "--seed", help="also score this text (e.g. ../shared/seed/000_….txt) against GOLD_DIR/seed/<name>.gold.yaml"),
        gazetteer: Path = typer.Option(None, "--gazetteer"),
        as_json: bool = typer.Option(False, "--json", help="print the scores as JSON"),
    ) -> None:
        """抽取评测 / Precision and recall per record type and per field against labelled documents."""
        from ..loaders.extract.evaluate import evaluate_dir, render
        from ..loaders.extract.places import GazetteerMissing, load_gazetteer

        try:
            gaz = load_gazetteer(gazetteer)
        except GazetteerMissing as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(EXIT_INPUT) from exc
        extra = []
        if seed is not None:
            seed_gold = gold_dir / "seed" / (seed.stem + ".gold.yaml")
            if not seed.is_file() or not seed_gold.is_file():
                err.print(f"[yellow]跳过种子通报 / seed skipped: {seed if not seed.is_file() else seed_gold} not found[/yellow]")
            else:
                extra.append((seed, seed_gold))
        report = evaluate_dir(gold_dir, gaz, extra)
        print(json.dumps(report, ensure_ascii=False, indent=2) if as_json else render(report))


def _propose(ctx: typer.Context, draft: dict[str, Any], gaz: Any) -> int:
    """Match proposals against the configured graph, opened read-only; no graph yet means no proposals."""
    from ..graph.store import open_store
    from ..loaders.extract.resolve import propose

    config = settings(ctx).config(read_only=True)
    try:
        store = open_store(config)
    except Exception as exc:  # no graph yet, or engine unreachable: drafting still works
        err.print(f"[yellow]未与图谱比对 / not matched against the graph ({exc})[/yellow]")
        return 0
    with store:
        return propose(draft, store, gaz)


def _complete_source(draft: dict[str, Any], title: str | None, url: str | None, doc_no: str | None) -> None:
    for source in draft.get("sources") or []:
        for name, value in (("title", title), ("url", url), ("doc_no", doc_no)):
            if value:
                source[name] = value
                source.setdefault("_fields", {})[name] = {"value": value, "confidence": 1.0, "status": "accepted",
                                                          "basis": "审核时补全 / completed at review"}
        needs = [n for n in source.get("_needs_completion") or []
                 if not (n == "title" and source.get("title")) and not (n == "url|doc_no" and (source.get("url") or source.get("doc_no")))]
        if needs:
            source["_needs_completion"] = needs
        else:
            source.pop("_needs_completion", None)
