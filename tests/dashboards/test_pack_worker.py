"""A real Celery worker against Redis, killed in the middle of a render, then restarted:
the build ends with one complete version and no duplicate, whatever messages were redelivered."""

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import connection

from dashboards.models import BuildState, PackBuild, PackVersion
from dashboards.packs import services
from tests.dashboards.factories import PackSectionFactory
from tests.factories import ForumFactory, MeetingFactory, UserFactory
from tests.meetings.factories import AgendaItemFactory
from tests.milestones.factories import MilestoneFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.slow]
ROOT = Path(settings.BASE_DIR)


def _broker_ready() -> bool:
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis"):
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url).ping())
    except redis.RedisError:
        return False


class Worker:
    def __init__(self, media: Path, log: Path):
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.dashboards.worker_settings",
            "DATABASE_URL": (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
                f"/{db['NAME']}"
            ),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "MEDIA_ROOT": str(media),
        }
        self.log = log
        self.process = None

    def start(self):
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
                f"packtest{time.time_ns()}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # no goodbye, no ack: as a crash
            self.process.wait(timeout=10)


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"Timed out waiting for {what}")


@pytest.fixture
def big_meeting(db):
    forum = ForumFactory(code="PSG", name="Programme Steering Group", level=2)
    meeting = MeetingFactory(forum=forum, number=36, date=date(2024, 9, 4))
    item = AgendaItemFactory(meeting=meeting, position=1, title="Delivery Dashboards")
    start = date(2024, 6, 3)
    for n in range(300):
        MilestoneFactory(
            reference=f"T3-DB-{n + 1:04d}",
            forum=forum,
            title=f"Scaled milestone {n + 1}",
            baseline_date=start + timedelta(days=n),
            responsible="SI Test",
            commentary="Commentary long enough to wrap onto a second line of its cell " * 2,
        )
    PackSectionFactory(
        meeting=meeting,
        agenda_item=item,
        section_type="milestone_dashboard",
        title="Milestones",
        params={"from": "2024-01-01", "to": "2026-01-01"},
    )
    return meeting


# Committed data the worker process can read; serialized_rollback restores the rows data
# migrations created, for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(not _broker_ready(), reason="needs CELERY_BROKER_URL pointing at a Redis")
def test_killing_the_worker_mid_render_ends_with_one_version(big_meeting, tmp_path):
    from portal.celery import app

    app.control.purge()
    media = tmp_path / "media"
    worker = Worker(media, tmp_path / "worker.log")
    pmo = UserFactory(role="pmo", email="pmo-worker@example.org")
    try:
        worker.start()
        build = services.pack_build_request(actor=pmo, meeting=big_meeting, kind="publish")
        # A duplicate message for the same build, as a broker may deliver.
        services.enqueue_build(build.pk)
        wait_for(
            lambda: PackBuild.objects.filter(pk=build.pk, state=BuildState.RENDERING).exists(),
            90,
            "the worker to start rendering",
        )
        worker.kill()
        stuck = PackBuild.objects.get(pk=build.pk)
        assert stuck.state == BuildState.RENDERING and not PackVersion.objects.exists()

        worker.start()  # a restarted worker resumes the build once the dead one's lease lapses
        done = wait_for(
            lambda: PackBuild.objects.filter(pk=build.pk, state=BuildState.DONE).first(),
            180,
            "the restarted worker to finish",
        )
        services.enqueue_build(build.pk)  # and yet another late duplicate
        time.sleep(3)
    finally:
        worker.kill()
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert done.attempts >= 2, log[-3000:]
    versions = list(PackVersion.objects.filter(meeting=big_meeting))
    assert len(versions) == 1, log[-3000:]
    assert PackBuild.objects.filter(meeting=big_meeting).count() == 1
    storage = FileSystemStorage(location=media)
    with storage.open(versions[0].pdf_full, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert versions[0].pages_full > 5
