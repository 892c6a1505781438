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
