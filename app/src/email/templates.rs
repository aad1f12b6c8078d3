//! The e-mails the application sends, in German, as plain text plus simple HTML (no images,
//! no tracking, no external resources). Texts live in `locales/*/email.ftl`.

use super::outbox::NewEmail;
use crate::i18n::{I18n, Locale};
use uuid::Uuid;

/// One e-mail's content before rendering.
pub(crate) struct Letter {
    subject: String,
    blocks: Vec<Block>,
}

enum Block {
    Paragraph(String),
    /// A button-like link; in plain text the label followed by the address.
    Link {
        label: String,
        url: String,
    },
    /// A code to type (the patient's access code): in HTML large, monospaced and boxed, so it
    /// cannot be mistaken for body text; in plain text on a line of its own.
    Code(String),
}

/// Who gets an e-mail and in which practice's name it is sent.
pub struct Recipient<'a> {
    pub email: &'a str,
    /// Salutation, e.g. "Dr. Anna Beispiel".
    pub name: &'a str,
    pub practice_id: Option<Uuid>,
    pub practice_name: &'a str,
}

/// A German e-mail text by its Fluent key.
pub(crate) fn t(key: &str, args: &[(&str, &str)]) -> String {
    I18n { locale: Locale::De }.t_with(key, args)
}

impl Letter {
    pub(crate) fn new(kind: &str, to: &Recipient<'_>, extra: &[(&str, &str)]) -> Self {
        let mut args = vec![("name", to.name), ("practice", to.practice_name)];
        args.extend_from_slice(extra);
        Self {
            subject: t(&format!("email-{kind}-subject"), &args),
            blocks: vec![Block::Paragraph(t("email-greeting", &args))],
        }
        .paragraphs(&t(&format!("email-{kind}-body"), &args))
    }

    pub(crate) fn paragraphs(mut self, text: &str) -> Self {
        for p in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            self.blocks.push(Block::Paragraph(p.to_owned()));
        }
        self
    }

    pub(crate) fn code(mut self, code: String) -> Self {
        self.blocks.push(Block::Code(code));
        self
    }

    pub(crate) fn link(mut self, label: String, url: &str) -> Self {
        self.blocks.push(Block::Link {
            label,
            url: url.to_owned(),
        });
        self
    }

    pub(crate) fn into_email(self, to: &Recipient<'_>) -> NewEmail {
        let footer = t("email-footer", &[("practice", to.practice_name)]);
        let mut text = String::new();
        let mut html = String::from(
            "<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\
             <body style=\"font-family:sans-serif;line-height:1.5;color:#1b1f24\">",
        );
        for block in &self.blocks {
            match block {
                Block::Paragraph(p) => {
                    text.push_str(p);
                    html.push_str(&format!("<p>{}</p>", escape(p).replace('\n', "<br>")));
                }
                Block::Code(code) => {
                    text.push_str(&format!("    {code}"));
                    html.push_str(&format!(
                        "<p class=\"code\" style=\"display:inline-block;margin:0.25em 0;\
                         padding:0.4em 0.8em;border:2px solid #0b57a4;border-radius:6px;\
                         background:#f2f7fc;font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;\
                         font-size:1.6em;font-weight:bold;letter-spacing:0.12em;\
                         white-space:nowrap\">{}</p>",
                        escape(code)
                    ));
                }
                Block::Link { label, url } => {
                    text.push_str(&format!("{label}:\n{url}"));
                    html.push_str(&format!(
                        "<p><a href=\"{u}\" style=\"color:#0b57a4\">{l}</a></p>\
                         <p style=\"font-size:0.9em;color:#4a5563\">{u}</p>",
                        u = escape(url),
                        l = escape(label)
                    ));
                }
            }
            text.push_str("\n\n");
        }
        text.push_str("-- \n");
        text.push_str(&footer);
        text.push('\n');
        html.push_str(&format!(
            "<hr><p style=\"font-size:0.9em;color:#4a5563\">{}</p></body></html>",
            escape(&footer).replace('\n', "<br>")
        ));
        NewEmail {
            practice_id: to.practice_id,
            to: to.email.to_owned(),
            subject: self.subject,
            text,
            html,
            attachment: None,
        }
    }
}

/// HTML-escapes text for element content and attribute values.
pub use crate::markup::escape;

/// "Please confirm your address" after registration or on "Link erneut senden".
pub fn verify_email(to: &Recipient<'_>, link: &str) -> NewEmail {
    Letter::new("verify", to, &[])
        .link(t("email-verify-link", &[]), link)
        .paragraphs(&t("email-verify-ignore", &[]))
        .into_email(to)
}

/// Someone tried to register again with an address that has an account.
pub fn already_registered(to: &Recipient<'_>, login: &str) -> NewEmail {
    Letter::new("already", to, &[])
        .link(t("email-already-link", &[]), login)
        .into_email(to)
}

/// A link to choose a new password.
pub fn password_reset(to: &Recipient<'_>, link: &str) -> NewEmail {
    Letter::new("reset", to, &[])
        .link(t("email-reset-link", &[]), link)
        .paragraphs(&t("email-reset-ignore", &[]))
        .into_email(to)
}

/// An invitation to join a practice's team.
/// `role_key` is the Fluent key of the role's name (`Role::label_key`).
pub fn invitation(to: &Recipient<'_>, inviter: &str, role_key: &str, link: &str) -> NewEmail {
    let role = t(role_key, &[]);
    Letter::new("invite", to, &[("inviter", inviter), ("role", &role)])
        .link(t("email-invite-link", &[]), link)
        .into_email(to)
}

/// A security notice ("password changed", "second factor switched on/off").
pub fn security_notice(to: &Recipient<'_>, kind: &str) -> NewEmail {
    Letter::new(&format!("notice-{kind}"), to, &[])
        .paragraphs(&t("email-notice-contact", &[]))
        .into_email(to)
}

/// About the contract (`kind`: cancelled, revoked, reminder-month, reminder-week, deleted),
/// naming the contract's last day.
pub fn contract(to: &Recipient<'_>, kind: &str, last_day: &str) -> NewEmail {
    Letter::new(&format!("contract-{kind}"), to, &[("date", last_day)]).into_email(to)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn anna() -> Recipient<'static> {
        Recipient {
            email: "anna@example.de",
            name: "Dr. Anna <Beispiel>",
            practice_id: None,
            practice_name: "Praxis am Markt & Co",
        }
    }

    #[test]
    fn verification_mail_names_the_practice_and_carries_the_link_in_both_parts() {
        let link = "https://video.example.de/registrieren/bestaetigen?token=abc";
        let mail = verify_email(&anna(), link);
        assert!(mail.subject.contains("E-Mail-Adresse"), "{}", mail.subject);
        assert!(mail.text.contains(link));
        assert!(mail.text.contains("Praxis am Markt & Co"));
        assert!(mail.html.contains(&format!("href=\"{link}\"")));
        assert!(mail.html.contains("Praxis am Markt &amp; Co"));
        assert!(
            mail.html.contains("Dr. Anna &lt;Beispiel&gt;"),
            "names are escaped"
        );
        assert!(!mail.html.contains("<img"), "no images, no tracking pixels");
    }

    #[test]
    fn invitation_names_the_role_in_german_and_who_invites() {
        let mail = invitation(
            &anna(),
            "Dr. Berg",
            "role-doctor",
            "https://x/einladung?token=t",
        );
        assert!(mail.text.contains("„Arzt/Therapeut“"), "{}", mail.text);
        assert!(mail.text.contains("Dr. Berg"), "{}", mail.text);
        assert!(
            mail.text.contains("https://x/einladung?token=t"),
            "{}",
            mail.text
        );
    }

    /// Fails on a message key shown as text and on Fluent's error output: a variable without
    /// a value shows as `{$name}`, a missing message reference as `{name}`.
    pub(crate) fn assert_fully_rendered(mail: &NewEmail) {
        for part in [&mail.subject, &mail.text, &mail.html] {
            assert!(!part.contains("email-"), "unresolved key in {part}");
            for marker in ["{$", "{ $", "{", "}"] {
                assert!(
                    !part.contains(marker),
                    "Fluent error marker {marker} in {part}"
                );
            }
        }
        assert!(
            mail.html.contains(
                r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#
            ),
            "the HTML part fits a phone's screen"
        );
    }

    #[test]
    fn every_template_renders_without_missing_messages() {
        let mut mails = vec![
            verify_email(&anna(), "https://x/a"),
            password_reset(&anna(), "https://x/b"),
            security_notice(&anna(), "password"),
            already_registered(&anna(), "https://x/anmelden"),
            security_notice(&anna(), "totp-on"),
            security_notice(&anna(), "totp-off"),
        ];
        for role in ["role-team", "role-doctor", "role-owner"] {
            mails.push(invitation(&anna(), "Dr. Berg", role, "https://x/c"));
        }
        for kind in [
            "cancelled",
            "revoked",
            "reminder-month",
            "reminder-week",
            "deleted",
        ] {
            let mail = contract(&anna(), kind, "31.03.2027");
            assert!(
                mail.text.contains("31.03.2027") || kind == "revoked",
                "{kind}"
            );
            mails.push(mail);
        }
        for mail in &mails {
            assert_fully_rendered(mail);
        }
    }
}
