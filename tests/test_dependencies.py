"""Dependencies point one way, read from the source (see tests/support/import_graph.py).

From the bottom: the kernel (the city, accounts, notices, errors, clock, database, settings and
the small shared rules) with `geo`; `listings`; `search` (it indexes listings; listings reaches
it only through `listings.index_outbox`); `payments`, which knows no purchase domain; the
purchase domains (bookings, orders, redeem, and those to come), which may use payments; `web`;
and the app assembly (app, asgi, cli, serving, worker, demo, migrations), which only tests and
other assembly modules import. A unit may import its own layer or the ones below, never one
above, and no units (nor modules, inside a package) import each other in a circle.
"""

from __future__ import annotations

import pytest

from tests.support import import_graph
from tests.support.import_graph import Import
from tests.support.layers import LAYER_OF, LAYERS, PURCHASE_DOMAINS, RANK

IMPORTS = import_graph.imports()
EDGES = import_graph.graph(IMPORTS)
MODULE_EDGES = import_graph.module_graph(IMPORTS)


def _above(imp: Import) -> bool:
    return RANK[LAYER_OF[imp.imported]] > RANK[LAYER_OF[imp.importer]]


def _report(found: list[Import], rule: str) -> str:
    lines = [
        f"{imp.importer} ({LAYER_OF[imp.importer]}) imports {imp.imported} "
        f"({LAYER_OF[imp.imported]}): {imp.where()}"
        for imp in found
    ]
    return f"{rule}:\n" + "\n".join(lines)


def test_every_unit_has_a_layer() -> None:
    """A new package or marketplace submodule must be placed before it can be checked."""
    unplaced = sorted(import_graph.units() - LAYER_OF.keys())
    assert not unplaced, f"add these to LAYERS in {__name__}: {unplaced}"


@pytest.mark.parametrize("layer", list(LAYERS))
def test_a_layer_imports_nothing_above_it(layer: str) -> None:
    found = [
        imp
        for imp in IMPORTS
        if LAYER_OF.get(imp.importer) == layer and imp.imported in LAYER_OF and _above(imp)
    ]
    above = [name for name in LAYERS if RANK[name] > RANK[layer]]
    assert not found, _report(found, f"{layer} must not import {', '.join(above)}")


def test_payments_imports_no_purchase_domain() -> None:
    """Said on its own because it is the rule that keeps a new kind of purchase out of payments."""
    found = [
        imp for imp in IMPORTS if imp.importer == "payments" and imp.imported in PURCHASE_DOMAINS
    ]
    assert not found, _report(found, "payments must not import a purchase domain")


def test_app_assembly_is_imported_only_by_assembly() -> None:
    assembly = LAYERS["app assembly"]
    found = [imp for imp in IMPORTS if imp.imported in assembly and imp.importer not in assembly]
    assert not found, _report(found, "only app assembly (and tests) may import app assembly")


def _cycle_report(
    found: list[list[str]], edges: dict[str, dict[str, list[Import]]], between: str
) -> str:
    lines = [f"import cycles between {between}: " + "; ".join(" <-> ".join(c) for c in found)]
    for cycle in found:
        for importer in cycle:
            for imported, imps in sorted(edges[importer].items()):
                if imported in cycle:
                    lines.append(f"  {importer} -> {imported}: {imps[0].where()}")
    return "\n".join(lines)


def test_no_import_cycles_between_units() -> None:
    found = import_graph.cycles(EDGES)
    assert not found, _cycle_report(found, EDGES, "packages")


def test_no_import_cycles_between_modules() -> None:
    """Inside a package too: two modules that need each other are one module, or share a
    third below both."""
    found = import_graph.cycles(MODULE_EDGES)
    assert not found, _cycle_report(found, MODULE_EDGES, "modules")


def test_the_reader_sees_function_local_imports() -> None:
    """The check counts an import inside a function as a dependency like any other."""
    local = [
        imp for imp in IMPORTS if imp.module == "web.middleware.csrf" and imp.target == "web.errors"
    ]
    assert local, "the function-local import in web/middleware/csrf.py was not seen"


def test_the_picture_can_be_regenerated(capsys: pytest.CaptureFixture[str]) -> None:
    """scripts/import-graph draws what these tests check."""
    assert import_graph.main([]) == 0
    assert import_graph.main(["--layers"]) == 0
    printed = capsys.readouterr().out
    assert "search -> geo, listings" in printed
    assert "listings -> kernel\n" in printed
