"""A person at the kiosk: taps through home, the list, search, filters and an offer, in both languages."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from kiosk.ui.app import create_application
from kiosk.ui.main_window import MainWindow
from tests.ui.conftest import tap
from tests.ui.test_booking_flow import identify


def tap_row(qtbot, offers_screen, row):
    view = offers_screen.list
    rect = view.visualRect(offers_screen.model.index(row))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def shown_titles(offers_screen):
    return [o.title for o in offers_screen.model.offers]


def test_home_offers_five_large_tiles(window):
    home = window.screens["home"]
    assert [t.title.text() for t in home.tiles.values()] == [
        "L'offre",
        "Bons plans",
        "Conciergerie",
        "Mes réservations",
        "Participer",
    ]
    assert all(t.height() >= 200 for t in home.tiles.values())
    assert window.top_bar.site.text() == "Point conciergerie SLVie — Lyon Part-Dieu"
    assert "Hors ligne" in window.top_bar.status.text()


def test_home_to_list_to_search_to_detail_and_back(qtbot, window):
    tap(qtbot, window.screens["home"].tiles["offers"])
    offers = window.screens["offers"]
    assert window.current_screen() == "offers"
    assert offers.count.text() == "5 activités"

    qtbot.keyClicks(offers.search, "theat")
    qtbot.waitUntil(lambda: len(offers.model.offers) == 2)
    assert set(shown_titles(offers)) == {"Théâtre : Le Malade imaginaire", "Soirée théâtre d'improvisation"}
    assert offers.count.text() == "2 activités"

    row = shown_titles(offers).index("Théâtre : Le Malade imaginaire")
    tap_row(qtbot, offers, row)
    detail = window.screens["detail"]
    assert window.current_screen() == "detail"
    texts = [w.text() for w in detail.content.findChildren(type(window.top_bar.site)) if w.isVisibleTo(detail)]
    assert "Théâtre : Le Malade imaginaire" in texts
    assert any(t.startswith("40 places libres") and "chiffre connu à 10 h 42" in t for t in texts)
    assert "Tranche 7" in texts and "23\xa0€" in texts

    tap(qtbot, window.back_button)
    assert window.current_screen() == "offers"
    assert offers.search.text() == "theat"  # back keeps what the person typed
    tap(qtbot, window.home_button)
    assert window.current_screen() == "home"


def test_nothing_matches_says_so_and_offers_a_way_on(qtbot, window):
    window.show_screen("offers", False)
    offers = window.screens["offers"]
    panel = offers.no_results
    qtbot.keyClicks(offers.search, "zzzz")
    qtbot.waitUntil(lambda: offers.count.text() == "Aucune activité ne correspond.")
    assert panel.isVisible() and not offers.list.isVisible()
    assert panel.message.text() == "Aucune activité ne correspond à « zzzz »."
    assert not panel.suggestions.isVisible()  # no word of the offer is close to "zzzz"
    assert [b.accessibleName() for b in panel.category_choices] == [
        "Séjours & vacances",
        "Culture & spectacles",
        "Sport",
    ]
    tap(qtbot, panel.help)
    assert window.help_panel.isVisible()
    window.help_panel.hide()

    offers.search.setText("piscnie")  # a typo the search forgives: no dead end to show
    offers.refresh()
    assert shown_titles(offers) == ["Piscine et aquagym"]

    offers.search.setText("theatre aquagim zzzz")
    offers.refresh()
    assert offers.count.text().endswith("avec une partie de vos mots")
    assert all(o.partial for o in offers.model.offers)
    spoken = offers.model.data(offers.model.index(0), Qt.ItemDataRole.AccessibleTextRole)
    assert spoken.endswith("Une partie de vos mots")

    offers.search.setText("pscine")
    offers.refresh()
    assert shown_titles(offers) == ["Piscine et aquagym"]

    offers.search.setText("qki")
    offers.refresh()
    assert [b.accessibleName() for b in panel.suggestions.findChildren(type(panel.help))] == ["ski"]
    tap(qtbot, panel.suggestions.findChildren(type(panel.help))[0])
    assert offers.search.text() == "ski" and shown_titles(offers) == ["Séjour ski à Valloire"]

    offers.search.setText("zzzz")
    offers.refresh()
    tap(qtbot, panel.category_choices[0])
    assert offers.search.text() == "" and offers.category_row.value() == "sejours"
    assert len(offers.model.offers) == 2


def test_nothing_matches_in_english_too(qtbot, window):
    window.show_screen("offers", False)
    tap(qtbot, window.access_bar.language)
    offers = window.screens["offers"]
    offers.search.setText("zzzz")
    offers.refresh()
    assert offers.no_results.message.text() == "No activity matches “zzzz”."
    assert offers.no_results.categories_title.text() == "Or browse a category:"


def test_odd_input_in_the_search_field(qtbot, window):
    window.show_screen("offers", False)
    offers = window.screens["offers"]
    offers.search.setText("x" * 10_000)
    assert len(offers.search.text()) == 100
    offers.refresh()
    assert offers.model.offers == ()
    offers.search.setText("🎭🎭 🎿")
    offers.refresh()
    assert len(offers.model.offers) == 5  # emoji carry no words: the whole offer shows
    offers.search.setText("'; DROP TABLE offers; --")
    offers.refresh()
    assert offers.count.text() == "Aucune activité ne correspond."
    tap(qtbot, offers.clear_button)
    qtbot.waitUntil(lambda: len(offers.model.offers) == 5)


def test_categories_and_filters(qtbot, window):
    window.show_screen("offers", False)
    offers = window.screens["offers"]
    sport = offers.category_row.buttons()[[c.id for c in offers.categories].index("sport") + 1]
    tap(qtbot, sport)
    assert shown_titles(offers) == ["Piscine et aquagym"]
    tap(qtbot, offers.category_row.buttons()[0])
    assert len(shown_titles(offers)) == 5

    tap(qtbot, offers.filters_button)
    assert offers.filters.isVisible()
    # The filters scroll on a short screen: offscreen, the kinetic scroller cannot replay a
    # synthetic tap inside them (the real window's test taps through it), so they are clicked.
    offers.filters.places.buttons()[1].click()
    assert "Soirée théâtre d'improvisation" not in shown_titles(offers)
    offers.filters.price.buttons()[1].click()  # free
    assert shown_titles(offers) == ["Été à Évian : croisière sur le Léman"]
    assert offers.filters_button.text() == "Filtres (2)"
    offers.filters.reset_button.click()
    assert len(shown_titles(offers)) == 5
    offers.filters.close_button.click()
    assert not offers.filters.isVisible()
    assert offers.filters_button.text() == "Filtres"


def test_bons_plans_tile_shows_only_last_minute_deals(qtbot, window):
    tap(qtbot, window.screens["home"].tiles["bons_plans"])
    offers = window.screens["offers"]
    assert offers.title.text() == "Bons plans"
    assert shown_titles(offers) == ["Piscine et aquagym"]


def test_concierge_lists_the_site_services(qtbot, window):
    tap(qtbot, window.screens["home"].tiles["concierge"])
    concierge = window.screens["concierge"]
    texts = [w.text() for w in concierge.content.findChildren(type(window.top_bar.site))]
    assert "Pressing" in texts and "8,50\xa0€ la pièce" in texts


def test_the_staff_entry_opens_the_correspondents_sign_in(qtbot, window):
    tap(qtbot, window.top_bar.staff)
    assert window.current_screen() == "staff_sign_in" and window.staff_session is None
    tap(qtbot, window.back_button)
    assert window.current_screen() == "home"


def test_a_full_session_offers_its_waiting_list(qtbot, window, services):
    window.show_screen("detail", "T2")
    detail = window.screens["detail"]
    (action,) = [b for b in detail.content.findChildren(type(window.back_button)) if b is not detail.print_button]
    assert action.text() == "Liste d'attente" and action.isEnabled()
    action.click()
    assert window.current_screen() == "identify"
    identify(qtbot, window)
    booking_screen = window.screens["booking"]
    assert "liste d'attente" in booking_screen.outcome.text()
    assert booking_screen.confirm.text() == "M'inscrire sur la liste d'attente"
    tap(qtbot, booking_screen.confirm)
    done = window.screens["booking_done"]
    assert done.headline.text() == "Vous êtes sur la liste d'attente"
    (booking,) = services.bookings.bookings(window.identified.household)
    assert booking.state.value == "waitlisted" and not booking.holds_site_seats
    window.show_screen("my_bookings")
    texts = [w.text() for w in window.screens["my_bookings"].content.findChildren(type(window.top_bar.site))]
    assert "Liste d'attente" in texts


def test_a_row_whose_date_is_full_offers_its_waiting_list_from_the_list(qtbot, window):
    from PySide6.QtWidgets import QScroller

    window.show_screen("offers", False)
    offers = window.screens["offers"]
    row = next(i for i, o in enumerate(offers.model.offers) if o.id == "T2")  # 20 of 20 taken
    summary = offers.model.offers[row]
    assert (summary.row_session_id, summary.row_waitlist) == ("T2-S1", True)
    QScroller.ungrabGesture(offers.list.viewport())  # offscreen, the scroller cannot replay a tap
    index = offers.model.index(row)
    offers.list.scrollTo(index)
    button = offers.delegate.book_rect(offers.list.visualRect(index), offers.model.offers[row])
    qtbot.mouseClick(offers.list.viewport(), Qt.MouseButton.LeftButton, pos=button.center())
    qtbot.waitUntil(lambda: window.current_screen() == "identify", timeout=2000)
    identify(qtbot, window)
    assert window.screens["booking"].confirm.text() == "M'inscrire sur la liste d'attente"


def test_language_switch_changes_every_visible_word(qtbot, window):
    tap(qtbot, window.access_bar.language)
    home = window.screens["home"]
    assert home.tiles["offers"].title.text() == "Activities"
    assert window.access_bar.language.text() == "Français"
    assert "Offline" in window.top_bar.status.text()
    tap(qtbot, home.tiles["offers"])
    offers = window.screens["offers"]
    assert offers.count.text() == "5 activities"
    assert offers.search.placeholderText().startswith("Search")
    assert offers.category_row.buttons()[0].text() == "All"
    tap(qtbot, window.access_bar.language)
    assert offers.count.text() == "5 activités"


def test_inactivity_warns_then_clears_everything(qtbot, window, monotonic):
    window.show_screen("offers", False)
    offers = window.screens["offers"]
    qtbot.keyClicks(offers.search, "ski")
    tap(qtbot, window.access_bar.language)

    monotonic.now += 89
    window.idle.check()
    assert not window.idle_overlay.isVisible()
    monotonic.now += 2
    window.idle.check()
    assert window.idle_overlay.isVisible()
    assert window.idle_overlay.title.text() == "Are you still there?"
    assert "29 seconds" in window.idle_overlay.message.text()

    tap(qtbot, window.idle_overlay.action)  # "I'm still here"
    assert not window.idle_overlay.isVisible()
    assert window.current_screen() == "offers" and offers.search.text() == "ski"

    monotonic.now += 200  # a long silence, checked late: still one clean reset
    window.idle.check()
    assert window.current_screen() == "home"
    assert offers.search.text() == ""
    assert window.texts.language == "fr"
    assert window.screens["home"].tiles["offers"].title.text() == "L'offre"
    assert not window.idle_overlay.isVisible()


def test_home_in_the_site_language_is_never_interrupted(qtbot, window, monotonic):
    monotonic.now += 95
    window.idle.check()
    assert not window.idle_overlay.isVisible()


def test_a_long_list_moves_with_the_big_buttons(qtbot, tmp_path):
    import json

    from kiosk.config import KioskConfig
    from kiosk.services.context import open_services
    from tests.factories import NOW, catalog, offer, session

    path = tmp_path / "many.json"
    path.write_text(
        json.dumps(
            catalog(
                [offer(f"O{i}", f"Sortie numéro {i}", sessions=[session(f"O{i}-S", days=i + 1)]) for i in range(30)]
            )
        )
    )
    services = open_services(tmp_path / "many", KioskConfig(), demo=True, clock=lambda: NOW, demo_catalog=path)
    create_application(services.config)
    win = MainWindow(services)
    qtbot.addWidget(win)
    win.resize(1920, 1080)
    win.show()
    win.show_screen("offers", False)
    offers = win.screens["offers"]
    bar = offers.list.verticalScrollBar()
    buttons = offers.scroll_buttons
    assert bar.value() == 0 and not buttons.up.isEnabled() and buttons.down.isEnabled()
    tap(qtbot, buttons.down)
    assert bar.value() > offers.list.viewport().height() // 2
    while buttons.down.isEnabled():
        tap(qtbot, buttons.down)
    assert bar.value() == bar.maximum()
    tap(qtbot, buttons.up)
    assert buttons.up.isEnabled() and bar.value() < bar.maximum()
    win.close()
    services.close()


def test_an_offer_shows_its_photo_with_its_credit_or_else_its_pictogram(qtbot, window, services):
    window.show_screen("detail", "T1")
    detail = window.screens["detail"]
    photo = next(w for w in detail.findChildren(QLabel) if w.pixmap() is not None and not w.pixmap().isNull())
    assert photo.accessibleName() == "Photo de l'activité : Théâtre : Le Malade imaginaire"
    assert photo.pixmap().width() == 240  # a landscape, scaled to the header
    assert any(w.text().startswith("Photo : ") for w in detail.findChildren(QLabel))
    for path in (services.data_dir / "photos").glob("*.jpg"):
        path.write_bytes(b"broken")  # a kept file that no longer reads: the pictogram, never a blank
    window.show_screen("detail", "T1")
    assert not any(w.text().startswith("Photo : ") for w in window.screens["detail"].findChildren(QLabel))
    window.show_screen("detail", "T2")  # no photo in the catalog
    assert not any(w.text().startswith("Photo : ") for w in window.screens["detail"].findChildren(QLabel))
