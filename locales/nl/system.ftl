### System messages in a conversation, stored as `key|name` and shown in the reader's language.
### Language: Dutch (plain B1 language). Keys: see the module doc of src/i18n.rs.

## System messages

sys-agent_joined = { $name } neemt deel aan het gesprek.
sys-agent_lost = De verbinding met de medewerker is verbroken. U staat weer vooraan in de wachtrij. Het gesprek tot nu toe blijft bewaard.
sys-agent_lost_named = De verbinding met { $name } is verbroken. U staat weer vooraan in de wachtrij. Het gesprek tot nu toe blijft bewaard.
sys-ended_by_resident = De inwoner heeft het gesprek beëindigd.
sys-ended_by_you = U heeft het gesprek beëindigd.
sys-ended_by_agent = { $name } heeft het gesprek beëindigd.
sys-abandoned = Gestopt met wachten.
sys-restarted = Het systeem is opnieuw gestart. U staat weer in de wachtrij.
sys-interpreter_requested = { $name } heeft een gebarentolk gevraagd om erbij te komen.
sys-agent_requested = { $name } heeft een medewerker gevraagd om erbij te komen.
sys-joined_call = { $name } is bij het videogesprek gekomen.
sys-left_call = { $name } heeft het videogesprek verlaten.
sys-left_call_lost = De verbinding met { $name } is verbroken. Er wordt iemand anders gezocht.
sys-request_withdrawn = Het verzoek om iemand toe te voegen is ingetrokken.
sys-agent_logged_out = De medewerker is gestopt en heeft uw gesprek teruggezet in de wachtrij. U staat weer vooraan. Het gesprek tot nu toe blijft bewaard.
sys-overflowed = Er was niemand beschikbaar voor uw onderwerp. Daarom helpt een andere medewerker u. U houdt uw plek in de volgorde van aankomst.
sys-reassigned = Een teamleider heeft uw vraag naar een andere wachtrij gezet. U houdt uw plek in de volgorde van aankomst.
