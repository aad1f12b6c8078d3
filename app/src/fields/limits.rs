//! The longest text each shared field takes, in characters: the one source for the checks
//! (the field types and the services), the forms' `maxlength` and the database columns. The
//! migrations are history and keep their numbers; `server/tests/api/column_lengths.rs` holds
//! every column against the constant its form and check use. Limits of one domain live there
//! (the patient's name, the public page's short name, the password, the consent paragraph).

/// Academic title ("Dr. med.").
pub const TITLE: usize = 60;
/// First or last name of a practice user.
pub const PERSON_NAME: usize = 100;
/// Specialty ("Allgemeinmedizin").
pub const SPECIALTY: usize = 120;
/// Practice name, billing name, account holder.
pub const PRACTICE_NAME: usize = 200;
/// Street and number.
pub const STREET: usize = 200;
/// City.
pub const CITY: usize = 100;
/// German postcode.
pub const POSTCODE: usize = 5;
/// Phone number as typed (spaces, slashes, +49).
pub const PHONE: usize = 40;
/// E-mail address (RFC 5321 path limit).
pub const EMAIL: usize = 254;
/// BSNR and LANR: nine digits, typed with up to two spaces.
pub const NINE_DIGITS_TYPED: usize = 11;
/// IBAN as typed: 22 characters for Germany, 34 at most, in groups of four.
pub const IBAN_TYPED: usize = 42;
/// The patient's full name on an appointment and a consent.
pub const PATIENT_NAME: usize = 200;
/// Why a day is blocked in the calendar ("Urlaub").
pub const BLOCKED_REASON: usize = 100;
/// The practice's note on an appointment (never sent to the patient).
pub const APPOINTMENT_NOTE: usize = 1000;
/// The practice's own paragraph in the consent form.
pub const CONSENT_PARAGRAPH: usize = 2000;
/// A login password (and the consent passphrase): long passphrases welcome, no unbounded
/// hashing work.
pub const PASSWORD: usize = 256;
/// An IBAN as stored, without spaces: the longest any country has.
pub const IBAN_STORED: usize = 34;
