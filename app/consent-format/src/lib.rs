//! The formats of the Einverständniserklärung's end-to-end encryption that both sides know: what
//! a patient may upload ([`document`]) and the practice's key as the server stores it
//! ([`wrapped_key`]). The server checks shapes and sizes with them; the code that encrypts and
//! decrypts is `consent-crypto`, which only the browsers (and the tests) link.

pub mod document;
pub mod wrapped_key;
