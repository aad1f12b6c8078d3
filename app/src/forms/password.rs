//! A password as typed into a form: readable only through [`Password::expose`], printed as
//! `[redacted]` (a `{:?}` of a form struct in a log line cannot leak it) and wiped on drop.

use secrecy::{ExposeSecret, SecretString};

/// A password field of a form.
#[derive(Clone, serde::Deserialize)]
#[serde(transparent)]
pub struct Password(SecretString);

impl Password {
    /// The typed text, for the password check only.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl Default for Password {
    fn default() -> Self {
        Self(SecretString::from(String::new()))
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<&str> for Password {
    fn from(text: &str) -> Self {
        Self(SecretString::from(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(default)]
    struct LoginForm {
        email: String,
        password: Password,
    }

    #[test]
    fn a_form_with_a_password_prints_without_it() {
        let form: LoginForm = serde_json::from_value(serde_json::json!({
            "email": "praxis@example.org",
            "password": "Geheimes Passwort 2027!",
        }))
        .unwrap();
        let printed = format!("{form:?}");
        assert!(!printed.contains("Geheimes"), "{printed}");
        assert!(printed.contains("[redacted]"), "{printed}");
        assert!(printed.contains("praxis@example.org"), "{printed}");
        assert_eq!(form.password.expose(), "Geheimes Passwort 2027!");
        assert_eq!(LoginForm::default().password.expose(), "");
    }
}
