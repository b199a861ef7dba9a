"""Rendering, editions, page numbers, versions and their "Updated" marks on a small pack."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from dashboards.models import BuildState, PackBuild, PackVersion
from dashboards.packs import services
from dashboards.packs.render import updated_in
from meetings.models import NarrativeSection
from tests.dashboards.conftest import publish


def pages_of(name: str) -> list[str]:
    with default_storage.open(name, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return [page.extract_text() for page in reader.pages]


def contents_entry(pages: list[str], title: str) -> int:
    contents = next(p for p in pages if p.lstrip().startswith("Contents"))
    match = re.search(rf"{re.escape(title)}\s+(?:Restricted\s+)?(\d+)", contents)
    assert match, contents
    return int(match.group(1))


def test_publish_freezes_v1_0_with_both_editions(small_pack):
    build = publish(small_pack.meeting)
    version = build.version
    assert version.label == "v1.0"
    full, public = pages_of(version.pdf_full), pages_of(version.pdf_public)
    assert len(full) == version.pages_full and len(public) == version.pages_public
    # The Public edition ends by saying what it leaves out; the Full edition leaves out nothing.
    assert "leaves out 1 section classified Restricted" in public[-1]
    assert "Withheld from this edition" not in "\n".join(full)
    full_text, public_text = "\n".join(full), "\n".join(public)
    assert small_pack.restricted_title in full_text
    assert small_pack.restricted_title not in public_text
    # Every page carries its classification and its number in the footer.
    for number, text in enumerate(full, start=1):
        assert "Document Classification: " in text
        assert re.search(rf"\b{number}\s*$", text.strip()), text[-80:]
    assert "Document Classification: Restricted" in full_text
    assert "Document Classification: Restricted" not in public_text
    assert "Elexon to provide a breakdown" in public_text  # the actions log
    assert "Sprint 4.1 progress is good" in public_text  # narrative Markdown rendered


@pytest.mark.parametrize("edition", ["full", "public"])
def test_contents_and_agenda_page_numbers_point_at_the_right_pages(small_pack, edition):
    version = publish(small_pack.meeting).version
    pages = pages_of(getattr(version, f"pdf_{edition}"))
    number = contents_entry(pages, "2. Headline Report and Actions")
    assert pages[number - 1].lstrip().startswith("2 Headline Report and Actions")
    actions = contents_entry(pages, "Actions log")
    assert pages[actions - 1].lstrip().startswith("Actions log")
    agenda = next(p for p in pages if p.lstrip().startswith("Agenda"))
    # Item 2 runs 10:05-10:15; its Page cell follows the duration.
    page = re.search(r"10:05-10:15\s+10 mins\s+(\d+)", agenda)
    assert page and int(page.group(1)) == number, agenda


def test_a_second_run_or_duplicate_message_makes_no_second_version(small_pack):
    build = publish(small_pack.meeting)
    assert services.pack_build_run(build.pk) is None
    assert services.pack_build_run(build.pk) is None
    assert PackVersion.objects.filter(meeting=small_pack.meeting).count() == 1


def test_the_same_request_key_is_the_same_build(
    small_pack, world, django_capture_on_commit_callbacks
):
    pmo = world.users["pmo"]
    with django_capture_on_commit_callbacks() as callbacks:
        first = services.pack_build_request(
            actor=pmo, meeting=small_pack.meeting, kind="publish", key="a" * 32
        )
        again = services.pack_build_request(
            actor=pmo, meeting=small_pack.meeting, kind="publish", key="a" * 32
        )
    assert first.pk == again.pk
    assert len(callbacks) == 1  # one message for one build


def test_a_participant_cannot_request_a_build(small_pack, world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.pack_build_request(
            actor=world.users["participant"], meeting=small_pack.meeting, kind="draft"
        )
    assert not PackBuild.objects.exists()


def test_a_build_another_worker_holds_is_not_started_twice(small_pack):
    from datetime import timedelta

    from django.utils import timezone

    build = PackBuild.objects.create(
        meeting=small_pack.meeting,
        key="b" * 32,
        kind="publish",
        state="rendering",
        lease_until=timezone.now() + timedelta(seconds=30),
        worker_token="other",
    )
    with pytest.raises(services.LeaseHeld):
        services.pack_build_run(build.pk)
    # Once the lease has lapsed (that worker died), another takes it over and finishes it.
    PackBuild.objects.filter(pk=build.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    finished = services.pack_build_run(build.pk)
    assert finished.state == BuildState.DONE and finished.attempts == 1
    assert PackVersion.objects.filter(build=build).count() == 1


def test_a_failed_build_says_why_and_leaves_earlier_versions(small_pack, monkeypatch):
    first = publish(small_pack.meeting).version

    def broken(*args, **kwargs):
        raise RuntimeError("font cache unreadable")

    monkeypatch.setattr(services, "render_pack", broken)
    build = PackBuild.objects.create(meeting=small_pack.meeting, key="c" * 32, kind="publish")
    failed = services.pack_build_run(build.pk)
    assert failed.state == BuildState.FAILED
    assert "could not be rendered" in failed.error and "font cache unreadable" in failed.error
    assert list(PackVersion.objects.filter(meeting=small_pack.meeting)) == [first]
    assert default_storage.exists(first.pdf_full) and default_storage.exists(first.pdf_public)


def test_versions_are_immutable(small_pack):
    from dashboards.models import ImmutableVersion

    version = publish(small_pack.meeting).version
    version.pages_full = 1
    with pytest.raises(ImmutableVersion):
        version.save()


def test_only_sections_whose_content_changed_are_marked_updated(small_pack):
    v10 = publish(small_pack.meeting).version
    assert v10.section_updates == {}
    unchanged = publish(small_pack.meeting).version
    assert unchanged.label == "v1.1" and unchanged.section_updates == {}

    NarrativeSection.objects.filter(key="testing-update").update(body="Sprint 4.2 has *started*.")
    v12 = publish(small_pack.meeting).version
    narrative_keys = {
        f"section-{pk}"
        for pk in small_pack.meeting.pack_sections.filter(section_type="narrative").values_list(
            "pk", flat=True
        )
    }
    assert v12.label == "v1.2"
    # The Restricted narrative is in the Full edition only, so only there is it marked.
    public_keys = {
        f"section-{pk}"
        for pk in small_pack.meeting.pack_sections.filter(
            section_type="narrative", classification="public"
        ).values_list("pk", flat=True)
    }
    marks = {
        "full": dict.fromkeys(narrative_keys, "v1.2"),
        "public": dict.fromkeys(public_keys, "v1.2"),
    }
    assert v12.section_updates == marks
    text = "\n".join(pages_of(v12.pdf_full))
    assert text.count("Updated: v1.2") >= 2
    # A later version that changes nothing else keeps the version in which it changed.
    v13 = publish(small_pack.meeting).version
    assert v13.section_updates == marks


@pytest.mark.parametrize(
    ("history", "current", "expected"),
    [
        ([], "h0", ""),  # nothing published yet: no marks in v1.0
        ([("v1.0", {"s": "h0"})], "h0", ""),  # same as v1.0
        ([("v1.0", {"s": "h0"})], "h1", "v1.1"),  # changed now
        ([("v1.0", {"s": "h0"}), ("v1.1", {"s": "h1"})], "h1", "v1.1"),  # changed in v1.1
        ([("v1.0", {"s": "h0"}), ("v1.1", {"s": "h1"})], "h2", "v1.2"),  # changed again
        ([("v1.0", {"s": "h0"}), ("v1.1", {"s": "h1"})], "h0", ""),  # back to v1.0's content
        ([("v1.0", {}), ("v1.1", {"s": "h1"})], "h1", "v1.1"),  # added after v1.0
    ],
)
def test_updated_in(history, current, expected):
    label = f"v1.{len(history)}"
    assert updated_in("s", current, history, label) == expected


def test_a_section_naming_a_missing_record_fails_the_build_readably(small_pack):
    from tests.dashboards.factories import PackSectionFactory

    PackSectionFactory(
        meeting=small_pack.meeting, section_type="cr_ia_summary", params={"cr": "CR099"}
    )
    build = PackBuild.objects.create(meeting=small_pack.meeting, key="f" * 32, kind="publish")
    failed = services.pack_build_run(build.pk)
    assert failed.state == BuildState.FAILED
    assert failed.error == "The pack names change request CR099, which does not exist."
    assert not PackVersion.objects.exists()


def test_key_items_follow_the_raid_theme_an_item_links_to(small_pack):
    from datetime import timedelta

    from django.utils import timezone

    from meetings.models import Meeting
    from tests.dashboards.factories import PackSectionFactory
    from tests.raid.factories import RaidItemFactory, ThemeFactory

    # RAID reports items as they stood on the reporting date: meet after they were raised.
    Meeting.objects.filter(pk=small_pack.meeting.pk).update(
        date=timezone.localdate() + timedelta(days=30)
    )
    small_pack.meeting.refresh_from_db()
    sit, migration = ThemeFactory(name="SIT execution"), ThemeFactory(name="Migration")
    RaidItemFactory(reference="R901", title="SIT cohorts behind plan", theme=sit)
    RaidItemFactory(reference="R902", title="Migration volumes too high", theme=migration)
    PackSectionFactory(
        meeting=small_pack.meeting,
        section_type="raid_key_items",
        title="SIT risks",
        params={"theme": "sit execution"},
    )
    text = "\n".join(pages_of(publish(small_pack.meeting).version.pdf_public))
    assert "R901" in text
    assert "R902" not in text
