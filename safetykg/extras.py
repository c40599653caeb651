"""Optional dependencies and the extra that installs each, so a missing one is named, not a traceback.

`pip install safetykg` gives the command line, both engines, loading, audits and analysis. The
dashboard and HTML pictures need `safetykg[dashboard]`; the embedded bulk path needs
`safetykg[bulk]`. Code that needs an optional module calls `need(...)`; the command line turns
MissingExtra (and a stray ModuleNotFoundError for a module listed here) into exit 2 and the
install line.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# optional module -> the extra that installs it (pyproject.toml [project.optional-dependencies])
EXTRA_OF: dict[str, str] = {
    "streamlit": "dashboard",
    "pyvis": "dashboard",
    "openpyxl": "dashboard",
    "altair": "dashboard",
    "pandas": "bulk",
}
# what a feature needs, checked before it starts (the dashboard runs in a child process)
FEATURE_MODULES: dict[str, tuple[str, ...]] = {
    "dashboard": ("streamlit", "pyvis", "openpyxl"),
    "html": ("pyvis",),
    "bulk": ("pandas",),
}


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message is the line that installs it."""

    def __init__(self, module: str, extra: str) -> None:
        self.module, self.extra = module, extra
        super().__init__(install_message(module, extra), name=module)


def install_message(module: str, extra: str) -> str:
    return (
        f"缺少可选依赖 {module} / the optional dependency {module!r} is not installed; "
        f'install it with: pip install "safetykg[{extra}]"'
    )


def need(module: str) -> ModuleType:
    """Import an optional module or raise MissingExtra naming its extra."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(module, EXTRA_OF[module.split(".")[0]]) from exc


def need_feature(feature: str) -> None:
    """Check every module a feature needs, before starting it."""
    for module in FEATURE_MODULES[feature]:
        need(module)


def as_missing_extra(exc: BaseException) -> MissingExtra | None:
    """The MissingExtra an exception stands for, if it is one or an import of a listed optional module."""
    if isinstance(exc, MissingExtra):
        return exc
    if isinstance(exc, ImportError) and exc.name:
        top = exc.name.split(".")[0]
        if top in EXTRA_OF:
            return MissingExtra(top, EXTRA_OF[top])
    return None
