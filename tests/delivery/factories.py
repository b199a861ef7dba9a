import datetime
from decimal import Decimal

import factory

from delivery.models import (
    DeliveryReport,
    FinanceAmount,
    FinanceKind,
    FinanceLine,
    ReportStatus,
    TestCase,
    TestStage,
    TrialResult,
    TrialStatus,
)
from tests.factories import OrganisationFactory


class DeliveryReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryReport

    organisation = factory.SubFactory(OrganisationFactory)
    period = factory.Sequence(lambda n: datetime.date(2020 + n // 12, n % 12 + 1, 1))
    due_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=14))
    status = ReportStatus.REQUESTED


def complete_values(rag="G"):
    from delivery.models import RAG_DIMENSIONS

    return {
        **{name: rag for name, _ in RAG_DIMENSIONS},
        "progress_last_month": "Built the thing.",
        "progress_next_month": "Test the thing.",
    }


def empty_tables() -> dict:
    """The management data of every table on the report form, with no rows."""
    return {
        f"{prefix}-{name}": "0"
        for prefix in ("ms", "kd", "dec", "esc", "raid")
        for name in ("TOTAL_FORMS", "INITIAL_FORMS")
    }


def accepted_report(**kwargs):
    now = datetime.datetime.now(tz=datetime.UTC)
    return DeliveryReportFactory(
        status=ReportStatus.ACCEPTED, submitted_at=now, reviewed_at=now, **kwargs
    )


class FinanceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinanceLine

    year = 2024
    label = factory.Sequence(lambda n: f"Party{n} Budget")
    party = factory.Sequence(lambda n: f"Party{n}")
    kind = FinanceKind.BUDGET


def finance_line_with_months(amount=Decimal("1.00"), **kwargs):
    line = FinanceLineFactory(**kwargs)
    from delivery.services import financial_year_months

    for month in financial_year_months(line.year):
        FinanceAmount.objects.create(line=line, month=month, amount=amount)
    return line


class TestStageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TestStage

    name = factory.Sequence(lambda n: f"Stage {n}")


class TestCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TestCase

    stage = factory.SubFactory(TestStageFactory)
    name = factory.Sequence(lambda n: f"TC{n:03d}")


class TrialResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrialResult

    test_case = factory.SubFactory(TestCaseFactory)
    cohorts = factory.Sequence(lambda n: f"C{n}")
    status = TrialStatus.IN_PROGRESS
    steps_passed = 10
    steps_total = 20
    percent = 50
