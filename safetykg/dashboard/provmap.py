"""An offline province map: accidents (or deaths) per province shaded on China's provincial outlines.

The outlines are the SVG shipped in the PyPI package `pygal-maps-china` (read from the installed
package, nothing fetched, no tile server, no CDN); each province path is recoloured and gets a
hover title. Provinces are matched by their ISO 3166-2:CN letters to the GB/T 2260 code prefix.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from importlib import resources

# ISO 3166-2:CN province letters -> first two digits of the GB/T 2260 code
ISO_TO_GB = {
    "BJ": "11", "TJ": "12", "HE": "13", "SX": "14", "NM": "15", "LN": "21", "JL": "22", "HL": "23", "SH": "31",
    "JS": "32", "ZJ": "33", "AH": "34", "FJ": "35", "JX": "36", "SD": "37", "HA": "41", "HB": "42", "HN": "43",
    "GD": "44", "GX": "45", "HI": "46", "CQ": "50", "SC": "51", "GZ": "52", "YN": "53", "XZ": "54", "SN": "61",
    "GS": "62", "QH": "63", "NX": "64", "XJ": "65", "TW": "71", "HK": "81", "MO": "82",
}
_REGION = re.compile(r'<g\b[^>]*class="CN-([A-Z]{2}) region map-element"[^>]*>(.*?)</g>', re.DOTALL)
_PATH_D = re.compile(r'\bd="([^"]+)"')
_VIEWBOX = re.compile(r'viewBox="([^"]+)"')
# light to dark blue (ColorBrewer "Blues"), readable with the common colour-vision deficiencies
SHADES = ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
EMPTY = "#f2f2f2"


class MapUnavailable(RuntimeError):
    """The outlines package is not installed (the dashboard extra brings it)."""


@lru_cache(maxsize=1)
def outlines() -> tuple[str, dict[str, list[str]]]:
    """(viewBox, GB prefix -> path data) from the installed pygal-maps-china package."""
    try:
        text = resources.files("pygal_maps_china").joinpath("china.svg").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise MapUnavailable('pip install "safetykg[dashboard]" (pygal-maps-china)') from exc
    box = _VIEWBOX.search(text)
    paths: dict[str, list[str]] = {}
    for letters, body in _REGION.findall(text):
        code = ISO_TO_GB.get(letters)
        if code:
            paths.setdefault(code, []).extend(_PATH_D.findall(body))
    return (box.group(1) if box else "0 0 680 487"), paths


def shade(value: int, top: int) -> str:
    if value <= 0 or top <= 0:
        return EMPTY
    step = min(len(SHADES) - 1, int((len(SHADES) - 1) * value / top + 0.999))
    return SHADES[max(1, step)]


def province_svg(values: dict[str, int], names: dict[str, str], unit: str, width: int = 640) -> str:
    """An inline SVG: provinces (GB prefix -> value) shaded, each with a hover title `名称 n unit`."""
    box, paths = outlines()
    top = max(values.values(), default=0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{html.escape(box)}" width="{width}" '
             'role="img" style="max-width:100%;height:auto">']
    for code, ds in sorted(paths.items()):
        value = int(values.get(code, 0))
        label = f"{names.get(code, code)} {value} {unit}"
        for d in ds:
            parts.append(
                f'<path d="{html.escape(d)}" fill="{shade(value, top)}" stroke="#ffffff" stroke-width="0.8" '
                f'data-code="{code}" data-value="{value}"><title>{html.escape(label)}</title></path>'
            )
    parts.append("</svg>")
    legend = "".join(
        f'<span style="display:inline-block;width:18px;height:10px;background:{c};margin-right:2px"></span>'
        for c in SHADES[1:]
    )
    return "".join(parts) + f'<div style="font-size:12px;color:#555">0 {legend} {top} {html.escape(unit)}</div>'


def page(svg: str) -> str:
    """The map as a small HTML page of its own (shown in an iframe, so hover titles work)."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0;font-family:sans-serif}'
        "path:hover{stroke:#222;stroke-width:1.5}</style></head><body>" + svg + "</body></html>"
    )
