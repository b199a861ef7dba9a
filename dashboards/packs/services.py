"""Writes for packs: requesting a build, running it (in a worker), arranging sections.

A build is claimed under `select_for_update` with a lease the worker renews as it renders;
only the holder of the current lease may finish it, and finishing is one transaction that
writes the files, creates the version and marks the build done. So a duplicate or redelivered
message, a retry or a restarted worker can never make a second version, and a failed or
abandoned build leaves every earlier version untouched.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dashboards.models import (
    BuildKind,
    BuildState,
    Classification,
    Edition,
    PackBuild,
    PackSection,
    PackVersion,
)
from dashboards.packs import registry
from dashboards.packs.prepublish import ensure_acknowledged
from dashboards.packs.render import render_pack
from portal.history import mark_change
from portal.permissions import ensure

log = logging.getLogger(__name__)


def lease_seconds() -> int:
    return int(getattr(settings, "PACK_BUILD_LEASE_SECONDS", 60))


class LeaseHeld(Exception):
    """Another worker is rendering this build right now."""

    def __init__(self, remaining: float):
        super().__init__(f"Another worker holds this build for {remaining:.0f} more seconds")
        self.remaining = remaining


class LeaseLost(Exception):
    """This worker's claim was taken over (it was too slow to renew its lease)."""


# Requesting -------------------------------------------------------------------------------


def enqueue_build(build_id: int, *, countdown: float | None = None) -> None:
    from dashboards.tasks import build_pack

    options = {"countdown": countdown} if countdown else {}
    build_pack.apply_async(args=[build_id], **options)


@transaction.atomic
def pack_build_request(*, actor, meeting, kind: str, key: str | None = None) -> PackBuild:
    """Queue a build; the same `key` (a form's idempotency token) returns the same build."""
    ensure(actor, "pack.publish" if kind == BuildKind.PUBLISH else "pack.build", meeting)
    if kind not in BuildKind.values:
        raise ValidationError({"kind": f"'{kind}' is not a kind of build"})
    key = key or uuid.uuid4().hex
    if kind == BuildKind.PUBLISH and not PackBuild.objects.filter(key=key).exists():
        ensure_acknowledged(meeting)
    if len(key) > 64:
        raise ValidationError({"key": "The build key is at most 64 characters"})
    build, created = PackBuild.objects.get_or_create(
        key=key,
        defaults={
            "meeting": meeting,
            "kind": kind,
            "requested_by": actor,
            "message": "Queued",
        },
    )
    if not created and (build.meeting_id != meeting.pk or build.kind != kind):
        raise ValidationError({"key": "This build key belongs to another request"})
    if created:
        transaction.on_commit(lambda: enqueue_build(build.pk))
    return build


# Running ----------------------------------------------------------------------------------


def next_version_number(meeting) -> tuple[int, int]:
    latest = PackVersion.objects.filter(meeting=meeting, major=1).aggregate(m=Max("minor"))["m"]
    return 1, 0 if latest is None else latest + 1


def published_history(meeting) -> list[tuple[str, dict]]:
    return [
        (v.label, v.section_hashes)
        for v in PackVersion.objects.filter(meeting=meeting).order_by("major", "minor")
    ]


def _claim(build_id: int, token: str) -> PackBuild | None:
    with transaction.atomic():
        build = PackBuild.objects.select_for_update().filter(pk=build_id).first()
        if build is None or build.finished:
            # Gone (its meeting's data was reset) or already finished: a duplicate message.
            return None
        now = timezone.now()
        if build.state == BuildState.RENDERING and build.lease_until and build.lease_until > now:
            raise LeaseHeld((build.lease_until - now).total_seconds())
        build.state = BuildState.RENDERING
        build.attempts += 1
        build.worker_token = token
        build.lease_until = now + timedelta(seconds=lease_seconds())
        build.started_at = now
        build.step, build.steps = 0, 0
        build.error = ""
        build.message = (
            "Started" if build.attempts == 1 else f"Restarted (attempt {build.attempts})"
        )
        build.save()
        return build


def _progress(build_id: int, token: str):
    def report(step: int, steps: int, message: str) -> None:
        updated = PackBuild.objects.filter(
            pk=build_id, worker_token=token, state=BuildState.RENDERING
        ).update(
            step=step,
            steps=steps,
            message=message[:300],
            lease_until=timezone.now() + timedelta(seconds=lease_seconds()),
        )
        if not updated:
            raise LeaseLost()

    return report


def _save(name: str, content: bytes) -> str:
    return default_storage.save(name, ContentFile(content))


def _finish(build_id: int, token: str, pack, label: tuple[int, int]) -> PackBuild | None:
    with transaction.atomic():
        build = PackBuild.objects.select_for_update().select_related("meeting").get(pk=build_id)
        if build.finished or build.worker_token != token:
            return None
        meeting = build.meeting
        full, public = pack.editions[Edition.FULL], pack.editions[Edition.PUBLIC]
        if build.kind == BuildKind.PUBLISH:
            if next_version_number(meeting) != label:
                raise ValidationError(
                    "Another version was published while this one was rendering; "
                    "build it again to include that version's changes."
                )
            folder = f"packs/{meeting.pk}/v{label[0]}.{label[1]}-{build.key}"
            PackVersion.objects.create(
                meeting=meeting,
                build=build,
                major=label[0],
                minor=label[1],
                published_at=timezone.now(),
                published_by=build.requested_by,
                snapshot=_save(
                    f"{folder}/snapshot.json",
                    json.dumps(pack.snapshot(), indent=1, default=str).encode(),
                ),
                html_full=_save(f"{folder}/full.html", full.html.encode()),
                html_public=_save(f"{folder}/public.html", public.html.encode()),
                pdf_full=_save(f"{folder}/full.pdf", full.pdf),
                pdf_public=_save(f"{folder}/public.pdf", public.pdf),
                pages_full=full.pages,
                pages_public=public.pages,
                section_hashes=pack.hashes,
                section_updates=pack.updates,
            )
        else:
            folder = f"packs/{meeting.pk}/drafts/{build.key}"
            build.pdf_full = _save(f"{folder}/full.pdf", full.pdf)
            build.pdf_public = _save(f"{folder}/public.pdf", public.pdf)
        build.pages_full, build.pages_public = full.pages, public.pages
        build.state = BuildState.DONE
        build.step = build.steps
        build.finished_at = timezone.now()
        build.lease_until = None
        build.message = f"Done: {full.pages} pages (Public edition {public.pages})"
        build.save()
        return build


def _fail(build_id: int, token: str, message: str) -> None:
    PackBuild.objects.filter(pk=build_id, worker_token=token, state=BuildState.RENDERING).update(
        state=BuildState.FAILED,
        error=message[:2000],
        message="Failed",
        finished_at=timezone.now(),
        lease_until=None,
    )


def readable_error(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    name = type(exc).__name__
    if name == "SoftTimeLimitExceeded":
        return (
            "The build took longer than its time limit and was stopped; "
            "earlier versions are intact."
        )
    return f"The pack could not be rendered ({name}: {exc})."


def pack_build_run(build_id: int) -> PackBuild | None:
    """Render a build and store its result; safe to call again for the same build.

    Returns the finished build, or None when there was nothing to do (already finished, or
    taken over by another worker). Raises LeaseHeld while another worker renders it.
    """
    token = uuid.uuid4().hex
    build = _claim(build_id, token)
    if build is None:
        return None
    meeting = build.meeting
    try:
        label = next_version_number(meeting)
        pack = render_pack(
            meeting,
            version_label=f"v{label[0]}.{label[1]}",
            draft=build.kind == BuildKind.DRAFT,
            history=published_history(meeting),
            progress=_progress(build_id, token),
        )
        return _finish(build_id, token, pack, label)
    except LeaseLost:
        log.warning("Pack build %s was taken over by another worker", build_id)
        return None
    except Exception as exc:  # noqa: BLE001 - any failure must end as a readable state
        log.exception("Pack build %s failed", build_id)
        _fail(build_id, token, readable_error(exc))
        return PackBuild.objects.get(pk=build_id)


def abandoned_builds():
    """Builds that no live worker is rendering: queued, or rendering with a lapsed lease."""
    from django.db.models import Q

    now = timezone.now()
    return PackBuild.objects.filter(
        Q(state=BuildState.QUEUED)
        | Q(state=BuildState.RENDERING, lease_until__lte=now)
        | Q(state=BuildState.RENDERING, lease_until__isnull=True)
    )


def resume_builds() -> list[int]:
    """Re-enqueue every unfinished build (at worker start): duplicates are harmless."""
    resumed = []
    now = timezone.now()
    for build in PackBuild.objects.filter(state__in=[BuildState.QUEUED, BuildState.RENDERING]):
        countdown = None
        if build.state == BuildState.RENDERING and build.lease_until and build.lease_until > now:
            countdown = (build.lease_until - now).total_seconds() + 1
        enqueue_build(build.pk, countdown=countdown)
        resumed.append(build.pk)
    return resumed


# Arranging sections -----------------------------------------------------------------------


@dataclass(frozen=True)
class SectionSpec:
    section_type: str
    title: str = ""
    classification: str = Classification.PUBLIC
    params: dict | None = None
    agenda_item: object | None = None
    index_area: str = ""
    purpose: str = ""


@transaction.atomic
def pack_section_add(*, actor, meeting, spec: SectionSpec, position: int | None = None):
    ensure(actor, "pack.arrange", meeting)
    registry.validate_params(spec.section_type, spec.params or {})
    if spec.agenda_item is not None and spec.agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": "That agenda item belongs to another meeting"})
    if position is None:
        last = PackSection.objects.filter(meeting=meeting).aggregate(m=Max("position"))["m"]
        position = (last or 0) + 10
    section = PackSection(
        meeting=meeting,
        position=position,
        section_type=spec.section_type,
        title=spec.title,
        classification=spec.classification,
        params=spec.params or {},
        agenda_item=spec.agenda_item,
        index_area=spec.index_area,
        purpose=spec.purpose,
    )
    section.full_clean()
    mark_change(section, actor=actor)
    section.save()
    return section


@transaction.atomic
def pack_section_update(
    *, actor, section: PackSection, expected_version: int | None, **changes
) -> PackSection:
    from portal.concurrency import claim_version

    ensure(actor, "pack.arrange", section.meeting)
    allowed = {
        "title",
        "classification",
        "params",
        "agenda_item",
        "position",
        "index_area",
        "purpose",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))} of a pack section")
    claim_version(section, expected_version=expected_version)
    for name, value in changes.items():
        setattr(section, name, value)
    registry.validate_params(section.section_type, section.params or {})
    section.full_clean()
    mark_change(section, actor=actor)
    section.save()
    return section


@transaction.atomic
def pack_section_remove(*, actor, section: PackSection) -> None:
    ensure(actor, "pack.arrange", section.meeting)
    mark_change(section, actor=actor)
    section.delete()
