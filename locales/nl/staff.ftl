### Pages for staff: login, console, opening hours, links, the staff side of a video call.
### Language: Dutch (plain B1 language). Keys: see the module doc of src/i18n.rs.

## Video call, staff side

staffcall-title = Videogesprek met { $name }
staffcall-meta = Onderwerp: { $topic }
staffcall-back = Terug naar de console
staffcall-messages = Berichten en tekst
staffcall-add_h = Iemand toevoegen
staffcall-add_hint = Vraag een tolk of een medewerker om erbij te komen. U blijft zelf in het gesprek.
staffcall-queue = Wie
staffcall-request = Vragen om erbij te komen
staffcall-requested = Er is iemand gevraagd om erbij te komen. U ziet diegene zodra hij of zij aanneemt.
staffcall-already = Er is al iemand gevraagd om erbij te komen.
staffcall-withdrawn = Het verzoek is ingetrokken.
staffcall-cancel_request = Verzoek intrekken
staffcall-leave_hint = De anderen blijven in gesprek als u weggaat.
staffcall-leave = Gesprek verlaten
staffcall-end_hint = Ophangen beëindigt het gesprek voor iedereen. Daarna vult u de afhandeling in.
staffcall-ended = Dit gesprek is afgelopen.

## Console

console-join_request = { $name } vraagt u om bij een videogesprek te komen.
console-open_call = Open het videogesprek
console-ask_interpreter = Gebarentolk vragen (wordt een videogesprek)
console-left_call = U heeft het gesprek verlaten.
console-left_message = Bericht buiten openingstijd. Contact: { $how }
console-title = Console
console-h1 = Console
console-presence = Uw status
console-you_available = U bent beschikbaar: u krijgt nieuwe gesprekken aangeboden.
console-you_away = U bent afwezig: u krijgt geen nieuwe gesprekken.
console-missed_offer = U heeft een aanbod niet op tijd aangenomen. Uw status is nu afwezig.
console-go_available = Beschikbaar
console-go_away = Afwezig
console-offers = Aangeboden gesprekken
console-no_offers = Er zijn nu geen gesprekken voor u.
# The page gets this text with {name} left in; the browser script fills it in, so no plural variants here.
console-new_offer = Nieuw gesprek aangeboden: { $name }
console-offer_gone = Het aanbod is vervallen.
console-offer_title = { $name } via { $queue }
console-offer_meta = Onderwerp: { $topic }. Aanbod vervalt om { $time }.
console-accept = Aannemen
console-decline = Weigeren
console-chats = Mijn gesprekken ({ $count } van { $max })
console-no_chats = U heeft nu geen gesprekken.
console-chat_title = Gesprek met { $name }
console-chat_meta = Onderwerp: { $topic }. Wachtrij: { $queue }. Gestart om { $time }.
console-reply_to = Antwoord aan
console-end_chat = Gesprek beëindigen
console-wrapup = Afronden
console-wrapup_topic = Onderwerp van het gesprek
console-wrapup_note = Notitie
console-wrapup_submit = Afronden
console-wrapup_done = Het gesprek is afgerond.
console-accepted = U heeft het gesprek aangenomen.
console-offer_expired = Dit aanbod is niet meer beschikbaar.
console-sent = Uw bericht is verstuurd.
console-queues = Wachtrijen
console-queue = Wachtrij
console-waiting = Wachtend
console-longest_wait = Langste wachttijd
console-staff_available = Beschikbare medewerkers
console-waiting_contacts = Wachtende inwoners in uw wachtrijen
console-none_waiting = Er wacht nu niemand in uw wachtrijen.
console-position = Plaats
console-resident = Inwoner
console-topic = Onderwerp
console-waited = Wacht al
console-refresh = Console verversen
console-anonymous = Inwoner
console-no_topic = geen
console-other_topic = Anders

## Opening hours (admin)

hours-nav = Openingstijden
hours-title = Openingstijden per wachtrij
hours-intro = Tijden zijn Nederlandse tijd (Europe/Amsterdam), ook rond de zomertijd. Schrijf per dag de tijden waarop de wachtrij open is, zoals 09:00-12:30, 13:30-17:00. Leeg is die dag gesloten.
hours-limited = Deze wachtrij heeft openingstijden (anders altijd open)
hours-exceptions = Afwijkende dagen
hours-exceptions_hint = Eén per regel: 2026-12-25: gesloten, of 2026-12-24: 09:00-12:00.
hours-save = Opslaan
hours-saved = De openingstijden zijn opgeslagen.
hours-error_day = { $day }: { $problem }
hours-error_exception = Regel { $line } van de afwijkende dagen is niet te lezen. Schrijf bijvoorbeeld 2026-12-24: 09:00-12:00.

## Links per topic

links-nav = Links per onderwerp
links-title = Korte links en QR-codes per onderwerp
links-intro = Gebruik deze links in het keuzemenu van de telefoon, in brieven of op posters. Ze openen de chat met het onderwerp al ingevuld.
links-qr_alt = QR-code met de link { $url }

## Login

login-title = Inloggen voor medewerkers
login-h1 = Inloggen voor medewerkers
login-username = Gebruikersnaam
login-password = Wachtwoord
login-submit = Inloggen
login-error_username = Vul uw gebruikersnaam in.
login-error_password = Vul uw wachtwoord in.
login-error_wrong = De gebruikersnaam of het wachtwoord klopt niet.
login-error_busy = Er wordt nu veel ingelogd. Probeer het over een paar seconden opnieuw.
login-error_throttled =
    Te veel mislukte pogingen. Wacht { $seconds ->
        [one] { $seconds } seconde
       *[other] { $seconds } seconden
    } en probeer het opnieuw.

