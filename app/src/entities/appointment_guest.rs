//! A further person invited to an appointment (interpreter, relative, carer, colleague): name
//! and e-mail as long as the appointment is kept, role, and the hash of the guest's own code.

use crate::appointment::guest_role::GuestRole;
use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appointment_guest")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub appointment_id: Uuid,
    pub practice_id: Uuid,
    pub name: String,
    pub email: String,
    pub role: GuestRole,
    pub code_hash: String,
    /// As `appointment.code_hash_version` (always keyed for guests).
    pub code_hash_version: i32,
    /// iCalendar SEQUENCE of the last e-mail sent to this guest.
    pub sequence: i32,
    /// When the practice uninvited the guest: the code no longer works.
    pub uninvited_at: Option<DateTimeUtc>,
    /// The guest's own stay, as the appointment's columns of the same names for the patient:
    /// the name typed at entry, arrival, admission, removal ("Entfernen"), the moment before
    /// which passes no longer open the room, and the doctor's note.
    pub entered_name: Option<String>,
    pub arrived_at: Option<DateTimeUtc>,
    pub admitted_at: Option<DateTimeUtc>,
    pub removed_at: Option<DateTimeUtc>,
    pub entry_valid_after: Option<DateTimeUtc>,
    pub doctor_note: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Names and addresses stay out of logs and panics.
        f.debug_struct("AppointmentGuest")
            .field("id", &self.id)
            .field("appointment_id", &self.appointment_id)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::appointment::Entity",
        from = "Column::AppointmentId",
        to = "super::appointment::Column::Id",
        on_delete = "Cascade"
    )]
    Appointment,
}

impl Related<super::appointment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Appointment.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
