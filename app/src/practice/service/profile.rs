//! Stammdaten (the practice's and the person's master data) and Rechnungsdaten (billing
//! address and bank account), always of the caller's own practice.

use super::checks::{check_person, check_practice};
use crate::fields::limits;
use crate::fields::{Iban, Lanr, Postcode, ShortText};
use crate::forms::{echo_pairs, Checker, FormError};
use crate::practice::auth::CurrentUser;
use crate::practice::types::Role;
use crate::state::AppState;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};

/// The Stammdaten form as typed (practice part and personal part are separate forms).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StammdatenInput {
    pub form: String,
    pub practice_name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub phone: String,
    pub kv_region: String,
    pub bsnr: String,
    pub title: String,
    pub first_name: String,
    pub last_name: String,
    pub specialty: String,
    pub lanr: String,
}

/// Saves the practice's Stammdaten (owner only) — always of the caller's own practice.
pub async fn update_practice(
    state: &AppState,
    me: &CurrentUser,
    input: &StammdatenInput,
) -> Result<(), FormError> {
    if !me.role.manages_practice() {
        return Err(crate::error::AppError::Forbidden.into());
    }
    let mut c = Checker::new(
        "practice",
        echo_pairs(&[
            ("practice_name", &input.practice_name),
            ("street", &input.street),
            ("postcode", &input.postcode),
            ("city", &input.city),
            ("phone", &input.phone),
            ("kv_region", &input.kv_region),
            ("bsnr", &input.bsnr),
        ]),
    );
    let data = check_practice(
        &mut c,
        &input.practice_name,
        &input.street,
        &input.postcode,
        &input.city,
        &input.phone,
        &input.kv_region,
        &input.bsnr,
    );
    c.finish()?;
    let Some(data) = data else {
        return Err(crate::error::AppError::Internal.into());
    };
    let mut active = me.practice.clone().into_active_model();
    active.name = Set(data.name);
    active.street = Set(data.street);
    active.postcode = Set(data.postcode.as_str().to_owned());
    active.city = Set(data.city);
    active.phone = Set(data.phone.as_str().to_owned());
    active.kv_region = Set(data.kv_region);
    active.bsnr = Set(data.bsnr.as_str().to_owned());
    active.updated_at = Set(state.clock.now());
    active.update(&state.db).await?;
    tracing::info!(practice_id = %me.practice.id, "practice Stammdaten saved");
    Ok(())
}

/// Saves the caller's own personal data.
pub async fn update_person(
    state: &AppState,
    me: &CurrentUser,
    input: &StammdatenInput,
) -> Result<(), FormError> {
    let mut c = Checker::new(
        "person",
        echo_pairs(&[
            ("title", &input.title),
            ("first_name", &input.first_name),
            ("last_name", &input.last_name),
            ("specialty", &input.specialty),
            ("lanr", &input.lanr),
        ]),
    );
    let person = check_person(
        &mut c,
        &input.title,
        &input.first_name,
        &input.last_name,
        &input.specialty,
    );
    // Doctors need a LANR; the practice team has none.
    let lanr = if me.role == Role::Team && input.lanr.trim().is_empty() {
        None
    } else {
        c.field("lanr", Lanr::parse(&input.lanr))
    };
    c.finish()?;
    let Some(person) = person else {
        return Err(crate::error::AppError::Internal.into());
    };
    let mut active = me.user.clone().into_active_model();
    active.title = Set(person.title);
    active.first_name = Set(person.first_name);
    active.last_name = Set(person.last_name);
    active.specialty = Set(person.specialty);
    active.lanr = Set(lanr.map(|l| l.as_str().to_owned()));
    active.updated_at = Set(state.clock.now());
    active.update(&state.db).await?;
    Ok(())
}

/// The Rechnungsdaten form as typed. An empty IBAN keeps the stored one.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RechnungsdatenInput {
    pub billing_name: String,
    pub billing_street: String,
    pub billing_postcode: String,
    pub billing_city: String,
    pub account_holder: String,
    pub iban: String,
}

/// Saves the billing address and bank account (owner only).
pub async fn update_billing(
    state: &AppState,
    me: &CurrentUser,
    input: &RechnungsdatenInput,
) -> Result<(), FormError> {
    if !me.role.manages_practice() {
        return Err(crate::error::AppError::Forbidden.into());
    }
    let mut c = Checker::new(
        "billing",
        echo_pairs(&[
            ("billing_name", &input.billing_name),
            ("billing_street", &input.billing_street),
            ("billing_postcode", &input.billing_postcode),
            ("billing_city", &input.billing_city),
            ("account_holder", &input.account_holder),
            ("iban", &input.iban),
        ]),
    );
    let name = c.field(
        "billing_name",
        ShortText::parse(&input.billing_name, limits::PRACTICE_NAME),
    );
    let street = c.field(
        "billing_street",
        ShortText::parse(&input.billing_street, limits::STREET),
    );
    let postcode = c.field("billing_postcode", Postcode::parse(&input.billing_postcode));
    let city = c.field(
        "billing_city",
        ShortText::parse(&input.billing_city, limits::CITY),
    );
    let holder = c.field(
        "account_holder",
        ShortText::parse(&input.account_holder, limits::PRACTICE_NAME),
    );
    let iban = if input.iban.trim().is_empty() && me.practice.iban.is_some() {
        None
    } else {
        c.field("iban", Iban::parse(&input.iban))
    };
    c.finish()?;
    let mut active = me.practice.clone().into_active_model();
    active.billing_name = Set(name.map(|v| v.as_str().to_owned()));
    active.billing_street = Set(street.map(|v| v.as_str().to_owned()));
    active.billing_postcode = Set(postcode.map(|v| v.as_str().to_owned()));
    active.billing_city = Set(city.map(|v| v.as_str().to_owned()));
    active.account_holder = Set(holder.map(|v| v.as_str().to_owned()));
    if let Some(iban) = iban {
        active.iban = Set(Some(iban.as_str().to_owned()));
    }
    active.updated_at = Set(state.clock.now());
    active.update(&state.db).await?;
    tracing::info!(practice_id = %me.practice.id, "Rechnungsdaten saved");
    Ok(())
}
