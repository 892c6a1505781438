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
console-queue_unstaffed = (niemand beschikbaar voor deze wachtrij)
console-ask_interpreter = Gebarentolk vragen (wordt een videogesprek)
console-left_call = U heeft het gesprek verlaten.
console-left_message = Bericht buiten openingstijd. Contact: { $how }
console-title = Console
console-h1 = Console
console-presence = Uw status
console-you_available = U krijgt nieuwe gesprekken aangeboden.
console-you_away = U krijgt geen nieuwe gesprekken.
console-missed_offer = U heeft een aanbod niet op tijd aangenomen. Uw status is nu afwezig.
console-go_available = Zet mij op beschikbaar
console-go_away = Zet mij op afwezig
console-offers = Aangeboden gesprekken
console-no_offers = Er zijn nu geen gesprekken voor u.
# The page gets this text with {name} left in; the browser script fills it in, so no plural variants here.
console-new_offer = Nieuw gesprek aangeboden: { $name }
console-offer_gone = Het aanbod is vervallen.
console-offer_title = { $name } via { $queue }
console-offer_meta = Onderwerp: { $topic }.
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
console-wrapup_resolved = Is de vraag in dit contact opgelost?
console-wrapup_resolved_yes = Ja
console-wrapup_resolved_no = Nee
console-wrapup_submit = Afronden
console-wrapup_done = Het gesprek is afgerond.
console-wrapup_already = Dit gesprek was al afgerond. De eerste afronding blijft staan.
console-earlier = { $n ->
    [one] Toon het eerdere bericht
   *[other] Toon de { $n } eerdere berichten
}
console-accepted = U heeft het gesprek aangenomen.
console-offer_expired = Dit aanbod is niet meer beschikbaar.
console-sent = Uw bericht is verstuurd.
console-queues = Wachtrijen
console-queue = Wachtrij
console-waiting = Wachtend
console-offered = Aangeboden
console-waiting_join_request = verzoek van { $name } om mee te doen in een videogesprek
console-longest_wait = Langste wachttijd
console-staff_available = Beschikbare medewerkers
console-waiting_contacts = Wachtende inwoners in alle wachtrijen
console-none_waiting = Er wacht nu niemand, in geen enkele wachtrij.
console-waited = Wacht al
console-refresh = Console verversen
console-anonymous = Inwoner
console-no_topic = geen
console-state_available = Beschikbaar
console-state_away = Afwezig
console-declined = U heeft het aanbod geweigerd.
console-origin = Via
console-origin_web = website
console-origin_kiosk = zuil { $place }
console-origin_message = achtergelaten bericht
console-origin_report = melding over toegankelijkheid
console-origin_link = link of QR-code “{ $slug }”
console-offer_left = Tijd om aan te nemen:
console-seconds = sec.
console-take = Aannemen
console-taken = U heeft het gesprek uit de wachtrij genomen.
console-take_full = U heeft geen plaats voor nog een gesprek. Rond eerst een gesprek af.
console-take_not_theirs = Deze wachtrij hoort niet bij u.
console-take_gone = Deze inwoner wacht niet meer. Iemand anders heeft het gesprek al, of de inwoner is gestopt.
console-wrapup_transcript = Gesprek met
console-confirm_cancel = Nee, terug
console-confirm_end_h = Gesprek beëindigen?
console-confirm_end_text = Het gesprek stopt voor de inwoner. U kunt daarna niets meer sturen.
console-confirm_logout_h = Uitloggen met open gesprekken?
console-confirm_logout_text = Uw open gesprekken gaan terug naar de wachtrij. De inwoners krijgen daar een bericht over.
console-confirm_logout_count =
    U heeft nog { $count ->
        [one] { $count } open gesprek. Dat gaat
       *[other] { $count } open gesprekken. Die gaan
    } terug naar de wachtrij. De inwoners krijgen daar een bericht over.
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


## Berichten: achtergelaten berichten (asynchroon werk)
inbox-nav = Berichten
inbox-title = Berichten
inbox-intro = Berichten van inwoners die niet meteen geholpen konden worden. Het oudste bericht staat bovenaan. Pak een bericht op en beantwoord het zoals de inwoner vroeg.
inbox-open_heading = Wachten op antwoord
inbox-none_open = Er wachten geen berichten op antwoord.
inbox-answered_heading = Onlangs beantwoord
inbox-received = Ontvangen
inbox-state = Stand
inbox-reach = Antwoord via
inbox-queue = Wachtrij
inbox-from = Van
inbox-topic = Onderwerp
inbox-message = Bericht van de inwoner
inbox-answer_given = Gegeven antwoord
inbox-back = Terug naar Berichten
inbox-item_title = Bericht { $reference }
inbox-no_name = Geen naam opgegeven
inbox-age_minutes = { $n ->
    [one] { $n } minuut geleden
   *[other] { $n } minuten geleden
}
inbox-age_hours = { $n } uur geleden
inbox-age_days = { $n ->
    [one] { $n } dag geleden
   *[other] { $n } dagen geleden
}
inbox-state_new = Nieuw
inbox-state_picked_up = Opgepakt door { $name } om { $time }
inbox-state_failed = E-mail niet verstuurd (opgepakt door { $name })
inbox-state_answered = Beantwoord door { $name } op { $time }, { $how }
inbox-how_written = schriftelijk
inbox-how_email = per e-mail
inbox-how_called_back = teruggebeld
inbox-reach_email = E-mail naar { $value }
inbox-reach_phone = Terugbellen op { $value }
inbox-reach_return = Schriftelijk: de inwoner komt terug met de link
inbox-pick_up = Bericht oppakken
inbox-pick_up_hint = Dan zien uw collega's dat u dit bericht beantwoordt.
inbox-picked = U heeft dit bericht opgepakt.
inbox-taken = Dit bericht is al opgepakt door { $name }.
inbox-answered = Het bericht is beantwoord.
inbox-refused = Dit bericht kunt u niet (meer) beantwoorden.
inbox-answer_heading = Beantwoorden
inbox-written_label = Uw antwoord
inbox-written_hint = De inwoner leest dit antwoord met de link van het bericht.
inbox-send_written = Antwoord plaatsen
inbox-email_label = Tekst van de e-mail
inbox-email_hint = We mailen dit naar { $address }, met als onderwerp: Antwoord op uw bericht { $reference }.
inbox-send_email = E-mail versturen
inbox-call_label = Notitie van het gesprek
inbox-call_hint = Bel { $phone }. Schrijf daarna kort op wat u heeft afgesproken. De inwoner ziet deze notitie niet.
inbox-send_called = Opslaan als teruggebeld
inbox-no_mail = E-mail versturen is niet ingesteld. Geef een schriftelijk antwoord: de inwoner leest het met de link van het bericht.
inbox-send_failed = De e-mail is niet verstuurd: { $reason }. Uw antwoord is bewaard. Probeer het opnieuw.
inbox-error_answer = Schrijf uw antwoord.
inbox-error_note = Schrijf een korte notitie van het gesprek.
## Opening hours: what is wrong with a day's times

hours-problem_bad_span = "{ $text }" is geen tijd zoals 09:00-17:00.
hours-problem_backwards = { $span } eindigt voordat het begint.
hours-problem_overlap = { $a } en { $b } lopen door elkaar.
