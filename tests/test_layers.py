"""The house's shape: no module cycle anywhere, no SQL outside models/, no zone name outside the settings."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]

PACKAGES = ("admin", "handlers", "broadcasts", "bot", "town", "models")
SQL = re.compile(r"^\s*(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|WITH\s+\w+\s+AS)\b", re.I)


def _modules() -> dict[str, Path]:
    found = {"main": PROJECT / "main.py"}
    for package in PACKAGES:
        for path in (PROJECT / package).rglob("*.py"):
            parts = path.relative_to(PROJECT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules one module imports, at any depth of its code (function-level imports included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from package import submodule` imports the submodule; any other name comes from the package itself.
            found |= {f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names}
    return {target for target in found if target in modules and target != name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, out, counter = {}, {}, [], set(), [], [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return out


def test_no_module_imports_itself_back_through_others():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_sql_lives_in_models_only():
    offenders = [
        f"{path.relative_to(PROJECT)}:{line}"
        for name, path in _modules().items()
        if not name.startswith("models")
        for line, text in _strings(path)
        if SQL.match(text)
    ]
    assert offenders == []


BUILDERS = {
    "select", "insert", "update", "delete", "func", "and_", "or_", "not_", "case", "exists", "text", "literal",
    "literal_column", "tuple_", "union", "union_all", "distinct", "cast", "column", "desc", "asc", "true", "false",
}  # fmt: skip
RECEIVERS = {"session", "sql", "connection", "conn", "db"}
STATEMENTS = {
    "execute", "exec", "scalar", "scalars", "scalar_one", "get", "add", "add_all", "delete", "merge", "flush",
    "refresh", "run", "one", "all", "many",
}  # fmt: skip


def _statements(path: Path) -> list[int]:
    """Lines that build or run a statement: SQLAlchemy's builders imported, or a session/cursor asked to run one."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("sqlalchemy", "sqlmodel"):
            found += [node.lineno for alias in node.names if alias.name in BUILDERS]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in STATEMENTS:
            receiver = node.func.value
            name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
            if name in RECEIVERS:
                found.append(node.lineno)
    return found


def test_statements_are_built_and_run_in_models_only():
    offenders = [
        f"{path.relative_to(PROJECT)}:{line}"
        for name, path in _modules().items()
        if not name.startswith("models")
        for line in _statements(path)
    ]
    assert offenders == []


def test_the_town_zone_is_named_only_in_the_settings():
    offenders = [
        f"{path.relative_to(PROJECT)}:{line}"
        for name, path in _modules().items()
        if name != "town.settings"
        for line, text in _strings(path)
        if re.fullmatch(r"(Asia|Europe|America|Africa|Australia|Pacific)/\w+", text)
    ]
    assert offenders == []
