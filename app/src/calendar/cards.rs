//! The appointment cards of a day on the week page, written as one string of HTML. A week of
//! a busy practice has 200 of them; rendered element by element (each element's attributes and
//! children boxed, as the erased components do) they took some 110 allocations a card, half of
//! the page's allocations. Here a card is a few `push_str`s, and every text goes through
//! [`crate::markup::escape_into`]. The markup is the same as a `view!` of it would give: plain
//! HTML with nothing to hydrate (the week page has no island around its days).

use super::types::{AppointmentList, AppointmentRow};
use crate::consent::types::ConsentStatus;
use crate::i18n::I18n;
use crate::markup::escape_into;
use std::sync::Arc;

/// The day's cards as [`cards`] writes them, written once per list and language on the server:
/// a kept week's lists are shared by every page that shows it (the first language asked for is
/// kept; another is written each time).
pub fn day_html(list: &AppointmentList, t: I18n) -> Arc<str> {
    #[cfg(feature = "ssr")]
    {
        if let Some((locale, html)) = list.html.get() {
            if *locale == t.locale {
                return html.clone();
            }
        }
        let html: Arc<str> = cards(&list.rows, t).into();
        // Two pages writing the same new list at once: one of the equal strings is kept.
        let _ = list.html.set((t.locale, html.clone()));
        html
    }
    #[cfg(not(feature = "ssr"))]
    cards(&list.rows, t).into()
}

/// The `<li>` of each appointment, for `<ul class="appointments">`.
pub fn cards(appointments: &[AppointmentRow], t: I18n) -> String {
    let cancelled = t.t("calendar-cancelled");
    // The four badge texts, each looked up once for the day.
    let mut badges: Vec<(ConsentStatus, String)> = Vec::with_capacity(4);
    let mut out = String::with_capacity(appointments.len() * 480);
    for a in appointments {
        out.push_str(if a.cancelled {
            "<li class=\"cancelled\"><a href=\""
        } else {
            "<li><a href=\""
        });
        escape_into(&mut out, &crate::paths::appointment(&a.id));
        out.push_str("\"><span class=\"appointment-time\">");
        escape_into(&mut out, &a.time);
        out.push_str("</span> <span class=\"appointment-patient\">");
        escape_into(&mut out, &a.patient_name);
        out.push_str("</span>");
        if a.guests > 0 && !a.cancelled {
            let count = a.guests.to_string();
            out.push_str(" <span class=\"appointment-guests\">");
            escape_into(
                &mut out,
                &t.t_with("calendar-guests-count", &[("count", &count)]),
            );
            out.push_str("</span>");
        }
        // The dot stays with the line before it, never alone at a line's start.
        out.push_str("</a><span class=\"hint\">\u{a0}· ");
        escape_into(&mut out, &a.doctor_name);
        out.push_str("</span>");
        if a.cancelled {
            out.push_str("<span class=\"badge\">");
            escape_into(&mut out, &cancelled);
        } else {
            let label = match badges.iter().find(|(s, _)| *s == a.consent) {
                Some((_, label)) => label,
                None => {
                    let label = crate::consent::components::badge_label(t, a.consent);
                    badges.push((a.consent, label));
                    &badges[badges.len() - 1].1
                }
            };
            out.push_str(" <span class=\"");
            out.push_str(a.consent.css());
            out.push_str("\">");
            escape_into(&mut out, label);
        }
        out.push_str("</span></li>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    fn row(name: &str) -> AppointmentRow {
        AppointmentRow {
            id: "0193".into(),
            time: "10:00–10:50".into(),
            patient_name: name.into(),
            doctor_name: "Dr. med. Anna Beispiel".into(),
            cancelled: false,
            consent: ConsentStatus::Missing,
            guests: 0,
        }
    }

    fn german() -> I18n {
        I18n {
            locale: Locale::default(),
        }
    }

    #[test]
    fn a_card_links_the_appointment_and_shows_time_patient_doctor_and_consent() {
        assert_eq!(
            cards(&[row("Erika Mustermann")], german()),
            "<li><a href=\"/praxis/termin/0193\"><span class=\"appointment-time\">10:00–10:50</span> \
             <span class=\"appointment-patient\">Erika Mustermann</span></a>\
             <span class=\"hint\">\u{a0}· Dr. med. Anna Beispiel</span> \
             <span class=\"consent-badge consent-badge--missing\">Einwilligung: fehlt</span></li>"
        );
    }

    #[test]
    fn a_shared_list_is_written_once_per_language() {
        let list = AppointmentList::new(vec![row("Erika Mustermann"), row("Max Muster")]);
        let first = day_html(&list, german());
        assert_eq!(&*first, cards(&list.rows, german()));
        let again = day_html(&list, german());
        assert!(Arc::ptr_eq(&first, &again), "written again");
        let english = I18n { locale: Locale::En };
        assert_eq!(&*day_html(&list, english), cards(&list.rows, english));
        assert!(Arc::ptr_eq(&first, &day_html(&list, german())));
    }

    #[test]
    fn names_are_text_never_markup() {
        let mut a = row("<img src=x onerror=alert(1)> \"Ö\" & 'co'");
        a.doctor_name = "</span><script>".into();
        let html = cards(&[a], german());
        assert!(
            !html.contains("<img") && !html.contains("<script"),
            "{html}"
        );
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt; &quot;Ö&quot; &amp; &#39;co&#39;")
        );
        assert!(html.contains("&lt;/span&gt;&lt;script&gt;"));
    }

    #[test]
    fn a_cancelled_card_says_so_and_shows_no_consent_or_guests() {
        let mut a = row("Erika Mustermann");
        a.cancelled = true;
        a.guests = 2;
        let html = cards(&[a], german());
        assert!(html.starts_with("<li class=\"cancelled\">"), "{html}");
        assert!(
            html.contains("<span class=\"badge\">abgesagt</span>"),
            "{html}"
        );
        assert!(
            !html.contains("consent-badge") && !html.contains("appointment-guests"),
            "{html}"
        );
    }

    #[test]
    fn further_persons_are_counted_and_each_status_has_its_badge() {
        let mut a = row("Erika Mustermann");
        a.guests = 2;
        a.consent = ConsentStatus::Confirmed;
        let mut b = row("Max Muster");
        b.consent = ConsentStatus::ToCheck;
        let html = cards(&[a, b.clone(), b], german());
        assert!(
            html.contains("<span class=\"appointment-guests\">"),
            "{html}"
        );
        assert!(html.contains("+ 2"), "{html}");
        assert_eq!(html.matches("consent-badge--ok").count(), 1, "{html}");
        assert_eq!(html.matches("consent-badge--check").count(), 2, "{html}");
        assert_eq!(html.matches("<li>").count(), 3);
    }
}
