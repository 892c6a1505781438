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
                    include_str!(concat!("../../locales/nl/", $area, ".ftl")),
                    include_str!(concat!("../../locales/en/", $area, ".ftl")),
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
    "privacy",
    "report",
    "survey",
    "board",
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
mod tests;
