### The accessibility statement and its report form.
### Language: Dutch (plain B1 language). Keys: see the module doc of src/i18n.rs.

## Accessibility statement

statement-title = Toegankelijkheidsverklaring
statement-h1 = Toegankelijkheidsverklaring
statement-intro = { $org } wil dat iedereen contact met ons kan opnemen, ook mensen met een beperking. Op deze pagina leest u hoe toegankelijk dit contactportaal is, wat nog niet goed gaat en hoe u een probleem meldt.
statement-scope_h2 = Voor welke website geldt deze verklaring?
statement-scope = Deze verklaring geldt voor het hele contactportaal Loket:
statement-scope_chat = de startpagina en de chat met een medewerker, met en zonder JavaScript, en het verslag van een gesprek;
statement-scope_video = videogesprekken met een medewerker en met een gebarentolk (Nederlandse Gebarentaal), met berichten en live meetypen;
statement-scope_message = een bericht achterlaten als er niemand is, en het antwoord lezen;
statement-scope_kiosk = de zuilen (kiosken) in onze kantoren, met groot beeld en aanraakscherm;
statement-scope_staff = de pagina's voor medewerkers, tolken en teamleiders.
statement-status_h2 = Nalevingsstatus
statement-status = Dit portaal voldoet gedeeltelijk aan de eisen van WCAG 2.2 niveau AA (EN 301 549). Automatische tests vinden geen fouten; een volledige handmatige toets door een onafhankelijke deskundige is nog niet gedaan.
statement-evaluation_h2 = Laatste onderzoek
statement-evaluated_on = Datum
statement-method = Methode
statement-method_text = Automatische toets met axe-core in Chromium op elke pagina in elke toestand, bij 1280 en 320 pixels breed; geautomatiseerde toetsenbordtests; controles op focus, herschikking, tekstafstand en doelgrootte.
statement-standard = Norm
statement-standard_text = WCAG 2.2 niveau A en AA
statement-limitations_h2 = Wat nog niet goed gaat
statement-limit_video = Videogesprekken hebben geen ondertiteling: de gesprekspartners typen mee (ook live, letter voor letter) of er komt een gebarentolk bij. Hoe schermlezers de bediening van een videogesprek voorlezen is nog niet handmatig getest.
statement-limit_manual = Hoe schermlezers de berichten voorlezen is nog niet met alle schermlezers getest. Plan: handmatige test met NVDA, JAWS en VoiceOver.
statement-limit_offer = Medewerkers hebben 20 seconden om een aangeboden gesprek aan te nemen; dat is een deel van de realtime dienst. Een medewerker kan de tijd laten instellen door de beheerder.
statement-limit_kiosk = Een zuil heeft een aanraakscherm en geen eigen toetsenbord of koptelefoon. Heeft u die nodig, vraag het dan aan een medewerker van het kantoor.
statement-report_h2 = Een probleem melden
statement-report_intro = Loopt u tegen een probleem aan? Beschrijf het hieronder. Uw melding komt bij een medewerker terecht en u kunt het antwoord op de volgende pagina volgen.
statement-problem = Wat ging er mis?
statement-page = Op welke pagina?
statement-submit = Melding versturen
statement-error_problem = Beschrijf het probleem.
statement-error_page = Het paginaadres mag niet langer zijn dan 300 tekens.
statement-report_prefix = Melding over toegankelijkheid
