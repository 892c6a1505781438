### Privacy: retention terms, the purge, the privacy officer's pages, the access log and
### the privacy statement for residents.
### Language: Dutch (plain B1 language). Keys: see the module doc of src/i18n.rs.

## Retention and the purge (also used by `loket privacy purge`)

retention-dry =
    Op { $date } { $count ->
        [one] wordt 1 gesprek verwijderd.
       *[other] worden { $shown } gesprekken verwijderd.
    }
retention-done =
    Op { $date } { $count ->
        [one] is 1 gesprek verwijderd.
       *[other] zijn { $shown } gesprekken verwijderd.
    }
retention-line_messages = - berichten: { $shown }
retention-line_contacts = - namen en contactgegevens van gesprekken: { $shown }
retention-line_notes = - notities bij gesprekken: { $shown }
retention-line_left = - achtergelaten berichten met hun antwoord: { $shown }
retention-line_left_contacts = - namen en contactgegevens bij achtergelaten berichten: { $shown }
retention-line_log = - regels uit het toegangslog: { $shown }
retention-days_range = Kies een aantal dagen van 1 tot en met 3650.
retention-log_shorter = Het toegangslog moet minstens zo lang bewaard worden als de berichten.
retention-clock = Vul een tijd in als uu:mm, bijvoorbeeld 03:30.
retention-kept_until = Dit gesprek wordt bewaard tot { $date }. Daarna worden de berichten en contactgegevens verwijderd.
retention-kept_open = Dit gesprek loopt nog. De bewaartermijn begint als het gesprek is afgelopen.
retention-kept_held = Dit gesprek wordt niet verwijderd: er staat een bewaarplicht op.
retention-purged = De berichten en contactgegevens van dit gesprek zijn verwijderd op { $date }.

## The access log (also used by `loket privacy verify-log`)

accesslog-intact =
    Het toegangslog is in orde: { $count ->
        [one] 1 regel
       *[other] { $count } regels
    } gecontroleerd.
accesslog-broken_link = Het toegangslog is aangetast: regel { $id } sluit niet aan op de regel ervoor (een regel is verwijderd of tussengevoegd).
accesslog-broken_content = Het toegangslog is aangetast: regel { $id } is veranderd.
accesslog-title = Toegangslog
accesslog-intro = Hier staat wie welk gesprek of bericht heeft bekeken, uitgevoerd, gewist of bewaard, en wie de bewaartermijnen heeft veranderd. Niemand kan regels veranderen of weghalen: elke regel is verzegeld met de regel ervoor.
accesslog-filter_user = Medewerker (inlognaam of naam)
accesslog-filter_action = Handeling
accesslog-all_actions = Alle handelingen
accesslog-filter_conversation = Gespreksnummer
accesslog-filter_from = Vanaf datum
accesslog-filter_until = Tot en met datum
accesslog-date_hint = Als jjjj-mm-dd, bijvoorbeeld 2026-11-30.
accesslog-filter_button = Filteren
accesslog-csv = Download deze regels als CSV-bestand
accesslog-lines = Regels
accesslog-empty = Er zijn geen regels die passen bij dit filter.
accesslog-truncated = Alleen de nieuwste 200 regels staan hier. Het CSV-bestand heeft ze allemaal.
accesslog-nr = Nr.
accesslog-when = Wanneer
accesslog-who = Wie
accesslog-what = Wat
accesslog-about = Over
accesslog-session = Sessie
accesslog-view = bekeken
accesslog-search = gezocht
accesslog-export = uitgevoerd (inzage)
accesslog-erase = gewist
accesslog-hold = bewaarplicht gezet
accesslog-unhold = bewaarplicht opgeheven
accesslog-retention = bewaartermijnen veranderd

## The privacy officer's pages

privacy-nav = Privacy
privacy-subnav = Privacy
privacy-title = Privacy: gegevens van een inwoner
privacy-intro = Zoek alles wat Loket over een inwoner bewaart. U kunt het laten zien (inzage), als bestand downloaden of wissen. Alles wat u hier doet komt in het toegangslog.
privacy-search_label = Zoeken op
privacy-search_hint = Een kenmerk (B-000-123), gespreksnummer, e-mailadres, telefoonnummer, naam of de link van de inwoner.
privacy-search_button = Zoeken
privacy-results_title = Gevonden
privacy-results_count =
    { $count ->
        [0] Niets gevonden.
        [one] 1 gesprek of bericht gevonden.
       *[other] { $count } gesprekken en berichten gevonden.
    }
privacy-nothing_found = Er is niets gevonden.
privacy-conversation = Gesprek
privacy-conversation_n = Gesprek { $id }
privacy-left_message = Bericht
privacy-left_message_n = Bericht { $reference }
privacy-held = Er staat een bewaarplicht op.
privacy-open_export = Inzage bekijken
privacy-download_json = Downloaden als bestand (JSON)
privacy-erase_link = Wissen
privacy-holds_title = Bewaarplichten
privacy-holds_none = Er zijn geen bewaarplichten.
privacy-back = Terug naar zoeken
privacy-export_title = Inzage: alles over deze inwoner
privacy-export_intro = Dit is alles wat Loket over deze inwoner bewaart, met wie het heeft bekeken. U kunt deze pagina afdrukken of als bestand downloaden voor de inwoner.
privacy-channel_chat = chat
privacy-channel_video = video
privacy-inbox_form = formulier
privacy-inbox_whatsapp = WhatsApp
privacy-inbox_email = e-mail
privacy-f_channel = Kanaal
privacy-f_status = Stand
privacy-f_started = Begonnen
privacy-f_ended = Afgelopen
privacy-f_received = Ontvangen
privacy-f_name = Naam
privacy-f_contact = Contactgegevens
privacy-f_note = Notitie van de medewerker
privacy-f_message = Bericht
privacy-f_answer = Antwoord
privacy-f_kept = Bewaren
privacy-none = (niets bewaard)
privacy-messages = Berichten
privacy-no_messages = Er zijn geen berichten bewaard.
privacy-holds_of = Bewaarplicht
privacy-no_holds = Er is nooit een bewaarplicht op gezet.
privacy-in_force = geldt nu
privacy-lifted_by = opgeheven door
privacy-hold_reason = Reden voor de bewaarplicht
privacy-hold_hint = Bijvoorbeeld: klacht, bezwaar of een uitspraak van de rechter. Zolang de bewaarplicht geldt, wordt niets verwijderd.
privacy-hold_button = Bewaarplicht zetten
privacy-hold_reason_missing = Vul de reden voor de bewaarplicht in.
privacy-hold_placed = De bewaarplicht is gezet.
privacy-lift_reason = Reden om op te heffen
privacy-lift_button = Bewaarplicht opheffen
privacy-hold_lifted = De bewaarplicht is opgeheven. Bij de volgende opschoning wordt verwijderd wat over tijd is.
privacy-accesses_of = Wie heeft dit bekeken
privacy-no_accesses = Niemand heeft dit bekeken.
privacy-erase_title = Gegevens wissen
privacy-erase_intro = U gaat de berichten, namen en contactgegevens hieronder wissen. Dat kan niet ongedaan worden gemaakt. De tellingen blijven: wanneer er contact was, via welk kanaal en hoe lang.
privacy-erase_holds = Wat onder een bewaarplicht staat, wordt niet gewist.
privacy-erase_confirm = Ik weet dat dit niet ongedaan kan worden gemaakt.
privacy-erase_confirm_missing = Vink aan dat u weet dat wissen niet ongedaan kan worden gemaakt.
privacy-erase_button = Definitief wissen
privacy-erased_title = Gegevens gewist
privacy-erased_count = Aantal gewist:
privacy-erase_kept = Niet gewist vanwege een bewaarplicht:
privacy-erased_figures = De tellingen voor de rapporten zijn gebleven. Het wissen staat in het toegangslog.
privacy-erased_notice = De gegevens zijn gewist.
privacy-log_error_conversation = Vul een gespreksnummer in met alleen cijfers.
privacy-log_error_date = Vul een datum in als jjjj-mm-dd, bijvoorbeeld 2026-11-30.

## Retention terms page

retention-title = Bewaartermijnen
retention-intro = Hoe lang Loket gegevens van inwoners bewaart. De termijn telt vanaf het einde van het gesprek. Elke nacht verwijdert Loket wat over tijd is. De tellingen voor rapporten blijven.
retention-next_title = Bij de volgende opschoning
retention-messages_label = Berichten en verslagen (dagen)
retention-contact_label = Namen en contactgegevens (dagen)
retention-notes_label = Notities van medewerkers (dagen)
retention-log_label = Toegangslog (dagen)
retention-log_hint = Minstens zo lang als de berichten, zodat een inwoner altijd kan horen wie zijn gesprek heeft gelezen.
retention-days_hint = Een aantal dagen van 1 tot en met 3650.
retention-time_label = Tijd van de opschoning
retention-time_hint = Als uu:mm, bijvoorbeeld 03:30.
retention-save = Bewaartermijnen opslaan
retention-saved = De bewaartermijnen zijn opgeslagen. Ze gelden vanaf de volgende opschoning.

## Privacy statement for residents

privacystatement-title = Privacyverklaring
privacystatement-h1 = Privacyverklaring
privacystatement-intro = { $org } gaat zorgvuldig om met wat u ons vertelt. Hier leest u wat we bewaren als u contact met ons opneemt, hoe lang, en wat uw rechten zijn.
privacystatement-what_h2 = Wat bewaren we?
privacystatement-what_messages = Wat u en de medewerker in de chat schrijven, en berichten die u achterlaat met ons antwoord.
privacystatement-what_contact = Uw naam, en uw e-mailadres of telefoonnummer als u die geeft.
privacystatement-what_video = Van een videogesprek bewaren we geen beeld en geen geluid. We nemen niets op.
privacystatement-what_numbers = Uw burgerservicenummer (BSN) of rekeningnummer hoeft u niet te geven. Typt u het toch, dan bewaren we alleen de laatste 4 cijfers.
privacystatement-how_long_h2 = Hoe lang bewaren we het?
privacystatement-days =
    { $count ->
        [one] 1 dag
       *[other] { $count } dagen
    }
privacystatement-term_messages = Berichten en verslagen
privacystatement-term_contact = Naam en contactgegevens
privacystatement-term_notes = Notities van medewerkers
privacystatement-term_log = Wie uw gegevens heeft bekeken
privacystatement-term_from = De termijn telt vanaf het einde van het gesprek. Daarna verwijderen we de gegevens. Alleen als er een klacht, bezwaar of rechtszaak loopt, bewaren we ze langer.
privacystatement-figures = We houden wel tellingen bij, zonder uw gegevens: bijvoorbeeld hoeveel gesprekken er waren en hoe lang u moest wachten.
privacystatement-backups = Van onze gegevens maken we reservekopieën. Daarin kan iets nog even blijven staan, tot die kopie wordt overschreven.
privacystatement-who_h2 = Wie kan het zien?
privacystatement-who = Alleen de medewerkers en tolken die u helpen, en onze privacyfunctionaris. We houden bij wie uw gegevens heeft bekeken.
privacystatement-rights_h2 = Uw rechten
privacystatement-rights = U mag:
privacystatement-rights_see = zien wat we over u bewaren, en wie het heeft bekeken (inzage);
privacystatement-rights_erase = ons vragen uw gegevens te wissen.
privacystatement-rights_how = Wilt u dat? Laat ons een bericht achter of bel ons. Noem het kenmerk of het e-mailadres van uw contact, dan vinden we het snel.
privacystatement-rights_link = Bericht achterlaten
privacystatement-complaint = Bent u het niet eens met hoe we met uw gegevens omgaan? Dan kunt u een klacht indienen bij de Autoriteit Persoonsgegevens.
