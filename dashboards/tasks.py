"""Pack rendering in a worker: bounded, idempotent, resumable after a worker dies."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from dashboards.packs import services

TIME_LIMIT = int(getattr(settings, "PACK_BUILD_TIME_LIMIT", 600))


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=20,
    time_limit=TIME_LIMIT,
    soft_time_limit=TIME_LIMIT - 30,
)
def build_pack(self, build_id: int) -> str:
    """Render build `build_id`. A duplicate message finds the build finished and stops."""
    try:
        build = services.pack_build_run(build_id)
    except services.LeaseHeld as held:
        # Someone is rendering it now; look again once their lease would have lapsed, in
        # case that worker has died.
        raise self.retry(countdown=held.remaining + 1, exc=held) from held
    return build.state if build is not None else "nothing to do"


@worker_ready.connect
def _resume_unfinished_builds(sender=None, **kwargs):
    """A worker that starts picks up builds left behind by one that died mid-render."""
    from django.db import close_old_connections

    close_old_connections()
    try:
        services.resume_builds()
    finally:
        close_old_connections()
