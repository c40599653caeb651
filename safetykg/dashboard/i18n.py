"""Every UI string of the dashboard, Chinese first, English on request.

One dict, one lookup function: pages never hard-code user-facing text. Names of labels,
relationship types and properties come from safetykg/graph/schema.yaml (its zh/en fields).
"""

from __future__ import annotations

from typing import Any

from ..graph.schema import Schema, load_schema

LANGS = ("zh", "en")
LANG_KEY = "lang_en"  # session-state key of the sidebar toggle

STRINGS: dict[str, tuple[str, str]] = {
    # app frame
    "app_title": ("生产安全事故问责知识图谱", "Production-safety accountability graph"),
    "lang_toggle": ("English", "English"),
    "store": ("数据库", "Graph store"),
    "no_graph": (
        "没有找到图数据库：请先运行 `safetykg load data/`。",
        "No graph found: run `safetykg load data/` first.",
    ),
    "store_error": ("无法打开图数据库", "Cannot open the graph"),
    "runner_missing": (
        "审计模块（safetykg.queries.runner）尚不可用，审计功能暂不可用。",
        "The audit runner (safetykg.queries.runner) is not available yet; audits are disabled.",
    ),
    "loading": ("正在加载…", "Loading…"),
    "no_rows": ("无结果", "No rows"),
    "rows_n": ("{n} 行", "{n} rows"),
    # page titles
    "page_overview": ("概览", "Overview"),
    "page_accident": ("事故", "Accidents"),
    "page_entity": ("查找", "Search"),
    "page_audits": ("审计", "Audits"),
    "page_network": ("网络", "Network"),
    "page_console": ("查询", "Query console"),
    "page_exports": ("导出", "Exports"),
    "page_review": ("抽取审核", "Extraction review"),
    # overview
    "overview_caption": (
        "事故、责任主体和问责事项在图中的数量与分布；未闭环事项来自已保存的审计查询。",
        "What the graph holds and where; open items come from the saved audit queries.",
    ),
    "nodes": ("节点", "Nodes"),
    "relationships": ("关系", "Relationships"),
    "accidents": ("事故", "Accidents"),
    "deaths": ("死亡", "Deaths"),
    "accidents_unit": ("起", "accidents"),
    "map_caption": ("各省事故数（图中已收录、符合筛选条件的事故）；鼠标悬停查看省份与数量。地图轮廓来自 pygal-maps-china，离线绘制。",
                    "Accidents per province (those in the graph and in view); hover for the name and count. "
                    "Outlines from pygal-maps-china, drawn offline."),
    "by_year": ("按年份", "By year"),
    "by_province": ("按省份", "By province"),
    "by_kind": ("按类别", "By kind"),
    "year": ("年份", "Year"),
    "province": ("省份", "Province"),
    "kind": ("类别", "Kind"),
    "count": ("数量", "Count"),
    "unjudged": ("无法判断：{n} 项{what}缺少日期或状态，未计入本审计。",
                 "Could not judge: {n} {what} without a date or status are left out of this audit."),
    "label": ("标签", "Label"),
    "type": ("类型", "Type"),
    "open_items": ("审计发现的未闭环事项", "Open items found by the audits"),
    "open_items_hint": (
        "以默认参数运行每个已保存的审计查询；详情见“审计”页。",
        "Each saved audit run with its default parameters; see the Audits page for details.",
    ),
    "audit": ("审计", "Audit"),
    "severity": ("严重程度", "Severity"),
    "in_graph": ("{what}（图中）", "{what} (in the graph)"),
    "error": ("错误", "error"),
    "review_figures": ("“回头看”评估数据", "The Review's figures"),
    "no_review": ("图中没有评估检查（Review）节点。", "No Review node in the graph."),
    "unknown": ("不详", "unknown"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    # filters (sidebar, every page)
    "filters": ("筛选", "Filters"),
    "prefecture": ("地市", "Prefecture"),
    "any_prefecture": ("全部地市", "All prefectures"),
    "year_from": ("起始年份", "From year"),
    "year_to": ("截止年份", "To year"),
    "any": ("全部", "Any"),
    "severity_acc": ("事故等级", "Accident severity"),
    "in_view": ("筛选后 {n} / {total} 起事故", "{n} of {total} accidents in view"),
    "filtered_out": ("筛选隐藏了 {n} 行。", "The filters hide {n} rows."),
    # search and entity pages
    "search_all": ("搜索事故、企业、人员、部门、调查（名称、编号、地点）",
                   "Search accidents, enterprises, people, departments, investigations (name, id, place)"),
    "search_hint": ("输入名称、编号或地点的一部分。", "Type part of a name, id or place."),
    "matches_n": ("找到 {n} 项", "{n} found"),
    "no_match": ("没有找到匹配的对象。", "Nothing matches."),
    "open_network": ("在网络图中查看", "Show in the network"),
    "open_entity": ("打开此对象的页面", "Open this node's page"),
    "open_chain": ("查看完整问责链条", "Open the whole accountability chain"),
    "links": ("关联", "Links"),
    "own_sources": ("来源（仅本对象及其关系引用的）", "Sources (only those its own facts cite)"),
    "published_vs_named": ("公布数与图中已列", "Published counts beside what the graph names"),
    "published": ("公布", "published"),
    "not_matchable": ("—（无法逐一对应）", "— (no one-to-one match)"),
    "coverage": ("问责链条覆盖", "Coverage of the accountability chains"),
    "named": ("图中已列", "named in the graph"),
    "no_counts": ("图中没有该事故的公布问责统计。", "No published accountability counts for this accident in the graph."),
    "badge_no_date": ("无日期", "no date"),
    "badge_no_status": ("无状态", "no status"),
    "missing_summary": ("{n} 项没有日期或状态", "{n} items without a date or status"),
    "status_class": ("状态类别", "Status class"),
    "role": ("责任类型", "role"),
    # accident page
    "search": ("搜索名称、地点或编号", "Search name, place or id"),
    "date_from": ("起始日期", "From"),
    "date_to": ("截止日期", "To"),
    "any_province": ("全部省份", "All provinces"),
    "pick_accident": ("选择事故", "Pick an accident"),
    "no_accident": ("没有符合条件的事故。", "No accident matches."),
    "facts": ("基本事实", "Facts"),
    "chain": ("问责链条", "Accountability chain"),
    "timeline": ("时间线（带日期的状态）", "Timeline (dated statuses)"),
    "sources": ("来源", "Sources"),
    "source_of": ("来源", "sources"),
    "relation": ("关系", "relation"),
    "date": ("日期", "Date"),
    "event": ("事项", "Event"),
    "item": ("对象", "Item"),
    "stage": ("阶段", "Stage"),
    "nothing_recorded": ("图中没有记录。", "Nothing recorded in the graph."),
    "picture": ("关系图", "Picture"),
    "section_Enterprise": ("企业", "Enterprises"),
    "section_Person": ("人员", "Persons"),
    "section_Department": ("部门", "Departments"),
    "section_Investigation": ("事故调查", "Investigation"),
    "section_Penalty": ("行政处罚", "Administrative penalties"),
    "section_Discipline": ("党纪政务处分", "Discipline of officials"),
    "section_CriminalCase": ("刑事案件", "Criminal cases"),
    "section_Measure": ("整改措施", "Rectification measures"),
    "section_Approval": ("审批许可", "Approvals"),
    "section_Finding": ("发现问题", "Findings"),
    "section_Review": ("评估检查", "Reviews"),
    "section_Accident": ("相关事故", "Related accidents"),
    "occurred": ("发生", "occurred"),
    "inv_formed": ("调查组成立", "investigation formed"),
    "inv_approved": ("调查报告批复", "report approved"),
    "inv_published": ("调查报告公布", "report published"),
    "checked": ("核查", "checked"),
    "due": ("整改期限", "due"),
    "resumed": ("准许复产", "resumption allowed"),
    # audits page
    "pick_audit": ("选择审计查询", "Pick an audit"),
    "params": ("参数", "Parameters"),
    "run": ("运行", "Run"),
    "running": ("正在运行审计…", "Running the audit…"),
    "result_count": ("结果：{n} 行", "Result: {n} rows"),
    "page_rows": ("第 {a}–{b} 行（共 {n} 行）；下载的是本页。", "Rows {a}–{b} of {n}; downloads hold this page."),
    "page_no": ("页码", "Page"),
    "picture_too_big": ("结果共 {n} 行，超过 {most} 行，不绘制关系图：请调整参数或筛选后再看图，或到“导出”页导出。",
                        "{n} rows, more than {most}: no picture is drawn. Narrow the parameters or filters, or export."),
    "x_of_y": ("{x} / {y}", "{x} of {y}"),
    "x_of_y_col": ("符合 / 总数", "x of y"),
    "unjudged_col": ("无法判断（缺日期或状态）", "not judged (no date or status)"),
    "downloads": ("下载", "Downloads"),
    "no_audits": ("没有已保存的审计查询。", "No saved audits."),
    "list_hint": ("每行一个值", "one value per line"),
    "no_subgraph": ("此审计没有可绘制的子图。", "This audit has no subgraph to draw."),
    # network page
    "center": ("中心节点", "Centre node"),
    "center_label": ("节点类型", "Node label"),
    "center_search": ("按名称或编号筛选", "Filter by name or id"),
    "depth": ("深度", "Depth"),
    "labels_filter": ("包含的节点类型", "Labels to include"),
    "colour_by": ("着色依据", "Colour by"),
    "colour_label": ("节点类型", "label"),
    "colour_status": ("状态", "status"),
    "limit": ("节点上限", "Node limit"),
    "legend": ("图例", "Legend"),
    "recurrence": ("重复发生（RECURRENCE_OF）", "Recurrence (RECURRENCE_OF)"),
    "no_node": ("没有找到节点。", "No node found."),
    "drawing": ("正在绘制…", "Drawing…"),
    "graph_size": ("{n} 个节点，{m} 条关系", "{n} nodes, {m} relationships"),
    # console page
    "cypher": ("只读 Cypher 查询", "Read-only Cypher query"),
    "cypher_params": ("参数（JSON 对象）", "Parameters (a JSON object)"),
    "console_picture": ("查询返回的节点及其之间的关系。", "The nodes the query returned and the relationships among them."),
    "bad_params": ("参数必须是 JSON 对象", "Parameters must be a JSON object"),
    "query_failed": ("查询失败", "Query failed"),
    "bad_audit_params": ("参数有误", "Bad parameter"),
    "console_hint": (
        "只允许读取：CREATE、MERGE、SET、DELETE 等写操作会被拒绝。用 $name 引用参数。",
        "Reads only: CREATE, MERGE, SET, DELETE and other writes are refused. Refer to parameters as $name.",
    ),
    # exports page
    "scope": ("范围", "Scope"),
    "scope_all": ("整个图", "Whole graph"),
    "scope_audit": ("审计子图", "Audit subgraph"),
    "scope_around": ("节点周边", "Around a node"),
    "format": ("格式", "Format"),
    "node_id": ("节点编号（标签:键，如 Accident:ACC-…）", "Node id (Label:key, e.g. Accident:ACC-…)"),
    "generate": ("生成", "Generate"),
    "center_by_name": ("按名称查找中心节点", "Find the centre node by name"),
    "export_failed": ("导出失败", "Export failed"),
    "made_on": ("生成日期：{day}", "Made on {day}"),
    "and_more": ("等（另 {n} 项）", "and {n} more"),
    "generating": ("正在生成…", "Generating…"),
    "download": ("下载 {name}", "Download {name}"),
    "exports_caption": (
        "HTML 关系图不依赖网络即可打开；GraphML/GEXF 供 Gephi、yEd 使用；CSV 附 neo4j-admin 导入脚本；"
        "Cypher 脚本可在 Neo4j 中重建图。",
        "HTML pictures open with no network; GraphML/GEXF for Gephi and yEd; CSV with a neo4j-admin import "
        "script; a Cypher script that rebuilds the graph in Neo4j.",
    ),
    # network picture notes
    "cut_note": (
        "图中共有 {total} 个节点，超过上限 {limit}，仅显示{how}的 {shown} 个。",
        "The graph has {total} nodes, more than the limit of {limit}; showing the {shown} {how}.",
    ),
    "explore_hint": ("单击节点展开其相邻节点，右键隐藏节点，拖动节点可固定位置。",
                     "Click a node to expand its neighbours, right-click to hide it, drag to pin it."),
    "cut_by_degree": ("连接最多", "best connected"),
    "cut_by_depth": ("离中心最近、连接最多", "nearest to the centre, then best connected"),
}


def t(key: str, lang: str = "zh", **values: Any) -> str:
    """The UI string for `key` in `lang` ('zh' or 'en'), formatted with `values`."""
    zh, en = STRINGS[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


def label_name(label: str, lang: str = "zh", schema: Schema | None = None) -> str:
    found = (schema or load_schema()).labels.get(label)
    if found is None:
        return label
    return found.en if lang == "en" else found.zh


def rel_name(rel: str, lang: str = "zh", schema: Schema | None = None) -> str:
    found = (schema or load_schema()).relationships.get(rel)
    if found is None:
        return rel
    return found.en if lang == "en" else found.zh


def prop_name(label: str, prop: str, lang: str = "zh", schema: Schema | None = None) -> str:
    """Property caption from the schema; relationship types are looked up too; falls back to the name."""
    chosen = schema or load_schema()
    owner = chosen.labels.get(label) or chosen.relationships.get(label)
    if owner is not None and prop in owner.properties:
        found = owner.properties[prop]
        return found.en if lang == "en" else found.zh
    return prop
