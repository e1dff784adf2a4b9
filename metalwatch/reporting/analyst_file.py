"""Reading an analyst file (:mod:`metalwatch.reporting.analyst`): YAML composed within bounds
(:mod:`~metalwatch.reporting.yaml_bounds`), every node checked, each error naming the file and
line. Imported only when a file is given, so a weekly without one loads no YAML parser.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from metalwatch import registry
from metalwatch.errors import InvalidInputError, UnknownInstrumentError
from metalwatch.event import Event, parse_event
from metalwatch.registry import shorten
from metalwatch.reporting import yaml_bounds
from metalwatch.reporting.analyst import (
    EVENT_KEYS,
    MAX_EVENTS,
    MAX_NEWS_ITEM_CHARS,
    MAX_NEWS_ITEMS,
    RATING_STATUS,
    SECTIONS,
    TOP_KEYS,
    AnalystInput,
)


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, node: yaml.Node, message: str) -> InvalidInputError:
        return InvalidInputError(f"{self.path}:{node.start_mark.line + 1}: {message}")

    def mapping(self, node: yaml.Node, what: str, allowed: tuple[str, ...]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping")
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, f"a key in {what} must be text")
            key = str(key_node.value)
            if key not in allowed:
                import difflib

                close = difflib.get_close_matches(key[:100], allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise self.fail(key_node, f"unknown key {shorten(key)} in {what}{hint}")
            if key in out:
                raise self.fail(key_node, f"duplicate key {shorten(key)} in {what}")
            out[key] = value_node
        return out

    def string(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag.endswith((":null", ":bool")):
            raise self.fail(node, f"{what} must be text")
        return str(node.value)

    def strings(self, node: yaml.Node, what: str) -> list[str]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{what} must be a list")
        return [self.string(n, f"an item of {what}") for n in node.value]

    def news_list(self, node: yaml.Node, what: str) -> list[str]:
        items = self.strings(node, what)
        if len(items) > MAX_NEWS_ITEMS:
            raise self.fail(node, f"{what} has {len(items)} items (at most {MAX_NEWS_ITEMS})")
        for item_node, item in zip(node.value, items, strict=True):
            if not item.strip() or len(item) > MAX_NEWS_ITEM_CHARS:
                raise self.fail(
                    item_node, f"an item of {what} must be 1 to {MAX_NEWS_ITEM_CHARS} characters"
                )
        return items

    def events(self, node: yaml.Node) -> tuple[Event, ...]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, "events must be a list")
        if len(node.value) > MAX_EVENTS:
            raise self.fail(node, f"events has {len(node.value)} entries (at most {MAX_EVENTS})")
        out = []
        for n, item in enumerate(node.value):
            what = f"events[{n}]"
            raw: dict[str, object] = {}
            for key, value in self.mapping(item, what, EVENT_KEYS).items():
                if key == "metals" and isinstance(value, yaml.SequenceNode):
                    raw[key] = self.strings(value, f"{what}.metals")
                else:
                    raw[key] = self.string(value, f"{what}.{key}")
            where = f"{self.path}:{item.start_mark.line + 1}: {what}"
            out.append(parse_event(raw, where))
        return tuple(out)

    def per_lang(self, node: yaml.Node, what: str, extra: tuple[str, ...] = ()) -> dict[str, str]:
        if isinstance(node, yaml.ScalarNode):
            return {"any": self.string(node, what)}
        m = self.mapping(node, what, ("en", "zh", *extra))
        return {k: self.string(v, f"{what}.{k}") for k, v in m.items()}

    def per_lang_lists(
        self, node: yaml.Node, what: str, extra: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        if isinstance(node, yaml.SequenceNode):
            return {"any": self.strings(node, what)}
        m = self.mapping(node, what, ("en", "zh", *extra))
        return {k: v for k, v in m.items() if k in extra} | {
            k: self.strings(v, f"{what}.{k}") for k, v in m.items() if k not in extra
        }


def read_analyst_file(path: str | os.PathLike[str]) -> AnalystInput:
    """Read and validate the analyst file at ``path``."""
    p = Path(path)
    root = yaml_bounds.compose(yaml_bounds.read_text(p, "analyst file"), str(p))
    out = AnalystInput()
    if root is None:
        return out
    r = _Reader(str(p))
    top = r.mapping(root, "the analyst file", TOP_KEYS)
    if "publisher" in top:
        out.publisher = r.per_lang(top["publisher"], "publisher")
    if "title" in top:
        out.title = r.per_lang(top["title"], "title")
    if "analysts" in top:
        out.analysts = r.strings(top["analysts"], "analysts")
    if "rating" in top:
        out.rating = r.per_lang(top["rating"], "rating", extra=("status",))
        status = out.rating.get("status")
        if status is not None and status not in RATING_STATUS:
            raise r.fail(
                top["rating"],
                f"rating.status {shorten(status)} is not one of {', '.join(RATING_STATUS)}",
            )
    if "colors" in top:
        out.colors = r.string(top["colors"], "colors")
        if out.colors not in ("red-up", "green-up"):
            raise r.fail(top["colors"], f"colors {shorten(out.colors)} must be red-up or green-up")
    if "core_views" in top:
        views = r.per_lang_lists(top["core_views"], "core_views", extra=("mode",))
        mode_node = views.pop("mode", None)
        if mode_node is not None:
            out.core_views_mode = r.string(mode_node, "core_views.mode")
            if out.core_views_mode not in ("extend", "replace"):
                raise r.fail(mode_node, "core_views.mode must be extend or replace")
        out.core_views = views
    if "commentary" in top:
        sections = r.mapping(top["commentary"], "commentary", SECTIONS)
        out.commentary = {k: r.per_lang(v, f"commentary.{k}") for k, v in sections.items()}
    if "watch_lists" in top:
        node = top["watch_lists"]
        if not isinstance(node, yaml.MappingNode):
            raise r.fail(node, "watch_lists must map a metal to a list of instrument ids")
        lists: dict[str, list[str]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise r.fail(key_node, "a key in watch_lists must be text")
            metal = str(key_node.value)
            label = metal if len(metal) <= registry.ID_ECHO_CHARS else shorten(metal)
            ids = r.strings(value_node, f"watch_lists.{label}")
            for id_node, iid in zip(value_node.value, ids, strict=True):
                try:
                    registry.get(iid)
                except UnknownInstrumentError as exc:
                    raise r.fail(id_node, str(exc)) from None
            lists[metal] = ids
        out.watch_lists = lists
    if "news_keywords" in top:
        out.news_keywords = r.news_list(top["news_keywords"], "news_keywords")
    for key in ("news_sources", "news_block", "news_block_sources"):
        if key in top:
            setattr(out, key, r.news_list(top[key], key))
    if "events" in top:
        out.events = r.events(top["events"])
    if "risks" in top:
        out.risks = r.per_lang_lists(top["risks"], "risks")
    if "disclaimer" in top:
        out.disclaimer = r.per_lang(top["disclaimer"], "disclaimer")
    return out
