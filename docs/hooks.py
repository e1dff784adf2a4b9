"""MkDocs hooks: the pages that must not drift from the code are generated at build time.

- ``<!-- generated: cli -->`` (cli.md) expands to the CLI reference, read from the argparse
  parser of :mod:`metalwatch.cli` (the same object ``metalwatch --help`` prints);
- ``<!-- generated: sources -->`` (sources.md) expands to the instrument tables, read from the
  registry (``metalwatch/instruments.toml`` via :mod:`metalwatch.registry`) and
  ``metalwatch/data/provenance.toml``;
- every page: each ``metalwatch ...`` line in a ``sh`` block must parse with the real parser,
  each ``make TARGET`` must name a Makefile target, and each file named in backticks
  (``reporting/model.py``, ``partials/cover.html.j2``...) must exist, or the build fails;
- ``<!-- generated: api -->`` (api.md) expands to a mkdocstrings block for every name in
  ``metalwatch.__all__`` (functions grouped by defining module, in source order; classes; the
  error tree of :mod:`metalwatch.errors`);
- every ``mw.NAME(...)`` call in a ``python`` block must fit NAME's signature.

Run ``python docs/hooks.py api|cli|sources`` to print a generated block.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import html
import io
import re
import shlex
import sys
import tomllib
from importlib import resources
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(r"^<!-- generated: (\w+) -->$", re.MULTILINE)
SH_BLOCK = re.compile(r"^```(?:sh|console|bash)\n(.*?)^```", re.MULTILINE | re.DOTALL)
PY_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
HELP_WIDTH = 72  # the code column of the Material theme


# -- CLI reference ----------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    from metalwatch import cli

    return cli._parser()


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str, argparse.ArgumentParser]]:
    """``(name, help, subparser)`` for each subcommand, in the parser's order."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            return [(name, helps.get(name, ""), sub) for name, sub in action.choices.items()]
    return []


def _fixed_width(parser: argparse.ArgumentParser) -> None:
    """Format usage at a fixed width, whatever the terminal the build runs in."""
    parser.formatter_class = functools.partial(argparse.HelpFormatter, width=HELP_WIDTH)
    for _, _, sub in _subcommands(parser):
        _fixed_width(sub)


def _cell(text: object) -> str:
    """Text for a Markdown table cell or paragraph: no raw HTML, no table breaks, no emphasis."""
    text = html.escape(str(text), quote=False)
    return text.replace("|", r"\|").replace("*", r"\*").replace("\n", " ")


def _code(text: object) -> str:
    """Inline code (the tables extension does not split cells inside backticks)."""
    return f"`{text}`"


def _sentence(text: str) -> str:
    text = _cell(text).strip()
    if not text:
        return ""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _arguments_table(parser: argparse.ArgumentParser) -> list[str]:
    formatter = parser._get_formatter()
    rows = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        invocation = formatter._format_action_invocation(action)
        choices = ", ".join(_code(c) for c in action.choices) if action.choices else ""
        default = action.default
        shown = (
            ""
            if default is None
            or default is False
            or default in (argparse.SUPPRESS, [])
            or action.nargs == 0
            else _code(default)
        )
        rows.append(
            f"| {_code(invocation)} | {_sentence(action.help or '')} | {choices} | {shown} |"
        )
    if not rows:
        return ["No arguments."]
    return ["| argument | meaning | choices | default |", "|---|---|---|---|", *rows]


def cli_reference() -> str:
    """The CLI reference as Markdown, from ``metalwatch.cli._parser()``."""
    parser = _parser()
    _fixed_width(parser)
    subs = _subcommands(parser)
    out = [
        "## metalwatch",
        "",
        _cell(parser.description or "").strip(),
        "",
        "```text",
        parser.format_usage().strip(),
        "```",
        "",
        "Options that go before the subcommand:",
        "",
        *_arguments_table(parser),
        "",
        "| subcommand | what it does |",
        "|---|---|",
        *[
            f"| [{_code(name)}](#metalwatch-{name}) | {_sentence(help_)} |"
            for name, help_, _ in subs
        ],
        "",
    ]
    for name, help_, sub in subs:
        out += [f"## metalwatch {name} {{#metalwatch-{name}}}", "", _sentence(help_)]
        if sub.description:
            out += ["", _cell(sub.description)]
        out += ["", "```text", sub.format_usage().strip(), "```", "", *_arguments_table(sub), ""]
    return "\n".join(out)


def check_commands(markdown: str, page: str) -> None:
    """Fail if a ``metalwatch`` or ``make`` line in a shell block would not run as written."""
    parser = _parser()
    targets = set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(), re.MULTILINE))
    for block in SH_BLOCK.findall(markdown):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["metalwatch"]:
                err = io.StringIO()
                try:
                    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                        parser.parse_args(words[1:])
                except SystemExit as exc:
                    if exc.code:
                        msg = "".join(err.getvalue().strip().splitlines()[-1:])
                        raise PluginError(
                            f"{page}: `{line.strip()}` does not parse: {msg}"
                        ) from None
            elif words[:1] == ["make"]:
                for word in words[1:]:
                    if "=" not in word and word not in targets:
                        raise PluginError(f"{page}: `{line.strip()}`: no Makefile target {word!r}")


#: A path in backticks on a page: it must exist (under the root, metalwatch/ or templates/).
PATH_REF = re.compile(r"`((?:[\w.-]+/)*[\w.-]+\.(?:py|toml|j2|css|yaml|ipynb|png))`")


def check_paths(markdown: str, page: str) -> None:
    """Fail if a page names a source file that does not exist (it was moved or renamed)."""
    for ref in sorted(set(PATH_REF.findall(markdown))):
        if not any(
            (base / ref).exists() for base in (ROOT, ROOT / "metalwatch", ROOT / "templates")
        ):
            raise PluginError(f"{page}: `{ref}` names no file in the repository")


# -- Data sources and units -------------------------------------------------------------------


def _provenance() -> dict[str, dict]:
    data = resources.files("metalwatch").joinpath("data", "provenance.toml")
    return tomllib.loads(data.read_text(encoding="utf-8"))


def _bundled_ids() -> set[str]:
    folder = resources.files("metalwatch").joinpath("data", "snapshot")
    return {f.name.removesuffix(".csv.gz") for f in folder.iterdir() if f.name.endswith(".csv.gz")}


def sources_reference() -> str:
    """Instrument tables by report group, from the registry and the bundled provenance."""
    from metalwatch import registry

    reg = registry.all_instruments()
    prov = _provenance()
    files = _bundled_ids()
    missing = prov.get("missing", {})
    out = [
        f"{len(reg)} instruments are registered; {sum(i in files for i in reg)} have real "
        "history bundled in the package (the store is seeded from it on first use), and "
        f"{sum(i not in files for i in reg)} are filled only by `metalwatch update`.",
        "",
    ]
    for group in registry.GROUPS:
        insts = [i for i in reg.values() if i.group == group]
        if not insts:
            continue
        out += [
            f"### {group.capitalize()} {{#group-{group}}}",
            "",
            "| instrument | venue | unit | currency | field, cadence | live sources "
            "| bundled history |",
            "|---|---|---|---|---|---|---|",
        ]
        for inst in insts:
            live = "<br>".join(f"{_code(k)}: {_code(v)}" for k, v in inst.sources.items())
            p = prov.get(inst.id)
            if inst.id in files and p:
                span = [f'<span class="nowrap">{p.get(k, "?")}</span>' for k in ("first", "last")]
                bundled = f"yes, {span[0]} to {span[1]}"
            elif inst.id in files:
                bundled = "yes (no provenance entry)"
            else:
                bundled = "no"
            out.append(
                f"| {_code(inst.id)}<br>{_cell(inst.name_en)}<br>{_cell(inst.name_zh)} "
                f"| {_cell(inst.venue)} | {_cell(inst.unit)} | {_cell(inst.currency or '—')} "
                f"| {_code(inst.field)}, {inst.cadence} | {live or '—'} | {bundled} |"
            )
        out.append("")
    out += [
        "## Where the bundled history comes from {#provenance}",
        "",
        "From `metalwatch/data/provenance.toml`, written by `scripts/build_snapshot.py`. The "
        "report's Sources table cites the same upstream and licence.",
        "",
        "| instrument | upstream | licence | fields | rows |",
        "|---|---|---|---|---|",
    ]
    for iid, inst in reg.items():
        p = prov.get(iid)
        if not p:
            continue
        fields = ", ".join(_code(f) for f in p.get("fields", []))
        out.append(
            f"| {_code(inst.id)} | {_cell(p.get('upstream', ''))} | {_cell(p.get('licence', ''))} "
            f"| {fields} | {p.get('rows', '')} |"
        )
    not_bundled = [i for i in reg if i not in files]
    out += [
        "",
        "## Not bundled {#not-bundled}",
        "",
        ", ".join(_code(i) for i in not_bundled) + ".",
        "",
    ]
    if missing.get("reason"):
        out += [f"The reason `provenance.toml` gives: {_cell(missing['reason'])}.", ""]
    unknown = sorted(set(prov) - set(reg) - {"missing", "news", "events"})
    if unknown:
        raise PluginError(f"provenance.toml names unregistered instruments: {unknown}")
    return "\n".join(out)


# -- API page ---------------------------------------------------------------------------------


def _public() -> dict[str, object]:
    """``metalwatch.__all__`` resolved, failing on a name that resolves to a submodule."""
    import types

    import metalwatch

    out = {}
    for name in metalwatch.__all__:
        if name.startswith("__"):
            continue
        obj = getattr(metalwatch, name)
        if isinstance(obj, types.ModuleType):
            raise PluginError(
                f"metalwatch.{name} is the submodule {obj.__name__}, not the public {name!r} "
                f"of metalwatch.__all__ (the subpackage shadows the lazy attribute)"
            )
        out[name] = obj
    return out


def api_reference() -> str:
    """``:::`` blocks for every name in ``metalwatch.__all__``, grouped by defining module."""
    import inspect

    from metalwatch import errors

    functions: dict[str, list[tuple[int, str]]] = {}
    classes, error_names = [], []
    for name, obj in _public().items():
        if getattr(obj, "__module__", "") == errors.__name__:
            error_names.append(name)
        elif inspect.isfunction(obj):
            line = inspect.unwrap(obj).__code__.co_firstlineno
            functions.setdefault(obj.__module__, []).append((line, name))
        else:
            classes.append(name)
    undocumented = sorted(set(error_names) - set(errors.__all__))
    if undocumented:
        raise PluginError(f"metalwatch exports errors missing from errors.__all__: {undocumented}")
    out = []
    for module in sorted(functions, key=lambda m: (m != "metalwatch.api", m)):
        doc = (inspect.getdoc(sys.modules[module]) or "").split("\n\n")[0].replace("\n", " ")
        out += [f"## From `{module}`", "", doc, ""]
        for _, name in sorted(functions[module]):
            out.append(f"::: metalwatch.{name}\n")
    for name in classes:
        out += [f"## {name}", "", f"::: metalwatch.{name}", ""]
    out += [
        "## Errors {#errors}",
        "",
        "::: metalwatch.errors",
        "    options:",
        "      show_root_heading: false",
        "      show_root_toc_entry: false",
        "",
    ]
    return "\n".join(out)


def check_python_calls(markdown: str, page: str) -> None:
    """Fail if an ``mw.NAME(...)`` call in a ``python`` block does not fit NAME's signature."""
    import ast
    import inspect

    public = None
    for block in PY_BLOCK.findall(markdown):
        for node in ast.walk(ast.parse(block)):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "mw"
            ):
                continue
            public = public if public is not None else _public()
            name = node.func.attr
            if name not in public:
                raise PluginError(f"{page}: mw.{name} is not in metalwatch.__all__")
            if any(isinstance(a, ast.Starred) for a in node.args) or any(
                k.arg is None for k in node.keywords
            ):
                continue
            try:
                inspect.signature(public[name]).bind(
                    *node.args, **{k.arg: k.value for k in node.keywords}
                )
            except TypeError as exc:
                raise PluginError(
                    f"{page}: `{ast.unparse(node)}` does not fit mw.{name}: {exc}"
                ) from None


# -- MkDocs events ----------------------------------------------------------------------------

GENERATORS = {"api": api_reference, "cli": cli_reference, "sources": sources_reference}
SPHINX_ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj):(<code>[^<]*</code>)")


def on_page_markdown(markdown: str, page, config, files) -> str:
    src = page.file.src_uri

    def expand(match: re.Match) -> str:
        name = match.group(1)
        if name not in GENERATORS:
            raise PluginError(f"{src}: unknown generated block {name!r}")
        return GENERATORS[name]()

    check_commands(markdown, src)
    check_paths(markdown, src)
    check_python_calls(markdown, src)
    return MARKER.sub(expand, markdown)


def on_page_content(content: str, page, config, files) -> str:
    """Docstrings use Sphinx roles (:class:`Store`) and ``::`` literal blocks; tidy both."""
    return SPHINX_ROLE.sub(r"\1", content).replace("::</p>", ":</p>")


if __name__ == "__main__":
    print(GENERATORS[sys.argv[1]]())
