//! A video appointment: who (patient name and e-mail, only as long as needed), when (UTC),
//! with which doctor, and the hash of its access code.

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appointment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub practice_id: Uuid,
    pub doctor_id: Uuid,
    pub patient_name: String,
    pub patient_email: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub duration_minutes: i32,
    pub note: Option<String>,
    pub code_hash: String,
    /// What `code_hash` holds: 1 = HMAC-SHA256 with `security.code_secret`, 0 = bare SHA-256
    /// of older versions (see `calendar::access_code`).
    pub code_hash_version: i32,
    pub status: crate::appointment::lifecycle::AppointmentStatus,
    /// iCalendar SEQUENCE of the last e-mail sent about it.
    pub sequence: i32,
    pub reminder_sent_at: Option<DateTimeUtc>,
    /// The name the patient typed at entry, shown to the doctor next to `patient_name`.
    pub entered_name: Option<String>,
    /// When the patient entered the waiting room (kept across a reload or a short loss).
    pub arrived_at: Option<DateTimeUtc>,
    /// When a doctor let the patient in; `None` while waiting.
    pub admitted_at: Option<DateTimeUtc>,
    /// When the consultation ended.
    pub finished_at: Option<DateTimeUtc>,
    /// The doctor's short message shown in the patient's waiting room.
    pub doctor_note: Option<String>,
    /// Patient sessions from before this moment no longer open the room (removal, end).
    pub entry_valid_after: Option<DateTimeUtc>,
    /// When the doctor first let the patient in (kept when sent back to the waiting room).
    pub call_started_at: Option<DateTimeUtc>,
    /// When the practice removed the patient ("Entfernen"): the code no longer opens the room
    /// until a new invitation with a new code clears it.
    pub removed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Patient data stays out of logs and panics.
        f.debug_struct("Appointment")
            .field("id", &self.id)
            .field("practice_id", &self.practice_id)
            .field("starts_at", &self.starts_at)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::practice_user::Entity",
        from = "Column::DoctorId",
        to = "super::practice_user::Column::Id"
    )]
    Doctor,
}

impl Related<super::practice_user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Doctor.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
