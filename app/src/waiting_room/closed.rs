//! A page that connects again after its pass stopped opening the room (its socket was away
//! while the consultation ended, the practice removed the person, a new code came, the
//! appointment was cancelled or the pass ran out) is told why, so it shows the end instead of
//! reconnecting for ever.

use crate::appointment::lifecycle;
use crate::appointment::pass::{self, PatientPass};
use crate::entities::{appointment, appointment_guest};
use crate::signalling::types::{PatientPhase, PatientView};
use crate::state::AppState;
use chrono::{DateTime, Utc};
use sea_orm::{DbErr, EntityTrait};

/// What the page of a pass that no longer opens the room is told when it connects again:
/// why (see [`why_closed`]), then its socket closes for good.
pub async fn closed_view(state: &AppState, pass: &PatientPass) -> Result<PatientView, DbErr> {
    let row = appointment::Entity::find_by_id(pass.appointment_id)
        .one(&state.db)
        .await?;
    let guest = match pass.guest_id {
        Some(id) => {
            appointment_guest::Entity::find_by_id(id)
                .one(&state.db)
                .await?
        }
        None => None,
    };
    // The reason only: nothing of the appointment as it is now (its time may have moved).
    Ok(PatientView {
        phase: why_closed(pass, row.as_ref(), guest.as_ref(), state.clock.now()),
        appointment_time: String::new(),
        note: None,
    })
}

/// Why `pass` no longer opens the room, for a pass that [`pass::opens`] or [`pass::guest_opens`] refused:
/// what its page is told when it connects again after it missed the news (its socket was away
/// — a server restart, a phone between two networks — while the consultation ended, the
/// practice removed the person, a new code came or the appointment was cancelled), so it shows
/// the end instead of trying to connect again and again.
pub fn why_closed(
    pass: &PatientPass,
    appointment: Option<&appointment::Model>,
    guest: Option<&appointment_guest::Model>,
    now: DateTime<Utc>,
) -> PatientPhase {
    let Some(row) = appointment.filter(|a| a.id == pass.appointment_id) else {
        return PatientPhase::Closed;
    };
    let (code_hash, removed, valid_after) = match (pass.guest_id, guest) {
        (None, _) => (&row.code_hash, row.removed_at, row.entry_valid_after),
        (Some(id), Some(g))
            if g.id == id && g.appointment_id == row.id && g.uninvited_at.is_none() =>
        {
            (&g.code_hash, g.removed_at, g.entry_valid_after)
        }
        (Some(_), _) => return PatientPhase::Closed,
    };
    // A replaced code or a cancellation first: the holder of an old code (an invitation
    // that went to a wrong address, then was sent again) learns nothing of what followed.
    // A removal before the end (a consultation finished with the guests only) stays a removal.
    if lifecycle::is_cancelled(row)
        || pass.code_tag.is_empty()
        || pass.code_tag != pass::code_tag(code_hash)
    {
        PatientPhase::Closed
    } else if removed.is_some() {
        PatientPhase::Removed
    } else if row.finished_at.is_some() {
        PatientPhase::Finished
    } else if valid_after.is_some_and(|after| pass.entered_at <= after) {
        PatientPhase::Left
    } else if now >= pass.expires_at {
        PatientPhase::Expired
    } else {
        PatientPhase::Closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appointment::pass::{code_tag, guest_opens, opens, VALID_AFTER_END};
    use chrono::Duration;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn at(minutes: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap() + Duration::minutes(minutes)
    }

    fn appointment() -> appointment::Model {
        appointment::Model {
            id: Uuid::from_u128(1),
            practice_id: Uuid::nil(),
            doctor_id: Uuid::nil(),
            patient_name: "Erika Mustermann".into(),
            patient_email: "erika@example.org".into(),
            starts_at: at(0),
            ends_at: at(50),
            duration_minutes: 50,
            note: None,
            code_hash: "hash-of-the-first-code".into(),
            code_hash_version: 1,
            status: lifecycle::AppointmentStatus::Scheduled,
            sequence: 0,
            reminder_sent_at: None,
            entered_name: None,
            arrived_at: Some(at(-5)),
            admitted_at: Some(at(1)),
            finished_at: None,
            doctor_note: None,
            entry_valid_after: None,
            call_started_at: Some(at(1)),
            removed_at: None,
            created_at: at(-600),
            updated_at: at(-600),
        }
    }

    fn guest() -> appointment_guest::Model {
        appointment_guest::Model {
            id: Uuid::from_u128(2),
            appointment_id: Uuid::from_u128(1),
            practice_id: Uuid::nil(),
            name: "Dana Dolmetscherin".into(),
            email: "dana@example.org".into(),
            role: crate::appointment::guest_role::GuestRole::Interpreter,
            code_hash: "hash-of-danas-code".into(),
            code_hash_version: 1,
            sequence: 0,
            uninvited_at: None,
            entered_name: None,
            arrived_at: Some(at(-5)),
            admitted_at: None,
            removed_at: None,
            entry_valid_after: None,
            doctor_note: None,
            created_at: at(-600),
            updated_at: at(-600),
        }
    }

    fn pass_for(row: &appointment::Model, guest: Option<&appointment_guest::Model>) -> PatientPass {
        PatientPass {
            appointment_id: row.id,
            practice_id: row.practice_id,
            entered_at: at(-5),
            expires_at: row.ends_at + VALID_AFTER_END,
            code_tag: code_tag(guest.map_or(&row.code_hash, |g| &g.code_hash)),
            id: Uuid::from_u128(3),
            guest_id: guest.map(|g| g.id),
        }
    }

    #[test]
    fn a_pass_that_still_opens_is_not_explained_as_anything_else() {
        let row = appointment();
        let pass = pass_for(&row, None);
        assert!(opens(&pass, &row, at(10)));
        let g = guest();
        assert!(guest_opens(&pass_for(&row, Some(&g)), &row, &g, at(10)));
    }

    #[test]
    fn the_page_that_missed_the_end_hears_the_consultation_is_over() {
        let mut row = appointment();
        let pass = pass_for(&row, None);
        row.finished_at = Some(at(20));
        row.entry_valid_after = Some(at(20));
        assert!(!opens(&pass, &row, at(21)));
        assert_eq!(
            why_closed(&pass, Some(&row), None, at(21)),
            PatientPhase::Finished
        );
        // Also long after, when the pass has run out as well.
        assert_eq!(
            why_closed(&pass, Some(&row), None, at(200)),
            PatientPhase::Finished
        );
        let g = guest();
        assert_eq!(
            why_closed(
                &pass_for(&appointment(), Some(&g)),
                Some(&row),
                Some(&g),
                at(21)
            ),
            PatientPhase::Finished
        );
    }

    #[test]
    fn an_old_code_learns_nothing_of_what_followed_and_a_removal_stays_a_removal() {
        let mut row = appointment();
        let old = pass_for(&row, None);
        row.code_hash = "hash-of-the-second-code".into();
        row.finished_at = Some(at(40));
        assert_eq!(
            why_closed(&old, Some(&row), None, at(41)),
            PatientPhase::Closed
        );
        let mut cancelled = appointment();
        cancelled.status = lifecycle::AppointmentStatus::Cancelled;
        cancelled.finished_at = Some(at(40));
        assert_eq!(
            why_closed(
                &pass_for(&appointment(), None),
                Some(&cancelled),
                None,
                at(41)
            ),
            PatientPhase::Closed
        );
        // Removed, then the doctor finished with the guests only.
        let mut removed = appointment();
        removed.removed_at = Some(at(10));
        removed.finished_at = Some(at(40));
        assert_eq!(
            why_closed(
                &pass_for(&appointment(), None),
                Some(&removed),
                None,
                at(41)
            ),
            PatientPhase::Removed
        );
    }

    #[test]
    fn removal_leave_new_code_cancellation_and_expiry_each_have_their_reason() {
        let base = appointment();
        let pass = pass_for(&base, None);
        let mut removed = base.clone();
        removed.removed_at = Some(at(10));
        removed.entry_valid_after = Some(at(10));
        assert_eq!(
            why_closed(&pass, Some(&removed), None, at(11)),
            PatientPhase::Removed
        );

        let mut left = base.clone();
        left.entry_valid_after = Some(at(10));
        assert_eq!(
            why_closed(&pass, Some(&left), None, at(11)),
            PatientPhase::Left
        );

        let mut new_code = base.clone();
        new_code.code_hash = "hash-of-the-second-code".into();
        new_code.entry_valid_after = Some(at(10));
        assert_eq!(
            why_closed(&pass, Some(&new_code), None, at(11)),
            PatientPhase::Closed
        );

        let mut cancelled = base.clone();
        cancelled.status = lifecycle::AppointmentStatus::Cancelled;
        assert_eq!(
            why_closed(&pass, Some(&cancelled), None, at(11)),
            PatientPhase::Closed
        );

        // The pass ends an hour after the planned end.
        assert_eq!(
            why_closed(&pass, Some(&base), None, at(110)),
            PatientPhase::Expired
        );
        assert!(opens(&pass, &base, at(109)));

        // The row is gone (deleted with the practice's data): closed, nothing more.
        assert_eq!(why_closed(&pass, None, None, at(11)), PatientPhase::Closed);
    }

    #[test]
    fn a_guests_own_row_decides_for_the_guest() {
        let row = appointment();
        let g = guest();
        let pass = pass_for(&row, Some(&g));
        let mut removed = g.clone();
        removed.removed_at = Some(at(10));
        assert_eq!(
            why_closed(&pass, Some(&row), Some(&removed), at(11)),
            PatientPhase::Removed
        );
        let mut left = g.clone();
        left.entry_valid_after = Some(at(10));
        assert_eq!(
            why_closed(&pass, Some(&row), Some(&left), at(11)),
            PatientPhase::Left
        );
        let mut uninvited = g.clone();
        uninvited.uninvited_at = Some(at(10));
        assert_eq!(
            why_closed(&pass, Some(&row), Some(&uninvited), at(11)),
            PatientPhase::Closed
        );
        // The patient's removal is not the guest's.
        let mut patient_removed = row.clone();
        patient_removed.removed_at = Some(at(10));
        assert!(guest_opens(&pass, &patient_removed, &g, at(11)));
        // Another guest's row, or none: closed.
        let mut other = g.clone();
        other.id = Uuid::from_u128(9);
        assert_eq!(
            why_closed(&pass, Some(&row), Some(&other), at(11)),
            PatientPhase::Closed
        );
        assert_eq!(
            why_closed(&pass, Some(&row), None, at(11)),
            PatientPhase::Closed
        );
    }
}
