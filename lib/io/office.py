"""Office files to PDF through LibreOffice (``soffice --headless``), where it is
installed: the reports page offers the circular as PDF with it, and the tests render the
circular and the deck to look at them. Nothing here is needed to write the files."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def office_binary() -> str | None:
    """The LibreOffice executable on PATH (None: not installed)."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return office_binary() is not None


def to_pdf(data: bytes, suffix: str, timeout: float = 240) -> bytes:
    """The document (``suffix`` ``.docx``, ``.pptx`` or ``.xlsx``) converted to PDF, in a
    scratch directory with its own LibreOffice profile (conversions may run side by
    side). Raises RuntimeError when LibreOffice is missing or fails."""
    office = office_binary()
    if office is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="office-") as tmp:
        folder = Path(tmp)
        source = folder / f"document{suffix}"
        source.write_bytes(data)
        result = subprocess.run(
            [
                office,
                f"-env:UserInstallation=file://{folder / 'profile'}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                str(source),
            ],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        pdf = folder / "document.pdf"
        if result.returncode != 0 or not pdf.exists():
            raise RuntimeError(
                f"LibreOffice failed: {result.stderr.decode(errors='replace')[-500:]}"
            )
        return pdf.read_bytes()


def pdf_to_pngs(
    pdf: bytes, out_stem: Path, dpi: int = 60, first: int | None = None, last: int | None = None
) -> list[Path]:
    """Pages of a PDF as PNG files ``<out_stem>-N.png`` (pdftoppm, poppler)."""
    if shutil.which("pdftoppm") is None:
        raise RuntimeError("pdftoppm (poppler) is not installed")
    out_stem.parent.mkdir(parents=True, exist_ok=True)
    source = out_stem.parent / f"{out_stem.name}.pdf"
    source.write_bytes(pdf)
    args = ["pdftoppm", "-r", str(dpi), "-png"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    subprocess.run([*args, str(source), str(out_stem)], check=True, timeout=120)
    return sorted(out_stem.parent.glob(f"{out_stem.name}-*.png"))
