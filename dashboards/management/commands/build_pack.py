"""python manage.py build_pack --meeting "PSG 36" --edition full|public --out FILE.pdf

`make run` uses `--publish --once`: it publishes v1.0 of the demo pack the first time only.
Publishing needs the pre-publish check's findings acknowledged, as on the pack page:
`--acknowledge "why"` records that acknowledgement (by this command) when there are findings.

Renders the meeting's pack from the current data, exactly as a worker does, and writes one
edition to a file. `--publish` instead freezes the next version (both editions, as PMO's
"Publish" button does) and writes the chosen edition of it.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from dashboards.models import BuildKind, BuildState, Edition, PackBuild
from dashboards.packs import prepublish, services
from dashboards.packs.render import render_pack


class Command(BaseCommand):
    help = "Render a meeting's pack to a PDF file (or publish its next version)."

    def add_arguments(self, parser):
        parser.add_argument("--meeting", required=True, help='e.g. "PSG 36"')
        parser.add_argument("--edition", choices=Edition.values, default=Edition.FULL)
        parser.add_argument("--out", required=True, help="PDF file to write")
        parser.add_argument("--html", help="also write the edition's HTML here")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish the next version through a build record, as the Publish button does",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="with --publish: if a version is already published, write it instead",
        )
        parser.add_argument(
            "--acknowledge",
            metavar="NOTE",
            default="",
            help="with --publish: acknowledge the pre-publish check's findings, saying why",
        )

    def handle(
        self,
        *args,
        meeting,
        edition,
        out,
        html=None,
        publish=False,
        once=False,
        acknowledge="",
        **options,
    ):
        from meetings.selectors import meeting_by_name

        found = meeting_by_name(meeting)
        if found is None:
            raise CommandError(f"No meeting called '{meeting}' (expected e.g. 'PSG 36').")
        started = time.perf_counter()
        latest = found.pack_versions.order_by("-major", "-minor").first()
        if publish and once and latest is not None:
            pdf, html_text, pages, label = self._read(latest, edition)
        elif publish:
            self._acknowledge(found, acknowledge)
            pdf, html_text, pages, label = self._publish(found, edition)
        else:
            label_numbers = services.next_version_number(found)
            label = f"v{label_numbers[0]}.{label_numbers[1]}"
            pack = render_pack(
                found,
                version_label=label,
                draft=True,
                history=services.published_history(found),
                editions=(edition,),
                progress=lambda n, m, message: self.stderr.write(f"  {message}"),
            )
            rendered = pack.editions[edition]
            pdf, html_text, pages = rendered.pdf, rendered.html, rendered.pages
        Path(out).write_bytes(pdf)
        if html:
            Path(html).write_text(html_text, encoding="utf-8")
        self.stdout.write(
            f"{found} pack {label} ({Edition(edition).label} edition): {pages} pages, "
            f"{len(pdf) / 1024:.0f} KiB, {time.perf_counter() - started:.1f} s -> {out}"
        )

    def _acknowledge(self, meeting, note: str) -> None:
        findings = prepublish.prepublish_findings(meeting)
        missing = prepublish.unacknowledged(meeting, findings)
        if not missing:
            return
        if not note.strip():
            listed = "\n".join(f"  - {f.message}" for f in missing)
            raise CommandError(
                f"The pre-publish check found {len(missing)} thing(s) not acknowledged:\n"
                f'{listed}\nFix them, or publish with --acknowledge "why".'
            )
        prepublish.prepublish_acknowledge(
            actor=None,
            meeting=meeting,
            findings=findings,
            note=f"{note.strip()} (acknowledged by the build_pack command)",
        )
        self.stderr.write(f"Acknowledged {len(findings)} pre-publish finding(s).")

    def _publish(self, meeting, edition):
        build = PackBuild.objects.create(
            meeting=meeting, key=uuid.uuid4().hex, kind=BuildKind.PUBLISH
        )
        services.pack_build_run(build.pk)
        build.refresh_from_db()
        if build.state != BuildState.DONE:
            raise CommandError(f"The build failed: {build.error}")
        return self._read(build.version, edition)

    def _read(self, version, edition):
        with default_storage.open(getattr(version, f"pdf_{edition}"), "rb") as handle:
            pdf = handle.read()
        with default_storage.open(getattr(version, f"html_{edition}"), "rb") as handle:
            html = handle.read().decode()
        pages = version.pages_full if edition == Edition.FULL else version.pages_public
        return pdf, html, pages, version.label
