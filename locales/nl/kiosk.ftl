### The kiosk (zuil) in a public building, and its admin page.
### Language: Dutch (plain B1 language). Keys: see the module doc of src/i18n.rs.

## Kiosk

kiosk-title = Zuil: contact met de gemeente
kiosk-h1 = Stel hier uw vraag
kiosk-lead = Kies hoe u wilt praten. Tik op een grote knop.
kiosk-place = U bent bij:
kiosk-chat = Typen met een medewerker
kiosk-interpreter = Beeldbellen met een gebarentolk
kiosk-video = Beeldbellen met een medewerker
kiosk-privacy = Klaar? Dan wissen we alles van uw gesprek op dit scherm. Ook als u een tijd niets doet.
kiosk-refused_title = Dit is geen zuil
kiosk-refused = Deze browser is niet aangemeld als zuil. Alleen een zuil die een teamleider heeft aangemeld, kan de zuilpagina openen. U kunt wel gewoon chatten of bellen via de startpagina.
kiosk-enrol_title = Deze browser als zuil aanmelden
kiosk-enrol_intro = Na aanmelden opent deze browser de zuilpagina. De link werkt maar één keer.
kiosk-enrol_button = Deze browser wordt de zuil
kiosk-admin_title = Zuilen
kiosk-nav = Zuilen
kiosk-list = Aangemelde zuilen
kiosk-none = Er zijn nog geen zuilen.
kiosk-name = Naam
kiosk-location = Plaats
kiosk-idle = Wissen na
kiosk-state = Status
kiosk-idle_value =
    { $secs ->
        [one] { $secs } seconde
       *[other] { $secs } seconden
    }

kiosk-enrolled = In gebruik
kiosk-not_enrolled = Nog niet aangemeld
kiosk-register = Nieuwe zuil
kiosk-register_button = Zuil aanmaken
kiosk-idle_label = Wissen na (seconden zonder gebruik)
kiosk-idle_hint = Tussen 60 en 1800. Een halve minuut eerder krijgt de inwoner een waarschuwing met een knop om door te gaan.
kiosk-error_name = Vul een naam in (hoogstens 100 tekens).
kiosk-error_location = Vul de plaats in (hoogstens 100 tekens).
kiosk-error_idle = Vul een aantal seconden in tussen 60 en 1800.
kiosk-link_intro = Open deze link één keer op de zuil zelf. Bewaar hem niet: wie hem heeft, kan een browser tot deze zuil maken.
kiosk-idle_title = Bent u er nog?
# The page gets this text with {secs} left in; the browser script fills it in, so no plural variants here.
kiosk-idle_text = U heeft een tijd niets gedaan. Over { $secs } seconden wissen we uw gesprek van dit scherm.
kiosk-continue = Ik ben er nog
kiosk-done = Klaar, alles wissen

## Managing kiosks (admin): rename, revoke, new link, delete, last seen

kiosk-last_seen = Laatst gezien
kiosk-never_seen = Nog nooit
kiosk-revoked = Ingetrokken
kiosk-link_title = Aanmeldlink van { $name }
kiosk-qr_intro = Of scan deze QR-code met de zuil.
kiosk-qr_alt = QR-code met de aanmeldlink van { $name }
kiosk-new_name = Nieuwe naam
kiosk-rename_button = Naam wijzigen
kiosk-revoke_button = Intrekken
kiosk-revoke_hint = De zuil stopt direct. Een gesprek dat op de zuil open staat, wordt beëindigd.
kiosk-new_link_button = Nieuwe aanmeldlink
kiosk-delete_button = Verwijderen
kiosk-renamed = De naam is gewijzigd.
kiosk-revoked_done = De zuil is ingetrokken. Met een nieuwe aanmeldlink kunt u haar weer aanmelden.
kiosk-deleted = De zuil is verwijderd.

## The kiosk when nobody is free, and leaving a message on the kiosk

kiosk-nobody_interpreter = Er is nu geen gebarentolk vrij.
kiosk-nobody_employee = Er is nu geen medewerker vrij.
kiosk-hours_today = Vandaag zijn we open van { $hours }. Probeer het straks nog eens.
kiosk-try_later = Probeer het straks nog eens.
kiosk-message_offer = U kunt ook een bericht achterlaten. Dan nemen wij contact met u op.
kiosk-message_intro = Schrijf uw vraag. Een medewerker leest die en neemt contact met u op, per e-mail of telefoon.
kiosk-message_done = Klaar? Tik dan op de knop hieronder. Dan wissen we alles van dit scherm.
