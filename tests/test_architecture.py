"""The code's shape: no import cycles in guides/, small modules, side effects in one module."""

import ast
import re
from pathlib import Path

from django.conf import settings

GUIDES = Path(settings.BASE_DIR) / "guides"
MAX_LINES = 400


def modules():
    """{dotted module name: path} for every module of guides/ but its migrations."""
    found = {}
    for path in sorted(GUIDES.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(GUIDES.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name, path, known):
    """The guides modules ``name`` imports, at any depth (function-level imports count too)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.add(full if full in known else base)
    return {t for t in targets if t in known and t != name}


def graph():
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def cycles(edges):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in edges:
        if v not in index:
            visit(v)
    return found


def test_the_import_graph_is_read():
    edges = graph()
    assert "guides.rendering.resolvers" in edges["guides.views"]
    assert "guides.models" in edges["guides.rendering.resolvers"]
    assert "guides.rendering.pipeline" in edges["guides.models.base"]


def test_the_cycle_finder_finds_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_guides_has_no_import_cycle():
    assert cycles(graph()) == []


def test_models_import_nothing_downstream():
    """Data flows one way: models never import rendering's resolvers, views, search, admin or the loader."""
    upstream_only = {"guides.models", "guides.rendering.pipeline", "guides.rendering.placeholders"}
    edges = graph()
    for name, targets in edges.items():
        if name.startswith("guides.models"):
            bad = {t for t in targets if not any(t == u or t.startswith(u + ".") for u in upstream_only)}
            assert not bad, f"{name} imports {bad}"


def test_modules_stay_small():
    for name, path in modules().items():
        lines = len(path.read_text().splitlines())
        assert lines <= MAX_LINES, f"{name} has {lines} lines; split it (at most {MAX_LINES})"


def test_every_receiver_lives_in_the_signals_module():
    for name, path in modules().items():
        if name == "guides.signals":
            continue
        text = path.read_text()
        assert not re.search(
            r"@receiver\(|\b(pre|post)_(save|delete|init|migrate)\.connect\(|m2m_changed\.connect\(", text
        ), name


def test_only_the_signals_module_bumps_the_content_version():
    for name, path in modules().items():
        if name not in ("guides.signals", "guides.cache"):
            assert "bump_content_version" not in path.read_text(), name
