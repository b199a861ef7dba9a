"""The portal used the way people use it: four journeys in a real browser (Playwright +
chromium) against the live server, on the demo programme."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from change_requests.models import Invitation, Response, Stage
from dashboards.models import BuildState, PackBuild
from meetings.models import Meeting
from milestones import services as milestone_services
from milestones.models import Milestone, Rag
from portal.models import User
from portal.reporting import reporting_date
from tests.e2e.conftest import sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.slow,
]
ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def demo(transactional_db):
    call_command("load_programme", verbosity=0)
    milestone_services.milestones_recompute(on=reporting_date())
    return settings.DEMO_PASSWORD


def _psg36():
    return Meeting.objects.get(forum__code="PSG", number=36)


def test_pmo_reforecasts_a_milestone_inline_and_sees_its_rag_change(demo, new_page):
    on = reporting_date()
    milestone = (
        Milestone.objects.filter(
            rag=Rag.GREEN, rag_override="", completed_on=None, baseline_date__gt=on
        )
        .order_by("baseline_date", "reference")
        .first()
    )
    assert milestone is not None, "the demo should have a green milestone due after the date"
    page = sign_in(new_page(), "pmo@example.com", demo)
    page.goto(f"/milestones/?q={milestone.reference}")
    row = page.locator(f"#milestone-row-{milestone.pk}")
    expect(row.locator(".ms-rag .rag")).to_have_text("G")
    page.evaluate("window.__sameDocument = true")

    row.get_by_role("link", name=f"Reforecast {milestone.reference}").click()
    new_date = milestone.baseline_date + datetime.timedelta(days=60)
    page.get_by_label("New forecast date").fill(new_date.isoformat())
    page.get_by_label("Why").fill("Supplier build slipped")
    page.get_by_role("button", name="Save").click()

    expect(page.locator(f"#milestone-row-{milestone.pk} .ms-rag .rag")).to_have_text("R")
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"
    milestone.refresh_from_db()
    assert milestone.forecast_date == new_date
    assert milestone.reforecasts.get().reason == "Supplier build slipped"


def test_participant_submits_an_impact_assessment_and_the_rollup_moves(demo, new_page):
    from tests.change_requests.factories import ChangeRequestFactory

    participant = User.objects.get(email="participant@example.com")
    today = timezone.localdate()
    cr = ChangeRequestFactory(
        stage=Stage.IA_OPEN, ia_opened_on=today, ia_deadline=today + datetime.timedelta(days=10)
    )
    other = User.objects.get(email="dno@example.com").organisation
    for organisation in (participant.organisation, other):
        Invitation.objects.create(
            change_request=cr,
            organisation=organisation,
            deadline=cr.ia_deadline,
            invited_at=timezone.now(),
        )
    page = sign_in(new_page(), participant.email, demo)
    page.goto(f"/change-requests/{cr.pk}/")
    expect(page.locator(".cr-progress")).to_contain_text("0 of 2")
    expect(page.locator(".cr-ia-summary__total td").first).to_have_text("0")

    page.goto(f"/change-requests/{cr.pk}/respond/")
    page.get_by_label("Recommendation").select_option("yes")
    page.get_by_label("Benefits").fill("Settlement data sooner")
    page.get_by_role("button", name="Submit response").click()
    expect(page.get_by_text("Submitted.")).to_be_visible()

    page.goto(f"/change-requests/{cr.pk}/")
    expect(page.locator(".cr-progress")).to_contain_text("1 of 2")
    expect(page.locator(".cr-ia-summary__total td").first).to_have_text("1")
    saved = Response.objects.get(change_request=cr)
    assert saved.organisation == participant.organisation
    assert saved.status == "submitted"


class Worker:
    """A real Celery worker on the test database (only when a Redis broker is configured;
    without one the build runs in the web process, as with `make run`)."""

    def __init__(self, log: Path):
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
                f"/{db['NAME']}"
            ),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        }
        self.log = log
        self.process = None

    def __enter__(self):
        from portal.celery import app

        app.control.purge()  # messages left by earlier tests name rows that no longer exist
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "portal",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-mingle",
                "--without-gossip",
                "-n",
                f"e2e{time.time_ns()}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def test_pmo_builds_a_pack_and_watches_the_progress_bar_reach_done(demo, new_page, tmp_path):
    meeting = _psg36()
    page = sign_in(new_page(), "pmo@example.com", demo)
    page.goto(f"/dashboards/packs/meeting/{meeting.pk}/")
    uses_worker = settings.CELERY_BROKER_URL.startswith("redis")
    log = tmp_path / "worker.log"
    worker = Worker(log) if uses_worker else None
    try:
        if worker:
            worker.__enter__()
        page.get_by_role("button", name="Build draft").click()
        progress = page.locator("#build-progress .build-progress")
        expect(progress).to_be_visible()
        expect(page.locator("#build-progress .build-progress--done")).to_be_visible(timeout=180_000)
        expect(page.locator("#build-progress progress")).to_have_attribute("value", "100")
        expect(page.locator("#build-progress")).to_contain_text("Full draft PDF")
    finally:
        if worker:
            worker.__exit__(None, None, None)
    build = PackBuild.objects.get(meeting=meeting)
    assert build.state == BuildState.DONE, (build.error, log.read_text() if uses_worker else "")
    assert build.pages_full > 0


def test_steering_member_downloads_the_full_edition_and_a_participant_is_refused(demo, new_page):
    from tests.api.test_packs import published_version
    from tests.dashboards.factories import PackBuildFactory

    version = published_version()
    meeting = version.meeting
    # The published version belongs to PSG 36 for the journey's sake.
    PackBuildFactory._meta.model.objects.filter(pk=version.build_id).update(meeting=_psg36())
    type(version).objects.filter(pk=version.pk).update(meeting=_psg36())
    meeting = _psg36()

    steering = sign_in(new_page(), "steering@example.com", demo)
    steering.goto(f"/dashboards/packs/meeting/{meeting.pk}/")
    with steering.expect_download() as download_info:
        steering.get_by_role("link", name="Full edition PDF").click()
    download = download_info.value
    assert "full" in download.suggested_filename
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    participant = sign_in(new_page(), "participant@example.com", demo)
    participant.goto(f"/dashboards/packs/meeting/{meeting.pk}/")
    expect(participant.get_by_role("link", name="Public edition PDF")).to_be_visible()
    expect(participant.get_by_role("link", name="Full edition PDF")).to_have_count(0)
    expect(participant.get_by_text("You receive the Public edition")).to_be_visible()
    refused = participant.request.get(f"/dashboards/packs/versions/{version.pk}/full.pdf")
    assert refused.status == 403
    assert not refused.body().startswith(b"%PDF")
