"""Export the whole programme to one zip, and restore it into an empty database.

The archive holds `data.json` (every governed table and its history, as Django fixtures with
natural keys for content types and permissions), `files/<storage name>` for every file the
data names in `default_storage` (CR documents, response attachments, published and draft
pack PDFs/HTML/snapshots) and `manifest.json` (format, time, row counts, file checksums).
API tokens, sessions and login-throttling records are left out: they are credentials and
transient state, not programme data. Restore refuses a database that already holds
programme data, loads everything in one transaction, then writes the files back under their
own names and checks every checksum.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.test.utils import override_settings

FORMAT = "steering-portal-backup/1"
# CharFields that hold a default_storage name rather than text (the pack's files).
STORAGE_NAME_FIELDS = {"snapshot", "html_full", "html_public", "pdf_full", "pdf_public"}


class BackupError(Exception):
    pass


def programme_apps() -> list[str]:
    return list(settings.LOCAL_APPS)


def programme_models() -> list[type[models.Model]]:
    return [m for label in programme_apps() for m in apps.get_app_config(label).get_models()]


def _storage_fields(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField)
        or (isinstance(f, models.CharField) and f.name in STORAGE_NAME_FIELDS)
    ]


def referenced_files() -> list[str]:
    """Every storage name the programme's data points at (history tables included)."""
    names: set[str] = set()
    for model in programme_models():
        for field in _storage_fields(model):
            values = model._base_manager.exclude(**{field.attname: ""}).values_list(
                field.attname, flat=True
            )
            names.update(v for v in values if v)
    return sorted(names)


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; history ordering needs microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _rows(model) -> list[dict]:
    queryset = model._base_manager.order_by("pk")
    return serializers.serialize("python", queryset.iterator(), use_natural_foreign_keys=True)


def _dump(path: Path) -> None:
    """Every programme table as a loaddata fixture, one model at a time."""
    with path.open("w") as out:
        out.write("[")
        first = True
        for model in programme_models():
            for row in _rows(model):
                out.write(("" if first else ",\n") + json.dumps(row, cls=_ExactEncoder))
                first = False
        out.write("]")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class BackupSummary:
    path: Path
    rows: dict[str, int]
    files: int
    missing_files: list[str]


def backup_programme(path: Path) -> BackupSummary:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = {m._meta.label: m._base_manager.count() for m in programme_models()}
    with tempfile.TemporaryDirectory() as tmp:
        data_file = Path(tmp) / "data.json"
        # One consistent picture: the dump and the file list come from one snapshot.
        with transaction.atomic():
            _dump(data_file)
            names = referenced_files()
        files, missing = {}, []
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(data_file, "data.json")
            for name in names:
                if not default_storage.exists(name):
                    missing.append(name)
                    continue
                with default_storage.open(name, "rb") as handle:
                    content = handle.read()
                archive.writestr(f"files/{name}", content)
                files[name] = _sha256(content)
            manifest = {
                "format": FORMAT,
                "apps": programme_apps(),
                "rows": rows,
                "files": files,
                "missing_files": missing,
            }
            archive.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
    return BackupSummary(path, rows, len(files), missing)


def _occupied() -> list[str]:
    return [
        m._meta.label
        for m in programme_models()
        if not m._meta.auto_created and m._base_manager.exists()
    ]


@dataclass
class RestoreSummary:
    rows: dict[str, int]
    files: int


def restore_programme(path: Path) -> RestoreSummary:
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"{path} is not a backup archive: {exc}") from exc
    with archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
        except KeyError:
            raise BackupError(f"{path} has no manifest.json; it is not a backup.") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{path} is a {manifest.get('format')!r} archive, not {FORMAT}.")
        occupied = _occupied()
        if occupied:
            raise BackupError(
                "Restore needs an empty database, but it already holds: "
                + ", ".join(occupied[:8])
                + (" …" if len(occupied) > 8 else "")
                + ". Nothing was changed."
            )
        files = manifest["files"]
        contents = {}
        for name, digest in files.items():
            content = archive.read(f"files/{name}")
            if _sha256(content) != digest:
                raise BackupError(f"The archive's copy of {name} is damaged. Nothing was changed.")
            contents[name] = content
        with tempfile.TemporaryDirectory() as tmp:
            data_file = Path(tmp) / "data.json"
            data_file.write_bytes(archive.read("data.json"))
            # The archive carries the history itself: loading must not write more of it
            # (simple-history skips raw saves but not the m2m signals loaddata sends).
            with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
                call_command("loaddata", str(data_file), verbosity=0)
                rows = {m._meta.label: m._base_manager.count() for m in programme_models()}
                expected = manifest["rows"]
                differ = {
                    k: (expected.get(k), rows.get(k))
                    for k in expected
                    if expected[k] != rows.get(k)
                }
                if differ:
                    raise BackupError(f"Row counts differ after loading: {differ}")
    for name, content in contents.items():
        _write_exactly(name, content)
    return RestoreSummary(rows, len(contents))


def _write_exactly(name: str, content: bytes) -> None:
    """Put `content` at storage name `name` (storage would otherwise pick a fresh name)."""
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            if handle.read() == content:
                return
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:
        raise BackupError(f"Storage saved {name} as {saved}; restore the files by hand.")


def fingerprint() -> dict[str, str]:
    """A digest of every programme table's rows (for comparing a round trip).

    Many-to-many lists are sorted: their order is the database's, not the data's.
    """
    result = {}
    for model in programme_models():
        rows = json.loads(json.dumps(_rows(model), cls=_ExactEncoder))
        for row in rows:
            for name, value in row["fields"].items():
                if isinstance(value, list):
                    row["fields"][name] = sorted(value, key=json.dumps)
        result[model._meta.label] = _sha256(json.dumps(rows, sort_keys=True).encode())
    return result


class Command(BaseCommand):
    help = (
        "Export the whole programme (every table with its history, and every file the data "
        "names in storage, published packs included) to one zip archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Where to write the .zip")

    def handle(self, *args, archive, **options):
        try:
            summary = backup_programme(Path(archive))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        total = sum(summary.rows.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {total} rows and {summary.files} files to {summary.path}"
            )
        )
        if summary.missing_files:
            self.stderr.write(
                "These files are named by the data but were not in storage: "
                + ", ".join(summary.missing_files)
            )
