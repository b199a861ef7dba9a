from tests.delivery.factories import (
    DeliveryReportFactory,
    FinanceLineFactory,
    TrialResultFactory,
    accepted_report,
    complete_values,
    empty_tables,
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
        **empty_tables(),
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


def _target_set(world):
    import datetime

    from delivery.sit_models import SitTargetSet

    target_set = SitTargetSet.objects.create(
        stage="SIT Functional", cycle="Cycle 2", title="Targets", cut_off=datetime.date(2024, 8, 16)
    )
    return {"pk": target_set.pk}


def _target(world):
    from delivery.sit_models import SitTarget, SitTargetSet

    target_set = SitTargetSet.objects.get(pk=_target_set(world)["pk"])
    return {"pk": SitTarget.objects.create(target_set=target_set, number=1, statement="s").pk}


def _dashboard(world):
    import datetime

    from delivery.sit_models import SitDashboard

    return {"pk": SitDashboard.objects.create(as_of=datetime.date(2024, 8, 28)).pk}


def _group(world):
    from delivery.sit_models import MvcGroup

    return {"pk": MvcGroup.objects.create(dashboard_id=_dashboard(world)["pk"], name="UMSO").pk}


def _latest_status():
    from delivery.sit_models import SitDashboard

    return SitDashboard.objects.latest("as_of").pk


def _plan(world):
    from delivery.sit_models import CohortTrialPlan

    return {"pk": CohortTrialPlan.objects.create(sprint="Sprint 4.1").pk}


def _target_set_form(world, kwargs):
    return {"stage": "SIT Migration", "cycle": "Cycle 3", "title": "T", "cut_off": "2024-10-01"}


def _rows(prefix):
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}


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
    # SIT progress: everyone reads it, only the PMO writes it.
    ViewCase("delivery-sit", EVERYONE),
    ViewCase(
        "delivery-sit",
        EVERYONE,
        setup=lambda world: {} if _dashboard(world) else {},
        data=lambda world, kwargs: {"status": _latest_status()},
        label="a chosen SIT status",
    ),
    ViewCase("delivery-sit-target-set-new", PMO_ONLY),
    ViewCase(
        "delivery-sit-target-set-new", PMO_ONLY, method="post", data=_target_set_form, label="save"
    ),
    ViewCase("delivery-sit-target-set", PMO_ONLY, setup=_target_set),
    ViewCase(
        "delivery-sit-target-set",
        PMO_ONLY,
        method="post",
        setup=_target_set,
        data=lambda world, kwargs: {**_target_set_form(world, kwargs), "version": "1"},
        label="save",
    ),
    ViewCase("delivery-sit-target-new", PMO_ONLY, setup=_target_set),
    ViewCase(
        "delivery-sit-target-new",
        PMO_ONLY,
        method="post",
        setup=_target_set,
        data=lambda world, kwargs: {"number": "2", "statement": "New target", **_rows("m")},
        label="save",
    ),
    ViewCase("delivery-sit-target-edit", PMO_ONLY, setup=_target),
    ViewCase("delivery-sit-target-delete", PMO_ONLY, method="post", setup=_target),
    ViewCase("delivery-sit-status-new", PMO_ONLY),
    ViewCase(
        "delivery-sit-status-new",
        PMO_ONLY,
        method="post",
        data=lambda world, kwargs: {"as_of": "2024-09-25", "copy": "on"},
        label="save",
    ),
    ViewCase("delivery-mvc-group-new", PMO_ONLY, setup=_dashboard),
    ViewCase("delivery-mvc-group-edit", PMO_ONLY, setup=_group),
    ViewCase(
        "delivery-mvc-group-edit",
        PMO_ONLY,
        method="post",
        setup=_group,
        data=lambda world, kwargs: {"name": "UMSO", "pps_confirmed": "2", **_rows("r")},
        label="save",
    ),
    ViewCase("delivery-mvc-group-delete", PMO_ONLY, method="post", setup=_group),
    ViewCase("delivery-sit-stages-edit", PMO_ONLY, setup=_dashboard),
    ViewCase(
        "delivery-sit-stages-edit",
        PMO_ONLY,
        method="post",
        setup=_dashboard,
        data=lambda world, kwargs: {"version": "1", **_rows("s")},
        label="save",
    ),
    ViewCase("delivery-cohort-plan-new", PMO_ONLY),
    ViewCase("delivery-cohort-plan-edit", PMO_ONLY, setup=_plan),
    ViewCase(
        "delivery-cohort-plan-edit",
        PMO_ONLY,
        method="post",
        setup=_plan,
        data=lambda world, kwargs: {"version": "1", "sprint": "Sprint 4.1", **_rows("t")},
        label="save",
    ),
    ViewCase("delivery-sit-import", PMO_ONLY, setup=lambda world: {"kind": "targets"}),
]
