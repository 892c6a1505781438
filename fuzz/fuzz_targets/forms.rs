//! The form fields with a grammar of their own: opening hours, dated exceptions, e-mail
//! and telephone numbers. Never a panic; what is accepted obeys the rules.
#![no_main]

use libfuzzer_sys::fuzz_target;
use loket::i18n::{Lang, T};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = loket::schedule::parse_day(&text);
    let _ = loket::web::staff::opening_hours::parse_exceptions(T::new(Lang::Nl), &text);
    if loket::web::form::valid_email(&text) {
        assert!(text.contains('@') && !text.contains(' ') && text.len() <= 254);
    }
    if let Some(phone) = loket::web::form::normal_phone(&text) {
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        assert!((8..=15).contains(&digits), "{phone}");
    }
    if let Ok(body) = loket::protocol::clean_message(&text, 2000) {
        assert!(!body.trim().is_empty());
        assert!(body.chars().count() <= 2000);
    }
});
