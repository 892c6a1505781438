//! E-mail out: one plain-text message through the organisation's SMTP relay (`[mail]` in
//! `loket.toml`, see [`MailSettings`]), with the `lettre` crate.
//!
//! Loket sends e-mail only for answers to left messages (see [`crate::hub`]'s inbox
//! intents). It never queues mail of its own: the caller keeps the answer in the store
//! *before* it calls [`send`], and records the outcome after, so a relay that is down or
//! refuses the message leaves a kept answer marked as failed, never a lost one. Every
//! send has a time limit (`timeout_secs`), so a relay that hangs cannot hold a page.

use crate::config::{MailSettings, MailTls};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

/// One e-mail to send.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    /// The resident's address.
    pub to: &'a str,
    pub subject: &'a str,
    /// Plain text.
    pub body: &'a str,
}

/// Why a send failed; the text is shown to staff with the kept answer.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the address {0:?} cannot be used")]
    Address(String),
    #[error("the e-mail could not be built: {0}")]
    Build(String),
    #[error("the mail server refused or could not be reached: {0}")]
    Relay(String),
    #[error("the mail server did not answer within {0} seconds")]
    Timeout(u64),
}

/// Sends `mail` through the relay; returns once the relay accepted it.
pub async fn send(settings: &MailSettings, mail: &Outgoing<'_>) -> Result<(), MailError> {
    let from: Mailbox = settings
        .from
        .parse()
        .map_err(|_| MailError::Address(settings.from.clone()))?;
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|_| MailError::Address(mail.to.to_string()))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.to_string())
        .map_err(|e| MailError::Build(e.to_string()))?;
    let transport = transport(settings)?;
    let limit = Duration::from_secs(settings.timeout_secs.max(1));
    match tokio::time::timeout(limit, transport.send(message)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(MailError::Relay(e.to_string())),
        Err(_) => Err(MailError::Timeout(settings.timeout_secs)),
    }
}

fn transport(settings: &MailSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
    let tls = |host: &str| {
        TlsParameters::new(host.to_string()).map_err(|e| MailError::Relay(e.to_string()))
    };
    let tls = match settings.tls {
        MailTls::None => Tls::None,
        MailTls::Starttls => Tls::Required(tls(&settings.host)?),
        MailTls::Tls => Tls::Wrapper(tls(&settings.host)?),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
        .port(settings.port)
        .tls(tls)
        .timeout(Some(Duration::from_secs(settings.timeout_secs.max(1))));
    if let (Some(user), Some(password)) = (&settings.user, &settings.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(builder.build())
}

/// `text` with every word that looks like an e-mail address replaced by `<adres>`: relay
/// answers ("550 <els@example.org>: unknown user") go to the log without the resident's
/// address.
pub fn without_addresses(text: &str) -> String {
    text.split(' ')
        .map(|word| if word.contains('@') { "<adres>" } else { word })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod address_tests {
    #[test]
    fn addresses_are_left_out_of_relay_answers() {
        assert_eq!(
            super::without_addresses("550 5.1.1 <els@example.org>: Recipient address rejected"),
            "550 5.1.1 <adres> Recipient address rejected"
        );
        assert_eq!(super::without_addresses("timed out"), "timed out");
    }
}
