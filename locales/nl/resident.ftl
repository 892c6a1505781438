### Pages for residents: home page, waiting, chat, leaving a message, transcript.
### Language: Dutch (plain B1 language). Keys: see the module doc of src/i18n.rs.

## The chat page

chat-error_not_stored = Uw bericht is niet verstuurd: het kon nu niet worden opgeslagen. Uw tekst staat nog in het invoerveld. Probeer het over een paar minuten opnieuw.
chat-title_waiting = U wacht op een medewerker
chat-title_waiting_interpreter = U wacht op een gebarentolk
chat-title_active = Chat
chat-title_closed = Gesprek beëindigd
chat-you = U
chat-connection_lost = De verbinding is verbroken. We proberen opnieuw te verbinden. Uw berichten gaan niet verloren.
chat-connection_back = De verbinding is hersteld.
# The page gets this text with {name} left in; the browser script fills it in, so no plural variants here.
chat-typing = { $name } is aan het typen...
chat-error_empty = Typ eerst een bericht.
chat-error_too_long =
    Uw bericht is te lang: maximaal { $max ->
        [one] { $max } teken
       *[other] { $max } tekens
    }. Het is niet verstuurd.

chat-error_closed = Dit gesprek is beëindigd. Uw bericht is niet verstuurd.
chat-error_too_fast = U stuurt berichten te snel achter elkaar. Uw bericht is niet verstuurd. Wacht even en verstuur het opnieuw.
chat-sending = Bezig met versturen...
chat-send_failed = Uw bericht is nog niet verstuurd. We proberen het opnieuw zodra de verbinding terug is.
chat-noscript_idle =
    Werkt JavaScript niet in uw browser? Kies dan minstens elke { $minutes ->
        [one] minuut
       *[other] { $minutes } minuten
    } "Nieuwe berichten ophalen". Anders vervalt uw plaats in de wachtrij. Uw vraag blijft bewaard.

chat-waiting_h1 = U wacht op een medewerker
chat-waiting_h1_interpreter = U wacht op een gebarentolk
chat-waiting_help = Houd deze pagina open. U kunt alvast meer informatie over uw vraag sturen.
chat-position = U bent nummer { $position } in de wachtrij.
chat-requeued = De verbinding met { $name } is verbroken. U bent weer nummer { $position } in de wachtrij.
chat-requeued_no_place = De verbinding met { $name } is verbroken. U wacht weer op een medewerker.
chat-confirm_stop_h1 = Wilt u stoppen met wachten?
chat-confirm_stop_text = U verliest dan uw plek in de wachtrij.
chat-confirm_stop_yes = Ja, stop met wachten
chat-confirm_end_h1 = Wilt u het gesprek beëindigen?
chat-confirm_end_text = U kunt daarna geen berichten meer sturen. U kunt het gesprek wel nog lezen en downloaden.
chat-confirm_end_yes = Ja, beëindig het gesprek
chat-confirm_no = Nee, ga terug naar het gesprek
# The page gets this text with {name} left in; the browser script fills it in, so no plural variants here.
chat-active_h1 = U chat met { $name }
chat-active_status = { $name } helpt u nu.
chat-closed_h1 = Het gesprek is beëindigd
chat-ended_status = Dit gesprek is beëindigd. U kunt het gesprek bekijken, printen of downloaden.
chat-abandoned_status = U bent gestopt met wachten. Uw vraag is bewaard in het overzicht hieronder.
chat-transcript_view = Gesprek bekijken en printen
chat-transcript_download = Gesprek downloaden (tekstbestand)
chat-new_chat = Nieuwe chat starten
chat-messages = Berichten
chat-check_new = Nieuwe berichten ophalen
chat-your_message = Uw bericht
chat-send = Versturen
chat-stop_waiting = Stoppen met wachten
chat-end = Gesprek beëindigen
chat-sender_system = Loket
chat-sender_agent = { $name } (medewerker)

## Home page

home-title = Contact
home-h1 = Contact met ons opnemen
home-intro = Stel uw vraag aan een medewerker. Kies hoe u contact wilt.
home-channels = Kies hoe u contact wilt
home-faq = Veelgestelde vragen
home-chat_action = Start een chat
home-video_interpreter_action = Start een videogesprek met een tolk
home-video_employee_action = Start een videogesprek met een medewerker

## Expected wait

wait-minutes =
    Verwachte wachttijd: ongeveer { $minutes ->
        [one] { $minutes } minuut
       *[other] { $minutes } minuten
    }.

wait-under_minute = Verwachte wachttijd: minder dan 1 minuut.
wait-unknown_waiting = We kunnen nog niet zeggen hoe lang het duurt.
wait-unstaffed = Er is nu niemand beschikbaar die uw vraag kan beantwoorden. U kunt blijven wachten, of een bericht achterlaten: dan nemen we contact met u op.

## Availability of a channel: $who is "employee" or "interpreter", $what is "chat" or "video"

avail-free =
    Er is nu { $who ->
        [interpreter] een tolk
       *[employee] een medewerker
    } beschikbaar voor { $what ->
        [video] een videogesprek
       *[chat] de chat
    }.
avail-wait =
    Verwachte wachttijd voor { $what ->
        [video] een videogesprek
       *[chat] de chat
    }: ongeveer { $minutes ->
        [one] { $minutes } minuut
       *[other] { $minutes } minuten
    }.
avail-none =
    Er is op dit moment geen { $who ->
        [interpreter] tolk
       *[employee] medewerker
    } beschikbaar voor { $what ->
        [video] een videogesprek
       *[chat] de chat
    }. We kunnen niet zeggen hoe lang het duurt.

## Starting a chat

start-title = Chat met een medewerker
start-h1 = Chat met een medewerker
start-privacy = Deel geen gevoelige gegevens in de chat, zoals uw burgerservicenummer of bankrekeningnummer.
start-name = Uw naam
start-topic = Onderwerp
start-topic_none = Kies een onderwerp
start-question = Uw vraag
start-submit = Start de chat
start-error_question = Vul uw vraag in.
start-error_name = Uw naam mag niet langer zijn dan 80 tekens.
start-topic_unavailable = Kies een ander onderwerp, of laat een bericht achter.

## Opening hours and the way in

door-closed_until = Nu gesloten. We zijn er weer { $when }.
door-closed = Nu gesloten.
door-nobody = Er is nu niemand beschikbaar, en de wachttijd is te lang om te laten wachten.
door-full = Er wachten nu te veel mensen. Daarom kunt u nu niet in de wachtrij. Laat een bericht achter, of probeer het later opnieuw.
door-today = vandaag
door-usual_under_minute = Meestal krijgt u binnen een minuut antwoord.
door-usual_minutes =
    Meestal krijgt u binnen { $minutes ->
        [one] { $minutes } minuut
       *[other] { $minutes } minuten
    } antwoord.

door-tomorrow = morgen
door-at = { $day } om { $time }
door-leave_message = Laat een bericht achter
door-what_now = U kunt nu een bericht achterlaten. We nemen dan contact met u op, of u komt later terug op de pagina van uw bericht.

## Leaving a message

message-title = Laat een bericht achter
message-intro = Schrijf uw vraag. Een medewerker leest die zodra we er weer zijn, en neemt contact met u op zoals u hieronder kiest.
message-your_message = Uw bericht
message-reach_legend = Hoe bereiken we u?
message-by_email = Per e-mail
message-by_phone = Per telefoon
message-by_return = Ik kom zelf terug op deze website (u krijgt een link met een code)
message-email = Uw e-mailadres
message-phone = Uw telefoonnummer
message-email_hint = Bijvoorbeeld naam@voorbeeld.nl
message-phone_hint = Bijvoorbeeld 06 12345678 of +31 20 1234567
message-error_reach = Kies hoe we u bereiken.
message-error_email = Vul een e-mailadres in zoals naam@voorbeeld.nl.
message-error_phone = Vul een telefoonnummer in van 8 tot 15 cijfers, zoals 06 12345678.
message-error_message = Schrijf uw bericht.
message-submit = Bericht versturen
message-sent_title = Uw bericht is ontvangen
message-reference = Uw referentie
message-sent_email = We sturen ons antwoord naar { $value }.
message-sent_phone = We bellen u op { $value }.
message-sent_return = Bewaar deze link. Daarmee komt u terug bij uw bericht en ons antwoord:

## Transcript

transcript-title = Verslag van het gesprek
transcript-back = Terug naar het gesprek
transcript-h1 = Verslag van het gesprek
transcript-org = Organisatie
transcript-started = Gestart
transcript-topic = Onderwerp
transcript-status = Status
transcript-print_hint = Printen kan met de printfunctie van uw browser.
transcript-print = Afdrukken

## Een achtergelaten bericht: de pagina van de inwoner (bevestiging, later het antwoord)
message-promise = { $days ->
    [one] U krijgt binnen { $days } werkdag antwoord.
   *[other] U krijgt binnen { $days } werkdagen antwoord.
}
message-sent_here = U leest ons antwoord op deze pagina.
message-sent_on = Verstuurd op
message-state_new = Uw bericht is nog niet beantwoord.
message-state_picked_up = Een medewerker is met uw bericht bezig.
message-state_answered = Beantwoord op { $time }.
message-answer_title = Antwoord op uw bericht
message-answer_heading = Ons antwoord
message-answered_written = Dit is ons antwoord van { $time }:
message-answered_email = We hebben ons antwoord op { $time } gemaild naar { $address }:
message-answered_phone = We hebben u op { $time } gebeld.
message-mail_subject = Antwoord op uw bericht { $reference }

## Sensitive numbers: asked before a message with one is sent (the server masks them anyway)
redact-title = Controleer uw bericht
redact-bsn = U lijkt een burgerservicenummer te delen.
redact-iban = U lijkt een rekeningnummer (IBAN) te delen.
redact-card = U lijkt het nummer van een bankpas of creditcard te delen.
redact-not_needed_chat = Dat is niet nodig in de chat.
redact-not_needed_message = Dat is niet nodig in uw bericht.
redact-hint = Als u het toch verstuurt, ziet de medewerker alleen de laatste 4 cijfers.
redact-remove = Verwijderen en versturen
redact-send = Toch versturen
