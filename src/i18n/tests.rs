//! The key, file, plural and language checks of the texts (see the module doc).
use super::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Quoted strings that have the shape of a key with a known prefix but are not texts.
const NOT_KEYS: &[&str] = &[
    // A config field name, quoted in config error messages.
    "chat.max_message_chars",
];

/// File names such as "chat.html" have the shape of a key too.
const FILE_EXTENSIONS: &[&str] = &[
    "html", "js", "css", "rs", "ftl", "toml", "json", "txt", "svg", "png", "ico", "sql", "md", "db",
];

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_key_shaped(s: &str) -> bool {
    s.split_once('.').is_some_and(|(prefix, name)| {
        is_ident(prefix) && is_ident(name) && prefix.starts_with(|c: char| c.is_ascii_lowercase())
    })
}

/// Every quoted string in `text` shaped like a key (`"chat.send"`), and every prefix
/// of a key made at run time (`format!("status.{}", ..)` gives `status`).
fn quoted_keys(text: &str) -> (Vec<String>, Vec<String>) {
    let mut keys = Vec::new();
    let mut prefixes = Vec::new();
    for (at, _) in text.match_indices('"') {
        let rest = &text[at + 1..];
        let Some(end) = rest.find('"') else { continue };
        let quoted = &rest[..end];
        if is_key_shaped(quoted) {
            keys.push(quoted.to_string());
        } else if let Some((prefix, _)) = quoted.split_once(".{") {
            if is_ident(prefix) {
                prefixes.push(prefix.to_string());
            }
        }
    }
    (keys, prefixes)
}

/// Every source that may name a key: all Rust files but this one, and all templates.
fn key_sources() -> Vec<PathBuf> {
    let this = Path::new(ROOT).join("src/i18n.rs");
    let mut files: Vec<PathBuf> = walk(&Path::new(ROOT).join("src"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs") && *p != this)
        .collect();
    files.extend(walk(&Path::new(ROOT).join("templates")));
    files
}

/// Keys in `t.s`/`t.f` calls, `system_message` and key constants in Rust and templates
/// all exist in both languages, and every text is used somewhere.
#[test]
fn every_key_used_exists_and_every_text_is_used() {
    let known: BTreeSet<&str> = CATALOG.messages.keys().map(String::as_str).collect();
    let known_prefixes: BTreeSet<&str> = known
        .iter()
        .filter_map(|k| k.split_once('.'))
        .map(|(p, _)| p)
        .collect();
    let mut used = BTreeSet::new();
    let mut unknown = Vec::new();
    for file in key_sources() {
        let text = std::fs::read_to_string(&file).unwrap();
        let (keys, prefixes) = quoted_keys(&text);
        for key in keys {
            let (prefix, name) = key.split_once('.').unwrap();
            if !known_prefixes.contains(prefix)
                || FILE_EXTENSIONS.contains(&name)
                || NOT_KEYS.contains(&key.as_str())
            {
                continue;
            }
            if known.contains(key.as_str()) {
                used.insert(key);
            } else {
                unknown.push(format!("{}: {key}", file.display()));
            }
        }
        for prefix in prefixes {
            let start = format!("{prefix}.");
            used.extend(
                known
                    .iter()
                    .filter(|k| k.starts_with(&start))
                    .map(|k| k.to_string()),
            );
        }
    }
    assert!(unknown.is_empty(), "keys without a text: {unknown:?}");
    let unused: Vec<&&str> = known.iter().filter(|k| !used.contains(**k)).collect();
    assert!(
        unused.is_empty(),
        "texts used nowhere (delete them): {unused:?}"
    );
    assert!(used.len() > 300, "expected many keys, found {}", used.len());
    for key in &used {
        for bundle in &CATALOG.bundles {
            assert!(
                bundle.has_message(&fluent_id(key)),
                "{key} missing in a language"
            );
        }
    }
}

/// The transcript shows `status.<stored name>` for every conversation state.
#[test]
fn every_status_has_a_text() {
    use crate::store::Status;
    for status in [
        Status::Waiting,
        Status::Active,
        Status::Ended,
        Status::Abandoned,
    ] {
        let key = format!("status.{}", status.as_str());
        assert!(CATALOG.messages.contains_key(&key), "{key}");
    }
}

fn ftl_files_on_disk(lang: &str) -> BTreeSet<String> {
    walk(&Path::new(ROOT).join("locales").join(lang))
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// Every file parses without errors, and every `.ftl` file is embedded.
#[test]
fn every_ftl_file_parses_and_is_embedded() {
    let embedded: BTreeSet<String> = FILES
        .iter()
        .map(|(area, _)| format!("{area}.ftl"))
        .collect();
    for lang in Lang::ALL {
        assert_eq!(
            ftl_files_on_disk(lang.code()),
            embedded,
            "files in locales/{}",
            lang.code()
        );
    }
    for (area, sources) in FILES {
        for lang in Lang::ALL {
            if let Err((_, errors)) = parse(sources[lang.index()]) {
                panic!("locales/{}/{area}.ftl: {errors:?}", lang.code());
            }
        }
    }
}

/// The messages of one file: id → variables. Attributes and terms are not used.
fn messages_of(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let resource = parse(source).unwrap_or_else(|(r, _)| r);
    let mut out = BTreeMap::new();
    for entry in resource.entries() {
        match entry {
            ast::Entry::Message(message) => {
                assert!(
                    message.attributes.is_empty(),
                    "{}: attributes are not used",
                    message.id.name
                );
                let value = message.value.as_ref();
                let mut vars = BTreeSet::new();
                pattern_vars(
                    value.unwrap_or_else(|| panic!("{} has no value", message.id.name)),
                    &mut vars,
                );
                let id = message.id.name.to_string();
                assert!(!out.contains_key(&id), "{id} twice in one file");
                out.insert(id, vars);
            }
            ast::Entry::Term(term) => panic!("-{}: terms are not used", term.id.name),
            _ => {}
        }
    }
    out
}

/// Both languages have the same messages in the same files, with the same variables,
/// and every id maps to a code key and back.
#[test]
fn both_languages_have_the_same_messages_and_variables() {
    let mut total = 0;
    for (area, sources) in FILES {
        let nl = messages_of(sources[Lang::Nl.index()]);
        let en = messages_of(sources[Lang::En.index()]);
        let only_nl: Vec<&String> = nl.keys().filter(|id| !en.contains_key(*id)).collect();
        let only_en: Vec<&String> = en.keys().filter(|id| !nl.contains_key(*id)).collect();
        assert!(
            only_nl.is_empty() && only_en.is_empty(),
            "{area}.ftl: only in Dutch {only_nl:?}, only in English {only_en:?}"
        );
        for (id, vars) in &nl {
            assert_eq!(Some(vars), en.get(id), "{id}: different variables");
            assert_eq!(
                id.matches('-').count(),
                1,
                "{id}: one dash, between area and name"
            );
            assert!(is_key_shaped(&code_key(id)), "{id}");
            assert_eq!(fluent_id(&code_key(id)), *id);
            assert!(id.starts_with(&format!("{}-", code_key(id).split_once('.').unwrap().0)));
        }
        total += nl.len();
    }
    assert_eq!(total, CATALOG.messages.len(), "an id in two files");
}

#[test]
fn plurals_follow_the_number() {
    let nl = T::new(Lang::Nl);
    let en = T::new(Lang::En);
    let wait = |t: T, n: u64| t.f("wait.minutes", &[("minutes", &n)]);
    assert_eq!(wait(nl, 1), "Verwachte wachttijd: ongeveer 1 minuut.");
    assert_eq!(wait(nl, 2), "Verwachte wachttijd: ongeveer 2 minuten.");
    assert_eq!(wait(en, 1), "Expected wait: about 1 minute.");
    assert_eq!(wait(en, 2), "Expected wait: about 2 minutes.");
    let usual = |t: T, n: u64| t.f("door.usual_minutes", &[("minutes", &n)]);
    assert_eq!(usual(nl, 1), "Meestal krijgt u binnen 1 minuut antwoord.");
    assert_eq!(usual(nl, 3), "Meestal krijgt u binnen 3 minuten antwoord.");
    assert_eq!(usual(en, 1), "Usually you are answered within 1 minute.");
    assert_eq!(usual(en, 3), "Usually you are answered within 3 minutes.");
    assert!(
        nl.f("chat.noscript_idle", &[("minutes", &1)])
            .contains("minstens elke minuut \"")
    );
    assert!(
        nl.f("chat.noscript_idle", &[("minutes", &15)])
            .contains("minstens elke 15 minuten \"")
    );
    assert!(
        en.f("chat.noscript_idle", &[("minutes", &1)])
            .contains("at least every minute,")
    );
    assert_eq!(
        nl.f("login.error_throttled", &[("seconds", &1usize)]),
        "Te veel mislukte pogingen. Wacht 1 seconde en probeer het opnieuw."
    );
    assert_eq!(en.f("form.limit", &[("max", &1)]), "At most 1 character.");
    assert_eq!(
        nl.f("form.limit", &[("max", &2000)]),
        "Maximaal 2000 tekens."
    );
    assert_eq!(
        en.f("kiosk.idle_value", &[("secs", &300u32)]),
        "300 seconds"
    );
}

/// Without values a text keeps `{name}` for the browser script (the default variant
/// of a selector), and values are never wrapped in bidi isolation marks.
#[test]
fn placeholders_stay_visible_and_values_are_not_isolated() {
    assert_eq!(
        T::new(Lang::Nl).s("chat.typing"),
        "{name} is aan het typen..."
    );
    assert_eq!(
        T::new(Lang::En).s("kiosk.idle_text"),
        "You have not done anything for a while. In {secs} seconds we erase your conversation from this screen."
    );
    assert_eq!(
        T::new(Lang::Nl).s("wait.minutes"),
        "Verwachte wachttijd: ongeveer {minutes} minuten."
    );
    assert_eq!(
        T::new(Lang::En).f("door.at", &[("day", &"today")]),
        "today at {time}"
    );
    for (key, message) in &CATALOG.messages {
        for text in &message.plain {
            assert!(!text.contains(['\u{2068}', '\u{2069}']), "{key}");
        }
    }
    let typing = T::new(Lang::En).f("chat.typing", &[("name", &"Anna")]);
    assert_eq!(typing, "Anna is typing...");
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
    assert_eq!(render_system(t, "sys.abandoned"), "Stopped waiting.");
    assert_eq!(render_system(t, "plain text"), "plain text");
    let name = "0612345678".to_string();
    assert_eq!(
        t.f("message.sent_phone", &[("value", &name)]),
        "We will call you on 0612345678."
    );
}

#[test]
fn unknown_keys_show_a_question_mark() {
    let t = T::new(Lang::Nl);
    assert_eq!(t.s("nope.nothing"), "?");
    assert_eq!(t.f("nope.nothing", &[("n", &1)]), "?");
}

#[test]
fn numbers_too_large_for_fluent_are_shown_exactly() {
    let big = u64::MAX;
    assert_eq!(
        T::new(Lang::En).f("chat.position", &[("position", &big)]),
        format!("You are number {big} in the queue.")
    );
}

#[test]
fn key_mapping_goes_both_ways() {
    assert_eq!(fluent_id("chat.noscript_idle"), "chat-noscript_idle");
    assert_eq!(code_key("chat-noscript_idle"), "chat.noscript_idle");
}

#[test]
fn localized_picks_the_language_and_falls_back() {
    let topic = Localized::new("Afval", "Waste");
    assert_eq!(topic.get(Lang::Nl), "Afval");
    assert_eq!(topic.get(Lang::En), "Waste");
    let untranslated = Localized::new("Parkeren", "");
    assert_eq!(untranslated.get(Lang::En), "Parkeren");
    assert_eq!(Localized::from_options(None, None), None);
    let only_dutch = Localized::from_options(Some("Paspoort".into()), None).unwrap();
    assert_eq!(only_dutch.get(Lang::En), "Paspoort");
    assert_eq!(
        Localized::from_options(Some("Afval".into()), Some("Waste".into())),
        Some(topic)
    );
    assert_eq!(Localized::default().get(Lang::Nl), "");
}
