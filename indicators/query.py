"""Reading a report request (period, territory, group_by) from query parameters,
the same way for the dashboard, the exports and the API."""

from dataclasses import dataclass

from django.utils import timezone

from indicators.access import IndicatorScope, resolve_territory
from indicators.engine import DASHBOARD_GROUP_BY, GROUP_BY, INVALID_GROUP_BY
from indicators.periods import Period, PeriodError, parse_period
from indicators.territories import Territory, TerritoryError


class QueryError(ValueError):
    """A malformed parameter (answer 400). The message is French."""


@dataclass(frozen=True)
class ReportQuery:
    territory: Territory
    period: Period
    group_by: str | None


def parse_query(
    scope: IndicatorScope, params, *, default_group_by: str | None = None, extra_group_by: bool = True
) -> ReportQuery:
    """Parse `params` (a QueryDict). Raises QueryError (400) or Http404 (territory
    missing or outside `scope`). Period defaults to the current year, territory
    to the scope's own."""
    try:
        period = parse_period(params.get("period") or str(timezone.localdate().year))
    except PeriodError as error:
        raise QueryError(str(error)) from None
    group_by = params.get("group_by") or default_group_by
    allowed = GROUP_BY + (DASHBOARD_GROUP_BY if extra_group_by else ())
    if group_by is not None and group_by not in allowed:
        raise QueryError(INVALID_GROUP_BY.format(group_by=group_by))
    try:
        territory = resolve_territory(scope, params.get("territory"))
    except TerritoryError as error:
        raise QueryError(str(error)) from None
    return ReportQuery(territory=territory, period=period, group_by=group_by)
