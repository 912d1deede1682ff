"""Every word the kiosk shows, in French first and English, and how dates and prices read.

One catalog for the whole interface: a screen asks `texts("key")` and never
holds a literal string, so switching language is one call and a test can check
that no text is missing in either language.
"""

from __future__ import annotations

from datetime import datetime

LANGUAGES = ("fr", "en")

TEXTS: dict[str, tuple[str, str]] = {
    # Top bar
    "bar.language": ("English", "Français"),
    "bar.language.name": ("Changer de langue : English", "Change language: Français"),
    "bar.staff": ("Espace correspondant", "Staff access"),
    "bar.offline": ("Hors ligne", "Offline"),
    "bar.online": ("En ligne", "Online"),
    "bar.synced": ("synchronisé {when}", "synced {when}"),
    "bar.waiting": ("{count} en attente d'envoi", "{count} waiting to be sent"),
    "bar.offer_as_of": ("Offre mise à jour {when}", "Offer updated {when}"),
    "bar.offer_never": ("Offre pas encore chargée", "Offer not loaded yet"),
    # Accessibility bar
    "access.read": ("Lire à voix haute", "Read aloud"),
    "access.read.name": ("Lire l'écran à voix haute", "Read the screen aloud"),
    "access.contrast": ("◐ Contraste fort", "◐ High contrast"),
    "access.contrast.name": ("Couleurs à contraste fort", "High-contrast colours"),
    "access.larger": ("A+ Texte plus grand", "A+ Larger text"),
    "access.read.short": ("Lire", "Read"),
    # Help, on every screen
    "help.button": ("? Besoin d'aide", "? Need help"),
    "help.button.name": ("Besoin d'aide ? Ce que fait cet écran, et qui peut vous aider",
                         "Need help? What this screen does, and who can help you"),
    "help.title": ("Besoin d'aide ?", "Need help?"),
    "detail.photo": ("Photo de l'activité : {title}", "Photo of the activity: {title}"),
    "help.close": ("Fermer", "Close"),
    "help.call": ("Appeler un correspondant", "Call a correspondent"),
    "help.call.name": ("Appeler un correspondant SLVie pour qu'il vienne vous aider à la borne",
                       "Call an SLVie correspondent to come and help you at the kiosk"),
    "help.ticket": ("Finir plus tard", "Finish later"),
    "help.ticket.name": ("Imprimer un ticket avec un code, pour finir plus tard avec un correspondant",
                         "Print a ticket with a code, to finish later with a correspondent"),
    "help.called.title": ("Un correspondant est prévenu", "A correspondent has been told"),
    "help.called": (
        "Restez près de la borne : un correspondant SLVie va venir vous aider. S'il ne vient pas, allez au "
        "point conciergerie et donnez ce code : {code}.",
        "Stay near the kiosk: an SLVie correspondent will come and help you. If nobody comes, go to the "
        "concierge desk and give this code: {code}.",
    ),
    "help.ticket.title": ("Votre code pour finir plus tard", "Your code to finish later"),
    "help.ticket.printing": ("Votre code : {code}\nLe ticket s'imprime…", "Your code: {code}\nThe ticket is printing…"),
    "help.ticket.printed": (
        "Votre code : {code}\nPrenez le ticket. Montrez-le à un correspondant SLVie au point conciergerie, avec "
        "votre carte Activ' : il reprendra avec vous là où vous en étiez. Le code vaut 14 jours.",
        "Your code: {code}\nTake the ticket. Show it to an SLVie correspondent at the concierge desk, with your "
        "Activ' card: they will pick up where you left off. The code is valid for 14 days.",
    ),
    "help.ticket.not_printed": (
        "Le ticket n'a pas pu être imprimé. Notez ce code : {code}. Donnez-le à un correspondant SLVie au point "
        "conciergerie, avec votre carte Activ'. Le code vaut 14 jours.",
        "The ticket could not be printed. Write down this code: {code}. Give it to an SLVie correspondent at the "
        "concierge desk, with your Activ' card. The code is valid for 14 days.",
    ),
    "help.ticket.again": (
        "Votre code : {code}\nLe ticket de ce code vient d'être imprimé. Montrez-le, ou ce code, à un correspondant "
        "SLVie au point conciergerie, avec votre carte Activ'.",
        "Your code: {code}\nThe ticket with this code was just printed. Show it, or this code, to an SLVie "
        "correspondent at the concierge desk, with your Activ' card.",
    ),
    "help.ticket.heading": ("Code pour finir plus tard", "Code to finish later"),
    "help.ticket.what": (
        "Montrez ce ticket à un correspondant SLVie au point conciergerie, avec votre carte Activ' : il reprendra "
        "avec vous là où vous en étiez.",
        "Show this ticket to an SLVie correspondent at the concierge desk, with your Activ' card: they will pick "
        "up where you left off.",
    ),
    "help.ticket.until": ("Valable jusqu'au {day}", "Valid until {day}"),
    "help.queue.title": ("Appels à l'aide", "Calls for help"),
    "help.queue.code": ("Code d'un ticket « Finir plus tard »", "Code of a \"Finish later\" ticket"),
    "help.queue.take_code": ("Reprendre", "Resume"),
    "help.queue.none": ("Personne n'attend d'aide pour le moment.", "Nobody is waiting for help right now."),
    "help.queue.count": ("En attente : {count}", "Waiting: {count}"),
    "help.queue.call": ("Appel de {time} : la personne attend à la borne", "Call at {time}: the person waits at the kiosk"),
    "help.queue.ticket": ("Ticket {code}, pris {day}", "Ticket {code}, taken {day}"),
    "help.queue.where": ("Écran : {screen}", "Screen: {screen}"),
    "help.queue.go": ("J'y vais", "On my way"),
    "help.queue.resume": ("Reprendre avec la personne", "Resume with the person"),
    "help.screen.home": ("Accueil", "Home"),
    "help.screen.offers": ("L'offre (la liste)", "Activities (the list)"),
    "help.screen.detail": ("Une activité", "An activity"),
    "help.screen.identify": ("S'identifier", "Identify"),
    "help.screen.booking": ("Réserver", "Book"),
    "help.screen.booking_done": ("Réservation faite", "Booking made"),
    "help.screen.my_bookings": ("Mes réservations", "My bookings"),
    "help.screen.concierge": ("Conciergerie", "Concierge"),
    "help.screen.concierge_request": ("Une demande de conciergerie", "A concierge request"),
    "help.screen.concierge_done": ("Demande de conciergerie faite", "Concierge request made"),
    "help.read": ("Lire à voix haute", "Read aloud"),
    "help.person": (
        "Vous pouvez aussi demander au correspondant SLVie : il est au point conciergerie et fait les "
        "démarches avec vous. Touchez « Terminer » pour tout arrêter : rien de vous ne reste sur la borne.",
        "You can also ask the SLVie correspondent: they are at the concierge desk and will go through it "
        "with you. Touch \"Finish\" to stop everything: nothing of yours stays on the kiosk.",
    ),
    "help.home": (
        "Ceci est l'accueil. Touchez « L'offre » pour voir les activités. « Bons plans » : des places à prix "
        "réduit. « Conciergerie » : le pressing, un colis. « Mes réservations » : ce que vous avez réservé. "
        "Si vous avez votre carte Activ', passez-la devant le lecteur.",
        "This is the home screen. Touch \"Activities\" to see what is on, \"Last-minute deals\" for places at a "
        "lower price, \"Concierge\" for dry cleaning or a parcel, \"My bookings\" to see what you booked. If you "
        "have your Activ' card, hold it in front of the reader.",
    ),
    "help.offers": (
        "Voici les activités. Touchez une activité pour la voir en entier, ou « Réserver » pour prendre une place "
        "à la date indiquée. Vous pouvez écrire un mot dans la case « Chercher », choisir un thème, ou faire "
        "défiler avec les flèches ▲ ▼.",
        "Here are the activities. Touch one to see it in full, or \"Book\" to take a place on the date shown. "
        "You can type a word in the \"Search\" box, choose a theme, or scroll with the ▲ ▼ arrows.",
    ),
    "help.detail": (
        "Voici une activité : ses dates, les places libres et les prix. Touchez « Réserver » à côté de la date "
        "qui vous convient. Si c'est complet, vous pouvez vous inscrire sur la liste d'attente.",
        "Here is one activity: its dates, the places left and the prices. Touch \"Book\" beside the date you "
        "want. If it is full, you can join the waiting list.",
    ),
    "help.identify": (
        "Pour réserver, la borne doit savoir qui vous êtes. Passez votre carte Activ' devant le lecteur, ou tapez "
        "son numéro (13 chiffres), puis votre code secret et « Valider ».",
        "To book, the kiosk needs to know who you are. Hold your Activ' card in front of the reader, or type its "
        "number (13 digits), then your secret code and \"Confirm\".",
    ),
    "help.booking": (
        "Choisissez qui participe en touchant les prénoms, regardez le prix, puis touchez le grand bouton en bas "
        "pour confirmer. Rien n'est réservé avant ce bouton.",
        "Choose who takes part by touching the names, check the price, then touch the big button at the bottom "
        "to confirm. Nothing is booked before that button.",
    ),
    "help.booking_done": (
        "C'est enregistré. Prenez le bon imprimé : il sert de preuve. Notez le code si le bon n'est pas sorti. "
        "Touchez « Terminer » quand vous avez fini.",
        "It is recorded. Take the printed voucher: it is your proof. Note the code if no voucher came out. Touch "
        "\"Finish\" when you are done.",
    ),
    "help.my_bookings": (
        "Voici vos réservations et vos demandes. Vous pouvez imprimer un bon à nouveau, ou annuler tant que c'est "
        "encore possible.",
        "Here are your bookings and requests. You can print a voucher again, or cancel while it is still possible.",
    ),
    "help.concierge": (
        "La conciergerie s'occupe du pressing, de la cordonnerie, des colis et d'autres services. Choisissez un "
        "service puis « Demander ».",
        "The concierge takes care of dry cleaning, shoe repair, parcels and other services. Choose a service, "
        "then \"Ask\".",
    ),
    "help.concierge_request": (
        "Répondez aux questions en touchant les choix, puis envoyez la demande. Vous recevrez un ticket avec un "
        "code pour retirer votre article.",
        "Answer the questions by touching the choices, then send the request. You will get a ticket with a code "
        "to collect your item.",
    ),
    "help.concierge_done": (
        "Votre demande est enregistrée. Gardez le ticket : son code sert à retirer votre article.",
        "Your request is recorded. Keep the ticket: its code is how you collect your item.",
    ),
    "help.staff": (
        "Espace des correspondants SLVie : aider une personne, la file de la conciergerie, la synchronisation.",
        "The SLVie correspondents' space: helping someone, the concierge queue, synchronisation.",
    ),
    "access.contrast.short": ("◐ Contraste", "◐ Contrast"),
    "access.larger.short": ("A+ Texte", "A+ Text"),
    "access.larger.name": ("Texte plus grand", "Larger text"),
    "access.read.none.title": ("Lecture à voix haute", "Read aloud"),
    "access.read.none": (
        "La lecture à voix haute ne marche pas sur cette borne pour le moment. Demandez de l'aide au correspondant SLVie.",
        "Reading aloud does not work on this kiosk at the moment. Ask the SLVie correspondent for help.",
    ),
    # Navigation
    "nav.back": ("◀  Retour", "◀  Back"),
    "nav.home": ("Accueil", "Home"),
    "nav.up": ("▲", "▲"),
    "nav.down": ("▼", "▼"),
    "nav.up.name": ("Faire défiler vers le haut", "Scroll up"),
    "nav.down.name": ("Faire défiler vers le bas", "Scroll down"),
    # Home
    "home.greeting": ("Bonjour ! Que voulez-vous faire ?", "Hello! What would you like to do?"),
    "home.offer": ("L'offre", "Activities"),
    "home.offer.hint": ("Séjours, sorties, spectacles, sport…", "Holidays, outings, shows, sport…"),
    "home.bons_plans": ("Bons plans", "Last-minute deals"),
    "home.bons_plans.hint": ("Places de dernière minute à prix réduit", "Last-minute places at a lower price"),
    "home.concierge": ("Conciergerie", "Concierge"),
    "home.concierge.hint": ("Pressing, cordonnerie, colis…", "Dry cleaning, shoe repair, parcels…"),
    "home.bookings": ("Mes réservations", "My bookings"),
    "home.bookings.hint": ("Voir, annuler, imprimer un bon", "See, cancel, print a voucher"),
    # Offer list
    "list.title.all": ("L'offre", "Activities"),
    "list.title.bons_plans": ("Bons plans", "Last-minute deals"),
    "list.search.placeholder": ("Chercher : théâtre, ski, piscine…", "Search: theatre, ski, pool…"),
    "list.search.name": ("Chercher une activité", "Search for an activity"),
    "list.search.clear": ("Effacer", "Clear"),
    "list.category.all": ("Tout", "All"),
    "list.filters": ("Filtres", "Filters"),
    "list.filters.active": ("Filtres ({count})", "Filters ({count})"),
    "list.count.none": ("Aucune activité ne correspond.", "No activity matches."),
    "list.count.one": ("1 activité", "1 activity"),
    "list.count.many": ("{count} activités", "{count} activities"),
    "list.count.more": ("{count} activités, voici les {shown} premières", "{count} activities, here are the first {shown}"),
    "list.count.capped": (
        "Plus de {count} activités : ajoutez un mot pour trouver plus vite",
        "More than {count} activities: add a word to narrow the list",
    ),
    "list.empty.hint": (
        "Essayez un autre mot, ou enlevez des filtres.",
        "Try another word, or remove some filters.",
    ),
    "list.from_price": ("à partir de {price}", "from {price}"),
    "list.book": ("Réserver", "Book"),
    "list.waitlist": ("Liste d'attente", "Waiting list"),
    "list.next_date": ("Prochaine date : {date}", "Next date: {date}"),
    "list.discount": ("−{percent} %", "−{percent}%"),
    "filters.level": ("Qui organise", "Organised by"),
    "filters.level.any": ("Tous", "All"),
    "filters.level.ccas": ("National (CCAS)", "National (CCAS)"),
    "filters.level.cmcas": ("Région (CMCAS)", "Region (CMCAS)"),
    "filters.level.slvie": ("Près d'ici (SLVie)", "Nearby (SLVie)"),
    "filters.dates": ("Quand", "When"),
    "filters.dates.any": ("Toutes les dates", "Any date"),
    "filters.dates.week": ("7 prochains jours", "Next 7 days"),
    "filters.dates.month": ("Ce mois-ci", "Within a month"),
    "filters.dates.three_months": ("3 prochains mois", "Next 3 months"),
    "filters.places": ("Places", "Places"),
    "filters.places.any": ("Toutes", "All"),
    "filters.places.only": ("Avec des places libres", "With free places"),
    "filters.price": ("Prix maximum", "Maximum price"),
    "filters.price.any": ("Tous les prix", "Any price"),
    "filters.price.free": ("Gratuit", "Free"),
    "filters.price.max": ("{price} au plus", "{price} at most"),
    "filters.reset": ("Enlever les filtres", "Remove filters"),
    "filters.close": ("Voir les résultats", "See results"),
    # Levels and badges
    "level.ccas": ("National — CCAS", "National — CCAS"),
    "level.cmcas": ("Région — CMCAS", "Region — CMCAS"),
    "level.slvie": ("Près d'ici — SLVie", "Nearby — SLVie"),
    "badge.bon_plan": ("Bon plan", "Deal"),
    "badge.trans_slvie": ("Ouvert à tous", "Open to all"),
    "badge.ages": ("De {min} à {max} ans", "Ages {min} to {max}"),
    "badge.age_min": ("À partir de {min} ans", "From age {min}"),
    "badge.request": ("Sur demande", "On request"),
    # Offer detail
    "detail.organiser": ("Organisé par {organiser}", "Organised by {organiser}"),
    "detail.sessions": ("Dates et places", "Dates and places"),
    "detail.prices": ("Prix selon votre tranche", "Price by income bracket"),
    "detail.prices.explain": (
        "Votre tranche dépend de vos revenus (coefficient social). Sans avis d'impôt, c'est la tranche {top}.",
        "Your bracket depends on your household income. Without a tax notice, bracket {top} applies.",
    ),
    "detail.tier": ("Tranche {tier}", "Bracket {tier}"),
    "detail.free": ("Gratuit", "Free"),
    "detail.places.left": ("{count} places libres", "{count} places left"),
    "detail.places.one": ("1 place libre", "1 place left"),
    "detail.places.full": ("Complet", "Full"),
    "detail.places.as_of": ("(chiffre connu {when})", "(as known {when})"),
    "detail.book": ("Réserver", "Book"),
    "detail.request": ("Faire une demande", "Send a request"),
    "detail.past": ("Date passée", "Date passed"),
    "detail.cancel_rule": (
        "Annulation possible jusqu'à {days} jours avant.",
        "You can cancel up to {days} days before.",
    ),
    "detail.cancel_rule.none": ("Annulation possible jusqu'au jour même.", "You can cancel up to the day itself."),
    "detail.cancel_rule.one": ("Annulation possible jusqu'à la veille.", "You can cancel up to the day before."),
    "book.no_cancel": (
        "Attention : le délai d'annulation est passé. Cette réservation ne pourra pas être annulée ici.",
        "Please note: the cancellation deadline has passed. This booking cannot be cancelled here.",
    ),
    "detail.request_rule": (
        "Les places sont attribuées par la CCAS après les demandes. Vous aurez la réponse ici.",
        "Places are allocated by the CCAS after all requests. You will get the answer here.",
    ),
    "detail.missing": ("Cette activité n'est plus proposée.", "This activity is no longer offered."),
    # Concierge
    "concierge.title": ("Conciergerie", "Concierge"),
    "concierge.intro": (
        "Choisissez un service et faites votre demande ici. Vous repartez avec un ticket de retrait.",
        "Choose a service and make your request here. You leave with a pickup ticket.",
    ),
    "concierge.ask": ("Demander", "Ask for it"),
    "concierge.ask.name": ("Demander : {name}", "Ask for: {name}"),
    "concierge.quote": ("Prix sur devis", "Price on quotation"),
    "concierge.free": ("Gratuit", "Free"),
    "concierge.price": ("{price} {unit}", "{price} {unit}"),
    # A concierge request
    "request.send": ("Envoyer ma demande", "Send my request"),
    "request.quote": (
        "Prix sur devis : le correspondant vous dira le prix avant de commencer.",
        "Price on quotation: the correspondent will tell you the price before starting.",
    ),
    "request.total": ("Prix : {price}", "Price: {price}"),
    "request.gone": ("Ce service n'est plus proposé ici.", "This service is no longer offered here."),
    "request.less": ("Moins : {name}", "Fewer: {name}"),
    "request.more": ("Plus : {name}", "More: {name}"),
    "request.month_back": ("Un mois plus tôt", "One month earlier"),
    "request.day_back": ("Un jour plus tôt", "One day earlier"),
    "request.day_on": ("Un jour plus tard", "One day later"),
    "request.month_on": ("Un mois plus tard", "One month later"),
    "request.done": ("Votre demande est enregistrée", "Your request is recorded"),
    "request.code": ("Votre code de retrait : {code}", "Your pickup code: {code}"),
    "request.when_day": ("À retirer à partir du {when}.", "Ready to collect from {when}."),
    "request.when_desk": ("Le correspondant s'en occupe. Vous serez prévenu ici.",
                          "The correspondent takes care of it. You will be told here."),
    "request.code_hint": (
        "Gardez votre ticket. Montrez-le, ou donnez ce code, pour retirer votre commande.",
        "Keep your ticket. Show it, or give this code, to collect your order.",
    ),
    "ticket.again": ("Imprimer mon ticket", "Print my ticket"),
    "ticket.reprint": ("Réimprimer", "Print again"),
    "ticket.running": ("Impression de votre ticket…", "Printing your ticket…"),
    "ticket.done": ("Votre ticket est imprimé. Prenez-le.", "Your ticket is printed. Please take it."),
    "ticket.kept": (
        "Votre demande est bien enregistrée. Vous pourrez imprimer le ticket plus tard dans « Mes réservations ».",
        "Your request is saved. You can print the ticket later from \"My bookings\".",
    ),
    "ticket.kept.here": (
        "Le ticket est gardé : réessayez dans un moment, ou demandez au correspondant SLVie.",
        "The ticket is kept: try again in a moment, or ask the SLVie correspondent.",
    ),
    "ready.title": ("Bonne nouvelle !", "Good news!"),
    "news.title": ("Des nouvelles pour vous", "News for you"),
    "notice.ok": ("J'ai compris", "OK"),
    # Identification
    "identify.title": ("Identifiez-vous", "Identify yourself"),
    "identify.intro": (
        "Scannez votre carte Activ' ou tapez son numéro, puis votre code secret.",
        "Scan your Activ' card or type its number, then your secret code.",
    ),
    "identify.card": ("Numéro de carte", "Card number"),
    "identify.pin": ("Code secret", "Secret code"),
    "identify.submit": ("Valider", "Continue"),
    "session.hello": ("Bonjour {name}", "Hello {name}"),
    "session.end": ("Terminer", "Finish"),
    # Booking
    "book.title": ("Réserver", "Book"),
    "book.who": ("Qui participe ?", "Who is taking part?"),
    "book.age": ("{age} ans", "age {age}"),
    "book.unit": ("Prix par personne : {price} (tranche {tier})", "Price per person: {price} (bracket {tier})"),
    "book.total": ("Total : {price}", "Total: {price}"),
    "book.total.free": ("Total : gratuit", "Total: free"),
    "book.free": ("C'est gratuit.", "It is free."),
    "book.will_confirm": ("Votre place est confirmée tout de suite.", "Your place is confirmed at once."),
    "book.will_confirm.many": ("Vos {count} places sont confirmées tout de suite.",
                               "Your {count} places are confirmed at once."),
    "book.will_request": (
        "Votre demande sera envoyée. La CCAS ou la CMCAS vous répondra : vous verrez la réponse dans « Mes réservations ».",
        "Your request will be sent. The CCAS or CMCAS will answer: you will see the answer in \"My bookings\".",
    ),
    "book.confirm": ("Confirmer la réservation", "Confirm the booking"),
    "book.will_wait": (
        "Il n'y a plus assez de places à cette date. Vous pouvez vous inscrire sur la liste d'attente : "
        "si des places se libèrent, elles sont données dans l'ordre d'inscription. La réponse sera dans « Mes réservations ».",
        "There are not enough places left on this date. You can join the waiting list: places that free up "
        "are given in the order people joined. The answer will be in \"My bookings\".",
    ),
    "book.confirm_wait": ("M'inscrire sur la liste d'attente", "Join the waiting list"),
    "done.waiting": ("Vous êtes sur la liste d'attente", "You are on the waiting list"),
    "detail.waitlist": ("Liste d'attente", "Waiting list"),
    "book.confirm_request": ("Envoyer ma demande", "Send my request"),
    "done.confirmed": ("C'est réservé !", "It's booked!"),
    "done.requested": ("Votre demande est enregistrée", "Your request is recorded"),
    "done.code": ("Votre code : {code}", "Your code: {code}"),
    "done.code_hint": (
        "Donnez ce code ou montrez votre bon le jour de l'activité.",
        "Give this code or show your voucher on the day of the activity.",
    ),
    "done.what": ("Activité", "Activity"),
    "done.when": ("Quand", "When"),
    "done.where": ("Où", "Where"),
    "done.who": ("Pour", "For"),
    "done.price": ("Prix", "Price"),
    "done.to_pay": ("{price}, à régler à l'accueil de votre SLVie", "{price}, to pay at your SLVie desk"),
    "print.again": ("Imprimer mon bon", "Print my voucher"),
    "print.reprint": ("Réimprimer", "Print again"),
    "print.running": ("Impression de votre bon…", "Printing your voucher…"),
    "print.done": ("Votre bon est imprimé. Prenez-le.", "Your voucher is printed. Please take it."),
    "print.kept": (
        "C'est bien enregistré. Vous pourrez imprimer le bon plus tard dans « Mes réservations ».",
        "It is saved. You can print the voucher later from \"My bookings\".",
    ),
    "print.kept.here": (
        "Le bon est gardé : réessayez dans un moment, ou demandez au correspondant SLVie.",
        "The voucher is kept: try again in a moment, or ask the SLVie correspondent.",
    ),
    # My bookings
    "mine.title": ("Mes réservations", "My bookings"),
    "mine.none": ("Vous n'avez pas encore de réservation.", "You have no booking yet."),
    "mine.state.confirmed": ("Confirmée", "Confirmed"),
    "mine.state.requested": ("En attente de confirmation", "Waiting for confirmation"),
    "mine.state.waitlisted": ("Liste d'attente", "Waiting list"),
    "mine.state.refused": ("Refusée", "Refused"),
    "mine.state.cancelled": ("Annulée", "Cancelled"),
    "mine.withdrawn": ("Activité retirée de l'offre", "Activity withdrawn from the offer"),
    "mine.cancel": ("Annuler", "Cancel"),
    "mine.cancel.too_late": (
        "On pouvait annuler jusqu'au {when}. Pour annuler maintenant, adressez-vous au correspondant SLVie.",
        "It could be cancelled until {when}. To cancel now, ask the SLVie correspondent.",
    ),
    "mine.print": ("Imprimer le bon", "Print the voucher"),
    "mine.cancel.title": ("Annuler cette réservation ?", "Cancel this booking?"),
    "mine.cancel.message": ("{title}, {when}. Les places seront rendues.", "{title}, {when}. The places will be given back."),
    "mine.cancel.yes": ("Oui, annuler", "Yes, cancel"),
    "mine.cancel.no": ("Non, garder", "No, keep it"),
    "mine.cancelled": ("La réservation est annulée.", "The booking is cancelled."),
    "mine.requests": ("Mes demandes de conciergerie", "My concierge requests"),
    "mine.request.code": ("Code de retrait {code}", "Pickup code {code}"),
    "mine.request.print": ("Imprimer le ticket", "Print the ticket"),
    "mine.request.cancel.title": ("Annuler cette demande ?", "Cancel this request?"),
    "mine.request.cancel.message": ("{name} : la demande ne sera pas traitée.", "{name}: the request will not be handled."),
    "mine.request.cancelled": ("La demande est annulée.", "The request is cancelled."),
    "error.action": ("Impossible", "Not possible"),
    # Inactivity
    "idle.title": ("Êtes-vous encore là ?", "Are you still there?"),
    "idle.message": (
        "Sans action de votre part, l'écran revient à l'accueil dans {seconds} secondes.",
        "Without any action, the screen goes back to the start in {seconds} seconds.",
    ),
    "idle.stay": ("Je suis encore là", "I'm still here"),
    # Assisted mode: correspondents signed in at the kiosk
    "staff.banner": ("Mode correspondant — {name}", "Correspondent mode — {name}"),
    "staff.leave_mode": ("Quitter le mode correspondant", "Leave correspondent mode"),
    "signin.title": ("Espace correspondant", "Staff access"),
    "signin.intro": (
        "Réservé aux correspondants SLVie. Scannez votre badge et tapez votre code, ou utilisez votre identifiant.",
        "For SLVie correspondents only. Scan your badge and type your PIN, or use your login.",
    ),
    "signin.badge_mode": ("Badge et code", "Badge and PIN"),
    "signin.password_mode": ("Identifiant et mot de passe", "Login and password"),
    "signin.badge": ("Numéro de badge", "Badge number"),
    "signin.pin": ("Code du badge", "Badge PIN"),
    "signin.login": ("Identifiant", "Login"),
    "signin.password": ("Mot de passe", "Password"),
    "signin.submit": ("Se connecter", "Sign in"),
    "staff.home.title": ("Espace correspondant", "Staff access"),
    "staff.home.identify": ("Aider une personne à côté de moi", "Help a person beside me"),
    "staff.home.identify.hint": ("Avec sa carte, sans son code secret", "With their card, without their secret code"),
    "staff.home.queue": ("File de la conciergerie", "Concierge queue"),
    "staff.home.queue.hint": ("Prendre en charge, marquer prête, remettre", "Take in hand, mark ready, hand over"),
    "staff.home.help": ("Appels à l'aide", "Calls for help"),
    "staff.home.help.hint": ("Une personne attend, ou revient avec un code", "Someone is waiting, or back with a code"),
    "staff.home.sync": ("Synchronisation", "Sync"),
    "staff.home.sync.hint": ("Envois en attente, dernières erreurs", "Waiting to be sent, last errors"),
    "staff.home.exit": ("Quitter la borne", "Leave the kiosk"),
    "staff.home.sign_out": ("Me déconnecter", "Sign me out"),
    "staff.exit.title": ("Quitter la borne ?", "Leave the kiosk?"),
    "staff.exit.message": (
        "L'écran de la borne va se fermer et vous serez déconnecté(e).",
        "The kiosk screen will close and you will be signed out.",
    ),
    "staff.exit.yes": ("Oui, quitter la borne", "Yes, leave the kiosk"),
    "staff.exit.no": ("Non, rester", "No, stay"),
    "staff.idle.message": (
        "Sans action de votre part, le mode correspondant se ferme dans {seconds} secondes.",
        "Without any action, correspondent mode closes in {seconds} seconds.",
    ),
    "assisted.title": ("Aider une personne à côté de vous", "Help a person beside you"),
    "assisted.intro": (
        "Scannez la carte Activ' de la personne ou tapez son numéro. Son code secret n'est pas demandé.",
        "Scan the person's Activ' card or type its number. Their secret code is not needed.",
    ),
    "assisted.present": ("La personne est à côté de moi", "The person is beside me"),
    "assisted.agrees": ("Elle est d'accord pour que j'agisse pour elle", "They agree that I act for them"),
    "assisted.recorded": (
        "Ce que vous faites pour elle est enregistré à votre nom.",
        "What you do for them is recorded under your name.",
    ),
    "assisted.submit": ("Continuer pour cette personne", "Continue for this person"),
    "queue.title": ("File de la conciergerie", "Concierge queue"),
    "queue.pickup": ("Ticket de retrait", "Pickup ticket"),
    "queue.pickup.hint": ("Scannez le ticket ou tapez son code", "Scan the ticket or type its code"),
    "queue.pickup.find": ("Chercher", "Find"),
    "queue.found": ("Demande du ticket", "The ticket's request"),
    "queue.filters": ("Filtres : {state} · {service}", "Filters: {state} · {service}"),
    "queue.state": ("État", "State"),
    "queue.state.open": ("En cours", "In progress"),
    "queue.state.final": ("Terminées", "Finished"),
    "queue.service": ("Service", "Service"),
    "queue.service.all": ("Tous les services", "All services"),
    "queue.none": ("Aucune demande ne correspond.", "No request matches."),
    "queue.count.one": ("1 demande", "1 request"),
    "queue.count.many": ("{count} demandes", "{count} requests"),
    "queue.created": ("Déposée {when}", "Submitted {when}"),
    "queue.note": ("Note : {note}", "Note: {note}"),
    "queue.reason": ("Raison : {reason}", "Reason: {reason}"),
    "queue.code": ("Code {code}", "Code {code}"),
    "queue.moved": ("C'est fait : « {state} ».", "Done: '{state}'."),
    "queue.reprint": ("Réimprimer le ticket", "Reprint the ticket"),
    "queue.reprint.running": ("Impression du ticket…", "Printing the ticket…"),
    "queue.reprint.done": ("Le ticket est imprimé.", "The ticket is printed."),
    "queue.reprint.failed": (
        "Le ticket n'a pas pu être imprimé. Vérifiez l'imprimante, puis réessayez.",
        "The ticket could not be printed. Check the printer, then try again.",
    ),
    "queue.reason.cancel": ("Pourquoi annuler cette demande ?", "Why cancel this request?"),
    "queue.reason.refuse": ("Pourquoi refuser cette demande ?", "Why refuse this request?"),
    "queue.reason.keep": ("Ne rien changer", "Change nothing"),
    "sync.title": ("Synchronisation avec le centre", "Sync with the centre"),
    "sync.pending": ("Envois en attente : {count}", "Waiting to be sent: {count}"),
    "sync.parked": ("Envois refusés par le centre : {count}", "Refused by the centre: {count}"),
    "sync.audit": ("Actions des correspondants pas encore envoyées : {count}",
                   "Correspondents' actions not sent yet: {count}"),
    "sync.last_success": ("Dernière synchronisation réussie : {when}", "Last successful sync: {when}"),
    "sync.never": ("Aucune synchronisation réussie pour le moment.", "No successful sync yet."),
    "sync.last_error": ("Dernier échec, {when} : {message}", "Last failure, {when}: {message}"),
    "sync.no_error": ("Aucun échec enregistré.", "No failure recorded."),
    "sync.parked.title": ("Envois refusés et leur raison", "Refused sends and why"),
    "sync.parked.line": ("{kind}, {when} : {reason}", "{kind}, {when}: {reason}"),
    "sync.now": ("Synchroniser maintenant", "Sync now"),
    "sync.requested": (
        "Synchronisation demandée. Les chiffres se mettent à jour quand elle se termine.",
        "Sync requested. The figures are updated when it ends.",
    ),
    "sync.not_configured": (
        "La synchronisation n'est pas réglée sur cette borne : elle n'est pas inscrite auprès du centre. "
        "Prévenez le support informatique.",
        "Sync is not set up on this kiosk: it is not enrolled with the centre. Tell IT support.",
    ),
    # Errors
    "error.title": ("Un problème est survenu", "Something went wrong"),
}

_MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
}
_WEEKDAYS = {
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}


class Texts:
    """The interface's words in one language."""

    def __init__(self, language: str):
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        self.language = language
        self._index = LANGUAGES.index(language)

    def __call__(self, key: str, **values: object) -> str:
        text = TEXTS[key][self._index]
        return text.format(**values) if values else text

    def number(self, value: int) -> str:
        """Thousands grouped the way each language writes them: 1 000 / 1,000."""
        return f"{value:,}".replace(",", "\u202f") if self.language == "fr" else f"{value:,}"

    def money(self, cents: int) -> str:
        euros, rest = divmod(cents, 100)
        whole = self.number(euros)
        if self.language == "fr":
            return f"{whole} €" if rest == 0 else f"{whole},{rest:02d} €"
        return f"€{whole}" if rest == 0 else f"€{whole}.{rest:02d}"

    def time(self, moment: datetime) -> str:
        return moment.strftime("%H h %M") if self.language == "fr" else moment.strftime("%H:%M")

    def day(self, moment: datetime, weekday: bool = True, year: bool = True) -> str:
        month = _MONTHS[self.language][moment.month - 1]
        name = _WEEKDAYS[self.language][moment.weekday()]
        number = "1er" if self.language == "fr" and moment.day == 1 else str(moment.day)
        text = f"{number} {month} {moment.year}" if year else f"{number} {month}"
        return f"{name} {text}" if weekday else text

    def moment(self, moment: datetime) -> str:
        joiner = " à " if self.language == "fr" else " at "
        return self.day(moment) + joiner + self.time(moment)

    def span(self, start: datetime, end: datetime) -> str:
        """A session's dates: one day with its hours, or a first and last day."""
        if start.date() == end.date():
            dash = " – "
            return f"{self.day(start)}, {self.time(start)}{dash}{self.time(end)}"
        if self.language == "fr":
            return f"Du {self.day(start)} au {self.day(end)}"
        return f"From {self.day(start)} to {self.day(end)}"

    def freshness(self, moment: datetime, now: datetime) -> str:
        """"à 10 h 42" today, with the day otherwise, so a person knows how old a figure is."""
        fr = self.language == "fr"
        if moment.date() == now.date():
            return ("à " if fr else "at ") + self.time(moment)
        return ("le " if fr else "on ") + self.day(moment, weekday=False) + (" à " if fr else " at ") + self.time(moment)
