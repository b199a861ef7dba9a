"""Uploaded files are checked for size, type and content before anything is stored."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from change_requests.uploads import clean_filename, validate_upload

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("payload.exe", EXE, "type"),
        ("invoice.pdf", EXE, "content"),  # an executable renamed .pdf
        ("page.html", b"<script>alert(1)</script>", "type"),
        ("image.svg", b"<svg onload='alert(1)'/>", "type"),
        ("macro.docm", b"PK\x03\x04rest", "type"),
        ("report.docx", b"not a zip at all", "content"),
        ("data.csv", b"a,b\x00,c", "content"),
        ("empty.pdf", b"", "empty"),
        ("no-extension", PDF, "type"),
    ],
)
def test_bad_files_are_refused_with_a_reason(name, content, code):
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile(name, content))
    assert refused.value.code == code
    assert refused.value.messages[0]


def test_oversize_file_is_refused(settings):
    settings.MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * 2048))
    assert refused.value.code == "size"


def test_good_file_is_accepted_and_named_safely():
    assert validate_upload(SimpleUploadedFile("Impact assessment.pdf", PDF)) == (
        "Impact assessment.pdf"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\evil.pdf", "evil.pdf"),
        ("<script>.pdf", "_script_.pdf"),
        ("", "file"),
    ],
)
def test_file_names_cannot_escape_or_inject(raw, expected):
    assert clean_filename(raw) == expected
