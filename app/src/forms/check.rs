//! Checking a submitted form on the server: [`Checker`] collects the field problems,
//! [`FormError`] is what a form action returns when it did not happen.

use super::FormFeedback;
use crate::error::{AppError, UserFacing};
use crate::fields::FieldError;
use http::StatusCode;
use sea_orm::DbErr;
use std::collections::BTreeMap;

/// Why a form action did not happen.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    /// The input has problems; shown next to the fields.
    #[error("invalid input")]
    Invalid(FormFeedback),
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error(transparent)]
    App(#[from] AppError),
    /// The server cannot take more of this work right now (e.g. password checks); the text is
    /// for the log.
    #[error("{0}")]
    Busy(String),
    /// Anything else that failed; the text is for the log only.
    #[error("{0}")]
    Internal(String),
    /// A limit per client address was reached; the key names the German message.
    #[error("limit reached: {0}")]
    Limited(&'static str),
}

impl From<FormError> for AppError {
    /// For server functions: the typed error without internals (those go to the log).
    fn from(e: FormError) -> Self {
        match e {
            FormError::App(e) => e,
            FormError::Invalid(_) => AppError::BadRequest,
            FormError::Busy(_) | FormError::Limited(_) => AppError::Busy,
            other => {
                tracing::error!(error = %other, "account action failed");
                AppError::Internal
            }
        }
    }
}

/// A form that did not go through: field problems 422, busy 503, a client's limit 429, the
/// wrapped [`AppError`]'s own, anything else 500.
impl UserFacing for FormError {
    fn status(&self) -> StatusCode {
        match self {
            FormError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            FormError::App(e) => e.status(),
            FormError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            FormError::Limited(_) => StatusCode::TOO_MANY_REQUESTS,
            FormError::Database(_) | FormError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn message_key(&self) -> &str {
        match self {
            FormError::Invalid(_) => "form-error-summary",
            FormError::App(e) => e.message_key(),
            FormError::Busy(_) => "error-busy",
            FormError::Limited(key) => key,
            FormError::Database(_) | FormError::Internal(_) => "error-internal",
        }
    }
}

impl FormError {
    /// One problem with one field of `form`.
    pub fn field(form: &str, field: &str, key: &str) -> Self {
        let mut c = Checker::new(form, BTreeMap::new());
        c.key(field, key);
        FormError::Invalid(c.feedback)
    }
}

/// Collects field problems while parsing a form.
pub struct Checker {
    pub feedback: FormFeedback,
}

impl Checker {
    /// Starts checking `form` whose typed values are echoed back on error.
    pub fn new(form: &str, values: BTreeMap<String, String>) -> Self {
        let mut feedback = FormFeedback::for_form(form);
        feedback.values = values;
        Self { feedback }
    }

    /// The parsed value, or `None` with the problem recorded for `field`.
    pub fn field<T>(&mut self, field: &str, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|e| self.error(field, e)).ok()
    }

    pub fn error(&mut self, field: &str, e: FieldError) {
        let args = e
            .message_args()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        self.feedback.add(field, e.message_key(), args);
    }

    pub fn key(&mut self, field: &str, key: &str) {
        self.feedback.add(field, key, Vec::new());
    }

    /// `Err(Invalid)` if anything was recorded.
    pub fn finish(self) -> Result<(), FormError> {
        if self.feedback.has_errors() {
            Err(FormError::Invalid(self.feedback))
        } else {
            Ok(())
        }
    }
}

/// The typed values of a form as `(name, value)` pairs, to show the form again.
pub fn echo_pairs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}
