//! Dutch and English text for every page, frame and system message.
//!
//! Dutch is the default; a visible link switches to English (a `loket_lang` cookie).
//! Write in plain language (B1): short sentences, everyday words.
//!
//! # Where the texts live
//!
//! In [Fluent](https://projectfluent.org) files, one per area and language:
//! `locales/nl/<area>.ftl` and `locales/en/<area>.ftl`, where the area follows the key
//! prefixes: `common` (nav, demo, footer, form, role, status), `resident` (home, wait,
//! start, chat, door, message, transcript), `staff` (login, console, hours, links,
//! staffcall), `kiosk`, `call` (video, call, rtt), `errors` (error), `system` (sys) and
//! `statement`. The files are embedded in the binary with `include_str!` (the list is
//! `FILES` below) and parsed once, on first use, into one `fluent-bundle` bundle per
//! language. Bidi isolation marks are off: values are put in as they are, without
//! U+2068/U+2069 around them.
//!
//! # Keys
//!
//! Code uses keys with one dot, `area.name`, as it always did: `t.s("chat.send")` in
//! templates and Rust. Fluent ids cannot contain dots, so the dot becomes a dash in the
//! files: `chat.send` in code is `chat-send` in `.ftl`. Code keys never contain a dash and
//! Fluent ids have exactly one, so the mapping works both ways (a test checks the ids).
//!
//! # Adding a text
//!
//! 1. Add `area-name = Tekst` to the Dutch file and `area-name = Text` to the English
//!    file of that area (a new area is a new pair of files plus a line in `FILES`).
//! 2. Use it as `t.s("area.name")`, or with values as
//!    `t.f("area.name", &[("count", &n)])` for `{ $count }` in the text.
//!
//! The tests fail when a key used in `src/**/*.rs` or `templates/**` is missing in either
//! language, when a text is used nowhere, when a file does not parse, and when the two
//! languages differ in their message set or in the variables of a message.
//!
//! # Values and plurals
//!
//! Values given to [`T::f`] implement [`Arg`]: integers arrive in Fluent as numbers,
//! strings as strings. A number can choose the wording with a selector on its CLDR plural
//! category; Dutch and English have `one` (exactly 1) and `other`:
//!
//! ```text
//! wait-minutes =
//!     Verwachte wachttijd: ongeveer { $minutes ->
//!         [one] { $minutes } minuut
//!        *[other] { $minutes } minuten
//!     }.
//! ```
//!
//! [`T::s`] gives a text without values; a variable in it stays visible as `{name}`
//! (the default variant of a selector is taken). Browser scripts get such texts in
//! `data-` attributes and fill in `{name}` themselves.
//!
//! System messages are stored as `key|arg` ([`system_message`]) and rendered in the
//! reader's language with the argument as `$name` ([`render_system`]).
//!
//! Texts that come from the database in both languages (topic and queue names, FAQ) are
//! [`Localized`].

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Nl,
    En,
}

impl Lang {
    /// Both languages, in the order of the per-language arrays in this module.
    const ALL: [Lang; 2] = [Lang::Nl, Lang::En];

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

    /// Position in [`Lang::ALL`].
    fn index(self) -> usize {
        match self {
            Lang::Nl => 0,
            Lang::En => 1,
        }
    }

    /// The other language.
    fn other(self) -> Lang {
        match self {
            Lang::Nl => Lang::En,
            Lang::En => Lang::Nl,
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
        self.lang.other().code()
    }

    /// The text for `key`, with any variable left as `{name}`; `?` when unknown (a test
    /// prevents that).
    pub fn s(&self, key: &str) -> &'static str {
        match CATALOG.messages.get(key) {
            Some(message) => &message.plain[self.lang.index()],
            None => {
                tracing::warn!(key, "missing translation");
                "?"
            }
        }
    }

    /// The text for `key` with its `{ $name }` variables filled in from `args`. A variable
    /// not given stays visible as `{name}`, as in [`T::s`].
    pub fn f(&self, key: &str, args: &[(&str, &dyn Arg)]) -> String {
        let Some(message) = CATALOG.messages.get(key) else {
            tracing::warn!(key, "missing translation");
            return "?".to_string();
        };
        let mut fluent_args = placeholder_args(&message.vars);
        for (name, value) in args {
            fluent_args.set(*name, value.fluent_value());
        }
        CATALOG
            .format(self.lang, &message.id, Some(&fluent_args))
            .unwrap_or_else(|| message.plain[self.lang.index()].clone())
    }
}

/// A value for a `{ $name }` variable in [`T::f`]: integers become Fluent numbers (so a
/// plural selector can use them), text stays text.
pub trait Arg: Sync {
    /// The value as Fluent sees it.
    fn fluent_value(&self) -> FluentValue<'_>;
}

/// Largest integer an `f64` (Fluent's number type) holds exactly.
const EXACT_IN_F64: i128 = 1 << 53;

macro_rules! integer_arg {
    ($($t:ty)*) => {$(
        impl Arg for $t {
            fn fluent_value(&self) -> FluentValue<'_> {
                let n = *self as i128;
                if (-EXACT_IN_F64..=EXACT_IN_F64).contains(&n) {
                    FluentValue::from(*self)
                } else {
                    // Too large to be a count; shown exactly, as text.
                    FluentValue::from(self.to_string())
                }
            }
        }
    )*};
}

integer_arg!(u8 u16 u32 u64 usize i8 i16 i32 i64 isize);

impl Arg for str {
    fn fluent_value(&self) -> FluentValue<'_> {
        FluentValue::from(self)
    }
}

impl Arg for String {
    fn fluent_value(&self) -> FluentValue<'_> {
        FluentValue::from(self.as_str())
    }
}

impl Arg for Cow<'_, str> {
    fn fluent_value(&self) -> FluentValue<'_> {
        FluentValue::from(self.as_ref())
    }
}

impl<A: Arg + ?Sized> Arg for &A {
    fn fluent_value(&self) -> FluentValue<'_> {
        (**self).fluent_value()
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
    if !CATALOG.messages.contains_key(key) {
        return stored.to_string();
    }
    t.f(key, &[("name", &arg)])
}

/// A text kept in both languages, such as a topic or queue name or a FAQ entry from the
/// database (`name_nl`/`name_en`). Use `Option<Localized>` where the text may be absent
/// (a conversation without a topic).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Localized {
    pub nl: String,
    pub en: String,
}

impl Localized {
    /// Both texts.
    pub fn new(nl: impl Into<String>, en: impl Into<String>) -> Localized {
        Localized {
            nl: nl.into(),
            en: en.into(),
        }
    }

    /// From two optional columns: `None` when both are `None`, else a missing side is
    /// empty (and so falls back, see [`Localized::get`]).
    pub fn from_options(nl: Option<String>, en: Option<String>) -> Option<Localized> {
        if nl.is_none() && en.is_none() {
            return None;
        }
        Some(Localized::new(
            nl.unwrap_or_default(),
            en.unwrap_or_default(),
        ))
    }

    /// The text in `lang`; the other language's text when that one is empty, so a
    /// missing translation never shows as a blank.
    pub fn get(&self, lang: Lang) -> &str {
        let (wanted, other) = match lang {
            Lang::Nl => (&self.nl, &self.en),
            Lang::En => (&self.en, &self.nl),
        };
        if wanted.is_empty() { other } else { wanted }
    }
}

macro_rules! ftl_files {
    ($($area:literal),* $(,)?) => {
        &[$(
            (
                $area,
                [
                    include_str!(concat!("../locales/nl/", $area, ".ftl")),
                    include_str!(concat!("../locales/en/", $area, ".ftl")),
                ],
            ),
        )*]
    };
}

/// Every Fluent file, embedded: (area, [Dutch source, English source]).
const FILES: &[(&str, [&str; 2])] = ftl_files!(
    "common",
    "resident",
    "staff",
    "kiosk",
    "call",
    "errors",
    "system",
    "statement",
);

/// The Fluent id for a code key: `chat.send` → `chat-send`.
#[cfg(test)]
fn fluent_id(key: &str) -> String {
    key.replacen('.', "-", 1)
}

/// The code key for a Fluent id: `chat-send` → `chat.send`.
fn code_key(id: &str) -> String {
    id.replacen('-', ".", 1)
}

type Bundle = FluentBundle<FluentResource>;

/// All texts, loaded once.
static CATALOG: LazyLock<Catalog> = LazyLock::new(Catalog::load);

struct Catalog {
    /// One bundle per language, indexed by [`Lang::index`].
    bundles: [Bundle; 2],
    /// Every message by code key.
    messages: HashMap<String, Message>,
}

struct Message {
    /// The Fluent id.
    id: String,
    /// The variables the message uses, in either language.
    vars: BTreeSet<String>,
    /// The text per language with variables left as `{name}` (what [`T::s`] returns).
    plain: [String; 2],
}

impl Catalog {
    fn load() -> Catalog {
        let mut ids = BTreeSet::new();
        let bundles = Lang::ALL.map(|lang| {
            let locale = unic_langid::LanguageIdentifier::from_bytes(lang.code().as_bytes())
                .unwrap_or_default();
            let mut bundle = Bundle::new_concurrent(vec![locale]);
            bundle.set_use_isolating(false);
            for (area, sources) in FILES {
                let resource = parse(sources[lang.index()]).unwrap_or_else(|(resource, errors)| {
                    tracing::error!(area, lang = lang.code(), ?errors, "errors in a Fluent file");
                    resource
                });
                ids.extend(message_ids(&resource).map(str::to_string));
                if let Err(errors) = bundle.add_resource(resource) {
                    tracing::error!(area, lang = lang.code(), ?errors, "Fluent messages twice");
                }
            }
            bundle
        });
        let mut catalog = Catalog {
            bundles,
            messages: HashMap::new(),
        };
        for id in ids {
            let mut vars = BTreeSet::new();
            for bundle in &catalog.bundles {
                if let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) {
                    pattern_vars(pattern, &mut vars);
                }
            }
            let args = placeholder_args(&vars);
            let plain = Lang::ALL.map(|lang| {
                catalog
                    .format(lang, &id, Some(&args))
                    .unwrap_or_else(|| "?".to_string())
            });
            catalog
                .messages
                .insert(code_key(&id), Message { id, vars, plain });
        }
        catalog
    }

    /// Formats message `id` in `lang`, or in the other language when `lang` lacks it.
    fn format(&self, lang: Lang, id: &str, args: Option<&FluentArgs>) -> Option<String> {
        self.format_in(lang, id, args).or_else(|| {
            tracing::warn!(
                id,
                lang = lang.code(),
                "translation missing in one language"
            );
            self.format_in(lang.other(), id, args)
        })
    }

    fn format_in(&self, lang: Lang, id: &str, args: Option<&FluentArgs>) -> Option<String> {
        let bundle = &self.bundles[lang.index()];
        let pattern = bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned();
        if !errors.is_empty() {
            tracing::warn!(id, lang = lang.code(), ?errors, "errors formatting a text");
        }
        Some(text)
    }
}

/// Arguments that render each variable as the visible placeholder `{name}`.
fn placeholder_args(vars: &BTreeSet<String>) -> FluentArgs<'static> {
    let mut args = FluentArgs::with_capacity(vars.len());
    for var in vars {
        args.set(var.clone(), format!("{{{var}}}"));
    }
    args
}

/// Parses one Fluent file; on errors the part that parsed comes with them.
fn parse(
    source: &str,
) -> Result<FluentResource, (FluentResource, Vec<fluent_syntax::parser::ParserError>)> {
    FluentResource::try_new(source.to_string())
}

/// The ids of the messages (not terms) in a resource.
fn message_ids(resource: &FluentResource) -> impl Iterator<Item = &str> {
    resource.entries().filter_map(|entry| match entry {
        ast::Entry::Message(message) => Some(message.id.name),
        _ => None,
    })
}

/// Adds the names of the variables `pattern` uses to `out`.
fn pattern_vars(pattern: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_vars(expression, out);
        }
    }
}

fn expression_vars(expression: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, out);
            for variant in variants {
                pattern_vars(&variant.value, out);
            }
        }
        ast::Expression::Inline(inline) => inline_vars(inline, out),
    }
}

fn inline_vars(inline: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for argument in &arguments.positional {
                inline_vars(argument, out);
            }
            for argument in &arguments.named {
                inline_vars(&argument.value, out);
            }
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
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
        "html", "js", "css", "rs", "ftl", "toml", "json", "txt", "svg", "png", "ico", "sql", "md",
        "db",
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
            is_ident(prefix)
                && is_ident(name)
                && prefix.starts_with(|c: char| c.is_ascii_lowercase())
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
                    out.insert(message.id.name.to_string(), vars);
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
}
