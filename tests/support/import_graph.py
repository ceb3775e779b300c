"""Which package imports which, read from the source with `ast` (nothing is imported).

The unit is a top-level package (`geo`, `listings`, `search`, `payments`, `web`) or one of
`marketplace`'s direct submodules (`marketplace.city`, `marketplace.bookings`, `marketplace.app`,
...), since `marketplace` holds both the kernel and the app assembly. Every import statement
counts, wherever it stands: a function-local import is a dependency all the same, and so is one
under `if TYPE_CHECKING:` (a type a module names is part of what it depends on, and counting it
keeps one rule instead of two).

`python -m tests.support.import_graph` (or `scripts/import-graph`) prints the picture: each
unit and what it imports; `--layers` the same by layer (tests/support/layers.py).
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SOURCE_PACKAGES = ("geo", "listings", "search", "payments", "web", "marketplace")
# its direct submodules are units of their own: kernel, domains and assembly share the package
SPLIT_PACKAGE = "marketplace"


def unit_of(module: str) -> str:
    """`marketplace.city.schema` -> `marketplace.city`; `listings.audit` -> `listings`."""
    parts = module.split(".")
    if parts[0] == SPLIT_PACKAGE and len(parts) > 1:
        return ".".join(parts[:2])
    return parts[0]


@dataclass(frozen=True)
class Import:
    """One imported module named by one import statement."""

    module: str  # the importing module, e.g. "listings.audit"
    file: str  # its path from the repository root
    line: int
    statement: str  # the import as written
    target: str  # the imported module, e.g. "search.outbox"

    @property
    def importer(self) -> str:
        return unit_of(self.module)

    @property
    def imported(self) -> str:
        return unit_of(self.target)

    def where(self) -> str:
        return f"{self.file}:{self.line}: {self.statement}"


def module_name(path: Path, root: Path = REPO) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(root: Path = REPO) -> Iterator[Path]:
    for package in SOURCE_PACKAGES:
        yield from sorted((root / package).rglob("*.py"))


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _targets(node: ast.AST, module: str, is_package: bool, known: set[str]) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = _absolute(module, is_package, node)
        # `from marketplace import clock` imports the module marketplace.clock
        submodules = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known]
        return submodules or [base]
    return []


def imports(root: Path = REPO) -> list[Import]:
    """Every import of one of the source packages by a module of them, in file order."""
    files = list(source_files(root))
    known = {module_name(path, root) for path in files}
    found: list[Import] = []
    for path in files:
        module = module_name(path, root)
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source, filename=str(path))):
            for target in _targets(node, module, path.name == "__init__.py", known):
                if target.split(".")[0] not in SOURCE_PACKAGES or target == SPLIT_PACKAGE:
                    continue
                statement = " ".join((ast.get_source_segment(source, node) or "").split())
                file = path.relative_to(root).as_posix()
                found.append(Import(module, file, getattr(node, "lineno", 0), statement, target))
    found.sort(key=lambda i: (i.file, i.line, i.target))
    return found


def units(root: Path = REPO) -> set[str]:
    return {unit_of(module_name(path, root)) for path in source_files(root)}


def graph(found: Iterable[Import]) -> dict[str, dict[str, list[Import]]]:
    """{importer unit: {imported unit: the imports that make the edge}}, self-edges left out."""
    edges: dict[str, dict[str, list[Import]]] = defaultdict(lambda: defaultdict(list))
    for imp in found:
        if imp.importer != imp.imported:
            edges[imp.importer][imp.imported].append(imp)
    return edges


def module_graph(found: Iterable[Import]) -> dict[str, dict[str, list[Import]]]:
    """The same, module by module: {importing module: {imported module: the imports}}."""
    edges: dict[str, dict[str, list[Import]]] = defaultdict(lambda: defaultdict(list))
    for imp in found:
        if imp.module != imp.target:
            edges[imp.module][imp.target].append(imp)
    return edges


def cycles(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components of more than one unit, each sorted (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(unit: str) -> None:
        index[unit] = low[unit] = len(index)
        stack.append(unit)
        on_stack.add(unit)
        for other in sorted(edges.get(unit, ())):
            if other not in index:
                visit(other)
                low[unit] = min(low[unit], low[other])
            elif other in on_stack:
                low[unit] = min(low[unit], index[other])
        if low[unit] == index[unit]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == unit:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for unit in sorted(edges):
        if unit not in index:
            visit(unit)
    return sorted(found)


def picture(root: Path = REPO) -> str:
    """One line per unit: what it imports; then the cycles, if any."""
    edges = graph(imports(root))
    out = [
        f"{unit} -> {', '.join(sorted(edges.get(unit, {}))) or '(nothing)'}"
        for unit in sorted(units(root))
    ]
    loops = cycles(edges)
    out.append("cycles: " + ("; ".join(" <-> ".join(c) for c in loops) if loops else "none"))
    return "\n".join(out)


def layered_picture(root: Path = REPO) -> str:
    """The layers bottom first with their units, then which layer imports which; an import of
    a layer above is marked `(upward)`, a unit no layer holds is listed as unplaced."""
    from tests.support.layers import LAYER_OF, LAYERS, RANK

    present = units(root)
    out = ["layers, bottom first (units that exist today):"]
    out += [
        f"  {layer}: {', '.join(sorted(members & present)) or '(none yet)'}"
        for layer, members in LAYERS.items()
    ]
    unplaced = sorted(present - LAYER_OF.keys())
    if unplaced:
        out.append(f"  unplaced: {', '.join(unplaced)}")
    uses: dict[str, set[str]] = defaultdict(set)
    for importer, targets in graph(imports(root)).items():
        for imported in targets:
            if importer in LAYER_OF and imported in LAYER_OF:
                uses[LAYER_OF[importer]].add(LAYER_OF[imported])
    out.append("which layer imports which:")
    for layer in LAYERS:
        named = [
            name + (" (upward)" if RANK[name] > RANK[layer] else "")
            for name in sorted(uses[layer] - {layer}, key=RANK.__getitem__)
        ]
        out.append(f"  {layer} -> {', '.join(named) or '(nothing)'}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--layers"]:
        print(layered_picture())
        return 0
    if len(args) == 2:  # why does A import B: the lines that make the edge
        importer, imported = args
        for imp in graph(imports()).get(importer, {}).get(imported, []):
            print(imp.where())
        return 0
    if args:
        print("usage: import-graph [--layers | IMPORTER IMPORTED]", file=sys.stderr)
        return 2
    print(picture())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
