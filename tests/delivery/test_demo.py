"""The demo directory's delivery content: reports, finances with both totals, trials."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from delivery.models import DeliveryMilestone, DeliveryRaidItem, DeliveryReport, TrialResult
from portal.programme_loading import load_programme

pytestmark = pytest.mark.django_db
DEMO = Path(settings.BASE_DIR) / "demo" / "psg36"


@pytest.fixture
def demo(db):
    load_programme(DEMO)


def _counts():
    return {
        model.__name__: (model.objects.count(), model.history.count())
        for model in (DeliveryReport, DeliveryMilestone, DeliveryRaidItem, TrialResult)
    }


def test_demo_loads_party_reports_and_is_idempotent(demo):
    first = _counts()
    assert first["DeliveryReport"][0] == 6
    assert first["DeliveryMilestone"][0] == 16
    assert first["DeliveryRaidItem"][0] == 40
    assert first["TrialResult"][0] == 8
    load_programme(DEMO)
    assert _counts() == first
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
