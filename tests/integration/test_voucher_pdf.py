"""Voucher PDFs as a 203 dpi thermal printer would render them, read back by an independent decoder.

Uses poppler's `pdftoppm` and zbar's `zbarimg` (Debian poppler-utils, zbar-tools); each test
that needs one is skipped, saying which, only when it is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from kiosk.cli import main
from kiosk.domain.voucher import Voucher, encode_payload, verify_payload
from kiosk.printing.voucher_pdf import (
    DOT,
    MIN_MODULE_DOTS,
    PRINTER_DPI,
    QUIET_MODULES,
    THERMAL_LEFT_DOTS,
    THERMAL_PAGE_WIDTH,
    THERMAL_PRINT_DOTS,
    qr_geometry,
    render_voucher_pdf,
    voucher_fonts,
)
from kiosk.services.actor import BENEFICIARY
from kiosk.signing_key import load_or_create_signing_key, public_key_pem
from tests.factories import holder

needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm is not installed (Debian package poppler-utils)"
)
needs_zbarimg = pytest.mark.skipif(
    shutil.which("zbarimg") is None, reason="zbarimg is not installed (Debian package zbar-tools)"
)

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
MM = 72 / 25.4


def voucher(**changes) -> Voucher:
    values = {
        "kind": "booking",
        "reference": "3f2c8a1e-5b7d-4c2a-9e41-0d6f3b8a7c15",
        "site_id": "DEMO-LYON-PARTDIEU",
        "title": "Séjour découverte à Valloire : ski, raquettes et veillées en famille",
        "start": datetime(2027, 2, 13, 15, 0),
        "end": datetime(2027, 2, 20, 10, 0),
        "place": "Village vacances CCAS « Les Mélèzes », Valloire (73)",
        "participants": ("Camille Lefèvre", "Mathieu Lefèvre", "Inès Lefèvre"),
        "total_cents": 84250,
        "state": "confirmed",
        "issued_at": datetime(2026, 11, 23, 16, 42),
    }
    values.update(changes)
    return Voucher(**values)


def rasterise(pdf: Path) -> Path:
    """The page as a 203 dpi grey image, as a thermal printer's driver would rasterise it."""
    stem = pdf.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-r", str(PRINTER_DPI), "-gray", "-png", "-singlefile", str(pdf), str(stem)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return stem.with_suffix(".png")


def zbar(png: Path) -> str:
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, f"zbarimg found no QR code in {png}: {result.stderr}"
    return result.stdout.rstrip("\n")


def page_text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    try:
        text = document[0].get_textpage().get_text_range()
    finally:
        document.close()
    return " ".join(text.split())


@pytest.fixture
def rendered(tmp_path):
    """Render a voucher in a layout, write it, and return (payload, pdf bytes, pdf path)."""

    def render(layout: str, language: str = "fr", **changes):
        v = voucher(**changes)
        payload = encode_payload(v, KEY)
        pdf = render_voucher_pdf(v, payload, layout, language, site_name="Point conciergerie SLVie — Lyon Part-Dieu")
        path = tmp_path / f"voucher-{layout}-{language}.pdf"
        path.write_bytes(pdf)
        return payload, pdf, path

    return render


@needs_pdftoppm
@needs_zbarimg
@pytest.mark.parametrize("layout", ["thermal80", "a4"])
@pytest.mark.parametrize("state", ["confirmed", "provisional"])
def test_the_qr_code_scans_at_203_dpi_and_verifies(rendered, layout, state):
    payload, _, path = rendered(layout, state=state)
    scanned = zbar(rasterise(path))
    assert scanned == payload
    assert verify_payload(scanned, [KEY.public_key()]).valid


@needs_pdftoppm
def test_the_thermal_page_is_80_mm_wide_and_its_qr_code_sits_on_the_dot_grid(rendered):
    payload, pdf, path = rendered("thermal80")
    document = pypdfium2.PdfDocument(pdf)
    width, height = document[0].get_size()
    document.close()
    assert width == pytest.approx(80 * MM, abs=0.01)
    assert height / DOT == pytest.approx(round(height / DOT), abs=1e-3)  # a whole number of dots
    assert 100 * MM < height < 300 * MM  # fitted to its content

    image = Image.open(rasterise(path)).convert("L")
    assert image.width == pytest.approx(80 / 25.4 * PRINTER_DPI, abs=1)
    [found] = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert found.text == payload
    left, top = found.position.top_left.x, found.position.top_left.y
    right = found.position.top_right.x

    # The finder pattern's top edge is 7 dark modules in a row: measure a module in dots.
    run = 0
    while image.getpixel((left + run, top + 1)) < 128:
        run += 1
    module = run / 7
    geometry = qr_geometry(payload, "thermal80")
    assert module >= MIN_MODULE_DOTS
    assert module == pytest.approx(geometry.module_dots, abs=0.3)
    assert (right - left) == pytest.approx(geometry.modules * geometry.module_dots, abs=2)

    # Its quiet zone is blank and, with it, the whole symbol lies in the printed 72 mm.
    quiet = QUIET_MODULES * geometry.module_dots
    band = image.crop((left - quiet, top - quiet, left - 1, top + geometry.modules * geometry.module_dots))
    assert band.getextrema()[0] > 200
    assert left - quiet >= THERMAL_LEFT_DOTS
    assert right + quiet <= THERMAL_LEFT_DOTS + THERMAL_PRINT_DOTS
    assert THERMAL_PRINT_DOTS * DOT == pytest.approx(72 * MM, abs=0.1 * MM)
    assert THERMAL_PAGE_WIDTH == pytest.approx(80 * MM)


def test_the_voucher_says_what_it_is_in_plain_words(rendered):
    _, pdf, _ = rendered("thermal80", state="provisional")
    text = page_text(pdf)
    assert "Réservation provisoire — en attente de confirmation par la CCAS/CMCAS" in text
    assert "PROVISOIRE" in text
    code = voucher().short_code
    first, second = code.split("-")
    assert first in text and second in text  # beside the QR code, one half per line
    for expected in [
        "Séjour découverte à Valloire",
        "Samedi 13 février 2027",
        "Valloire (73)",
        "3 personnes",
        "Inès Lefèvre",
        "842,50 €",
        voucher().reference,
    ]:
        assert expected in text, expected

    _, pdf, _ = rendered("a4", "en")
    text = page_text(pdf)
    for expected in ["BOOKING VOUCHER", "CONFIRMED", code, "Saturday 13 February 2027", "€842.50", "Inès Lefèvre"]:
        assert expected in text, expected


@pytest.mark.parametrize("layout", ["thermal80", "a4"])
def test_the_voucher_says_what_is_owed_until_when_to_cancel_what_to_bring_and_whom_to_ask(rendered, layout):
    _, pdf, _ = rendered(
        layout, cancel_until=datetime(2027, 2, 6, 15, 0), bring="Une tenue de sport, des chaussures adaptées et ce bon."
    )
    text = page_text(pdf)
    for expected in [
        "842,50 €, à régler à l'accueil SLVie",
        "Annulation",
        "Jusqu'au samedi 6 février 2027 à 15 h 00",
        "Ensuite : le correspondant SLVie",
        "Une question ? Le correspondant SLVie",
        "À apporter",
        "Une tenue de sport, des chaussures adaptées et ce bon.",
    ]:
        assert expected.casefold() in text.casefold(), expected  # the A4 layout writes labels in capitals
    _, pdf, _ = rendered(layout, "en", state="provisional")
    text = page_text(pdf)
    assert "it proves your request. It does not give you a place yet." in text
    assert "Cancel" not in text and "To bring" not in text  # no deadline known, nothing to bring: none printed


def test_a_pickup_ticket_on_quotation(rendered):
    _, pdf, _ = rendered(
        "thermal80",
        kind="pickup",
        title="Retouches",
        participants=(),
        total_cents=None,
        state="ready",
        end=None,
        start=datetime(2026, 11, 26, 17, 0),
    )
    text = page_text(pdf)
    assert "TICKET DE CONCIERGERIE" in text and "PRÊT" in text and "Sur devis" in text


def test_fonts_are_embedded_with_their_accents(rendered):
    _, pdf, _ = rendered("a4")
    if voucher_fonts().regular == "Helvetica":
        pytest.skip("no TrueType font found: the PDF base fonts are used")
    assert b"/FontFile2" in pdf  # TrueType, embedded
    assert b"/Helvetica" not in pdf


def test_a_payload_for_another_voucher_is_refused():
    payload = encode_payload(voucher(total_cents=1), KEY)
    with pytest.raises(ValueError):
        render_voucher_pdf(voucher(), payload, "thermal80")
    with pytest.raises(ValueError):
        render_voucher_pdf(voucher(), encode_payload(voucher(), KEY), "letter")


# --- slvie-kiosk voucher verify / sample / public-key --------------------------------------------


@pytest.fixture
def kiosk_dir(tmp_path):
    data = tmp_path / "data"
    key = load_or_create_signing_key(data)
    return data, key


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@needs_pdftoppm
def test_verify_accepts_the_pdf_the_png_and_the_raw_payload(tmp_path, kiosk_dir, capsys):
    data, key = kiosk_dir
    v = voucher()
    payload = encode_payload(v, key)
    pdf = tmp_path / "voucher.pdf"
    pdf.write_bytes(render_voucher_pdf(v, payload, "thermal80"))
    png = rasterise(pdf)
    text_file = tmp_path / "payload.txt"
    text_file.write_text(payload + "\n")

    for source in (str(pdf), str(png), str(text_file), payload):
        code, out, err = run_cli(capsys, "voucher", "verify", source, "--data-dir", str(data))
        assert code == 0, (source, out, err)
        assert "VALIDE" in out and "VALID" in out
        assert v.short_code in out and v.reference in out
        assert "Camille" not in out  # names are not in the payload


def test_verify_refuses_a_tampered_payload_and_says_why(tmp_path, kiosk_dir, capsys):
    data, key = kiosk_dir
    payload = encode_payload(voucher(), key)
    tampered = payload.replace(":84250:", ":14250:")
    assert tampered != payload
    code, out, _ = run_cli(capsys, "voucher", "verify", tampered, "--data-dir", str(data))
    assert code == 1
    assert "INVALIDE" in out and "INVALID" in out
    assert "signature ne correspond pas" in out and "signature does not match" in out

    path = tmp_path / "cut.txt"
    path.write_text(payload[:120])
    code, out, _ = run_cli(capsys, "voucher", "verify", str(path), "--data-dir", str(data))
    assert code == 1 and "tronqué" in out and "truncated" in out


def test_verify_with_a_published_public_key(tmp_path, kiosk_dir, capsys):
    data, key = kiosk_dir
    code, out, err = run_cli(capsys, "voucher", "public-key", "--data-dir", str(data))
    assert code == 0 and out == public_key_pem(key)
    assert "Key id" in err
    published = tmp_path / "kiosk.pem"
    published.write_text(out)
    payload = encode_payload(voucher(), key)
    code, out, _ = run_cli(capsys, "voucher", "verify", payload, "--public-key", str(published))
    assert code == 0

    stranger = tmp_path / "stranger.pem"
    stranger.write_text(public_key_pem(Ed25519PrivateKey.generate()))
    code, out, _ = run_cli(capsys, "voucher", "verify", payload, "--public-key", str(stranger))
    assert code == 1 and "clé inconnue" in out and "key not known" in out


def test_verify_explains_an_unreadable_input(tmp_path, kiosk_dir, capsys):
    data, _ = kiosk_dir
    code, _, err = run_cli(capsys, "voucher", "verify", str(tmp_path / "missing.pdf"), "--data-dir", str(data))
    assert code == 2 and "introuvable" in err and "does not exist" in err
    blank = tmp_path / "blank.png"
    Image.new("L", (200, 200), 255).save(blank)
    code, _, err = run_cli(capsys, "voucher", "verify", str(blank), "--data-dir", str(data))
    assert code == 2 and "Aucun QR code" in err and "No voucher QR code" in err
    assert "Traceback" not in err
    code, _, err = run_cli(capsys, "voucher", "verify", "SLV1:X", "--data-dir", str(tmp_path / "no-key-here"))
    assert code == 2 and "--public-key" in err


@needs_pdftoppm
@needs_zbarimg
def test_sample_writes_a_voucher_per_layout_from_the_demo_data(tmp_path, capsys):
    data = tmp_path / "data"
    out_dir = tmp_path / "out"
    code, out, err = run_cli(capsys, "voucher", "sample", str(out_dir), "--data-dir", str(data))
    assert code == 0, err
    written = sorted(Path(line) for line in out.split())
    assert {p.name for p in written} == {
        "voucher-sample-a4.pdf",
        "voucher-sample-thermal80.pdf",
        "voucher-sample-payload.txt",
    }
    payload = (out_dir / "voucher-sample-payload.txt").read_text().strip()
    for layout in ("a4", "thermal80"):
        assert zbar(rasterise(out_dir / f"voucher-sample-{layout}.pdf")) == payload
    code, out, _ = run_cli(
        capsys, "voucher", "verify", str(out_dir / "voucher-sample-thermal80.pdf"), "--data-dir", str(data)
    )
    assert code == 0 and "VALIDE" in out


def test_a_cancelled_bookings_voucher_no_longer_verifies_and_a_confirmed_one_supersedes_the_provisional(
    services, capsys
):
    from kiosk.domain.booking import BookingState
    from kiosk.store.bookings import set_booking_state
    from kiosk.store.database import transaction

    household = services.identity.identify(BENEFICIARY, "1000000000017", "1234").household
    key = load_or_create_signing_key(services.data_dir)
    data = str(services.data_dir)

    booking = services.bookings.book(BENEFICIARY, holder(household), "T1", "T1-S1", ["P1"])
    payload = encode_payload(services.vouchers.voucher(booking), key)
    code, out, _ = run_cli(capsys, "voucher", "verify", payload, "--data-dir", data)
    assert code == 0 and "VALIDE" in out and "réservation confirmée" in out
    services.bookings.cancel(BENEFICIARY, holder(household), booking.booking_id)
    code, out, _ = run_cli(capsys, "voucher", "verify", payload, "--data-dir", data)
    assert code == 1 and "NE VAUT PLUS" in out and "annulé" in out and "cancelled" in out

    # a stay asked for: provisional paper
    request = services.bookings.book(BENEFICIARY, holder(household), "S1", "S1-S1", ["P2"])
    provisional = encode_payload(services.vouchers.voucher(request), key)
    with transaction(services.db):
        set_booking_state(services.db, request.booking_id, BookingState.CONFIRMED)  # the centre's word
    code, out, _ = run_cli(capsys, "voucher", "verify", provisional, "--data-dir", data)
    assert code == 0 and "remplacé" in out and "le bon confirmé qui fait foi" in out
