"""Spatial expressions for Tortoise queries, rendered for PostGIS or for SQLite.

On PostgreSQL they are PostGIS functions over `geography`; on SQLite the same names are Python
functions registered on the connection (see `geo.sqlite_functions`), so one query runs on both.
Geometries passed in are inlined as hex EWKB literals: the text holds only hex digits, and an
inlined literal lets the planner use the GIST index where a bound parameter under a generic plan
may not.

Usage::

    Listing.annotate(d=Distance("location", here)).filter(within(...)).order_by("d")
    qs = within_radius(Listing.all(), "location", here, 3000)
"""

from __future__ import annotations

from typing import Any

from pypika_tortoise.context import SqlContext
from pypika_tortoise.enums import Dialects
from pypika_tortoise.terms import Term
from shapely.geometry.base import BaseGeometry
from tortoise.expressions import Expression, RawSQL, ResolveContext, ResolveResult
from tortoise.fields import FloatField
from tortoise.query_utils import resolve_nested_field
from tortoise.queryset import QuerySet

from geo.wkb import to_hex_ewkb


class GeographyLiteral(Term):
    """A constant geometry: `'<hex>'::geography` on PostGIS, the hex text elsewhere."""

    def __init__(self, geometry: BaseGeometry) -> None:
        super().__init__()
        self.hex = to_hex_ewkb(geometry)

    def get_sql(self, ctx: SqlContext) -> str:
        if ctx.dialect == Dialects.POSTGRESQL:
            return f"'{self.hex}'::geography"
        return f"'{self.hex}'"


class _SpatialCall(Term):
    """`NAME(arg, arg, ...)` where each argument is a Term or a plain number."""

    def __init__(self, name: str, *args: Term | float) -> None:
        super().__init__()
        self.name = name
        self.args = args

    def _arg_sql(self, arg: Term | float, ctx: SqlContext) -> str:
        if isinstance(arg, Term):
            return arg.get_sql(ctx.copy(with_alias=False))
        return repr(float(arg))

    def call_sql(self, ctx: SqlContext) -> str:
        return f"{self.name}({', '.join(self._arg_sql(a, ctx) for a in self.args)})"

    def get_sql(self, ctx: SqlContext) -> str:
        sql = self.call_sql(ctx)
        if ctx.with_alias and self.alias:
            return f'{sql} "{self.alias}"'
        return sql


class _KnnDistance(_SpatialCall):
    """Index-assisted `<->` ordering on PostGIS; plain ST_Distance where there is no `<->`."""

    def call_sql(self, ctx: SqlContext) -> str:
        if ctx.dialect != Dialects.POSTGRESQL:
            return super().call_sql(ctx)
        left, right = (self._arg_sql(a, ctx) for a in self.args)
        return f"({left} <-> {right})"


class _SpatialExpression(Expression):
    function_name = ""
    term_class: type[_SpatialCall] = _SpatialCall

    def __init__(self, field: str, geometry: BaseGeometry, *numbers: float) -> None:
        self.field = field
        self.geometry = geometry
        self.numbers = tuple(float(n) for n in numbers)

    def resolve(self, resolve_context: ResolveContext) -> ResolveResult:
        term, joins, _ = resolve_nested_field(
            resolve_context.model, resolve_context.table, self.field
        )
        call = self.term_class(
            self.function_name, term, GeographyLiteral(self.geometry), *self.numbers
        )
        return ResolveResult(term=call, joins=joins, output_field=self.output_field())

    def output_field(self) -> Any:
        return None


class DWithin(_SpatialExpression):
    """True when the field's geometry lies within `metres` of `geometry` (geodesic)."""

    function_name = "ST_DWithin"

    def __init__(self, field: str, geometry: BaseGeometry, metres: float) -> None:
        super().__init__(field, geometry, metres)


class Distance(_SpatialExpression):
    """Geodesic distance in metres between the field's geometry and `geometry`."""

    function_name = "ST_Distance"

    def output_field(self) -> Any:
        return FloatField()


class Covers(_SpatialExpression):
    """True when the field's geometry (an area) covers `geometry` (boundary included)."""

    function_name = "ST_Covers"


class KnnDistance(_SpatialExpression):
    """Order by this for nearest-first: index-assisted on PostGIS."""

    function_name = "ST_Distance"
    term_class = _KnnDistance


_TRUE = RawSQL("TRUE")


def within_radius(
    qs: QuerySet[Any], field: str, center: BaseGeometry, metres: float
) -> QuerySet[Any]:
    """Rows whose `field` lies within `metres` of `center`."""
    return qs.annotate(_within=DWithin(field, center, metres)).filter(_within=_TRUE)


def covering(qs: QuerySet[Any], field: str, geometry: BaseGeometry) -> QuerySet[Any]:
    """Rows whose area `field` covers `geometry` (e.g. service areas serving an address)."""
    return qs.annotate(_covers=Covers(field, geometry)).filter(_covers=_TRUE)


def nearest_first(qs: QuerySet[Any], field: str, center: BaseGeometry) -> QuerySet[Any]:
    return qs.annotate(_knn=KnnDistance(field, center)).order_by("_knn")
