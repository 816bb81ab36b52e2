"""Query filters for the job list."""

from __future__ import annotations

import django_filters

from jobs.models import Job
from jobs.runner import registered_kinds


def _kind_choices() -> list[tuple[str, str]]:
    return [(kind, kind) for kind in registered_kinds()]


class JobFilter(django_filters.FilterSet):
    """``?status=`` and ``?kind=``, each one of its known values.

    ``kind`` is a free text column, so a typo (``?kind=exectue``) used to answer an empty list,
    as if there were no such jobs; it is now a 400 listing the kinds, as ``?status=`` is.
    """

    kind = django_filters.ChoiceFilter(choices=_kind_choices)

    class Meta:
        model = Job
        fields = ["status", "kind"]
