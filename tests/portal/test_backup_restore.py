"""Backup and restore: the demo programme, with a published pack's files, makes a round trip
through `backup_programme` and `restore_programme` into an emptied database unchanged."""

import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from dashboards.models import PackVersion
from portal.management.commands.backup_programme import fingerprint
from portal.models import Organisation, User


def _publish_a_pack():
    from meetings.models import Meeting
    from tests.dashboards.factories import PackBuildFactory

    meeting = Meeting.objects.get(forum__code="PSG", number=36)
    full = default_storage.save("packs/backup-test/full.pdf", ContentFile(b"%PDF-1.4 full"))
    public = default_storage.save("packs/backup-test/public.pdf", ContentFile(b"%PDF-1.4 pub"))
    build = PackBuildFactory(meeting=meeting, kind="publish", state="done")
    return PackVersion.objects.create(
        meeting=meeting,
        build=build,
        minor=0,
        published_at=timezone.now(),
        snapshot=public,
        html_full=full,
        html_public=public,
        pdf_full=full,
        pdf_public=public,
    )


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_programme_round_trips(tmp_path):
    # Inside the test's transaction (PostgreSQL truncates transactionally), so emptying the
    # database here is rolled back afterwards and no other test loses the migrations' data.
    call_command("load_programme", verbosity=0)
    version = _publish_a_pack()
    files = {
        name: default_storage.open(name).read() for name in (version.pdf_full, version.pdf_public)
    }
    before = fingerprint()
    assert Organisation.objects.count() > 100

    archive = tmp_path / "programme.zip"
    call_command("backup_programme", str(archive), verbosity=0)
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
    assert "manifest.json" in names and "data.json" in names
    assert f"files/{version.pdf_full}" in names

    with connection.cursor() as cursor:
        # Fire the pending deferred FK checks, or PostgreSQL refuses to truncate.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        call_command("flush", "--noinput", verbosity=0)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    for name in files:
        default_storage.delete(name)
    assert not User.objects.exists() and not Organisation.objects.exists()

    call_command("restore_programme", str(archive), verbosity=0)
    assert fingerprint() == before
    for name, content in files.items():
        assert default_storage.open(name).read() == content
    # Sequences move on: new rows do not collide with restored ones.
    Organisation.objects.create(name="Created after restore")


@pytest.mark.django_db
def test_restore_refuses_a_database_that_holds_data(tmp_path, world):
    archive = tmp_path / "programme.zip"
    call_command("backup_programme", str(archive), verbosity=0)
    with pytest.raises(CommandError, match="empty database"):
        call_command("restore_programme", str(archive), verbosity=0)


@pytest.mark.django_db
def test_restore_refuses_something_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "bogus.zip"
    bogus.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore_programme", str(bogus), verbosity=0)
