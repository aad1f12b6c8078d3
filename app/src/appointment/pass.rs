//! The patient's short-lived session: after a correct access code, the browser holds a pass
//! for this one appointment, so a reload or a lost connection brings the patient back to the
//! waiting room without typing the code again. No account, no other data. A further person
//! invited to the appointment (issue 25) holds the same kind of pass for their own code, with
//! `guest_id` set: it opens the same room, never the patient's consent.

use super::lifecycle;
use crate::entities::{appointment, appointment_guest};
use crate::error::AppError;
use crate::practice::auth::session_error;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{DatabaseConnection, DbErr, EntityTrait};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

const PASS_KEY: &str = "patient";
/// A pass stays valid this long after the appointment's planned end (consultations overrun).
pub const VALID_AFTER_END: Duration = Duration::minutes(60);

/// What the patient's session holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PatientPass {
    pub appointment_id: Uuid,
    pub practice_id: Uuid,
    /// When the code was accepted; a removal after this moment ends the pass.
    pub entered_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Which access code opened it ([`code_tag`] of the stored hash): a new code
    /// ("Einladung erneut senden", a change with a new code) ends every pass of the old one.
    /// Passes from before this field have none and open nothing.
    #[serde(default)]
    pub code_tag: CodeTag,
    /// This pass among others of the same appointment (another device), for the socket cap.
    #[serde(default)]
    pub id: Uuid,
    /// A further person's pass (their row in `appointment_guest`); `None` for the patient.
    #[serde(default)]
    pub guest_id: Option<Uuid>,
}

impl PatientPass {
    /// Who holds it in the waiting room's registry and the call: the guest, else the
    /// appointment (the patient).
    pub fn participant(&self) -> Uuid {
        self.guest_id.unwrap_or(self.appointment_id)
    }

    pub fn is_guest(&self) -> bool {
        self.guest_id.is_some()
    }
}

/// A short tag of the stored code hash: enough to tell two codes apart, nothing to look a code
/// up with (the session store never holds the hash itself).
pub fn code_tag(code_hash: &str) -> CodeTag {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("patient-pass:{code_hash}").as_bytes());
    let mut tag = [0; 16];
    tag.copy_from_slice(&digest[..16]);
    CodeTag(Some(tag))
}

/// A [`code_tag`]: 16 bytes (a waiting socket keeps its pass for hours, so no string), in the
/// session as 32 lower-case hex digits. Empty for a pass from before tags; such a pass, or one
/// whose tag cannot be read, opens nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CodeTag(Option<[u8; 16]>);

impl CodeTag {
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}

impl Serialize for CodeTag {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let hex = self
            .0
            .map(|tag| data_encoding::HEXLOWER.encode(&tag))
            .unwrap_or_default();
        serializer.serialize_str(&hex)
    }
}

impl<'de> Deserialize<'de> for CodeTag {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let hex = String::deserialize(deserializer)?;
        let tag = data_encoding::HEXLOWER
            .decode(hex.as_bytes())
            .ok()
            .and_then(|bytes| <[u8; 16]>::try_from(bytes).ok());
        Ok(Self(tag))
    }
}

/// Gives the browser a pass for `appointment`, as the patient or as `guest` (a new session
/// id, no fixation).
pub async fn issue(
    session: &Session,
    appointment: &appointment::Model,
    guest: Option<&appointment_guest::Model>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_error)?;
    let pass = PatientPass {
        appointment_id: appointment.id,
        practice_id: appointment.practice_id,
        entered_at: now,
        expires_at: appointment.ends_at + VALID_AFTER_END,
        code_tag: code_tag(guest.map_or(&appointment.code_hash, |g| &g.code_hash)),
        id: Uuid::new_v4(),
        guest_id: guest.map(|g| g.id),
    };
    session.insert(PASS_KEY, pass).await.map_err(session_error)
}

/// The pass in this session, as stored (check it with [`open_appointment`]).
pub async fn current(session: &Session) -> Result<Option<PatientPass>, AppError> {
    session.get(PASS_KEY).await.map_err(session_error)
}

/// Takes the pass away (leaving, removal seen, end).
pub async fn revoke(session: &Session) -> Result<(), AppError> {
    session
        .remove_value(PASS_KEY)
        .await
        .map(|_| ())
        .map_err(session_error)
}

/// Keeps the session record alive while the patient waits (the socket calls it now and then).
pub async fn touch(session: &Session) -> Result<(), AppError> {
    if let Some(pass) = current(session).await? {
        session
            .insert(PASS_KEY, pass)
            .await
            .map_err(session_error)?;
        session.save().await.map_err(session_error)?;
    }
    Ok(())
}

/// Whether `pass` still opens its appointment at `now`: not expired, the appointment not
/// cancelled, finished or the patient removed, the code the one that opened it, and no leave,
/// removal or end since the pass was issued.
pub fn opens(pass: &PatientPass, appointment: &appointment::Model, now: DateTime<Utc>) -> bool {
    pass.guest_id.is_none()
        && now < pass.expires_at
        && appointment.id == pass.appointment_id
        && lifecycle::is_open_for_entry(appointment)
        && !pass.code_tag.is_empty()
        && pass.code_tag == code_tag(&appointment.code_hash)
        && appointment
            .entry_valid_after
            .is_none_or(|after| pass.entered_at > after)
}

/// Whether a guest's `pass` still opens the room at `now`: not expired, the appointment
/// neither cancelled nor finished, the guest neither uninvited nor removed, the guest's code
/// the one that opened it, and no leave or removal since.
pub fn guest_opens(
    pass: &PatientPass,
    appointment: &appointment::Model,
    guest: &appointment_guest::Model,
    now: DateTime<Utc>,
) -> bool {
    now < pass.expires_at
        && appointment.id == pass.appointment_id
        && pass.guest_id == Some(guest.id)
        && guest.appointment_id == appointment.id
        && !lifecycle::is_cancelled(appointment)
        && appointment.finished_at.is_none()
        && guest.uninvited_at.is_none()
        && guest.removed_at.is_none()
        && !pass.code_tag.is_empty()
        && pass.code_tag == code_tag(&guest.code_hash)
        && guest
            .entry_valid_after
            .is_none_or(|after| pass.entered_at > after)
}

/// Whether the appointment's time has come for the tech test and the call: from `opens_before`
/// its start (when the code opens the waiting room) on. Its end is the TURN credential's own
/// limit (`IceConfig::servers_until`). A pass for an appointment that was moved later gets no
/// relay until the new time.
pub fn call_window_open(
    appointment: &appointment::Model,
    now: DateTime<Utc>,
    opens_before: Duration,
) -> bool {
    now >= appointment.starts_at - opens_before
}

/// The appointment the pass opens now, if it still does (for a guest's pass: if the guest
/// may still be in its room).
pub async fn open_appointment(
    db: &DatabaseConnection,
    pass: &PatientPass,
    now: DateTime<Utc>,
) -> Result<Option<appointment::Model>, DbErr> {
    if pass.guest_id.is_some() {
        return Ok(open_guest(db, pass, now).await?.map(|(row, _)| row));
    }
    if now >= pass.expires_at {
        return Ok(None);
    }
    Ok(appointment::Entity::find_by_id(pass.appointment_id)
        .one(db)
        .await?
        .filter(|a| opens(pass, a, now)))
}

/// A guest's pass: the appointment and the guest's row, if it still opens the room.
pub async fn open_guest(
    db: &DatabaseConnection,
    pass: &PatientPass,
    now: DateTime<Utc>,
) -> Result<Option<(appointment::Model, appointment_guest::Model)>, DbErr> {
    let Some(guest_id) = pass.guest_id else {
        return Ok(None);
    };
    if now >= pass.expires_at {
        return Ok(None);
    }
    let Some(guest) = appointment_guest::Entity::find_by_id(guest_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let row = appointment::Entity::find_by_id(pass.appointment_id)
        .one(db)
        .await?;
    Ok(row
        .filter(|a| guest_opens(pass, a, &guest, now))
        .map(|a| (a, guest)))
}

/// The pass in this session and the appointment it opens now, if both exist.
pub async fn open_in_session(
    session: &Session,
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<Option<(PatientPass, appointment::Model)>, AppError> {
    let Some(pass) = current(session).await? else {
        return Ok(None);
    };
    let open = open_appointment(db, &pass, now).await.map_err(|e| {
        tracing::error!(error = %e, "loading the patient's appointment failed");
        AppError::Internal
    })?;
    Ok(open.map(|row| (pass, row)))
}

/// Extractor: the patient's pass in this session and the appointment it opens now; 401 (JSON)
/// without one, for the patient's scripts and downloads.
pub struct OpenPass(pub PatientPass, pub appointment::Model);

impl axum::extract::FromRequestParts<crate::state::AppState> for OpenPass {
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &crate::state::AppState,
    ) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match open_in_session(&session, &state.db, state.clock.now()).await {
            Ok(Some((pass, row))) => Ok(OpenPass(pass, row)),
            Ok(None) => Err(AppError::Unauthorized.into_response()),
            Err(e) => Err(e.into_response()),
        }
    }
}

/// Extractor: like [`OpenPass`], for what is the patient's alone (the consent form with their
/// name, its upload and status): a further person's pass is refused (403).
pub struct PatientsOwnPass(pub PatientPass, pub appointment::Model);

impl axum::extract::FromRequestParts<crate::state::AppState> for PatientsOwnPass {
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &crate::state::AppState,
    ) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let OpenPass(pass, row) = OpenPass::from_request_parts(parts, state).await?;
        if pass.is_guest() {
            return Err(AppError::Forbidden.into_response());
        }
        Ok(PatientsOwnPass(pass, row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass_json(tag: Option<&str>) -> serde_json::Value {
        let mut pass = serde_json::json!({
            "appointment_id": Uuid::from_u128(1),
            "practice_id": Uuid::from_u128(2),
            "entered_at": "2026-12-06T10:00:00Z",
            "expires_at": "2026-12-06T12:00:00Z",
            "id": Uuid::from_u128(3),
        });
        if let Some(tag) = tag {
            pass["code_tag"] = tag.into();
        }
        pass
    }

    #[test]
    fn a_code_tag_is_kept_in_the_session_as_before_and_an_unreadable_one_opens_nothing() {
        // The form sessions stored before the tag became bytes: 32 hex digits of the hash.
        let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
        let tag = code_tag(hash);
        let stored = serde_json::to_value(PatientPass {
            code_tag: tag,
            ..serde_json::from_value(pass_json(None)).expect("a pass")
        })
        .expect("serialised");
        let hex = stored["code_tag"].as_str().expect("a string");
        assert_eq!(hex.len(), 32);
        assert!(hex
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        let read: PatientPass = serde_json::from_value(pass_json(Some(hex))).expect("read back");
        assert_eq!(read.code_tag, tag);
        assert_ne!(read.code_tag, code_tag("$argon2id$another"));

        for unreadable in [None, Some(""), Some("zz"), Some(&hex[..30])] {
            let read: PatientPass =
                serde_json::from_value(pass_json(unreadable)).expect("still a pass");
            assert!(read.code_tag.is_empty(), "{unreadable:?}");
        }
    }
}
