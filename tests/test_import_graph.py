"""blockyard's modules import each other without cycles: a cycle ties modules into one unit that can only be
loaded, tested and understood whole (api/context.py once tied 42 modules into one).

Imports are read with `ast`, function-level ones included: a deferred import still couples two modules, it
only hides the cycle from the interpreter. Imports under `if TYPE_CHECKING:` are left out, since they
exist only for the type checker and never run."""

from __future__ import annotations

import ast
from pathlib import Path

import blockyard

PACKAGE = Path(blockyard.__file__).parent

# Cycles still present, each as its sorted list of modules. This list may only shrink: a new cycle fails,
# and so does an entry here that is no longer a cycle (remove it).
ALLOWED_CYCLES: list[list[str]] = [
    # domain/ and what works over it: pages and databases create each other's children, blocks render
    # through render.py which renders pages and databases, the property registry imports the families that
    # import it back, query/index.py reads computed values that materialize.py writes through the index.
    # The capabilities merged in this round (views, templates, markdown, file uploads, webhook events, the
    # access check) call domain code and are called from it, and joined the cycle; so did store/migrations.py
    # through the default views it makes for old stores. Untangling it means a registry module, one-way
    # rendering and hooks the store calls: a change of its own.
    sorted(["blockyard.access.grants", "blockyard.access.visibility", "blockyard.domain.access",
            "blockyard.domain.blocks", "blockyard.domain.databases", "blockyard.domain.media",
            "blockyard.domain.pages", "blockyard.domain.properties", "blockyard.domain.properties.computed",
            "blockyard.domain.properties.formula", "blockyard.domain.properties.materialize",
            "blockyard.domain.properties.options", "blockyard.domain.properties.people",
            "blockyard.domain.properties.relation", "blockyard.domain.properties.scalar",
            "blockyard.domain.properties.schema", "blockyard.domain.properties.text",
            "blockyard.domain.properties.values", "blockyard.domain.render", "blockyard.domain.rich_text",
            "blockyard.domain.templates", "blockyard.files.events", "blockyard.files.uploads",
            "blockyard.markdown.content", "blockyard.markdown.inline", "blockyard.markdown.tree",
            "blockyard.markdown.v1", "blockyard.markdown.v2", "blockyard.query.engine", "blockyard.query.filters",
            "blockyard.query.index", "blockyard.store.engine", "blockyard.store.migrations",
            "blockyard.store.nodes", "blockyard.views.config", "blockyard.views.model",
            "blockyard.webhooks.events"]),
    # Async page creation: api/pages.py answers 202 with a task, whose runner creates the page through it.
    sorted(["blockyard.api.pages", "blockyard.tasks.runner", "blockyard.tasks.store"]),
    # Deleting a public integration removes its OAuth client, whose creation goes through access/admin.py.
    sorted(["blockyard.access.admin", "blockyard.oauth.clients"]),
    # The web UI's views link to each other's routes through web/server.py.
    sorted(["blockyard.web.accounts_views", "blockyard.web.developer", "blockyard.web.server",
            "blockyard.web.settings_views", "blockyard.web.workspace"]),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The blockyard modules a module imports anywhere in its body, except under TYPE_CHECKING."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def resolve(target: str) -> None:
        # `from .x import y` may name a module (x.y) or a name in x: take the longest module that exists.
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                resolve(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                resolve(f"{source}.{alias.name}")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(), str(path)))
    return found


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(paths)
    return {name: imports_of(path, modules) for name, path in paths.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
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

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return sorted(found)


def test_the_graph_sees_function_level_imports():
    graph = import_graph()
    # cli/common.py imports the store only inside open_store.
    assert "blockyard.store" in graph["blockyard.cli.common"]
    assert "blockyard.context" in graph["blockyard.api.users"]


def test_no_import_cycles_beyond_the_allowed_ones():
    found = cycles(import_graph())
    new = [c for c in found if c not in ALLOWED_CYCLES]
    gone = [c for c in ALLOWED_CYCLES if c not in found]
    assert not new, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in new)
    assert not gone, "no longer cycles; remove them from ALLOWED_CYCLES:\n" + "\n".join(map(str, gone))


def test_the_cycle_finder_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c"]]
