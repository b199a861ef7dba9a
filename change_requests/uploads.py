"""Size, type and content checks for every file a CR or a response carries."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

# The first bytes each allowed type must start with, so a renamed executable is refused.
_ZIP = b"PK\x03\x04"
_SIGNATURES = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (_ZIP,),
    "xlsx": (_ZIP,),
    "pptx": (_ZIP,),
}
_TEXT_TYPES = {"csv", "txt"}


def clean_filename(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name.strip()
    safe = "".join(c if c.isalnum() or c in "._- ()" else "_" for c in base)
    return safe[:150] or "file"


def validate_upload(upload) -> str:
    """Refuse oversize, wrong-type or mislabelled files; return the safe file name."""
    name = clean_filename(upload.name or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = [e.lower() for e in settings.ALLOWED_UPLOAD_EXTENSIONS]
    if extension not in allowed:
        raise ValidationError(
            f"'{name}' is not an allowed type; allowed: {', '.join(allowed)}.", code="type"
        )
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"'{name}' is {filesizeformat(upload.size)}; the limit is "
            f"{filesizeformat(settings.MAX_UPLOAD_BYTES)}.",
            code="size",
        )
    if upload.size == 0:
        raise ValidationError(f"'{name}' is empty.", code="empty")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    signatures = _SIGNATURES.get(extension)
    if signatures and not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(f"'{name}' is not a real .{extension} file.", code="content")
    if extension in _TEXT_TYPES and b"\x00" in head:
        raise ValidationError(f"'{name}' is not a text file.", code="content")
    return name
