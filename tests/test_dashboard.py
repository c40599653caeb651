"""The Streamlit dashboard under AppTest: every page on a small loaded embedded graph,
the English switch, refusals, the missing-graph message, and reopening on change."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest  # noqa: E402

from safetykg.dashboard import chain as chains  # noqa: E402
from safetykg.dashboard.data import StoreHolder  # noqa: E402
from safetykg.graph.store import StoreConfig, open_store  # noqa: E402
from safetykg.queries.runner import get_audit  # noqa: E402

from .browser.smallgraph import ACCIDENT, ROAD_1, ROAD_2, TRICKY, load_small  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "safetykg" / "dashboard" / "app.py"
TIMEOUT = 90




@pytest.fixture(scope="module")
def small_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("dash") / "graph"
    load_small(data_dir)
    return data_dir


@pytest.fixture
def app(small_graph: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    monkeypatch.setenv("SAFETYKG_DATA_DIR", str(small_graph))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    yield at


def page(at: AppTest, script: str) -> AppTest:
    at.switch_page(script).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [h.value for h in at.header]
    parts += [s.value for s in at.subheader] + [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [i.value for i in at.info] + [x.label for x in at.expander]
    return "\n".join(str(p) for p in parts)


def iframes(at: AppTest) -> list[str]:
    return [str(getattr(node, "proto", node)) for node in at.get("iframe")]


def test_overview_counts_charts_open_items_and_review(app: AppTest):
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["事故"] == "3"
    assert metrics["死亡"] == str(29 + 7 + 5)
    assert metrics["发现问题（图中）"] == "1"
    assert metrics["发现问题"] == "293"  # the Review's own figure
    assert [t.label for t in app.tabs] == ["按年份", "按省份", "按类别"]
    assert "“回头看”" in texts(app)
    title = get_audit("repeat-incidents").title_zh
    assert any(title in df.value.to_string() for df in app.dataframe)
    assert not any("None" in df.value.to_string() or "high" in df.value.to_string() for df in app.dataframe)
    # the open items come before the map and the charts, whose Vega load held a browser's first paint back
    order = [(node.type, str(getattr(node, "value", ""))) for node in app.main]
    open_items = order.index(("subheader", "审计发现的未闭环事项"))
    charts = [i for i, (kind, _) in enumerate(order) if kind in ("vega_lite_chart", "iframe")]
    assert len(charts) == 7 and open_items < min(charts)


def test_english_switch(app: AppTest):
    assert app.title[0].value == "生产安全事故问责知识图谱"
    app.toggle[0].set_value(True).run()
    assert not app.exception
    assert app.title[0].value == "Production-safety accountability graph"
    assert {m.label for m in app.metric} >= {"Accidents", "Deaths"}
    page(app, "page_accident.py")
    assert app.title[0].value == "Accidents"


@pytest.mark.parametrize(
    "script", ["page_overview.py", "page_entity.py", "page_accident.py", "page_audits.py", "page_network.py",
               "page_console.py", "page_exports.py"],
)
def test_every_page_in_english(app: AppTest, script: str):
    app.toggle[0].set_value(True).run()
    page(app, script)
    assert not app.error
    chinese = [t.value for t in app.title if any("\u4e00" <= ch <= "\u9fff" for ch in t.value)]
    assert chinese == []
    nav_titles = {"page_overview.py": "Overview", "page_entity.py": "Search", "page_accident.py": "Accidents", "page_audits.py": "Audits",
                  "page_network.py": "Network", "page_console.py": "Query console", "page_exports.py": "Exports"}
    if script != "page_overview.py":
        assert app.title[0].value == nav_titles[script]


def test_accident_page_chain_timeline_sources(app: AppTest):
    page(app, "page_accident.py")
    app.text_input(key="acc_q__zh").input("泉州").run()
    assert app.selectbox(key="id__zh").options == ["2020-03-07 · 福建省泉州市欣佳酒店“3·7”坍塌事故（测试）"]
    body = texts(app)
    for section in ("企业 (1)", "人员 (1)", "部门 (", "事故调查 (1)", "行政处罚 (2)", "党纪政务处分 (1)",
                    "刑事案件 (1)", "整改措施 (1)", "审批许可 (1)", "发现问题 (1)", "评估检查 (1)"):
        assert section in body, section
    # every fact's source as a link; its title Markdown-escaped (a name can never become markup)
    assert "[测试调查报告（2020\\-07\\-14）](https://example.org/report)" in body
    assert "测试通报（测试〔2020〕1号）" in body  # a source without URL is named with its 文号
    assert "<b>" not in body  # markup in the data is shown as text
    timeline = [df.value for df in app.dataframe if "日期" in df.value.columns][0]
    assert list(timeline["日期"]) == sorted(timeline["日期"])
    assert {"2020-03-07", "2020-09-03", "2021-10-17"} <= set(timeline["日期"])
    assert len(app.get("iframe")) == 1


def test_accident_search_by_province_and_date(app: AppTest):
    page(app, "page_accident.py")
    app.selectbox(key="province__zh").set_value("22").run()
    assert app.query_params.get("province") in ("22", ["22"])
    assert len(app.selectbox(key="id__zh").options) == 2
    import datetime as dt

    app.date_input(key="acc_from__zh").set_value(dt.date(2020, 6, 1)).run()
    options = app.selectbox(key="id__zh").options
    assert options == ["2020-10-04 · 松原“10·4”重大道路交通事故（测试）"]
    app.text_input(key="acc_q__zh").input("不存在的事故").run()
    assert "没有符合条件的事故" in texts(app)


def test_language_switch_keeps_filters_and_search(app: AppTest):
    """Bug: switching language on 事故 left the province box in the old language and every search failed."""
    page(app, "page_accident.py")
    app.selectbox(key="province__zh").set_value("22").run()
    app.text_input(key="acc_q__zh").input("松原").run()
    app.toggle[0].set_value(True).run()
    assert not app.exception
    assert app.selectbox(key="province__en").value == "22"
    assert app.text_input(key="acc_q__en").value == "松原"
    assert len(app.selectbox(key="id__en").options) == 2
    app.text_input(key="acc_q__en").input("10·4").run()
    assert app.selectbox(key="id__en").options == ["2020-10-04 · 松原“10·4”重大道路交通事故（测试）"]
    app.toggle[0].set_value(False).run()
    assert app.selectbox(key="province__zh").value == "22"
    assert app.text_input(key="acc_q__zh").value == "10·4"


def test_audits_page_runs_draws_and_offers_downloads(app: AppTest):
    page(app, "page_audits.py")
    app.selectbox(key="audit__zh").set_value("repeat-incidents").run()
    assert [w.label for w in app.number_input] == ["时间窗(天)"]
    assert [w.label for w in app.date_input] == ["基准日"]
    app.button[0].click().run()
    assert not app.exception
    assert "结果：1 行" in texts(app)
    table = app.dataframe[0].value
    assert {ROAD_1, ROAD_2} <= set(table.astype(str).to_numpy().ravel())
    assert "前次事故编号" in table.columns and "earlier_id" not in table.columns
    assert "None" not in table.astype(str).to_numpy().ravel()
    assert {b.label for b in app.get("download_button")} >= {"CSV", "Excel", "JSON", "Markdown"}
    assert len(app.get("iframe")) == 1
    # a parameter that leaves nothing: a window of one day
    app.number_input[0].set_value(1)  # a form: the value travels with the submit
    app.button[0].click().run()
    assert "结果：0 行" in texts(app)


def test_pages_read_what_the_server_prepared(small_graph: Path, monkeypatch: pytest.MonkeyPatch):
    """The server's warm-up (prepared.py) and the pages must ask for the same cache entries: after it, the
    overview and an audit's default first page, its picture included, read nothing from the store."""
    from safetykg.dashboard import prepared

    monkeypatch.setenv("SAFETYKG_DATA_DIR", str(small_graph))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    prepared.prepare()
    reads: list[str] = []
    for name in ("run", "call"):
        real = getattr(StoreHolder, name)

        def counted(self: StoreHolder, *args: object, _real: object = real, _name: str = name) -> object:
            reads.append(f"{_name} {str(args[0])[:90]}")
            return _real(self, *args)  # type: ignore[operator]

        monkeypatch.setattr(StoreHolder, name, counted)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    assert "审计发现的未闭环事项" in [s.value for s in at.subheader]
    assert at.dataframe[-1].value.shape[0] == len(prepared.audits.list_audits())
    page(at, "page_audits.py")
    at.selectbox(key="audit__zh").set_value("repeat-incidents").run()
    at.button[0].click().run()
    assert "结果：1 行" in texts(at) and len(at.get("iframe")) == 1
    assert not reads, reads
    at.number_input[0].set_value(1)  # another window: its own entry, not the prepared one
    at.button[0].click().run()
    assert "结果：0 行" in texts(at)


def test_audits_page_refuses_a_bad_parameter_in_its_own_words(app: AppTest):
    page(app, "page_audits.py")
    app.selectbox(key="audit__zh").set_value("regulatory-blind-spots").run()
    assert [w.label for w in app.text_area] == ["盲区用语 — 每行一个值"]
    app.button[0].click().run()
    assert not app.exception and not app.error


def test_network_page_ego_legend_and_limit(app: AppTest):
    page(app, "page_network.py")
    app.text_input(key="net_filter__zh").input("泉州").run()
    assert app.selectbox(key="node__zh").value == f"Accident:{ACCIDENT}"
    assert len(app.get("iframe")) == 1
    assert any("事故" in str(h.proto) for h in app.get("html"))  # the legend
    app.number_input(key="net_limit__zh").set_value(10).run()
    assert any("超过上限 10" in w.value for w in app.warning)
    app.radio(key="net_colour__zh").set_value("status").run()
    assert not app.exception
    assert any("进行中" in str(h.proto) for h in app.get("html"))


def test_search_opens_an_entity_page_with_its_links_and_own_sources(app: AppTest):
    page(app, "page_entity.py")
    app.text_input(key="q__zh").input("新星").run()
    body = texts(app)
    assert "企业 · 泉州市新星机电工贸有限公司（测试）" in body or "泉州市新星" in body
    app.query_params["id"] = "Enterprise:ENT-T-XINXING"
    app.run()
    body = texts(app)
    assert any(h.value.startswith("企业 · ") for h in app.header)
    assert "负有责任 → 事故 (1)" in body
    assert "entity?id=Accident:" in body and "network?node=Enterprise:ENT-T-XINXING" in body
    assert "None" not in body


def test_network_language_switch_keeps_the_label_filter(app: AppTest):
    """Bug: switching language on 网络 emptied the label filter and the picture pulled in every source."""
    page(app, "page_network.py")
    before = app.multiselect(key="net_labels__zh").value
    assert before and "Source" not in before
    app.toggle[0].set_value(True).run()
    assert app.multiselect(key="net_labels__en").value == before


def test_console_reads_and_refuses_writes(app: AppTest):
    page(app, "page_console.py")
    app.button[0].click().run()
    assert app.dataframe and len(app.dataframe[0].value) == 1  # the example: deaths >= 10

    def submit(query: str, params: str) -> None:  # a form: the values travel with the submit
        app.text_area(key="console_query").input(query)
        app.text_area(key="console_params").input(params)
        app.button[0].click().run()
        assert not app.exception

    submit("MATCH (a:Accident) WHERE a.deaths >= $d RETURN a.id AS id", '{"d": 20}')
    assert list(app.dataframe[0].value["编号"]) == [ACCIDENT]  # headers are the declared reader names
    submit("MATCH (a:Accident) DETACH DELETE a", "{}")
    assert any("写操作被拒绝" in e.value for e in app.error)
    submit("MATCH (a:Accident) RETURN a.id AS id", "[1, 2]")
    assert any("参数必须是 JSON 对象" in e.value for e in app.error)
    submit("MATCH (a:Accident RETURN a", "{}")
    assert any("查询失败" in e.value for e in app.error)
    with open_store(StoreConfig(data_dir=Path(os.environ["SAFETYKG_DATA_DIR"]), read_only=True)) as store:
        assert store.run("MATCH (a:Accident) RETURN count(a) AS c") == [{"c": 3}]


@pytest.mark.parametrize("fmt", ["graphml", "html", "csv"])
def test_exports_page(app: AppTest, fmt: str):
    page(app, "page_exports.py")
    app.selectbox(key="exp_format").set_value(fmt).run()
    app.radio(key="exp_scope").set_value("around").run()
    app.text_input(key="exp_q__zh").input("泉州市欣佳酒店").run()
    app.selectbox(key="exp_node__zh").set_value(f"Accident:{ACCIDENT}").run()
    app.button(key="exp_go").click().run()
    assert not app.exception
    assert not app.error
    buttons = app.get("download_button")
    assert buttons and any(f"around-Accident-{ACCIDENT}" in str(b.proto) for b in buttons)


def test_missing_graph_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SAFETYKG_DATA_DIR", str(tmp_path / "nothing"))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert any("safetykg load data/" in e.value for e in at.error)


def test_store_reopens_when_the_file_changes(tmp_path: Path):
    data_dir = tmp_path / "graph"
    load_small(data_dir)
    holder = StoreHolder(StoreConfig(data_dir=data_dir, read_only=True))
    before = holder.version()
    assert holder.run("MATCH (a:Accident) RETURN count(a) AS c") == [{"c": 3}]
    extra = tmp_path / "extra.json"
    extra.write_text(
        '{"nodes": [{"label": "Accident", "id": "ACC-T-EXTRA", "name": "新增事故", "sources": ["SRC-T-REPORT"]}]}',
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "safetykg", "--data-dir", str(data_dir), "load", str(extra)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert holder.version() != before
    assert holder.run("MATCH (a:Accident) RETURN count(a) AS c") == [{"c": 4}]


def test_chain_follows_responsibility_not_every_member(small_graph: Path):
    with open_store(StoreConfig(data_dir=small_graph, read_only=True)) as store:
        found = chains.accountability_chain(store.run, ACCIDENT)
    labels = {item.label for item in found.items.values()}
    assert {"Enterprise", "Person", "Department", "Investigation", "Penalty", "Discipline", "CriminalCase",
            "Measure", "Approval", "Review", "Finding"} <= labels
    assert f"Accident:{ROAD_1}" not in found.items
    assert set(found.sources) == {"SRC-T-REPORT", "SRC-T-NOTICE"}
    events = chains.timeline(found)
    assert [e.date for e in events] == sorted(e.date for e in events)
    assert ("2020-09-03", "decided_date") in {(e.date, e.what) for e in events}
    assert found.accident.props["note"] == TRICKY
    enterprise = found.items["Enterprise:ENT-T-XINXING"]
    pairs = [(link.rel, link.other) for link in enterprise.links]
    assert len(pairs) == len(set(pairs)) == 6  # responsible, 2 penalties, employee, measure, approval
    assert len(found.edges) == len({(a, r, b) for a, r, b, _ in found.edges})


def test_unjudged_and_facets_count_in_the_engine_what_the_whole_graph_gave(tmp_path: Path):
    """The overview's and the audits page's counts now run as queries (a national graph is never pulled
    whole): they must give what the in-memory walk gave, and the accident groups what every accident gave."""
    from safetykg.dashboard import audits
    from safetykg.dashboard.filterbar import FACETS
    from safetykg.dashboard.state import Filters
    from safetykg.graph.nxgraph import to_networkx

    data_dir = tmp_path / "graph"
    load_small(data_dir)
    extra = tmp_path / "extra.json"
    extra.write_text(
        '{"nodes": ['
        '{"label": "Accident", "id": "ACC-T-NODATE", "name": "无日期事故", "sources": ["SRC-T-REPORT"]},'
        '{"label": "Penalty", "id": "PEN-T-BARE", "name": "无日期无状态的处罚", "sources": ["SRC-T-REPORT"]},'
        '{"label": "Penalty", "id": "PEN-T-STATUS", "name": "只有状态的处罚", "status": "executed", "sources": ["SRC-T-REPORT"]}'
        ']}', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "safetykg", "--data-dir", str(data_dir), "load", str(extra)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with open_store(StoreConfig(data_dir=data_dir, read_only=True)) as store:
        graph = to_networkx(store)
        for label in sorted(set(audits.JUDGED_BY_COLUMN.values())):
            dated = [p for p in store.schema.labels[label].properties if p == "date" or p.endswith("_date")]
            walked = 0
            for _, attrs in graph.nodes(data=True):
                if attrs.get("label") != label:
                    continue
                if label == "Accident":
                    walked += not attrs.get("date")
                else:
                    walked += not (any(attrs.get(p) for p in dated)
                                   or any(attrs.get(p) for p in ("status", "stage", "checked_status")))
            assert audits.unjudged(store, label) == walked, label
        assert audits.unjudged(store, "Penalty") >= 1 and audits.unjudged(store, "Accident") >= 1
        every = store.run("MATCH (a:Accident) RETURN a.adcode AS adcode, a.date AS date, a.kind AS kind, "
                          "a.severity AS severity, a.deaths AS deaths")
        groups = store.run(FACETS)
    assert sum(g["n"] for g in groups) == len(every) == 4  # three accidents and the dateless one
    assert sum(g["deaths"] for g in groups) == sum(int(a["deaths"] or 0) for a in every)
    some = next(a for a in every if a["adcode"] and a["date"])
    for chosen in (Filters(), Filters(province=some["adcode"][:2]), Filters(prefecture=some["adcode"][:4]),
                   Filters(year_from=int(some["date"][:4]), year_to=int(some["date"][:4])),
                   Filters(kind=some["kind"] or ""), Filters(severity=some["severity"] or "")):
        assert sum(g["n"] for g in groups if chosen.accepts(g)) == sum(1 for a in every if chosen.accepts(a)), chosen
