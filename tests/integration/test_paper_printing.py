"""Offer sheets and the noticeboard programme through a real CUPS queue (cups-pdf): the printed page's
size (pdfinfo) and its QR code at a thermal printer's 203 dpi (pdftoppm + zbarimg) are read from what came
out of the queue; the words from the PDF sent to it (cups-pdf's copy re-encodes accented letters, which
pdftotext then cannot read back)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import KioskConfig, PrinterSettings
from kiosk.i18n import Texts
from kiosk.services.actor import BENEFICIARY, Actor
from kiosk.services.context import open_services
from kiosk.store.households import load_household
from tests.factories import NOW, holder
from tests.integration.test_printing_cups import cups, pdf_queue, printed_files, wait_for_printed  # noqa: F401

pytestmark = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("cupsd", "pdfinfo", "pdftotext", "pdftoppm", "zbarimg")),
    reason="needs CUPS, poppler-utils and zbar-tools (Debian packages)",
)
MM = 72 / 25.4


def page_sizes(path: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-l", "99", str(path)], capture_output=True, text=True, check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info)]


def words(path: Path) -> str:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.replace("\u202f", " ").split())


def scanned_at_203_dpi(path: Path, tmp_path: Path) -> str:
    image = tmp_path / "scanned"
    subprocess.run(["pdftoppm", "-r", "203", "-gray", "-png", "-singlefile", str(path), str(image)], check=True)
    return subprocess.run(
        ["zbarimg", "--raw", "-q", f"{image}.png"], capture_output=True, text=True, check=False
    ).stdout.strip()


def open_kiosk(
    tmp_path: Path,
    catalog_file: Path,
    households_file: Path,
    printer: PrinterSettings,
    clock: Callable[[], datetime] = lambda: NOW,
):
    return open_services(
        tmp_path / "data",
        replace(KioskConfig(), printer=printer),
        demo=True,
        clock=clock,
        demo_catalog=catalog_file,
        demo_households=households_file,
    )


def test_an_offer_sheet_comes_out_of_the_thermal_printer_at_80_mm_with_the_household_price(
    tmp_path, catalog_file, households_file, pdf_queue
):
    services = open_kiosk(tmp_path, catalog_file, households_file, PrinterSettings(queue=pdf_queue))
    claire = load_household(services.db, "H1")  # tier 3
    sheet = services.paper.offer_sheet("T1", claire)
    before = printed_files(pdf_queue, "SLVie-offre-T1")
    job = services.paper.print_offer_sheet(sheet, "fr")
    services.close()
    assert job.final_state in ("completed", "done")
    printed = wait_for_printed(pdf_queue, "SLVie-offre-T1", before)
    ((width, height),) = page_sizes(printed)  # one page, as long as its content, never an A4 sheet
    assert width == pytest.approx(80 * MM, abs=1.5) and 100 * MM < height < 297 * MM
    assert "Malade imaginaire" in words(printed)
    text = words(job.path)
    assert "Théâtre : Le Malade imaginaire" in text
    assert "Pour votre foyer (tranche 3) : 11 € par personne" in text
    assert "40 places libres (chiffre connu" in text  # the places known when it was printed
    assert "Où réserver" in text and "T1" in text
    assert "Tranche 7" not in text  # the household's price, not the grid
    assert scanned_at_203_dpi(printed, tmp_path) == "OFFRE:T1"
    printed.unlink()


def test_an_offer_sheet_on_a4_with_nobody_identified_gives_the_price_grid(
    tmp_path, catalog_file, households_file, pdf_queue
):
    services = open_kiosk(tmp_path, catalog_file, households_file, PrinterSettings(queue=pdf_queue, layout="a4"))
    sheet = services.paper.offer_sheet("P1", None)
    before = printed_files(pdf_queue, "SLVie-offre-P1")
    job = services.paper.print_offer_sheet(sheet, "en")
    services.close()
    printed = wait_for_printed(pdf_queue, "SLVie-offre-P1", before)
    assert page_sizes(printed) == [pytest.approx((595.3, 841.9), abs=1.5)]
    text = words(job.path)
    assert "Piscine et aquagym" in text and "Deal −40%" in text
    assert "Bracket 1 €5" in text and "Bracket 7 €23" in text
    assert "For your household" not in text
    assert scanned_at_203_dpi(printed, tmp_path) == "OFFRE:P1"
    printed.unlink()


def test_the_programme_is_printed_from_the_command_line_on_the_a4_queue(
    tmp_path, catalog_file, households_file, pdf_queue, capsys
):
    # The command runs on the wall clock: the demo catalog is seeded on it (its dates move with it).
    # The kiosk's own printer is a receipt printer; A4 pages go to the A4 queue.
    open_kiosk(tmp_path, catalog_file, households_file, PrinterSettings(), clock=datetime.now).close()
    config = tmp_path / "site.toml"
    config.write_text(f'[printer]\nqueue = "no-receipt-printer"\na4_queue = "{pdf_queue}"\n', encoding="utf-8")
    before = printed_files(pdf_queue, "SLVie-programme")
    code = main(["print-programme", "--weeks", "2", "--config", str(config), "--data-dir", str(tmp_path / "data")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"Imprimé sur « {pdf_queue} »" in out
    printed = wait_for_printed(pdf_queue, "SLVie-programme", before)
    sizes = page_sizes(printed)
    assert 1 <= len(sizes) <= 2 and all(size == pytest.approx((595.3, 841.9), abs=1.5) for size in sizes)
    text = words(tmp_path / "data" / "paper" / "programme.pdf")
    # This week and next, from Monday: the local show (in 5 days) and the bon plan (in 2 days); not the
    # stays, not a date in 40 days.
    monday = date.today() - timedelta(days=date.today().weekday())
    for week in (monday, monday + timedelta(days=7)):
        assert f"Semaine du {Texts('fr').day(week, year=False)} au dimanche" in text
    assert "Théâtre : Le Malade imaginaire" in text and "Piscine et aquagym" in text and "Bon plan −40 %" in text
    assert "Séjour ski" not in text and "Évian" not in text and "improvisation" not in text
    printed.unlink()


def test_print_programme_refuses_a_silly_number_of_weeks(capsys):
    with pytest.raises(SystemExit):
        main(["print-programme", "--weeks", "9"])
    assert "1 to 4" in capsys.readouterr().err


def test_print_this_offer_from_its_screen_once_identified(qtbot, tmp_path, catalog_file, households_file, pdf_queue):
    from PySide6.QtCore import Qt, QThreadPool

    from kiosk.ui.app import create_application
    from kiosk.ui.main_window import MainWindow
    from tests.factories import CLAIRE_CARD

    services = open_kiosk(tmp_path, catalog_file, households_file, PrinterSettings(queue=pdf_queue))
    create_application(services.config)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    window.with_identity(("detail", "T1"))
    identify = window.screens["identify"]
    qtbot.keyClicks(identify.card, CLAIRE_CARD)
    qtbot.keyClick(identify.card, Qt.Key.Key_Return)
    qtbot.keyClicks(identify.pin, "1234")
    qtbot.keyClick(identify.pin, Qt.Key.Key_Return)
    detail = window.screens["detail"]
    assert window.current_screen() == "detail" and detail.print_button.text() == "Imprimer cette offre"
    before = printed_files(pdf_queue, "SLVie-offre-T1")
    detail.print_button.click()
    qtbot.waitUntil(lambda: detail.status.text() not in ("", "Impression de l'offre…"), timeout=30_000)
    assert detail.status.text() == "L'offre est imprimée. Prenez-la."
    printed = wait_for_printed(pdf_queue, "SLVie-offre-T1", before)
    assert "Pour votre foyer (tranche 3) : 11 € par personne" in words(tmp_path / "data" / "paper" / "offer-T1.pdf")
    printed.unlink()
    window.close()
    QThreadPool.globalInstance().waitForDone(30_000)
    services.close()


def test_the_correspondent_prints_the_programme_from_their_home(
    qtbot, tmp_path, catalog_file, households_file, pdf_queue
):
    from PySide6.QtCore import QThreadPool

    from kiosk.demo.staff import badge_number
    from kiosk.ui.app import create_application
    from kiosk.ui.main_window import MainWindow

    services = open_kiosk(
        tmp_path, catalog_file, households_file, PrinterSettings(queue="receipts-only", a4_queue=pdf_queue)
    )
    create_application(services.config)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.top_bar.staff.click()
    sign_in = window.screens["staff_sign_in"]
    sign_in.badge.setText(badge_number(1))
    sign_in.pin.setText("2468")
    sign_in.try_sign_in()
    before = printed_files(pdf_queue, "SLVie-programme")
    window.screens["staff_home"].tiles["print_programme"].click()
    qtbot.waitUntil(lambda: window.notice.message.text() == "Le programme est imprimé.", timeout=30_000)
    printed = wait_for_printed(pdf_queue, "SLVie-programme", before)
    assert all(size == pytest.approx((595.3, 841.9), abs=1.5) for size in page_sizes(printed))
    assert "Théâtre : Le Malade imaginaire" in words(tmp_path / "data" / "paper" / "programme.pdf")
    printed.unlink()
    window.close()
    QThreadPool.globalInstance().waitForDone(30_000)
    services.close()


def test_the_days_takings_are_printed_on_a4(tmp_path, catalog_file, households_file, pdf_queue):
    from kiosk.demo.staff import badge_number
    from kiosk.domain.payment import Means, SubjectKind

    services = open_kiosk(tmp_path, catalog_file, households_file, PrinterSettings(queue=pdf_queue, layout="a4"))
    sophie = Actor(services.staff.sign_in_with_badge(badge_number(1), "2468"))
    claire = load_household(services.db, "H1")
    booking = services.bookings.book(sophie, holder(claire), "T1", "T1-S1", ["P1", "P3"])
    services.payments.record(sophie, SubjectKind.BOOKING, booking.booking_id, "12", Means.CASH)
    services.payments.record(sophie, SubjectKind.BOOKING, booking.booking_id, "10", Means.CARD, "TPE 7 ticket 31")
    takings = services.payments.takings(sophie)
    before = printed_files(pdf_queue, "SLVie-recette")
    job = services.paper.print_takings(takings, "fr")
    services.close()
    printed = wait_for_printed(pdf_queue, "SLVie-recette", before)
    assert page_sizes(printed) == [pytest.approx((595.3, 841.9), abs=1.5)]
    text = words(job.path)
    for line in (
        "Espèces : 1 paiement(s), 12 €",
        "Carte (terminal du site) : 1 paiement(s), 10 €",
        "Total : 22 €",
        "Rapproché du journal d'audit : 2 paiement(s) vérifié(s) ici",
        "TPE 7 ticket 31",
    ):
        assert line in text, line
    printed.unlink()


@pytest.mark.parametrize(("layout", "a4"), [("thermal80", False), ("a4", True)])
def test_a_wishes_recap_comes_out_of_the_printer_in_the_sites_layout(tmp_path, households_file, pdf_queue, layout, a4):
    import json

    from kiosk.domain.stay_wishes import Wish
    from tests.factories import holder, wishes_catalog

    catalog_path = tmp_path / "wishes-catalog.json"
    catalog_path.write_text(json.dumps(wishes_catalog(), ensure_ascii=False), encoding="utf-8")
    services = open_kiosk(tmp_path, catalog_path, households_file, PrinterSettings(queue=pdf_queue, layout=layout))
    household = load_household(services.db, "H1")
    claire = holder(household)
    request = services.wishes.send(
        BENEFICIARY, claire, [Wish("V1", "V1-S2", ("P1", "P2")), Wish("V2", "V2-S1", ("P3",))]
    )
    recap = services.wishes.recap(request, claire, services.config.site.name)
    title = f"SLVie-voeux-{recap.code}"
    before = printed_files(pdf_queue, title)
    job = services.paper.print_wishes(recap, "fr")
    sent = services.paper.write_wishes(recap, "fr")
    services.close()
    assert job.final_state in ("completed", "done")
    ((width, height),) = page_sizes(wait_for_printed(pdf_queue, title, before))
    if a4:
        assert (width, height) == (pytest.approx(210 * MM, abs=1.5), pytest.approx(297 * MM, abs=1.5))
    else:
        assert width == pytest.approx(80 * MM, abs=1.5) and 100 * MM < height < 297 * MM
    said = words(sent)
    assert "Vœu n° 1 Séjour en famille à Valloire" in said and "Qui part : Claire, Julien" in said
    assert "Vœu n° 2 Colo voile à Carnac" in said and "Qui part : Léa" in said and recap.code in said


def test_an_ideas_receipt_comes_out_of_the_printer_with_its_code_and_what_to_do_with_it(
    qtbot, tmp_path, catalog_file, households_file, pdf_queue
):
    from PySide6.QtCore import QThreadPool

    from kiosk.ui.app import create_application
    from kiosk.ui.main_window import MainWindow
    from tests.ui.test_booking_flow import button_named

    services = open_kiosk(tmp_path, catalog_file, households_file, PrinterSettings(queue=pdf_queue))
    create_application(services.config)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.show_screen("idea")
    form = window.screens["idea"]
    button_named(form.themes, "Activités et sorties").click()
    qtbot.keyClicks(form.words.edit, "Piscine")
    before = printed_files(pdf_queue, "SLVie-idee-")
    form.send.click()
    done = window.screens["idea_done"]
    assert window.current_screen() == "idea_done"
    qtbot.waitUntil(lambda: done.print_button.isEnabled(), timeout=30_000)
    assert done.status.text() == "Votre reçu est imprimé. Prenez-le : son code sert à lire la réponse."
    idea = done.subject
    printed = wait_for_printed(pdf_queue, f"SLVie-idee-{idea.code}", before)
    ((width, _height),) = page_sizes(printed)
    assert width == pytest.approx(80 * MM, abs=1.5)
    text = words(tmp_path / "data" / "paper" / f"idea-{idea.code}.pdf")
    assert idea.code in text and "Activités et sorties" in text
    assert "revenez à une borne du site, touchez « Participer », puis « J'ai un code : voir la réponse »" in text
    assert "Piscine" not in text  # the idea's words stay off the paper: only its code and theme
    printed.unlink()
    window.close()
    QThreadPool.globalInstance().waitForDone(30_000)
    services.close()
