"""Evidence files (佐证材料): what may be uploaded, and where it is kept.

Files live in ``settings().attachments_dir`` (outside the web root, never served by
Streamlit's static handler) under a generated random name; the original name is only
kept in the database for display. A file is accepted when its extension is on the list,
its content starts like that kind of file (magic bytes), it is not larger than
:data:`MAX_BYTES`, and an Office file (.docx/.xlsx/.pptx, a zip) is no zip bomb
(:func:`zip_problem`: total size and compression ratio, every member unpacked once to
check it holds what its directory says). Pure functions, no Streamlit, no database.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 10 * 1024 * 1024  # 10 MB per file
MAX_FILES_PER_REPORT = 10

_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # legacy .doc/.xls/.ppt
# extension -> (content type, accepted leading bytes)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ZIP,
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ZIP,
    ),
    "doc": ("application/msword", _OLE),
    "xls": ("application/vnd.ms-excel", _OLE),
    "ppt": ("application/vnd.ms-powerpoint", _OLE),
}
UPLOAD_TYPES = sorted(ALLOWED)
STORED_NAME_RE = re.compile(r"^[0-9a-f]{32}\.[a-z]{3,4}$")


@dataclass(frozen=True)
class CheckedFile:
    original_name: str
    extension: str
    content_type: str
    size_bytes: int
    sha256: str


def clean_name(name: str) -> str:
    """The file's own name without any directory part or control characters (max 200)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if c.isprintable())
    return base.strip().strip(".")[:200] or "file"


def check_file(name: str, data: bytes) -> tuple[CheckedFile | None, str | None]:
    """(checked file, None) or (None, i18n key of the problem)."""
    original = clean_name(name)
    ext = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    if ext not in ALLOWED:
        return None, "error.attachment_type"
    if not data:
        return None, "error.attachment_empty"
    if len(data) > MAX_BYTES:
        return None, "error.attachment_too_large"
    content_type, magic = ALLOWED[ext]
    if not any(data.startswith(m) for m in magic):
        return None, "error.attachment_content"
    if ext == "webp" and data[8:12] != b"WEBP":
        return None, "error.attachment_content"
    if ext in OFFICE_ZIPS and (bomb := zip_problem(data, verify=True)):
        return None, bomb
    return (
        CheckedFile(
            original_name=original,
            extension=ext,
            content_type=content_type,
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        ),
        None,
    )


def new_stored_name(extension: str) -> str:
    return f"{secrets.token_hex(16)}.{extension}"


def path_for(directory: Path, stored_name: str) -> Path:
    """Where a stored file lives; refuses anything but a generated name."""
    if not STORED_NAME_RE.match(stored_name):
        raise ValueError(f"not a stored attachment name: {stored_name!r}")
    return directory / stored_name


def write(directory: Path, stored_name: str, data: bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = path_for(directory, stored_name)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(data)
    tmp.chmod(0o640)
    tmp.replace(path)
    return path


def read(directory: Path, stored_name: str) -> bytes | None:
    path = path_for(directory, stored_name)
    return path.read_bytes() if path.is_file() else None


def remove(directory: Path, stored_name: str) -> None:
    path = path_for(directory, stored_name)
    path.unlink(missing_ok=True)


# --- Office files are zip archives: refuse a zip bomb before any parser opens it --------

MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # what the members may unpack to, in total
MAX_ZIP_MEMBERS = 2000
# Office XML packs 5-20 times; a zip bomb about 1 000 times. Below RATIO_FLOOR unpacked an
# archive may compress as well as it likes (it cannot hurt anyone).
MAX_ZIP_RATIO = 100
RATIO_FLOOR = 1024 * 1024
OFFICE_ZIPS = frozenset({"docx", "xlsx", "pptx"})
_VERIFY_CHUNK = 1024 * 1024


def zip_problem(
    data: bytes,
    *,
    max_unzipped: int = MAX_UNZIPPED_BYTES,
    max_members: int = MAX_ZIP_MEMBERS,
    max_ratio: int = MAX_ZIP_RATIO,
    verify: bool = False,
) -> str | None:
    """An i18n key when an .xlsx/.docx/.pptx is a zip bomb, ``None`` when it may be opened.

    Refused: more than ``max_members`` members, more than ``max_unzipped`` bytes unpacked
    in total, or (past 1 MB unpacked) a compression ratio over ``max_ratio`` for the whole
    file or any member. Only the central directory is read: the sizes it declares are
    binding, because Python's ``zipfile`` (used by openpyxl and python-docx) stops at the
    declared size and fails the CRC check if a member holds more.

    ``verify=True`` (evidence files, which are handed to other people's Office rather than
    to our parsers) also unpacks every member as a stream, at most the declared sizes, so
    a directory that lies about them is caught here too; such a file, or one that is no
    zip at all, is refused as damaged.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            problem = _zip_sizes_problem(members, len(data), max_unzipped, max_members, max_ratio)
            if problem or not verify:
                return problem
            for member in members:
                with archive.open(member) as stream:
                    while stream.read(_VERIFY_CHUNK):
                        pass
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, zlib.error):
        # not a zip, or damaged: our parsers report it as unreadable; evidence is refused
        return "security.error_zip_damaged" if verify else None
    except RuntimeError:  # an encrypted member
        return "security.error_zip_damaged" if verify else None
    return None


def _zip_sizes_problem(
    members: list[zipfile.ZipInfo], size: int, max_unzipped: int, max_members: int, max_ratio: int
) -> str | None:
    if len(members) > max_members:
        return "security.error_zip_bomb"
    total = sum(m.file_size for m in members)
    if total > max_unzipped:
        return "security.error_zip_bomb"
    if total > RATIO_FLOOR and total > max_ratio * max(size, 1):
        return "security.error_zip_ratio"
    for m in members:
        if m.file_size > RATIO_FLOOR and m.file_size > max_ratio * max(m.compress_size, 1):
            return "security.error_zip_ratio"
    return None
