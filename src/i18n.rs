//! Dutch and English text for every page, frame and system message.
//!
//! Dutch is the default; a visible link switches to English (a `loket_lang` cookie).
//! Texts are looked up by key with [`T::s`]; texts with values use `{name}` placeholders
//! filled by [`T::f`]. A unit test reads every template and fails when a key used there
//! is missing in either language, so a page can never show a raw key.
//! Write in plain language (B1): short sentences, everyday words.

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Nl,
    En,
}

impl Lang {
    /// `nl` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// Parses `nl`/`en`; anything else is `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// Translator handed to templates as `t`.
#[derive(Debug, Clone, Copy, Default)]
pub struct T {
    pub lang: Lang,
}

impl T {
    /// Translator for `lang`.
    pub fn new(lang: Lang) -> T {
        T { lang }
    }

    /// The page language code.
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// The code of the language the switch leads to.
    pub fn other_code(&self) -> &'static str {
        match self.lang {
            Lang::Nl => "en",
            Lang::En => "nl",
        }
    }

    /// The text for `key`; the key itself when unknown (a test prevents that).
    pub fn s(&self, key: &str) -> &'static str {
        lookup(self.lang, key).unwrap_or_else(|| {
            tracing::warn!(key, "missing translation");
            "?"
        })
    }

    /// The text for `key` with `{name}` placeholders replaced.
    pub fn f(&self, key: &str, args: &[(&str, &(dyn std::fmt::Display + Sync))]) -> String {
        let mut out = self.s(key).to_string();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), &value.to_string());
        }
        out
    }
}

/// System messages are stored as a key and one optional argument (`key|arg`) and
/// rendered in the reader's language.
pub fn system_message(key: &str, arg: &str) -> String {
    if arg.is_empty() {
        key.to_string()
    } else {
        format!("{key}|{arg}")
    }
}

/// Renders a stored system message for a reader.
pub fn render_system(t: T, stored: &str) -> String {
    let (key, arg) = stored.split_once('|').unwrap_or((stored, ""));
    if lookup(t.lang, key).is_none() {
        return stored.to_string();
    }
    t.f(key, &[("name", &arg)])
}

fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    let (nl, en) = match key {
        "nav.skip" => ("Naar de inhoud", "Skip to content"),
        "nav.staff_area" => ("medewerkers", "staff"),
        "nav.label" => ("Hoofdmenu", "Main menu"),
        "nav.logout" => ("Uitloggen", "Log out"),
        "nav.other_language" => ("English", "Nederlands"),
        "nav.back_home" => ("Terug naar de startpagina", "Back to the home page"),
        "demo.banner" => (
            "Demonstratie: de vragen, onderwerpen en medewerkers op deze site zijn voorbeelden.",
            "Demonstration: the questions, topics and staff on this site are examples.",
        ),
        "footer.accessibility" => ("Toegankelijkheid", "Accessibility"),
        "statement.title" => ("Toegankelijkheidsverklaring", "Accessibility statement"),
        "statement.h1" => ("Toegankelijkheidsverklaring", "Accessibility statement"),
        "statement.intro" => (
            "{org} wil dat iedereen contact met ons kan opnemen, ook mensen met een beperking. Op deze pagina leest u hoe toegankelijk dit contactportaal is, wat nog niet goed gaat en hoe u een probleem meldt.",
            "{org} wants everyone to be able to contact us, including people with a disability. This page tells you how accessible this contact portal is, what does not work well yet, and how to report a problem.",
        ),
        "statement.scope_h2" => (
            "Voor welke website geldt deze verklaring?",
            "Which website does this statement cover?",
        ),
        "statement.scope" => (
            "Deze verklaring geldt voor het contactportaal Loket: de startpagina, de chat met een medewerker, het verslag van een gesprek en de pagina's voor medewerkers.",
            "This statement covers the Loket contact portal: the home page, the chat with an employee, the conversation transcript and the staff pages.",
        ),
        "statement.status_h2" => ("Nalevingsstatus", "Compliance status"),
        "statement.status" => (
            "Dit portaal voldoet gedeeltelijk aan de eisen van WCAG 2.2 niveau AA (EN 301 549). Automatische tests vinden geen fouten; een volledige handmatige toets door een onafhankelijke deskundige is nog niet gedaan.",
            "This portal partially conforms to WCAG 2.2 level AA (EN 301 549). Automated tests find no failures; a full manual evaluation by an independent expert has not been done yet.",
        ),
        "statement.evaluation_h2" => ("Laatste onderzoek", "Last evaluation"),
        "statement.evaluated_on" => ("Datum", "Date"),
        "statement.method" => ("Methode", "Method"),
        "statement.method_text" => (
            "Automatische toets met axe-core in Chromium op elke pagina in elke toestand, bij 1280 en 320 pixels breed; geautomatiseerde toetsenbordtests; controles op focus, herschikking, tekstafstand en doelgrootte.",
            "Automated testing with axe-core in Chromium on every page in every state, at 1280 and 320 pixels wide; automated keyboard-only tests; checks of focus, reflow, text spacing and target size.",
        ),
        "statement.standard" => ("Norm", "Standard"),
        "statement.standard_text" => ("WCAG 2.2 niveau A en AA", "WCAG 2.2 levels A and AA"),
        "statement.limitations_h2" => ("Wat nog niet goed gaat", "Known limitations"),
        "statement.limit_video" => (
            "Videogesprekken hebben geen ondertiteling: de gesprekspartners typen mee (ook live, letter voor letter) of er komt een gebarentolk bij. Hoe schermlezers de bediening van een videogesprek voorlezen is nog niet handmatig getest.",
            "Video calls have no captions: the people in the call can type alongside (also live, character by character) or a sign language interpreter joins. How screen readers read the video call controls has not been tested by hand yet.",
        ),
        "statement.limit_manual" => (
            "Hoe schermlezers de berichten voorlezen is nog niet met alle schermlezers getest. Plan: handmatige test met NVDA, JAWS en VoiceOver.",
            "How screen readers read out messages has not been tested with every screen reader yet. Plan: manual testing with NVDA, JAWS and VoiceOver.",
        ),
        "statement.limit_offer" => (
            "Medewerkers hebben 20 seconden om een aangeboden gesprek aan te nemen; dat is een deel van de realtime dienst. Een medewerker kan de tijd laten instellen door de beheerder.",
            "Staff have 20 seconds to accept an offered conversation; this is part of the real-time service. An administrator can change this time.",
        ),
        "statement.report_h2" => ("Een probleem melden", "Report a problem"),
        "statement.report_intro" => (
            "Loopt u tegen een probleem aan? Beschrijf het hieronder. Uw melding komt bij een medewerker terecht en u kunt het antwoord op de volgende pagina volgen.",
            "Did you run into a problem? Describe it below. Your report goes to an employee, and you can follow the answer on the next page.",
        ),
        "statement.problem" => ("Wat ging er mis?", "What went wrong?"),
        "statement.page" => ("Op welke pagina?", "On which page?"),
        "statement.submit" => ("Melding versturen", "Send report"),
        "statement.error_problem" => ("Beschrijf het probleem.", "Describe the problem."),
        "statement.error_page" => (
            "Het paginaadres mag niet langer zijn dan 300 tekens.",
            "The page address must be 300 characters or fewer.",
        ),
        "statement.report_prefix" => ("Melding over toegankelijkheid", "Accessibility report"),
        "footer.help_title" => ("Hulp nodig?", "Need help?"),
        "footer.help_text" => (
            "Lukt het niet via deze website? Bel ons op werkdagen van 9.00 tot 17.00 uur, of kom langs bij een van onze loketten.",
            "Is this website not working for you? Call us on weekdays from 9:00 to 17:00, or visit one of our service desks.",
        ),
        "footer.home" => ("Contact", "Contact"),
        "footer.staff_login" => ("Inloggen voor medewerkers", "Staff login"),
        "error.title_prefix" => ("Fout:", "Error:"),
        "error.summary_title" => ("Er is een probleem", "There is a problem"),
        "error.prefix" => ("Fout:", "Error:"),
        "error.not_found_h1" => ("Pagina niet gevonden", "Page not found"),
        "error.not_found" => (
            "Deze pagina bestaat niet (meer). Controleer het adres, of ga terug naar de startpagina.",
            "This page does not exist. Check the address, or go back to the home page.",
        ),
        "error.conversation_not_found_h1" => ("Gesprek niet gevonden", "Conversation not found"),
        "error.conversation_not_found" => (
            "Dit gesprek bestaat niet. Misschien is de link niet volledig gekopieerd, of is het gesprek al verwijderd.",
            "This conversation does not exist. Perhaps the link was not copied in full, or the conversation has been deleted.",
        ),
        "error.forbidden_h1" => ("Geen toegang", "No access"),
        "error.forbidden" => (
            "U heeft geen toegang tot deze pagina.",
            "You do not have access to this page.",
        ),
        "error.bad_request_h1" => ("Dat ging niet goed", "Something went wrong"),
        "error.csrf" => (
            "Het formulier was verlopen. Ga terug, laad de pagina opnieuw en probeer het nog eens.",
            "The form had expired. Go back, reload the page and try again.",
        ),
        "error.server_h1" => (
            "Er ging iets mis bij ons",
            "Something went wrong on our side",
        ),
        "chat.error_not_stored" => (
            "Uw bericht is niet verstuurd: het kon nu niet worden opgeslagen. Uw tekst staat nog in het invoerveld. Probeer het over een paar minuten opnieuw.",
            "Your message was not sent: it could not be stored right now. Your text is still in the box. Try again in a few minutes.",
        ),
        "error.server" => (
            "Het is niet gelukt. Uw gegevens zijn niet verloren. Probeer het over een paar minuten opnieuw.",
            "That did not work. Nothing you sent was lost. Please try again in a few minutes.",
        ),
        "error.too_large" => ("Wat u stuurde is te groot.", "What you sent is too large."),
        "role.agent" => ("medewerker", "agent"),
        "role.interpreter" => ("tolk", "interpreter"),
        "role.supervisor" => ("teamleider", "supervisor"),
        "role.admin" => ("beheerder", "administrator"),
        "home.title" => ("Contact", "Contact"),
        "home.h1" => ("Contact met ons opnemen", "Contact us"),
        "home.intro" => (
            "Stel uw vraag aan een medewerker. Kies hoe u contact wilt.",
            "Ask one of our employees. Choose how you want to get in touch.",
        ),
        "home.channels" => ("Kies hoe u contact wilt", "Choose how to contact us"),
        "home.faq" => ("Veelgestelde vragen", "Frequently asked questions"),
        "home.chat_action" => ("Start een chat", "Start a chat"),
        "home.chat_unavailable" => (
            "Er is nu niemand beschikbaar voor de chat. U kunt wel een chat starten: u komt dan in de wachtrij.",
            "Nobody is available for chat right now. You can still start a chat: you will join the queue.",
        ),
        "wait.now" => (
            "Er is nu een medewerker beschikbaar.",
            "An employee is available now.",
        ),
        "wait.minutes" => (
            "Verwachte wachttijd: ongeveer {minutes} minuten.",
            "Expected wait: about {minutes} minutes.",
        ),
        "wait.one_minute" => (
            "Verwachte wachttijd: ongeveer 1 minuut.",
            "Expected wait: about 1 minute.",
        ),
        "wait.unknown" => (
            "Er is op dit moment geen medewerker beschikbaar. We kunnen niet zeggen hoe lang het duurt.",
            "No employee is available at the moment. We cannot say how long it will take.",
        ),
        "wait.waiting_count" => (
            "Er wachten nu {count} mensen.",
            "{count} people are waiting now.",
        ),
        "start.title" => ("Chat met een medewerker", "Chat with an employee"),
        "start.h1" => ("Chat met een medewerker", "Chat with an employee"),
        "start.privacy" => (
            "Deel geen gevoelige gegevens in de chat, zoals uw burgerservicenummer of bankrekeningnummer.",
            "Do not share sensitive details in the chat, such as your citizen service number or bank account number.",
        ),
        "start.name" => ("Uw naam", "Your name"),
        "start.topic" => ("Onderwerp", "Topic"),
        "start.topic_none" => ("Kies een onderwerp", "Choose a topic"),
        "start.question" => ("Uw vraag", "Your question"),
        "start.submit" => ("Start de chat", "Start the chat"),
        "start.error_question" => ("Vul uw vraag in.", "Enter your question."),
        "start.error_name" => (
            "Uw naam mag niet langer zijn dan 80 tekens.",
            "Your name must be 80 characters or fewer.",
        ),
        "form.optional" => ("niet verplicht", "optional"),
        "form.limit" => ("Maximaal {max} tekens.", "At most {max} characters."),
        "chat.title_waiting" => (
            "U wacht op een medewerker",
            "You are waiting for an employee",
        ),
        "chat.title_active" => ("Chat", "Chat"),
        "chat.title_closed" => ("Gesprek beëindigd", "Conversation ended"),
        "chat.you" => ("U", "You"),
        "chat.connection_lost" => (
            "De verbinding is verbroken. We proberen opnieuw te verbinden. Uw berichten gaan niet verloren.",
            "The connection was lost. We are trying to reconnect. Your messages will not be lost.",
        ),
        "chat.connection_back" => ("De verbinding is hersteld.", "The connection is back."),
        "chat.typing" => ("{name} is aan het typen...", "{name} is typing..."),
        "chat.error_empty" => ("Typ eerst een bericht.", "Type a message first."),
        "chat.error_too_long" => (
            "Uw bericht is te lang: maximaal {max} tekens. Het is niet verstuurd.",
            "Your message is too long: at most {max} characters. It was not sent.",
        ),
        "chat.error_closed" => (
            "Dit gesprek is beëindigd. Uw bericht is niet verstuurd.",
            "This conversation has ended. Your message was not sent.",
        ),
        "chat.sending" => ("Bezig met versturen...", "Sending..."),
        "chat.send_failed" => (
            "Uw bericht is nog niet verstuurd. We proberen het opnieuw zodra de verbinding terug is.",
            "Your message has not been sent yet. We will try again as soon as the connection is back.",
        ),
        "chat.noscript_idle" => (
            "Werkt JavaScript niet in uw browser? Kies dan minstens elke {minutes} minuten \"Nieuwe berichten ophalen\". Anders vervalt uw plaats in de wachtrij. Uw vraag blijft bewaard.",
            "Is JavaScript off in your browser? Then choose \"Check for new messages\" at least every {minutes} minutes, or your place in the queue lapses. Your question is kept.",
        ),
        "chat.waiting_h1" => (
            "U wacht op een medewerker",
            "You are waiting for an employee",
        ),
        "chat.waiting_help" => (
            "Houd deze pagina open. U kunt alvast meer informatie over uw vraag sturen.",
            "Keep this page open. You can already send more information about your question.",
        ),
        "chat.position" => (
            "U bent nummer {position} in de wachtrij.",
            "You are number {position} in the queue.",
        ),
        "chat.active_h1" => ("U chat met {name}", "You are chatting with {name}"),
        "chat.active_status" => ("{name} helpt u nu.", "{name} is helping you now."),
        "chat.closed_h1" => ("Het gesprek is beëindigd", "The conversation has ended"),
        "chat.ended_status" => (
            "Dit gesprek is beëindigd. U kunt het gesprek bekijken, printen of downloaden.",
            "This conversation has ended. You can view, print or download it.",
        ),
        "chat.abandoned_status" => (
            "U bent gestopt met wachten. Uw vraag is bewaard in het overzicht hieronder.",
            "You stopped waiting. Your question is kept in the transcript below.",
        ),
        "chat.transcript_view" => (
            "Gesprek bekijken en printen",
            "View and print the conversation",
        ),
        "chat.transcript_download" => (
            "Gesprek downloaden (tekstbestand)",
            "Download the conversation (text file)",
        ),
        "chat.new_chat" => ("Nieuwe chat starten", "Start a new chat"),
        "chat.messages" => ("Berichten", "Messages"),
        "chat.check_new" => ("Nieuwe berichten ophalen", "Check for new messages"),
        "chat.your_message" => ("Uw bericht", "Your message"),
        "chat.send" => ("Versturen", "Send"),
        "chat.stop_waiting" => ("Stoppen met wachten", "Stop waiting"),
        "chat.end" => ("Gesprek beëindigen", "End conversation"),
        "chat.sender_system" => ("Loket", "Loket"),
        "chat.sender_agent" => ("{name} (medewerker)", "{name} (employee)"),
        "sys.agent_joined" => (
            "{name} neemt deel aan het gesprek.",
            "{name} has joined the conversation.",
        ),
        "sys.agent_lost" => (
            "De verbinding met de medewerker is verbroken. U staat weer vooraan in de wachtrij. Het gesprek tot nu toe blijft bewaard.",
            "The connection to the employee was lost. You are back at the front of the queue. The conversation so far is kept.",
        ),
        "sys.ended_by_resident" => (
            "De inwoner heeft het gesprek beëindigd.",
            "The resident ended the conversation.",
        ),
        "sys.ended_by_agent" => (
            "{name} heeft het gesprek beëindigd.",
            "{name} ended the conversation.",
        ),
        "sys.abandoned" => ("Gestopt met wachten.", "Stopped waiting."),
        "sys.restarted" => (
            "Het systeem is opnieuw gestart. U staat weer in de wachtrij.",
            "The system restarted. You are back in the queue.",
        ),
        "home.video_interpreter_action" => (
            "Start een videogesprek met een tolk",
            "Start a video call with an interpreter",
        ),
        "home.video_employee_action" => (
            "Start een videogesprek met een medewerker",
            "Start a video call with an employee",
        ),
        "home.video_unavailable" => (
            "Er is nu niemand beschikbaar voor videobellen. U kunt wel beginnen: u komt dan in de wachtrij.",
            "Nobody is available for video calls right now. You can still start: you will join the queue.",
        ),
        "video.title_interpreter" => (
            "Videobellen met een gebarentolk",
            "Video call with a sign language interpreter",
        ),
        "video.title_employee" => (
            "Videobellen met een medewerker",
            "Video call with an employee",
        ),
        "video.intro_interpreter" => (
            "U gebaart met een tolk Nederlandse Gebarentaal (NGT). De tolk praat voor u met onze medewerker. U ziet elkaar alle drie.",
            "You sign with an interpreter of Sign Language of the Netherlands (NGT). The interpreter speaks for you with our employee. All three of you see each other.",
        ),
        "video.intro_employee" => (
            "U ziet en hoort onze medewerker, en u kunt ook typen. Tijdens het gesprek kan er een gebarentolk bij komen.",
            "You see and hear our employee, and you can also type. A sign language interpreter can join during the call.",
        ),
        "video.other_employee" => (
            "Liever videobellen met een medewerker, zonder tolk?",
            "Rather call an employee, without an interpreter?",
        ),
        "video.other_interpreter" => (
            "Liever videobellen met een gebarentolk?",
            "Rather call with a sign language interpreter?",
        ),
        "video.noscript" => (
            "Videobellen werkt alleen met JavaScript aan. U kunt ook chatten.",
            "Video calls need JavaScript. You can chat instead.",
        ),
        "video.chat_instead" => ("Naar de chat", "Go to the chat"),
        "video.devices_h" => (
            "Controleer uw camera en microfoon",
            "Check your camera and microphone",
        ),
        "video.devices_intro" => (
            "U kunt hier eerst zien of uw camera en microfoon werken, en kiezen welke u gebruikt. Dit is niet verplicht.",
            "You can first see whether your camera and microphone work, and choose which ones to use. This is optional.",
        ),
        "video.check" => (
            "Camera en microfoon controleren",
            "Check camera and microphone",
        ),
        "video.preview_label" => ("Beeld van uw camera", "Picture from your camera"),
        "video.preview_ok" => (
            "Uw camera en microfoon werken. U ziet uzelf hieronder.",
            "Your camera and microphone work. You can see yourself below.",
        ),
        "video.preview_refused" => (
            "U heeft de camera en microfoon niet toegestaan. Sta ze toe in de instellingen van uw browser. U kunt ook zonder beeld bellen en typen.",
            "You did not allow the camera and microphone. Allow them in your browser's settings. You can also call without a picture and type.",
        ),
        "video.preview_none" => (
            "Er is geen camera of microfoon gevonden. U kunt toch bellen: u ziet de anderen en u kunt typen.",
            "No camera or microphone was found. You can still call: you will see the others and can type.",
        ),
        "video.default_device" => ("Standaard", "Default"),
        "video.camera" => ("Camera", "Camera"),
        "video.microphone" => ("Microfoon", "Microphone"),
        "video.mic_level" => ("Geluid van uw microfoon", "Sound from your microphone"),
        "video.question" => ("Waar gaat uw vraag over?", "What is your question about?"),
        "video.start" => ("Start het videogesprek", "Start the video call"),
        "call.h2" => ("Videogesprek", "Video call"),
        "call.waiting" => (
            "Het videogesprek begint zodra een tolk of medewerker opneemt.",
            "The video call starts as soon as an interpreter or employee answers.",
        ),
        "call.connecting" => (
            "Het videogesprek wordt verbonden.",
            "Connecting the video call.",
        ),
        "call.connected" => (
            "Het videogesprek is verbonden.",
            "The video call is connected.",
        ),
        "call.failed" => (
            "De videoverbinding is verbroken. U kunt hieronder blijven typen. Laad de pagina opnieuw om het beeld terug te krijgen.",
            "The video connection was lost. You can keep typing below. Reload the page to get the picture back.",
        ),
        "call.alone" => (
            "Er is nu niemand anders in het gesprek.",
            "Nobody else is in the call right now.",
        ),
        "call.no_media" => (
            "Er is geen camera of microfoon gevonden. U ziet en hoort de anderen wel, en u kunt hieronder typen.",
            "No camera or microphone was found. You still see and hear the others, and you can type below.",
        ),
        "call.media_refused" => (
            "U heeft de camera en microfoon niet toegestaan, dus de anderen zien en horen u niet. U kunt hieronder typen. Sta ze toe in uw browser en laad de pagina opnieuw om ze te gebruiken.",
            "You did not allow the camera and microphone, so the others cannot see or hear you. You can type below. Allow them in your browser and reload the page to use them.",
        ),
        "call.no_camera" => (
            "Er is geen camera gevonden: de anderen horen u, maar zien u niet.",
            "No camera was found: the others hear you but cannot see you.",
        ),
        "call.no_microphone" => (
            "Er is geen microfoon gevonden: de anderen zien u, maar horen u niet.",
            "No microphone was found: the others see you but cannot hear you.",
        ),
        "call.mute" => ("Microfoon uit", "Microphone off"),
        "call.camera_off" => ("Camera uit", "Camera off"),
        "call.mic_is_off" => ("Uw microfoon staat uit.", "Your microphone is off."),
        "call.mic_is_on" => ("Uw microfoon staat aan.", "Your microphone is on."),
        "call.cam_is_off" => ("Uw camera staat uit.", "Your camera is off."),
        "call.cam_is_on" => ("Uw camera staat aan.", "Your camera is on."),
        "call.start_sound" => ("Geluid aanzetten", "Turn on sound"),
        "call.hang_up" => ("Ophangen", "Hang up"),
        "call.participants" => ("Deelnemers", "Participants"),
        "call.controls" => ("Bediening van het gesprek", "Call controls"),
        "call.self" => ("U", "You"),
        "call.self_video" => ("Uw eigen beeld", "Your own picture"),
        "call.pin" => ("{name} groot tonen", "Show {name} large"),
        "call.video_of" => ("Beeld van {name}", "Video of {name}"),
        "call.speaking" => ("praat", "speaking"),
        "call.signing" => ("gebaart of beweegt", "signing or moving"),
        "call.someone" => ("Iemand", "Someone"),
        "call.role_resident" => ("inwoner", "resident"),
        "call.role_agent" => ("medewerker", "employee"),
        "call.role_interpreter" => ("gebarentolk", "sign language interpreter"),
        "call.noscript" => (
            "Videobellen werkt alleen met JavaScript aan. U kunt hieronder wel typen.",
            "Video calls need JavaScript. You can still type below.",
        ),
        "call.join_failed" => (
            "Het videogesprek kon niet worden verbonden. Laad de pagina opnieuw om het nog eens te proberen.",
            "The video call could not be connected. Reload the page to try again.",
        ),
        "call.not_yet" => (
            "Het videogesprek begint zodra iemand opneemt.",
            "The video call starts as soon as someone answers.",
        ),
        "call.not_joined" => ("Verbind eerst met het gesprek.", "Join the call first."),
        "call.not_a_call" => (
            "Dit gesprek is geen videogesprek.",
            "This conversation is not a video call.",
        ),
        "call.invite" => (
            "Er komt een gebarentolk bij dit gesprek, met video.",
            "A sign language interpreter is joining this conversation by video.",
        ),
        "call.invite_join" => ("Naar het videogesprek", "Go to the video call"),
        "rtt.h" => ("Wordt nu getypt", "Being typed now"),
        "rtt.hint" => (
            "Wat de anderen typen, ziet u hier terwijl ze typen. Zij zien uw tekst ook meteen. Met Enter verstuurt u de regel.",
            "What the others type appears here as they type. They see your text at once too. Press Enter to send the line.",
        ),
        "rtt.empty" => ("Niemand typt op dit moment.", "Nobody is typing right now."),
        "staffcall.title" => ("Videogesprek met {name}", "Video call with {name}"),
        "staffcall.meta" => ("Onderwerp: {topic}", "Topic: {topic}"),
        "staffcall.back" => ("Terug naar de console", "Back to the console"),
        "staffcall.messages" => ("Berichten en tekst", "Messages and text"),
        "staffcall.add_h" => ("Iemand toevoegen", "Add someone"),
        "staffcall.add_hint" => (
            "Vraag een tolk of een medewerker om erbij te komen. U blijft zelf in het gesprek.",
            "Ask an interpreter or an employee to join. You stay in the call yourself.",
        ),
        "staffcall.queue" => ("Wie", "Who"),
        "staffcall.request" => ("Vragen om erbij te komen", "Ask to join"),
        "staffcall.requested" => (
            "Er is iemand gevraagd om erbij te komen. U ziet diegene zodra hij of zij aanneemt.",
            "Someone has been asked to join. You will see them as soon as they accept.",
        ),
        "staffcall.already" => (
            "Er is al iemand gevraagd om erbij te komen.",
            "Someone has already been asked to join.",
        ),
        "staffcall.withdrawn" => ("Het verzoek is ingetrokken.", "The request was withdrawn."),
        "staffcall.cancel_request" => ("Verzoek intrekken", "Withdraw the request"),
        "staffcall.leave_h" => ("Gesprek verlaten", "Leave the call"),
        "staffcall.leave_hint" => (
            "De anderen blijven in gesprek als u weggaat.",
            "The others stay in the call when you leave.",
        ),
        "staffcall.leave" => ("Gesprek verlaten", "Leave the call"),
        "staffcall.end_hint" => (
            "Ophangen beëindigt het gesprek voor iedereen. Daarna vult u de afhandeling in.",
            "Hanging up ends the call for everyone. Then you fill in the wrap-up.",
        ),
        "staffcall.ended" => ("Dit gesprek is afgelopen.", "This call has ended."),
        "console.join_request" => (
            "{name} vraagt u om bij een videogesprek te komen.",
            "{name} asks you to join a video call.",
        ),
        "console.open_call" => ("Open het videogesprek", "Open the video call"),
        "console.ask_interpreter" => (
            "Gebarentolk vragen (wordt een videogesprek)",
            "Ask for a sign language interpreter (becomes a video call)",
        ),
        "console.left_call" => ("U heeft het gesprek verlaten.", "You left the call."),
        "sys.interpreter_requested" => (
            "{name} heeft een gebarentolk gevraagd om erbij te komen.",
            "{name} asked for a sign language interpreter to join.",
        ),
        "sys.agent_requested" => (
            "{name} heeft een medewerker gevraagd om erbij te komen.",
            "{name} asked for an employee to join.",
        ),
        "sys.joined_call" => (
            "{name} is bij het videogesprek gekomen.",
            "{name} has joined the video call.",
        ),
        "sys.left_call" => (
            "{name} heeft het videogesprek verlaten.",
            "{name} has left the video call.",
        ),
        "sys.left_call_lost" => (
            "De verbinding met {name} is verbroken. Er wordt iemand anders gezocht.",
            "The connection with {name} was lost. Someone else is being looked for.",
        ),
        "sys.request_withdrawn" => (
            "Het verzoek om iemand toe te voegen is ingetrokken.",
            "The request to add someone was withdrawn.",
        ),
        "door.closed_until" => (
            "Nu gesloten. We zijn er weer {when}.",
            "Closed now. We are back {when}.",
        ),
        "door.closed" => ("Nu gesloten.", "Closed now."),
        "door.nobody" => (
            "Er is nu niemand beschikbaar, en de wachttijd is te lang om te laten wachten.",
            "Nobody is available right now, and the wait would be too long.",
        ),
        "door.today" => ("vandaag", "today"),
        "door.usual_under_minute" => (
            "Meestal krijgt u binnen een minuut antwoord.",
            "Usually you are answered within a minute.",
        ),
        "door.usual_minutes" => (
            "Meestal krijgt u binnen {minutes} minuten antwoord.",
            "Usually you are answered within {minutes} minutes.",
        ),
        "door.tomorrow" => ("morgen", "tomorrow"),
        "door.at" => ("{day} om {time}", "{day} at {time}"),
        "door.leave_message" => ("Laat een bericht achter", "Leave a message"),
        "door.what_now" => (
            "U kunt nu een bericht achterlaten. We nemen dan contact met u op, of u komt later terug op de pagina van uw bericht.",
            "You can leave a message now. We will contact you, or you come back later to the page of your message.",
        ),
        "message.title" => ("Laat een bericht achter", "Leave a message"),
        "message.intro" => (
            "Schrijf uw vraag. Een medewerker leest die zodra we er weer zijn, en neemt contact met u op zoals u hieronder kiest.",
            "Write your question. An employee reads it as soon as we are back, and contacts you the way you choose below.",
        ),
        "message.your_message" => ("Uw bericht", "Your message"),
        "message.reach_legend" => ("Hoe bereiken we u?", "How do we reach you?"),
        "message.by_email" => ("Per e-mail", "By e-mail"),
        "message.by_phone" => ("Per telefoon", "By phone"),
        "message.by_return" => (
            "Ik kom zelf terug op deze website (u krijgt een link met een code)",
            "I will come back to this website (you get a link with a code)",
        ),
        "message.email" => ("Uw e-mailadres", "Your e-mail address"),
        "message.phone" => ("Uw telefoonnummer", "Your phone number"),
        "message.email_hint" => (
            "Bijvoorbeeld naam@voorbeeld.nl",
            "For example name@example.org",
        ),
        "message.phone_hint" => (
            "Bijvoorbeeld 06 12345678 of +31 20 1234567",
            "For example 06 12345678 or +31 20 1234567",
        ),
        "message.error_reach" => ("Kies hoe we u bereiken.", "Choose how we reach you."),
        "message.error_email" => (
            "Vul een e-mailadres in zoals naam@voorbeeld.nl.",
            "Enter an e-mail address such as name@example.org.",
        ),
        "message.error_phone" => (
            "Vul een telefoonnummer in van 8 tot 15 cijfers, zoals 06 12345678.",
            "Enter a phone number of 8 to 15 digits, such as 06 12345678.",
        ),
        "message.error_message" => ("Schrijf uw bericht.", "Write your message."),
        "message.submit" => ("Bericht versturen", "Send message"),
        "message.sent_title" => ("Uw bericht is ontvangen", "Your message has been received"),
        "message.reference" => ("Uw referentie", "Your reference"),
        "message.sent_email" => (
            "We sturen ons antwoord naar {value}.",
            "We will send our answer to {value}.",
        ),
        "message.sent_phone" => ("We bellen u op {value}.", "We will call you on {value}."),
        "message.sent_return" => (
            "Bewaar deze link. Daarmee komt u terug bij uw bericht en ons antwoord:",
            "Keep this link. It brings you back to your message and our answer:",
        ),
        "message.open" => ("Naar mijn bericht", "Go to my message"),
        "console.left_message" => (
            "Bericht buiten openingstijd. Contact: {how}",
            "Message left out of hours. Contact: {how}",
        ),
        "hours.nav" => ("Openingstijden", "Opening hours"),
        "hours.title" => ("Openingstijden per wachtrij", "Opening hours per queue"),
        "hours.intro" => (
            "Tijden zijn Nederlandse tijd (Europe/Amsterdam), ook rond de zomertijd. Schrijf per dag de tijden waarop de wachtrij open is, zoals 09:00-12:30, 13:30-17:00. Leeg is die dag gesloten.",
            "Times are Dutch time (Europe/Amsterdam), also around summer time. Write per day when the queue is open, such as 09:00-12:30, 13:30-17:00. Empty means closed that day.",
        ),
        "hours.limited" => (
            "Deze wachtrij heeft openingstijden (anders altijd open)",
            "This queue has opening hours (otherwise always open)",
        ),
        "hours.exceptions" => ("Afwijkende dagen", "Exceptions"),
        "hours.exceptions_hint" => (
            "Eén per regel: 2026-12-25: gesloten, of 2026-12-24: 09:00-12:00.",
            "One per line: 2026-12-25: closed, or 2026-12-24: 09:00-12:00.",
        ),
        "hours.save" => ("Opslaan", "Save"),
        "hours.saved" => (
            "De openingstijden zijn opgeslagen.",
            "The opening hours have been saved.",
        ),
        "hours.error_day" => ("{day}: {problem}", "{day}: {problem}"),
        "hours.error_exception" => (
            "Regel {line} van de afwijkende dagen is niet te lezen. Schrijf bijvoorbeeld 2026-12-24: 09:00-12:00.",
            "Line {line} of the exceptions cannot be read. Write for example 2026-12-24: 09:00-12:00.",
        ),
        "links.nav" => ("Links per onderwerp", "Links per topic"),
        "links.title" => (
            "Korte links en QR-codes per onderwerp",
            "Short links and QR codes per topic",
        ),
        "links.intro" => (
            "Gebruik deze links in het keuzemenu van de telefoon, in brieven of op posters. Ze openen de chat met het onderwerp al ingevuld.",
            "Use these links in the phone menu, in letters or on posters. They open the chat with the topic already filled in.",
        ),
        "links.qr_alt" => ("QR-code met de link {url}", "QR code with the link {url}"),
        "kiosk.title" => (
            "Zuil: contact met de gemeente",
            "Kiosk: contact the municipality",
        ),
        "kiosk.h1" => ("Stel hier uw vraag", "Ask your question here"),
        "kiosk.lead" => (
            "Kies hoe u wilt praten. Tik op een grote knop.",
            "Choose how you want to talk. Tap a big button.",
        ),
        "kiosk.place" => ("U bent bij:", "You are at:"),
        "kiosk.chat" => ("Typen met een medewerker", "Type with an employee"),
        "kiosk.interpreter" => (
            "Beeldbellen met een gebarentolk",
            "Video call with a sign language interpreter",
        ),
        "kiosk.video" => (
            "Beeldbellen met een medewerker",
            "Video call with an employee",
        ),
        "kiosk.privacy" => (
            "Klaar? Dan wissen we alles van uw gesprek op dit scherm. Ook als u een tijd niets doet.",
            "Done? Then we erase everything of your conversation from this screen. Also when you do nothing for a while.",
        ),
        "kiosk.refused_title" => ("Dit is geen zuil", "This is not a kiosk"),
        "kiosk.refused" => (
            "Deze browser is niet aangemeld als zuil. Alleen een zuil die een teamleider heeft aangemeld, kan de zuilpagina openen. U kunt wel gewoon chatten of bellen via de startpagina.",
            "This browser is not registered as a kiosk. Only a kiosk registered by a supervisor can open the kiosk page. You can still chat or call from the home page.",
        ),
        "kiosk.enrol_title" => (
            "Deze browser als zuil aanmelden",
            "Register this browser as a kiosk",
        ),
        "kiosk.enrol_intro" => (
            "Na aanmelden opent deze browser de zuilpagina. De link werkt maar één keer.",
            "After registering, this browser opens the kiosk page. The link works only once.",
        ),
        "kiosk.enrol_button" => ("Deze browser wordt de zuil", "Make this browser the kiosk"),
        "kiosk.admin_title" => ("Zuilen", "Kiosks"),
        "kiosk.nav" => ("Zuilen", "Kiosks"),
        "kiosk.list" => ("Aangemelde zuilen", "Registered kiosks"),
        "kiosk.none" => ("Er zijn nog geen zuilen.", "There are no kiosks yet."),
        "kiosk.name" => ("Naam", "Name"),
        "kiosk.location" => ("Plaats", "Location"),
        "kiosk.idle" => ("Wissen na", "Wipe after"),
        "kiosk.state" => ("Status", "State"),
        "kiosk.idle_value" => ("{secs} seconden", "{secs} seconds"),
        "kiosk.enrolled" => ("In gebruik", "In use"),
        "kiosk.not_enrolled" => ("Nog niet aangemeld", "Not enrolled yet"),
        "kiosk.register" => ("Nieuwe zuil", "New kiosk"),
        "kiosk.register_button" => ("Zuil aanmaken", "Create kiosk"),
        "kiosk.idle_label" => (
            "Wissen na (seconden zonder gebruik)",
            "Wipe after (seconds without use)",
        ),
        "kiosk.idle_hint" => (
            "Tussen 60 en 1800. Een halve minuut eerder krijgt de inwoner een waarschuwing met een knop om door te gaan.",
            "Between 60 and 1800. Half a minute before, the resident gets a warning with a button to continue.",
        ),
        "kiosk.error_name" => (
            "Vul een naam in (hoogstens 100 tekens).",
            "Enter a name (at most 100 characters).",
        ),
        "kiosk.error_location" => (
            "Vul de plaats in (hoogstens 100 tekens).",
            "Enter the location (at most 100 characters).",
        ),
        "kiosk.error_idle" => (
            "Vul een aantal seconden in tussen 60 en 1800.",
            "Enter a number of seconds between 60 and 1800.",
        ),
        "kiosk.link_intro" => (
            "Open deze link één keer op de zuil zelf. Bewaar hem niet: wie hem heeft, kan een browser tot deze zuil maken.",
            "Open this link once on the kiosk itself. Do not keep it: whoever has it can make a browser this kiosk.",
        ),
        "kiosk.idle_title" => ("Bent u er nog?", "Are you still there?"),
        "kiosk.idle_text" => (
            "U heeft een tijd niets gedaan. Over {secs} seconden wissen we uw gesprek van dit scherm.",
            "You have not done anything for a while. In {secs} seconds we erase your conversation from this screen.",
        ),
        "kiosk.continue" => ("Ik ben er nog", "I am still here"),
        "kiosk.done" => ("Klaar, alles wissen", "Done, erase everything"),
        "transcript.title" => ("Verslag van het gesprek", "Conversation transcript"),
        "transcript.back" => ("Terug naar het gesprek", "Back to the conversation"),
        "transcript.h1" => ("Verslag van het gesprek", "Conversation transcript"),
        "transcript.org" => ("Organisatie", "Organisation"),
        "transcript.started" => ("Gestart", "Started"),
        "transcript.topic" => ("Onderwerp", "Topic"),
        "transcript.status" => ("Status", "Status"),
        "transcript.print_hint" => (
            "Printen kan met de printfunctie van uw browser.",
            "To print, use your browser's print function.",
        ),
        "status.waiting" => ("Wacht op een medewerker", "Waiting for an employee"),
        "status.active" => ("In gesprek", "In conversation"),
        "status.ended" => ("Beëindigd", "Ended"),
        "status.abandoned" => ("Gestopt met wachten", "Stopped waiting"),
        "login.title" => ("Inloggen voor medewerkers", "Staff login"),
        "login.h1" => ("Inloggen voor medewerkers", "Staff login"),
        "login.username" => ("Gebruikersnaam", "Username"),
        "login.password" => ("Wachtwoord", "Password"),
        "login.submit" => ("Inloggen", "Log in"),
        "login.error_username" => ("Vul uw gebruikersnaam in.", "Enter your username."),
        "login.error_password" => ("Vul uw wachtwoord in.", "Enter your password."),
        "login.error_wrong" => (
            "De gebruikersnaam of het wachtwoord klopt niet.",
            "The username or password is not correct.",
        ),
        "login.error_busy" => (
            "Er wordt nu veel ingelogd. Probeer het over een paar seconden opnieuw.",
            "Many people are logging in right now. Try again in a few seconds.",
        ),
        "login.error_throttled" => (
            "Te veel mislukte pogingen. Wacht {seconds} seconden en probeer het opnieuw.",
            "Too many failed attempts. Wait {seconds} seconds and try again.",
        ),
        "console.title" => ("Console", "Console"),
        "console.h1" => ("Console", "Console"),
        "console.presence" => ("Uw status", "Your status"),
        "console.you_available" => (
            "U bent beschikbaar: u krijgt nieuwe gesprekken aangeboden.",
            "You are available: new conversations will be offered to you.",
        ),
        "console.you_away" => (
            "U bent afwezig: u krijgt geen nieuwe gesprekken.",
            "You are away: no new conversations will be offered to you.",
        ),
        "console.missed_offer" => (
            "U heeft een aanbod niet op tijd aangenomen. Uw status is nu afwezig.",
            "You did not accept an offer in time. Your status is now away.",
        ),
        "console.go_available" => ("Beschikbaar", "Available"),
        "console.go_away" => ("Afwezig", "Away"),
        "console.offers" => ("Aangeboden gesprekken", "Offered conversations"),
        "console.no_offers" => (
            "Er zijn nu geen gesprekken voor u.",
            "No conversations are offered to you now.",
        ),
        "console.new_offer" => (
            "Nieuw gesprek aangeboden: {name}",
            "New conversation offered: {name}",
        ),
        "console.offer_gone" => (
            "Het aanbod is vervallen.",
            "The offer is no longer available.",
        ),
        "console.offer_title" => ("{name} via {queue}", "{name} via {queue}"),
        "console.offer_meta" => (
            "Onderwerp: {topic}. Aanbod vervalt om {time}.",
            "Topic: {topic}. Offer expires at {time}.",
        ),
        "console.accept" => ("Aannemen", "Accept"),
        "console.decline" => ("Weigeren", "Decline"),
        "console.chats" => (
            "Mijn gesprekken ({count} van {max})",
            "My conversations ({count} of {max})",
        ),
        "console.no_chats" => (
            "U heeft nu geen gesprekken.",
            "You have no conversations now.",
        ),
        "console.chat_title" => ("Gesprek met {name}", "Conversation with {name}"),
        "console.chat_meta" => (
            "Onderwerp: {topic}. Wachtrij: {queue}. Gestart om {time}.",
            "Topic: {topic}. Queue: {queue}. Started at {time}.",
        ),
        "console.reply_to" => ("Antwoord aan", "Reply to"),
        "console.end_chat" => ("Gesprek beëindigen", "End conversation"),
        "console.wrapup" => ("Afronden", "Wrap up"),
        "console.wrapup_topic" => ("Onderwerp van het gesprek", "Topic of the conversation"),
        "console.wrapup_note" => ("Notitie", "Note"),
        "console.wrapup_submit" => ("Afronden", "Wrap up"),
        "console.wrapup_done" => (
            "Het gesprek is afgerond.",
            "The conversation is wrapped up.",
        ),
        "console.accepted" => (
            "U heeft het gesprek aangenomen.",
            "You accepted the conversation.",
        ),
        "console.offer_expired" => (
            "Dit aanbod is niet meer beschikbaar.",
            "This offer is no longer available.",
        ),
        "console.sent" => ("Uw bericht is verstuurd.", "Your message was sent."),
        "console.queues" => ("Wachtrijen", "Queues"),
        "console.queue" => ("Wachtrij", "Queue"),
        "console.waiting" => ("Wachtend", "Waiting"),
        "console.longest_wait" => ("Langste wachttijd", "Longest wait"),
        "console.staff_available" => ("Beschikbare medewerkers", "Available staff"),
        "console.waiting_contacts" => (
            "Wachtende inwoners in uw wachtrijen",
            "Residents waiting in your queues",
        ),
        "console.none_waiting" => (
            "Er wacht nu niemand in uw wachtrijen.",
            "Nobody is waiting in your queues now.",
        ),
        "console.position" => ("Plaats", "Position"),
        "console.resident" => ("Inwoner", "Resident"),
        "console.topic" => ("Onderwerp", "Topic"),
        "console.waited" => ("Wacht al", "Waiting for"),
        "console.refresh" => ("Console verversen", "Refresh the console"),
        "console.anonymous" => ("Inwoner", "Resident"),
        "console.no_topic" => ("geen", "none"),
        "console.other_topic" => ("Anders", "Other"),
        _ => return None,
    };
    Some(match lang {
        Lang::Nl => nl,
        Lang::En => en,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `t.s("...")` in a template exists in both languages.
    #[test]
    fn templates_use_only_known_keys() {
        let mut missing = Vec::new();
        let mut checked = 0;
        for entry in walk(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/templates"
        ))) {
            let text = std::fs::read_to_string(&entry).unwrap();
            for part in text.split("t.s(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                checked += 1;
                if lookup(Lang::Nl, key).is_none() || lookup(Lang::En, key).is_none() {
                    missing.push(format!("{}: {key}", entry.display()));
                }
            }
        }
        assert!(
            checked > 50,
            "expected to check many keys, checked {checked}"
        );
        assert!(missing.is_empty(), "missing translations: {missing:?}");
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
        out
    }

    #[test]
    fn placeholders_and_system_messages() {
        let t = T::new(Lang::En);
        assert_eq!(
            t.f("chat.position", &[("position", &3)]),
            "You are number 3 in the queue."
        );
        let stored = system_message("sys.agent_joined", "Anna");
        assert_eq!(
            render_system(T::new(Lang::Nl), &stored),
            "Anna neemt deel aan het gesprek."
        );
        assert_eq!(render_system(t, "plain text"), "plain text");
    }
}
