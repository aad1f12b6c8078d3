### Sprechzimmer – error messages of the form fields (practice registration).
### Keys: FieldError::message_key() in app/src/fields/error.rs and
### PasswordError::message_key() in app/src/practice/password_policy.rs.
### Variables: $max (maximum number of characters), $min (minimum number of characters),
### $expected and $actual (length of an IBAN: correct and entered).

## General
field-required = Please fill in this field.
field-too-long = This entry is too long. Please shorten it to { $max } characters or fewer.
field-invalid-characters = This entry contains invisible control characters, such as a line break or a tab. Please type the text instead of pasting it.

## Physician and practice numbers, KV
lanr-format = The LANR (lifelong physician number) consists of exactly 9 digits. Please check your entry.
lanr-check-digit = This LANR is invalid: the check digit (7th digit) does not match the first six digits. Please compare the number with your practice stamp or a prescription.
bsnr-format = The BSNR (practice site number) consists of exactly 9 digits. You will find it on your practice stamp and on your prescriptions.
bsnr-kv-mismatch = This BSNR does not belong to the selected Kassenärztliche Vereinigung: its first two digits stand for a different KV region. Please check the BSNR and the selected KV.
bsnr-area-unknown = The first two digits of this BSNR do not belong to any KV region. Please check the number on your practice stamp.
kv-region-unknown = Please select your Kassenärztliche Vereinigung from the list.

## Bank account
iban-format = This is not a valid IBAN. An IBAN starts with the country code (DE for Germany) and two check digits, followed only by letters and digits. Spaces are optional.
iban-country = We do not know the country code at the start of this IBAN. Please check the first two letters – for a German account they are DE.
iban-length = An IBAN from this country has { $expected } characters; your entry has { $actual }. Please check whether a character is missing or doubled.
iban-checksum = This IBAN is invalid: the check digits do not match. There is probably a typo – please compare the IBAN character by character with your bank statement.

## Address and contact
postcode-format = Please enter a German postcode with 5 digits, for example 10115.
email-format = Please enter a valid e-mail address, for example practice@example.com – without a name, spaces or angle brackets.
phone-format = Please enter a phone number with 6 to 20 digits, for example 030 1234567 or +49 30 1234567. Apart from digits, only a leading “+”, spaces, slashes, hyphens and brackets are allowed.

## Password
password-too-short = This password is too short. Please use at least { $min } characters – a short sentence of several words is easy to remember.
password-too-long = This password is too long. Please use { $max } characters or fewer.
password-common = This password is one of the most frequently used ones and is therefore easy to guess. Please choose another one.
password-contains-personal = Your name or e-mail address is too easy to guess as a password. Please choose another one.
