"""A vote's printed receipt: it proves the person took part, scans and verifies like any voucher, and never
says what they chose."""

from __future__ import annotations

from kiosk.cli import main
from kiosk.domain.voucher import VoucherKind
from kiosk.services.actor import BENEFICIARY
from tests.factories import CLAIRE_CARD
from tests.integration.test_voucher_pdf import needs_pdftoppm, needs_zbarimg, page_text, rasterise, zbar


@needs_pdftoppm
@needs_zbarimg
def test_the_receipt_proves_participation_without_the_choice(services, capsys):
    claire = services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    receipt = services.consultations.vote(BENEFICIARY, "DEMO-SORTIE-ETE", claire, ["camargue"], "1234")
    voucher = services.vouchers.participation_receipt(receipt, "fr")
    assert voucher.kind is VoucherKind.PARTICIPATION and voucher.short_code == receipt.code
    pdf = services.vouchers.write_pdf(voucher, "fr")
    words = page_text(pdf.read_bytes())
    assert "REÇU DE PARTICIPATION" in words and "Quelle grande sortie d'été" in words
    assert "Ce reçu prouve que vous avez participé" in words
    assert not any(choice in words for choice in ("Camargue", "Annecy", "Vercors"))
    payload = zbar(rasterise(pdf))
    assert "camargue" not in payload.lower()
    code = main(["voucher", "verify", payload, "--data-dir", str(services.data_dir)])
    out = capsys.readouterr().out
    assert code == 0 and "VALIDE" in out and "participation" in out
