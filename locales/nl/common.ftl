### Shared by every page: navigation, footer, form hints, roles and conversation states.
### Language: Dutch (plain B1 language). Keys: see the module doc of src/i18n.rs.

## Navigation

nav-skip = Naar de inhoud
nav-staff_area = medewerkers
nav-label = Hoofdmenu
nav-logout = Uitloggen
nav-other_language = English
nav-back_home = Terug naar de startpagina

## Demo banner

demo-banner = Demonstratie: de vragen, onderwerpen en medewerkers op deze site zijn voorbeelden.

## Footer

footer-accessibility = Toegankelijkheid
footer-help_title = Hulp nodig?
footer-help_text = Lukt het niet via deze website? Bel ons of kom langs.
footer-phone = Bellen:
footer-desk = Langskomen:
footer-example = Dit zijn voorbeeldgegevens. De organisatie vult hier haar eigen telefoonnummer en adres in.
footer-example_phone_hours = op werkdagen van 9.00 tot 17.00 uur
footer-example_desk_hours = maandag tot en met vrijdag van 9.00 tot 16.00 uur
footer-privacy = Privacy
footer-staff_login = Inloggen voor medewerkers

## Staff roles

role-agent = medewerker
role-interpreter = tolk
role-supervisor = teamleider
role-privacy = privacyfunctionaris
role-admin = beheerder

## Form hints

form-optional = niet verplicht
form-limit =
    Maximaal { $max ->
        [one] { $max } teken
       *[other] { $max } tekens
    }.

## Conversation states

status-waiting = Wacht op een medewerker
status-active = In gesprek
status-ended = Beëindigd
status-abandoned = Gestopt met wachten
