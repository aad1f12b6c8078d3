//! The public practice page: an enabled page found by its short name (or, switched off, shown
//! to the practice's own members as a preview), and its settings (owner only).

use super::short_name::ShortName;
use super::types::{PageSettings, PublicPractice};
use crate::entities::{practice, practice_user, retired_short_name};
use crate::forms::{Checker, FormError};
use crate::markup::escape;
use crate::practice::auth::{display_name, CurrentUser};
use crate::state::AppState;
use chrono::{DateTime, Utc};
use sea_orm::{sea_query::Expr, ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, SqlErr};
use std::collections::BTreeMap;

use super::MAX_INTRO_CHARS;
const FORM: &str = "public-page";

/// The introduction as typed, tidied: `None` when blank, `Err` with the message key when too
/// long or holding control characters.
pub fn check_intro(text: &str) -> Result<Option<String>, &'static str> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.trim();
    if text.chars().count() > MAX_INTRO_CHARS {
        return Err("public-intro-too-long");
    }
    if text
        .chars()
        // Control characters, invisible and direction-changing ones (as in every other field).
        .any(|c| c != '\n' && c != '\t' && crate::fields::is_disallowed_char(c))
    {
        return Err("public-intro-invalid");
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// Paragraphs of the introduction: separated by blank lines; single line breaks join.
pub fn intro_paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Names given up before this moment are free again.
pub fn retired_since(now: DateTime<Utc>) -> DateTime<Utc> {
    now - chrono::Duration::days(crate::policy::RETIRED_SHORT_NAME_DAYS)
}

/// The page's address.
pub fn address(state: &AppState, short_name: &str) -> String {
    format!(
        "{}/praxen/{short_name}",
        state.settings.application.base_url.trim_end_matches('/')
    )
}

/// A link button for the practice's own website: plain HTML with inline style, no script,
/// no image, nothing loaded from us until a patient clicks.
pub fn snippet(address: &str, practice_name: &str) -> String {
    format!(
        "<a href=\"{}\" style=\"display:inline-block;padding:0.6em 1.2em;border-radius:0.4em;\
         background:#0b57a4;color:#ffffff;font:600 1rem/1.4 sans-serif;text-decoration:none\">\
         Videosprechstunde – {}</a>",
        escape(address),
        escape(practice_name)
    )
}

/// The page as patients see it.
async fn public_view(state: &AppState, p: &practice::Model) -> Result<PublicPractice, DbErr> {
    let doctors = practice_user::Entity::find()
        .filter(practice_user::Column::PracticeId.eq(p.id))
        .filter(practice_user::Column::EmailVerifiedAt.is_not_null())
        .order_by_asc(practice_user::Column::LastName)
        .order_by_asc(practice_user::Column::FirstName)
        .all(&state.db)
        .await?
        .into_iter()
        .filter(|u| u.role.holds_calls())
        .map(|u| {
            let name = display_name(&u);
            if u.specialty.trim().is_empty() {
                name
            } else {
                format!("{name}, {}", u.specialty.trim())
            }
        })
        .collect();
    Ok(PublicPractice {
        short_name: p.short_name.clone().unwrap_or_default(),
        name: p.name.clone(),
        street: p.street.clone(),
        place: format!("{} {}", p.postcode, p.city),
        phone: p.phone.clone(),
        doctors,
        intro: p
            .public_intro
            .as_deref()
            .map(intro_paragraphs)
            .unwrap_or_default(),
        code_opens_minutes_before: state.settings.appointments.code_opens_minutes_before,
        preview: !p.public_page_enabled,
    })
}

/// The practice with this short name if its page may be shown to `viewer`: to everybody when
/// switched on, to its own members (as a preview) when switched off.
pub async fn find(
    state: &AppState,
    short_name: &str,
    viewer: Option<&CurrentUser>,
) -> Result<Option<(practice::Model, PublicPractice)>, DbErr> {
    let Ok(name) = ShortName::parse(short_name) else {
        return Ok(None);
    };
    // Only the exact address: a typed variant ("Praxis-am-Markt") is not the page.
    if name.as_str() != short_name {
        return Ok(None);
    }
    let Some(p) = practice::Entity::find()
        .filter(practice::Column::ShortName.eq(name.as_str()))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    if !p.public_page_enabled && viewer.is_none_or(|me| me.practice.id != p.id) {
        return Ok(None);
    }
    let view = public_view(state, &p).await?;
    Ok(Some((p, view)))
}

/// The settings page's data.
pub async fn settings(state: &AppState, me: &CurrentUser) -> Result<PageSettings, DbErr> {
    let p = &me.practice;
    let saved = p.short_name.clone();
    let address = saved.as_deref().map(|s| address(state, s));
    Ok(PageSettings {
        short_name: saved
            .clone()
            .or_else(|| ShortName::suggest(&p.name).map(|n| n.to_string()))
            .unwrap_or_default(),
        has_short_name: saved.is_some(),
        enabled: p.public_page_enabled,
        intro: p.public_intro.clone().unwrap_or_default(),
        guide_in_invitation: p.guide_in_invitation,
        snippet: address.as_deref().map(|a| snippet(a, &p.name)),
        address,
        preview: match saved {
            Some(_) => Some(public_view(state, p).await?),
            None => None,
        },
        may_edit: me.role.manages_practice(),
    })
}

/// The settings form as typed.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PageSettingsInput {
    pub short_name: String,
    /// `on` when ticked.
    pub enabled: String,
    pub intro: String,
    pub guide_in_invitation: String,
}

impl PageSettingsInput {
    fn echo(&self) -> BTreeMap<String, String> {
        [
            ("short_name", &self.short_name),
            ("enabled", &self.enabled),
            ("intro", &self.intro),
            ("guide_in_invitation", &self.guide_in_invitation),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect()
    }
}

/// Saves the settings (owner only). The page can only be switched on with a short name; the
/// short name must be free.
pub async fn save(
    state: &AppState,
    me: &CurrentUser,
    input: &PageSettingsInput,
) -> Result<(), FormError> {
    if !me.role.manages_practice() {
        return Err(crate::error::AppError::Forbidden.into());
    }
    let enabled = input.enabled == "on";
    let mut c = Checker::new(FORM, input.echo());
    let short_name = if input.short_name.trim().is_empty() && !enabled {
        None
    } else {
        match ShortName::parse(&input.short_name) {
            Ok(name) => Some(name),
            Err(e) => {
                c.key("short_name", e.message_key());
                None
            }
        }
    };
    let intro = match check_intro(&input.intro) {
        Ok(intro) => intro,
        Err(key) => {
            // The message names the limit.
            c.feedback.add(
                "intro",
                key,
                vec![("max".into(), MAX_INTRO_CHARS.to_string())],
            );
            None
        }
    };
    let now = state.clock.now();
    if let Some(name) = &short_name {
        let taken = practice::Entity::find()
            .filter(practice::Column::ShortName.eq(name.as_str()))
            .filter(practice::Column::Id.ne(me.practice.id))
            .one(&state.db)
            .await?
            .is_some();
        let retired = retired_short_name::Entity::find_by_id(name.as_str())
            .filter(retired_short_name::Column::PracticeId.ne(me.practice.id))
            .filter(retired_short_name::Column::RetiredAt.gt(retired_since(now)))
            .one(&state.db)
            .await?
            .is_some();
        if taken {
            c.key("short_name", "short-name-taken");
        } else if retired {
            c.key("short_name", "short-name-retired");
        }
    }
    c.finish()?;
    let new_name = short_name.as_ref().map(ToString::to_string);
    let txn = crate::transaction::begin_write(&state.db).await?;
    // The old name is kept from others for a while; taking one's own back releases it.
    if let Some(old) = me.practice.short_name.as_deref() {
        if new_name.as_deref() != Some(old) {
            retired_short_name::retire(&txn, old, me.practice.id, now).await?;
        }
    }
    if let Some(name) = &new_name {
        retired_short_name::Entity::delete_by_id(name.as_str())
            .exec(&txn)
            .await?;
    }
    let updated = practice::Entity::update_many()
        .col_expr(practice::Column::ShortName, Expr::value(new_name))
        .col_expr(practice::Column::PublicPageEnabled, Expr::value(enabled))
        .col_expr(practice::Column::PublicIntro, Expr::value(intro))
        .col_expr(
            practice::Column::GuideInInvitation,
            Expr::value(input.guide_in_invitation == "on"),
        )
        .col_expr(practice::Column::UpdatedAt, Expr::value(now))
        .filter(practice::Column::Id.eq(me.practice.id))
        .exec(&txn)
        .await;
    match updated {
        Ok(_) => {
            txn.commit().await?;
            tracing::info!(practice_id = %me.practice.id, enabled, "public page settings saved");
            Ok(())
        }
        // Two practices chose the same name at the same moment: the index decides.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            let mut c = Checker::new(FORM, input.echo());
            c.key("short_name", "short-name-taken");
            c.finish()
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intro_is_tidied_and_limited() {
        assert_eq!(check_intro("  \r\n "), Ok(None));
        assert_eq!(
            check_intro(" Willkommen!\r\n\r\nZweiter Absatz. ")
                .unwrap()
                .as_deref(),
            Some("Willkommen!\n\nZweiter Absatz.")
        );
        assert_eq!(
            check_intro(&"ä".repeat(MAX_INTRO_CHARS)).map(|t| t.is_some()),
            Ok(true)
        );
        assert_eq!(
            check_intro(&"ä".repeat(MAX_INTRO_CHARS + 1)),
            Err("public-intro-too-long")
        );
        assert_eq!(check_intro("a\u{0}b"), Err("public-intro-invalid"));
        assert_eq!(
            check_intro("Name \u{202E}gnp.exe"),
            Err("public-intro-invalid")
        );
        assert_eq!(check_intro("Zeile\n\tZeile").map(|t| t.is_some()), Ok(true));
    }

    #[test]
    fn paragraphs_are_split_at_blank_lines() {
        assert_eq!(
            intro_paragraphs("Erste Zeile\nzweite Zeile\n\n\n<script>x</script>\n\n  \n"),
            vec!["Erste Zeile zweite Zeile", "<script>x</script>"]
        );
    }

    #[test]
    fn the_snippet_is_a_plain_link_with_escaped_text() {
        let html = snippet("https://video.example.de/praxen/a-b", "Dr. A & B <Praxis>");
        assert!(html.starts_with("<a href=\"https://video.example.de/praxen/a-b\""));
        assert!(html.contains("Videosprechstunde – Dr. A &amp; B &lt;Praxis&gt;</a>"));
        assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("onclick"));
    }
}
