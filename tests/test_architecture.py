"""The package's shape: layers import only downward, no import cycles, small documented modules."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "screening"
# Floors, bottom to top. A module may import its own floor's other packages only where listed in PEERS.
FLOOR = {"core": 0, "engine": 1, "outputs": 2, "store": 2, "live": 3, "ui": 5}
TOP = 4                       # pipeline, batch, cli, bench, validation, validate, slots, tempdirs
MAX_LINES = 300


def _name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _floor(module: str) -> int:
    parts = module.split(".")
    return FLOOR.get(parts[1], TOP) if len(parts) > 1 else TOP


def _imports(module: str) -> list[tuple[str, int, bool, str]]:
    """(imported module, line, inside a function?, source line) for every import of the package."""
    path = MODULES[module]
    source = path.read_text().splitlines()
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        targets: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "screening":
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                targets.append(full if full in MODULES else node.module)
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names if a.name.split(".")[0] == "screening"]
        for t in targets:
            out.append((t, node.lineno, node.col_offset > 0, source[node.lineno - 1]))
    return out


def test_the_layout_is_what_the_readme_says():
    readme = (REPO / "README.md").read_text()
    for pkg in ("core", "engine", "outputs", "store", "live", "ui"):
        assert (PACKAGE / pkg / "__init__.py").exists()
        assert f"screening/{pkg}/" in readme, f"README's Layout does not mention screening/{pkg}/"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_is_small_and_says_its_job(module):
    path = MODULES[module]
    lines = path.read_text().splitlines()
    assert len(lines) <= MAX_LINES, f"{module} has {len(lines)} lines"
    doc = ast.get_docstring(ast.parse(path.read_text()))
    assert doc, f"{module} has no docstring"
    assert lines[0].startswith('"""') and len(lines[0]) > 10, f"{module} does not open with a one-line docstring"


@pytest.mark.parametrize("pkg", [m for m in MODULES if MODULES[m].name == "__init__.py" and m != "screening"])
def test_sub_package_has_a_public_face(pkg):
    tree = ast.parse(MODULES[pkg].read_text())
    names = [t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)]
    assert "__all__" in names, f"{pkg} declares no __all__"
    face = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "__all__" for t in n.targets))
    folder = MODULES[pkg].parent
    defined = {a.asname or a.name for n in tree.body if isinstance(n, ast.ImportFrom) for a in n.names}
    missing = [n for n in face if not (folder / f"{n}.py").exists() and n not in defined]
    assert not missing, f"{pkg}.__all__ names what does not exist: {missing}"
    modules = sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__")
    assert defined or sorted(face) == modules, f"{pkg}.__all__ does not list its modules: {modules}"


def test_imports_point_down():
    up = [f"{m}:{line} imports {t} ({_floor(m)} -> {_floor(t)})"
          for m in MODULES for t, line, _, _ in _imports(m) if _floor(t) > _floor(m)]
    assert not up, "\n".join(up)


def test_no_hidden_imports_without_a_measured_reason():
    def reasoned(module: str, line: int) -> bool:          # "start-up" said on the line or the 4 above it
        lines = MODULES[module].read_text().splitlines()
        return any("start-up" in s for s in lines[max(0, line - 5):line])

    hidden = [f"{m}:{line}: {src.strip()}" for m in MODULES for t, line, inner, src in _imports(m)
              if inner and not reasoned(m, line)]
    assert not hidden, "imports inside functions without a start-up comment:\n" + "\n".join(hidden)


def test_no_import_cycles():
    graph = {m: {t for t, *_ in _imports(m) if t in MODULES and t != m} for m in MODULES}
    # a package's __init__ is imported before its modules: count an edge to a package as one to its __init__
    seen: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        seen[v] = 1
        stack.append(v)
        for w in sorted(graph[v]):
            if seen.get(w) == 1:
                cycles.append(stack[stack.index(w):] + [w])
            elif w not in seen:
                visit(w)
        stack.pop()
        seen[v] = 2

    for v in sorted(graph):
        if v not in seen:
            visit(v)
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)



def _reaches_the_clips(path: Path) -> list[str]:
    """Lines of a test file naming conftest's VIDEOS or the shared folder (docstrings and comments aside)."""
    tree = ast.parse(path.read_text())
    docs = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "VIDEOS" or isinstance(node, ast.alias) and node.name == "VIDEOS":
            hits.append(node)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs \
                and (node.value == "shared" or "shared/videos" in node.value):
            hits.append(node)
    return [f"{path.relative_to(REPO)}:{getattr(n, 'lineno', '?')}" for n in hits]


def test_tests_reach_the_real_clips_only_through_conftest():
    """A test that opens ../shared/videos itself fails on a clone without it (issue 19): the folder is named
    only in conftest, whose clip() skips with the reason (and checks the `clips` marker that the no-clips run
    of .ci/run selects by)."""
    direct = [hit for p in sorted((REPO / "tests").rglob("*.py")) if p.name not in ("conftest.py", Path(__file__).name)
              for hit in _reaches_the_clips(p)]
    assert not direct, "use conftest.clip(name) instead at: " + ", ".join(direct)
