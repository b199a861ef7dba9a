"""The programme's reporting date: the "as of" of every dashboard, RAG and movement."""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def reporting_date() -> date:
    from portal.models import Programme

    fixed = Programme.objects.filter(pk=1).values_list("reporting_date", flat=True).first()
    return fixed or timezone.localdate()
