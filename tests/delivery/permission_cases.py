from tests.delivery.factories import (
    DeliveryReportFactory,
    FinanceLineFactory,
    TrialResultFactory,
    accepted_report,
    complete_values,
)
from tests.permission_matrix import EVERYONE, PMO_ONLY, ViewCase


def _own_draft(world):
    return {"pk": DeliveryReportFactory(organisation=world.organisation).pk}


def _own_complete(world):
    report = DeliveryReportFactory(organisation=world.organisation, status="draft")
    for key, value in complete_values().items():
        setattr(report, key, value)
    report.save()
    return {"pk": report.pk}


def _accepted(world):
    return {"pk": accepted_report(organisation=world.other_organisation).pk}


def _submitted(world):
    import datetime

    report = DeliveryReportFactory(
        organisation=world.organisation,
        status="submitted",
        submitted_at=datetime.datetime.now(tz=datetime.UTC),
        **complete_values(),
    )
    return {"pk": report.pk}


def _version(world, kwargs):
    from delivery.models import DeliveryReport

    return {"version": DeliveryReport.objects.get(pk=kwargs["pk"]).version}


def _save(world, kwargs):
    return {
        **_version(world, kwargs),
        **complete_values(),
        "ms-TOTAL_FORMS": "0",
        "ms-INITIAL_FORMS": "0",
        "raid-TOTAL_FORMS": "0",
        "raid-INITIAL_FORMS": "0",
    }


def _line(world):
    return {"pk": FinanceLineFactory().pk}


def _csv(world):
    return {"fmt": "csv"}


def _line_and_csv(world):
    FinanceLineFactory()
    return {"fmt": "xlsx"}


def _trial(world):
    return {"pk": TrialResultFactory().pk}


def _request(world, kwargs):
    import datetime

    return {
        "organisation": world.organisation.pk,
        "period": "2030-01-01",
        "due_date": (datetime.date.today() + datetime.timedelta(days=7)).isoformat(),
    }


OWN_ORG = frozenset({"pmo", "participant"})
OWN_PARTICIPANT = frozenset({"participant"})

CASES = [
    ViewCase("delivery-home", EVERYONE),
    ViewCase("delivery-report-request", PMO_ONLY),
    ViewCase("delivery-report-request", PMO_ONLY, method="post", data=_request, label="save"),
    ViewCase("delivery-report-detail", OWN_ORG, setup=_own_draft, label="draft"),
    ViewCase("delivery-report-detail", EVERYONE, setup=_accepted, label="accepted"),
    ViewCase("delivery-report-edit", OWN_PARTICIPANT, setup=_own_draft),
    ViewCase(
        "delivery-report-edit",
        OWN_PARTICIPANT,
        method="post",
        setup=_own_draft,
        data=_save,
        label="save",
    ),
    ViewCase(
        "delivery-report-edit",
        frozenset({"other_participant"}),
        setup=_accepted,
        label="accepted report of other_participant's org",
    ),
    ViewCase(
        "delivery-report-submit",
        OWN_PARTICIPANT,
        method="post",
        setup=_own_complete,
        data=_version,
    ),
    ViewCase(
        "delivery-report-review",
        PMO_ONLY,
        method="post",
        setup=_submitted,
        data=lambda world, kwargs: {**_version(world, kwargs), "decision": "accept"},
    ),
    ViewCase(
        "delivery-report-extend",
        PMO_ONLY,
        method="post",
        setup=_own_draft,
        data=lambda world, kwargs: {**_version(world, kwargs), "due_date": "2099-01-01"},
    ),
    ViewCase("delivery-finances", EVERYONE),
    ViewCase("delivery-finances-export", EVERYONE, setup=_line_and_csv),
    ViewCase("delivery-finances-import", PMO_ONLY),
    ViewCase("delivery-finance-line-edit", PMO_ONLY, setup=_line),
    ViewCase("delivery-trials", EVERYONE),
    ViewCase("delivery-trials-export", EVERYONE, setup=_csv),
    ViewCase("delivery-trials-import", PMO_ONLY),
    ViewCase("delivery-trial-edit", PMO_ONLY, setup=_trial),
]
