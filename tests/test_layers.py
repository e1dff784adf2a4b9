"""The dependency direction: sources -> store -> analytics -> report -> faces, checked by walking
every module's imports (top-level and inside functions alike). ``ingest`` (live updates,
snapshot seeding, file imports) writes into the store from the sources."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "metalwatch"
#: The base layer: vocabulary every layer may use (stdlib, pandas and the registry only), and
#: the desk's config file (which store, which languages).
BASE = {
    "metalwatch",
    "metalwatch.errors",
    "metalwatch.registry",
    "metalwatch.frame",
    "metalwatch.measures",
    "metalwatch.dates",
    "metalwatch.provenance",
    "metalwatch.config",
    "metalwatch.event",
    "metalwatch.contracts",
}
#: Layer of each package -> the layers it may import besides the base and itself.
ALLOWED = {
    "sources": set(),
    "store": set(),
    "analytics": set(),
    "reporting": {"analytics", "store.week"},
    "ingest": {"sources", "store"},
}
FACES = {
    "metalwatch.api",
    "metalwatch.api_args",
    "metalwatch.week_api",
    "metalwatch.quant",
    "metalwatch.studies",
    "metalwatch.weekly",
    "metalwatch.cli",
    "metalwatch.commands",
}


def module_name(path: Path, package: Path = PACKAGE) -> str:
    rel = path.relative_to(package.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path, root: Path = PACKAGE) -> set[str]:
    """Every ``metalwatch`` module a file imports, resolved to its full dotted name."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("metalwatch")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1]
                    + ([base] if base else [])
                )
            if base.startswith("metalwatch"):
                out |= {f"{base}.{a.name}" for a in node.names} | {base}
    return out


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else None


def allowed(importer: str, imported: str) -> bool:
    layer = layer_of(importer)
    if layer is None or imported in BASE or imported.rpartition(".")[0] in BASE - {"metalwatch"}:
        return True
    target = imported.removeprefix("metalwatch.")
    if target.split(".")[0] == layer:
        return True
    if imported in FACES or any(imported.startswith(f + ".") for f in FACES):
        return False
    return any(target == a or target.startswith(a + ".") for a in ALLOWED[layer])


def violations(root: Path = PACKAGE) -> list[str]:
    out = []
    for path in sorted(root.rglob("*.py")):
        importer = module_name(path, root)
        for imported in sorted(imports(path, root)):
            if not allowed(importer, imported):
                out.append(f"{importer} imports {imported}")
    return out


def test_layers_import_only_downwards():
    assert violations() == []


@pytest.mark.parametrize(
    ("importer", "imported", "ok"),
    [
        ("metalwatch.store.database", "metalwatch.sources.bundled", False),
        ("metalwatch.analytics.moves", "metalwatch.store", False),
        ("metalwatch.reporting.model", "metalwatch.store.database", False),
        ("metalwatch.reporting.model", "metalwatch.store.week", True),
        ("metalwatch.reporting.status", "metalwatch.sources.bundled", False),
        ("metalwatch.ingest.runner", "metalwatch.analytics.weeks", False),
        ("metalwatch.ingest.runner", "metalwatch.sources.base", True),
        ("metalwatch.sources.base", "metalwatch.api", False),
        ("metalwatch.reporting.views", "metalwatch.analytics.spreads", True),
        ("metalwatch.api", "metalwatch.store.database", True),
    ],
)
def test_the_rule_itself(importer, imported, ok):
    """The five breaks the code review found would each be caught."""
    assert allowed(importer, imported) is ok


def test_walker_sees_imports_inside_functions_and_relative_ones(tmp_path):
    root = tmp_path / "metalwatch"
    (root / "store").mkdir(parents=True)
    (root / "store" / "probe.py").write_text(
        "def f():\n    from metalwatch.sources import bundled\n    from ..analytics import x\n"
    )
    assert violations(root) == [
        "metalwatch.store.probe imports metalwatch.analytics",
        "metalwatch.store.probe imports metalwatch.analytics.x",
        "metalwatch.store.probe imports metalwatch.sources",
        "metalwatch.store.probe imports metalwatch.sources.bundled",
    ]
