"""The demo directory's delivery content: reports, finances with both totals, trials."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from delivery.models import (
    DeliveryDeliverable,
    DeliveryEscalation,
    DeliveryMilestone,
    DeliveryRaidItem,
    DeliveryReport,
    TrialResult,
)
from delivery.sit_models import (
    CohortTrial,
    CohortTrialPlan,
    MvcGroup,
    MvcRole,
    SitDashboard,
    SitStageStatus,
    SitTarget,
    SitTargetMeasure,
    SitTargetSet,
)
from portal.programme_loading import load_programme

pytestmark = pytest.mark.django_db
DEMO = Path(settings.BASE_DIR) / "demo" / "psg36"


@pytest.fixture
def demo(db):
    load_programme(DEMO)


def _counts():
    return {
        model.__name__: (model.objects.count(), model.history.count())
        for model in (
            DeliveryReport,
            DeliveryMilestone,
            DeliveryRaidItem,
            DeliveryEscalation,
            DeliveryDeliverable,
            TrialResult,
            SitTargetSet,
            SitTarget,
            SitTargetMeasure,
            SitDashboard,
            MvcGroup,
            MvcRole,
            SitStageStatus,
            CohortTrialPlan,
            CohortTrial,
        )
    }


def test_demo_loads_party_reports_and_sit_progress_and_is_idempotent(demo):
    first = _counts()
    expected = {
        "DeliveryReport": 8,  # 6 from the seed, the IDNOs' (8 of 14) and Helix's (requested)
        "DeliveryMilestone": 16,
        "DeliveryRaidItem": 40,
        "DeliveryEscalation": 4,
        "DeliveryDeliverable": 7,
        "TrialResult": 8,
        "SitTargetSet": 2,
        "SitTarget": 5,
        "SitTargetMeasure": 11,
        "SitDashboard": 1,
        "MvcGroup": 5,
        "MvcRole": 14,
        "SitStageStatus": 5,
        "CohortTrialPlan": 1,
        "CohortTrial": 8,
    }
    assert {name: rows for name, (rows, _) in first.items()} == expected
    load_programme(DEMO)
    assert _counts() == first  # rows and history: a second load changes nothing
    dip = DeliveryReport.objects.get(organisation__name="Avanade (DIP)")
    assert [m.title for m in dip.milestones.all()][1] == "Functional SIT - Cycle 3"
    dno = DeliveryReport.objects.get(constituency__name="DNOs")
    assert dno.raid_items.count() == 17


def test_demo_finance_page_shows_computed_and_printed_totals(demo, client_for):
    from portal.models import User

    participant = User.objects.get(email="participant@example.com")
    html = client_for(participant).get(reverse("delivery-finances")).content.decode()
    assert "69.85" in html and "68.02" in html  # printed by the pack
    assert "69.82" in html  # the sum of the party lines' months
    assert "Total budget (computed)" in html


def test_demo_trial_table_matches_the_pack(demo, client_for):
    from portal.models import User

    observer = User.objects.get(email="observer@example.com")
    html = client_for(observer).get(reverse("delivery-trials")).content.decode()
    assert "137/198 (69%)" in html
    assert "Re-started 29/08 due to TC defect 39372" in html


def test_accepted_demo_report_readable_by_everyone(demo, client_for):
    from portal.models import User

    report = DeliveryReport.objects.get(organisation__name="Data Communications Company (DCC)")
    participant = User.objects.get(email="participant@example.com")
    html = client_for(participant).get(reverse("delivery-report-detail", args=[report.pk])).content
    assert b"MP162 Go-LIVE" in html


def test_demo_reports_carry_what_the_pack_prints(demo):
    dnos = DeliveryReport.objects.get(constituency__name="DNOs")
    assert (dnos.organisations_reported, dnos.organisations_expected) == (6, 6)
    assert [e.resolution_note for e in dnos.escalations.all()] == ["ASAP"] * 4
    assert {e.owner for e in dnos.escalations.all()} == {"MHHS Programme"}
    assert dnos.deliverables.filter(programme_milestones="T3-QU-0076").count() == 2
    assert "**SIT Participant**" in dnos.progress_last_month
    idnos = DeliveryReport.objects.get(constituency__name="iDNOs")
    assert (idnos.organisations_reported, idnos.organisations_expected) == (8, 14)
    helix = DeliveryReport.objects.get(organisation__name="Elexon Central Systems (Helix)")
    assert helix.status == "requested" and helix.submitted_at is None
    dcc = DeliveryReport.objects.get(organisation__name="Data Communications Company (DCC)")
    assert [i.ref for i in dcc.raid_items.all()] == ["1", "2", "3", "4", "5"]
    assert dcc.raid_items.get(ref="5").movement == "NEW"
    tooling = DeliveryRaidItem.objects.get(description__startswith="NFT Tooling to manage")
    assert tooling.dependency_on == "NFT Tooling" and "[" not in tooling.description
    dip = DeliveryReport.objects.get(organisation__name="Avanade (DIP)")
    assert dip.raid_items.first().target == "(12/07/24) 27/09/24"
    assert dip.progress_last_month.count("\n- ") == 10  # eleven points, one per line
