"""« Participer » — le par et le pour: the ideas box, the consultations and their published results, and the
way to give one's appreciation of a past activity."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.domain.consultations import BallotKind, Consultation
from kiosk.i18n import Texts
from kiosk.services.context import KioskServices
from kiosk.ui.widgets import FlowLayout, Screen, button, card, empty_layout, label, scrolling_column


def results_lines(consultation: Consultation, texts: Texts) -> list[str]:
    """ "Le tramway : 5 votes" per choice, the most chosen first (points for a ranking)."""
    results = consultation.results
    if results is None:
        return []
    ranking = consultation.kind is BallotKind.RANKING
    figures = results.points if ranking else results.votes
    ordered = sorted(consultation.choices, key=lambda c: -figures.get(c.code, 0))
    key = "participate.points" if ranking else "participate.votes"
    return [
        texts(f"{key}.one", choice=c.label(texts.language))
        if figures.get(c.code, 0) == 1
        else texts(key, choice=c.label(texts.language), count=texts.number(figures.get(c.code, 0)))
        for c in ordered
    ]


class ParticipateScreen(Screen):
    chosen = Signal(str)  # "idea", "idea_lookup", "consultations" or "appreciate"

    def __init__(self, services: KioskServices, texts: Texts, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("screen")
        self.services = services
        self.texts = texts
        self.title = label(object_name="title")
        self.intro = label(object_name="lead")
        self.ideas_heading = label(object_name="heading")
        self.ideas_text = label()
        self.leave_idea = button(object_name="primary")
        self.find_answer = button()
        self.votes_heading = label(object_name="heading")
        self.votes_text = label()
        self.see_consultations = button(object_name="primary")
        self.appreciate_heading = label(object_name="heading")
        self.appreciate_text = label()
        self.appreciate = button(object_name="primary")
        self.results_heading = label(object_name="heading")
        self.results = QVBoxLayout()
        self.results.setSpacing(12)
        self.ways = QVBoxLayout()  # the three ways to take part, a card each
        self.ways.setSpacing(18)
        for heading, text, buttons in (
            (self.ideas_heading, self.ideas_text, (self.leave_idea, self.find_answer)),
            (self.votes_heading, self.votes_text, (self.see_consultations,)),
            (self.appreciate_heading, self.appreciate_text, (self.appreciate,)),
        ):
            row = QWidget()
            flow = FlowLayout(row)
            for control in buttons:
                flow.addWidget(control)
            card(self.ways, heading, text, row)
        self.page = scrolling_column(
            self, self.title, self.intro, self.ways, self.results_heading, self.results, spacing=18
        )
        self.leave_idea.clicked.connect(lambda: self.chosen.emit("idea"))
        self.find_answer.clicked.connect(lambda: self.chosen.emit("idea_lookup"))
        self.see_consultations.clicked.connect(lambda: self.chosen.emit("consultations"))
        self.appreciate.clicked.connect(lambda: self.chosen.emit("appreciate"))

    def refresh(self) -> None:
        """The results published since the screen was last shown."""
        self.retranslate(self.texts)

    def retranslate(self, texts: Texts) -> None:
        self.texts = texts
        self.page.scroll_buttons.set_names(texts("nav.up.name"), texts("nav.down.name"))
        self.title.setText(texts("participate.title"))
        self.intro.setText(texts("participate.intro"))
        self.ideas_heading.setText(texts("participate.ideas"))
        self.ideas_text.setText(texts("participate.ideas.text"))
        self.leave_idea.setText(texts("participate.ideas.leave"))
        self.find_answer.setText(texts("participate.ideas.find"))
        self.votes_heading.setText(texts("participate.votes.title"))
        self.votes_text.setText(texts("participate.votes.text"))
        self.see_consultations.setText(texts("participate.votes.see"))
        self.appreciate_heading.setText(texts("participate.appreciate"))
        self.appreciate_text.setText(texts("participate.appreciate.text"))
        self.appreciate.setText(texts("participate.appreciate.give"))
        self.results_heading.setText(texts("participate.results"))
        empty_layout(self.results)
        published = self.services.consultations.with_results()
        if not published:
            self.results.addWidget(label(texts("participate.results.none"), "muted"))
        for consultation in published:
            results = consultation.results
            if results is None:
                continue
            rate = texts(
                "participate.rate",
                percent=results.participation_percent,
                count=texts.number(results.participants),
                total=texts.number(results.electorate),
            )
            inner = card(self.results, label(consultation.question(texts.language), "emphasis"), label(rate, "muted"))
            for line in results_lines(consultation, texts):
                inner.addWidget(label(line))

    def reset(self) -> None:
        """The same for everyone."""
