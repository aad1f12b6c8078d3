//! The checks the account forms share: personal data, the practice's address and
//! identifiers, a new password, and the column lengths they allow.

use crate::fields::{
    check_bsnr_matches, Bsnr, KvRegion, OptionalText, PhoneNumber, Postcode, ShortText,
};
use crate::forms::Checker;
use crate::practice::password_policy::NewPassword;

use crate::fields::limits;

/// Validated personal data of a practice user.
pub(in crate::practice) struct Person {
    pub title: String,
    pub first_name: String,
    pub last_name: String,
    pub specialty: String,
}

/// Validated practice address and identifiers.
pub(super) struct PracticeData {
    pub(super) name: String,
    pub(super) street: String,
    pub(super) postcode: Postcode,
    pub(super) city: String,
    pub(super) phone: PhoneNumber,
    pub(super) kv_region: KvRegion,
    pub(super) bsnr: Bsnr,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn check_practice(
    c: &mut Checker,
    name: &str,
    street: &str,
    postcode: &str,
    city: &str,
    phone: &str,
    kv_region: &str,
    bsnr: &str,
) -> Option<PracticeData> {
    let name = c.field(
        "practice_name",
        ShortText::parse(name, limits::PRACTICE_NAME),
    );
    let street = c.field("street", ShortText::parse(street, limits::STREET));
    let postcode = c.field("postcode", Postcode::parse(postcode));
    let city = c.field("city", ShortText::parse(city, limits::CITY));
    let phone = c.field("phone", PhoneNumber::parse(phone));
    let kv_region = c.field("kv_region", KvRegion::parse(kv_region));
    let bsnr = c.field("bsnr", Bsnr::parse(bsnr));
    if let (Some(b), Some(kv)) = (&bsnr, kv_region) {
        if let Err(e) = check_bsnr_matches(b, kv) {
            c.error("bsnr", e);
        }
    }
    Some(PracticeData {
        name: name?.as_str().to_owned(),
        street: street?.as_str().to_owned(),
        postcode: postcode?,
        city: city?.as_str().to_owned(),
        phone: phone?,
        kv_region: kv_region?,
        bsnr: bsnr?,
    })
}

pub(in crate::practice) fn check_person(
    c: &mut Checker,
    title: &str,
    first: &str,
    last: &str,
    specialty: &str,
) -> Option<Person> {
    let title = c.field("title", OptionalText::parse(title, limits::TITLE));
    let first = c.field("first_name", ShortText::parse(first, limits::PERSON_NAME));
    let last = c.field("last_name", ShortText::parse(last, limits::PERSON_NAME));
    let specialty = c.field(
        "specialty",
        OptionalText::parse(specialty, limits::SPECIALTY),
    );
    Some(Person {
        title: title?.as_str().to_owned(),
        first_name: first?.as_str().to_owned(),
        last_name: last?.as_str().to_owned(),
        specialty: specialty?.as_str().to_owned(),
    })
}

pub(in crate::practice) fn check_password(
    c: &mut Checker,
    password: &str,
    context: &[&str],
) -> Option<NewPassword> {
    match NewPassword::parse(password, context) {
        Ok(p) => Some(p),
        Err(e) => {
            let args = e
                .message_args()
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect();
            c.feedback.add("password", e.message_key(), args);
            None
        }
    }
}
