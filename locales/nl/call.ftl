### Video calls: starting one, the call area, real-time text.
### Language: Dutch (plain B1 language). Keys: see the module doc of src/i18n.rs.

## Starting a video call

video-title_interpreter = Videobellen met een gebarentolk
video-title_employee = Videobellen met een medewerker
video-intro_employee = U ziet en hoort onze medewerker, en u kunt ook typen. Tijdens het gesprek kan er een gebarentolk bij komen.
video-other_employee = Liever videobellen met een medewerker, zonder tolk?
video-other_interpreter = Liever videobellen met een gebarentolk?
video-noscript = Videobellen werkt alleen met JavaScript aan. U kunt ook chatten.
video-chat_instead = Naar de chat
video-devices_h = Controleer uw camera en microfoon
video-devices_intro = U kunt hier eerst zien of uw camera en microfoon werken, en kiezen welke u gebruikt. Dit is niet verplicht.
video-check = Camera en microfoon controleren
video-preview_label = Beeld van uw camera
video-preview_ok = Uw camera en microfoon werken. U ziet uzelf hieronder.
video-preview_refused = U heeft de camera en microfoon niet toegestaan. Sta ze toe in de instellingen van uw browser. U kunt ook zonder beeld bellen en typen.
video-preview_none = Er is geen camera of microfoon gevonden. U kunt toch bellen: u ziet de anderen en u kunt typen.
video-default_device = Standaard
video-camera = Camera
video-microphone = Microfoon
video-mic_level = Geluid van uw microfoon
video-question = Waar gaat uw vraag over?
video-start = Start het videogesprek

## Call area

call-h2 = Videogesprek
call-active_h1 = Videogesprek met { $name }
call-waiting = Het videogesprek begint zodra een tolk of medewerker opneemt.
call-connecting = Het videogesprek wordt verbonden.
call-connected = Het videogesprek is verbonden.
call-failed = De videoverbinding is verbroken. U kunt hieronder blijven typen. Laad de pagina opnieuw om het beeld terug te krijgen.
call-alone = Er is nu niemand anders in het gesprek.
call-no_media = Er is geen camera of microfoon gevonden. U ziet en hoort de anderen wel, en u kunt hieronder typen.
call-media_refused = U heeft de camera en microfoon niet toegestaan, dus de anderen zien en horen u niet. U kunt hieronder typen. Sta ze toe in uw browser en laad de pagina opnieuw om ze te gebruiken.
call-no_camera = Er is geen camera gevonden: de anderen horen u, maar zien u niet.
call-no_microphone = Er is geen microfoon gevonden: de anderen zien u, maar horen u niet.
call-mute = Microfoon uit
call-camera_off = Camera uit
call-mic_is_off = Uw microfoon staat uit.
call-mic_is_on = Uw microfoon staat aan.
call-cam_is_off = Uw camera staat uit.
call-cam_is_on = Uw camera staat aan.
call-start_sound = Geluid aanzetten
call-hang_up = Ophangen
call-panel = Berichten en tekst
call-panel_new = nieuw
call-pin_short = Groot tonen
# The page gets this text with {name} left in; the browser script fills it in, so no plural variants here.
call-cam_off_of = Camera van { $name } staat uit
# The page gets this text with {name} left in; the browser script fills it in, so no plural variants here.
call-no_picture_of = Geen beeld van { $name }
call-participants = Deelnemers
call-controls = Bediening van het gesprek
call-self = U
call-self_video = Uw eigen beeld
# The page gets this text with {name} left in; the browser script fills it in, so no plural variants here.
call-pin = { $name } groot tonen
# The page gets this text with {name} left in; the browser script fills it in, so no plural variants here.
call-video_of = Beeld van { $name }
call-speaking = praat
call-signing = gebaart of beweegt
call-someone = Iemand
call-role_resident = inwoner
call-role_agent = medewerker
call-role_interpreter = gebarentolk
# Who a message is from, when a sign language interpreter sent it.
call-sender_interpreter = { $name } (gebarentolk)
call-noscript = Videobellen werkt alleen met JavaScript aan. U kunt hieronder wel typen.
call-join_failed = Het videogesprek kon niet worden verbonden. Laad de pagina opnieuw om het nog eens te proberen.
call-not_yet = Het videogesprek begint zodra iemand opneemt.
call-not_joined = Verbind eerst met het gesprek.
call-not_a_call = Dit gesprek is geen videogesprek.
call-invite = Er komt een gebarentolk bij dit gesprek, met video.
call-invite_join = Naar het videogesprek

## Real-time text

rtt-h = Wordt nu getypt
rtt-hint = Wat de anderen typen, ziet u hier terwijl ze typen. Zij zien uw tekst ook meteen. Met Enter verstuurt u de regel.
rtt-empty = Niemand typt op dit moment.

## The sign-language channel, explained in steps and in Dutch Sign Language (NGT)

ngt-step_camera = Zet uw camera aan.
ngt-step_interpreter = Een tolk gebaart met u.
ngt-step_employee = De tolk praat voor u met een medewerker.
ngt-step_type = U kunt ook typen.
ngt-label = Uitleg in Nederlandse Gebarentaal
ngt-captions = Nederlands
ngt-figcaption = Uitleg in Nederlandse Gebarentaal (NGT), met ondertiteling.
# Said to the one whose own line is too weak (received video stalls with heavy loss, or the browser cannot send smoothly).
call-weak_line = Uw verbinding is te zwak voor vloeiend beeld. Het beeld kan stilstaan. U kunt ook typen bij Berichten en tekst.
call-line_ok = Uw verbinding is weer goed. Het beeld is weer vloeiend.
