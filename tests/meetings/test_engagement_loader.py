"""demo/psg36/engagement.csv through the programme loader: the slide's boxes, loaded once."""

import csv
import shutil
from datetime import date

import pytest
from django.conf import settings

from meetings.loaders import ENGAGEMENT_FILE, load_engagement
from meetings.models import EngagementEvent
from portal.importing import ImportRejected
from portal.programme_loading import LoadContext
from tests.factories import ForumFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

SLIDE = "Planned engagement – 4-week forward look"
MONDAYS = [date(2024, 8, 26), date(2024, 9, 2), date(2024, 9, 9), date(2024, 9, 16)]


@pytest.fixture
def programme_dir(tmp_path):
    """engagement.csv and what it names: the forums and organisations of the demo."""
    for code, name in [("CB", "Change Board"), ("QWG", "Qualification Working Group")]:
        ForumFactory(code=code, name=name)
    for name in [
        "Avanade (DIP)",
        "Elexon Central Systems (Helix)",
        "RECCo",
        "Ofgem",
        "IPA",
        "St Clements Services",
    ]:
        OrganisationFactory(name=name)
    shutil.copy(settings.DEMO_PROGRAMME_DIR / ENGAGEMENT_FILE, tmp_path / ENGAGEMENT_FILE)
    return tmp_path


def _load(directory):
    context = LoadContext(directory)
    load_engagement(context)
    return context.summary


def test_the_slide_loads_with_honest_dates_and_a_second_load_changes_nothing(programme_dir):
    assert _load(programme_dir) == {"engagement events": 36}
    history = EngagementEvent.history.count()
    assert _load(programme_dir) == {"engagement events": 36}
    assert EngagementEvent.objects.count() == 36
    assert EngagementEvent.history.count() == history  # nothing saved twice

    events = list(EngagementEvent.objects.all())
    # FTIG runs weekly: four boxes, one per week; so do the Avanade catch ups.
    for title in ("FTIG", "Avanade weekly catch up"):
        weekly = sorted(e.date for e in events if e.title == title)
        assert weekly == MONDAYS, title
        assert {e.precision for e in events if e.title == title} == {"week"}
    # PSG on 04/09/24 is the meeting itself, never an event.
    assert not [e for e in events if e.title.startswith("PSG")]
    # Everything else: somewhere in the slide's four weeks, no day guessed.
    others = [e for e in events if e.title not in ("FTIG", "Avanade weekly catch up")]
    assert {(e.precision, e.date, e.end_date) for e in others} == {
        ("period", date(2024, 8, 26), date(2024, 9, 20))
    }
    assert all("day and week not recoverable" in e.source_note for e in others)
    assert all(SLIDE in e.source_note for e in events)
    # The activities the slide notes are rows of their own, their audience only where named.
    by_title = {}
    for event in events:
        by_title.setdefault(event.title, []).append(event)
    assert by_title["Present planning assumptions to FTIG"][0].category == "programme_governance"
    assert by_title["Present proposed model to Ofgem"][0].category == "ofgem_ipa"
    assert by_title["Present outcome of Code Body meeting"][0].category == "code_bodies"
    assert [e.category for e in by_title["Present CR for approval"]] == [""]
    assert len(by_title["Present focal points and CR timescale"]) == 2
    assert by_title["Change Board"][0].forum.code == "CB"


def test_the_demo_file_names_its_slide_and_date_basis_on_every_row():
    with open(settings.DEMO_PROGRAMME_DIR / ENGAGEMENT_FILE, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(SLIDE in row["source"] and row["date_basis"] for row in rows)


def test_a_bad_row_names_file_line_and_column_and_loads_nothing(programme_dir):
    path = programme_dir / ENGAGEMENT_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",2024-09-09,week,", ",2024-09-10,week,")  # not a Monday
    lines[8] = lines[8].replace("Avanade (DIP)", "Avanade Ltd")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        _load(programme_dir)
    found = [(p.file, p.line, p.column) for p in rejected.value.problems]
    assert found == [(ENGAGEMENT_FILE, 4, "date"), (ENGAGEMENT_FILE, 9, "organisation")]
    assert not EngagementEvent.objects.exists()


def test_a_directory_without_the_file_loads_nothing(tmp_path):
    assert _load(tmp_path) == {}
