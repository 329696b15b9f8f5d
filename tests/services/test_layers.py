"""The layers point down: models <- services <- routes/jobs/CLI, and services form no cycle."""

from __future__ import annotations

import ast
import pathlib

import conference

PACKAGE = pathlib.Path(conference.__file__).parent
SERVICES = PACKAGE / "services"


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: pathlib.Path) -> set[str]:
    """Modules a file imports at any depth (top level or inside functions)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _service_graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in SERVICES.rglob("*.py")}
    return {name: {m for m in _imports(path) if m in modules and m != name}
            for name, path in modules.items()}


def test_services_import_nothing_above_them():
    upper = {"conference.cli", "conference.demo", "conference.jobs"} | {
        _module_name(p.parent) for p in PACKAGE.glob("*/routes.py")}
    for path in SERVICES.rglob("*.py"):
        wrong = {m for m in _imports(path) if any(m == u or m.startswith(u + ".") for u in upper)}
        assert not wrong, f"{path.name} imports {wrong}"


def test_service_modules_form_no_import_cycle():
    graph = _service_graph()
    packages = {name for name in graph if (SERVICES / name.split(".", 2)[-1].replace(
        ".", "/") / "__init__.py").exists()}
    state: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in graph[name] - packages:
            if state.get(target) == 1:
                raise AssertionError("import cycle: " + " -> ".join(path + [target]))
            if target not in state:
                visit(target, path + [target])
        state[name] = 2

    for name in graph:
        if name not in state:
            visit(name, [name])


def test_no_prefix_shared_by_several_top_level_service_modules():
    stems = [p.stem for p in SERVICES.glob("*.py") if p.stem != "__init__"]
    prefixes = [s.split("_")[0] for s in stems]
    shared = {p for p in prefixes if prefixes.count(p) > 1}
    assert not shared, f"a folder is missing for {shared}"
