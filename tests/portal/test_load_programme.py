import shutil

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from meetings.models import Meeting
from portal.models import Constituency, Forum, Organisation, Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme_dir(tmp_path):
    target = tmp_path / "programme"
    shutil.copytree(settings.DEMO_PROGRAMME_DIR, target)
    return target


def _snapshot():
    return (
        Constituency.objects.count(),
        Organisation.objects.count(),
        Organisation.history.count(),
        Forum.objects.count(),
        User.objects.count(),
        Meeting.objects.count(),
    )


def test_demo_loads_constituencies_parties_forums_people(db):
    call_command("load_programme")
    assert Constituency.objects.count() == 17
    assert Organisation.objects.filter(is_programme_party=True).count() == 192
    assert Constituency.objects.get(name="Ind. Agents").organisations.count() == 47
    assert Forum.objects.get(code="SITAG").parent.code == "PSG"
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    participant_orgs = User.objects.filter(role=Role.PARTICIPANT).values("organisation").distinct()
    assert participant_orgs.count() >= 2
    assert Meeting.objects.get(forum__code="PSG", number=36).date.isoformat() == "2024-09-04"
    assert Meeting.objects.get(forum__code="PSG", number=35).date.isoformat() == "2024-08-07"


def test_second_load_duplicates_nothing(db):
    call_command("load_programme")
    before = _snapshot()
    call_command("load_programme")
    assert _snapshot() == before


def test_bad_row_names_file_line_field_and_loads_nothing(programme_dir):
    parties = programme_dir / "parties.csv"
    lines = parties.read_text().splitlines()
    lines[5] = "Large Supplier 05,No Such Constituency"
    parties.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError) as error:
        call_command("load_programme", str(programme_dir))
    message = str(error.value)
    assert "parties.csv, line 6, column 'constituency'" in message
    assert "No Such Constituency" in message
    assert _snapshot() == (0, 0, 0, 0, 0, 0)


def test_bad_row_in_a_later_file_rolls_back_earlier_files(programme_dir):
    people = programme_dir / "people.csv"
    people.write_text(people.read_text() + "x@example.com,X,emperor,,,no\n")
    with pytest.raises(CommandError) as error:
        call_command("load_programme", str(programme_dir))
    assert "people.csv, line 9, column 'role'" in str(error.value)
    assert Organisation.objects.count() == 0


def test_missing_directory_is_refused(tmp_path):
    with pytest.raises(CommandError, match="is not a directory"):
        call_command("load_programme", str(tmp_path / "nope"))


def test_every_demo_login_works(client, settings):
    call_command("load_programme")
    emails = [
        line.split(",")[0]
        for line in (settings.DEMO_PROGRAMME_DIR / "people.csv").read_text().splitlines()[1:]
    ]
    assert len(emails) >= 5
    for email in emails:
        response = client.post(
            "/accounts/login/", {"username": email, "password": settings.DEMO_PASSWORD}
        )
        assert response.status_code == 302 and response["Location"] == "/", email
        assert client.get("/").status_code == 200
        client.post("/accounts/logout/")
