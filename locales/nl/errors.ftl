### Error pages and error summaries.
### Language: Dutch (plain B1 language). Keys: see the module doc of src/i18n.rs.

## Errors

error-title_prefix = Fout:
error-summary_title = Er is een probleem
error-prefix = Fout:
error-not_found_h1 = Pagina niet gevonden
error-not_found = Deze pagina bestaat niet (meer). Controleer het adres, of ga terug naar de startpagina.
error-conversation_not_found_h1 = Gesprek niet gevonden
error-conversation_not_found = Dit gesprek bestaat niet. Misschien is de link niet volledig gekopieerd, of is het gesprek al verwijderd.
error-forbidden_h1 = Geen toegang
error-forbidden = U heeft geen toegang tot deze pagina.
error-bad_request_h1 = Dat ging niet goed
error-csrf = Het formulier was verlopen. Ga terug, laad de pagina opnieuw en probeer het nog eens.
error-server_h1 = Er ging iets mis bij ons
error-server = Het is niet gelukt. Uw gegevens zijn niet verloren. Probeer het over een paar minuten opnieuw.
error-too_large = Wat u stuurde is te groot.
error-too_many_h1 = Even geen nieuw gesprek mogelijk
error-too_many = Vanaf dit apparaat of netwerk zijn in korte tijd veel gesprekken of berichten begonnen. Daarom kunt u nu even geen nieuw gesprek of bericht beginnen. Probeer het over 10 minuten opnieuw. Heeft u al een gesprek? Ga dan terug naar dat gesprek. U kunt ons ook bellen.
