//! Loads the settings in layers, later layers winning:
//! `Leptos.toml` (site address and files), `config/base.toml`, `config/<environment>.toml`
//! (`APP_ENVIRONMENT`, default `local`), then `APP_<SECTION>__<KEY>` variables, and finally
//! `DATABASE_URL` for the database.

use app::settings::Settings;
use leptos::config::LeptosOptions;
use std::path::{Path, PathBuf};

/// Everything the server needs to start.
pub struct LoadedConfig {
    pub settings: Settings,
    pub leptos_options: LeptosOptions,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {message}")]
    Leptos { path: String, message: String },
    #[error("settings: {0}")]
    Settings(#[from] ::config::ConfigError),
    #[error("APP_ENVIRONMENT must be `local` or `production`, not {0:?}")]
    Environment(String),
    #[error(
        "APP_ENVIRONMENT is not set, but application.base_url {0:?} is not on this machine: \
         set APP_ENVIRONMENT=production (or APP_ENVIRONMENT=local on purpose); without it the \
         server would run with local defaults (demo practice with a public password, relay to \
         private addresses, debug logs)"
    )]
    EnvironmentNotSet(String),
    #[error(transparent)]
    Invalid(#[from] app::settings::SettingsError),
}

/// Where the configuration files are: `APP_CONFIG_DIR`, else the working directory.
fn config_root() -> PathBuf {
    std::env::var_os("APP_CONFIG_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Loads and validates the configuration from files and the process environment.
pub fn load() -> Result<LoadedConfig, ConfigError> {
    let root = config_root();
    let explicit = std::env::var("APP_ENVIRONMENT").ok();
    let environment = explicit.clone().unwrap_or_else(|| "local".into());
    if !matches!(environment.as_str(), "local" | "production") {
        return Err(ConfigError::Environment(environment));
    }
    let leptos_options = load_leptos_options(&root.join("Leptos.toml"))?;
    let settings = load_settings(&root.join("config"), &environment, std::env::vars())?;
    require_explicit_environment(explicit.is_some(), &settings)?;
    Ok(LoadedConfig {
        settings,
        leptos_options,
    })
}

/// The default environment is `local` (demo practice, relay to private addresses, debug
/// logs): fine on a developer's machine, dangerous on a public address. A `base_url` that is
/// not loopback therefore needs `APP_ENVIRONMENT` set explicitly. An empty `base_url` becomes
/// the bound address later, which the session-cookie rule already limits to loopback.
pub fn require_explicit_environment(
    explicit: bool,
    settings: &Settings,
) -> Result<(), ConfigError> {
    let base_url = settings.application.base_url.trim();
    if explicit || base_url.is_empty() || settings.application.is_loopback()? {
        return Ok(());
    }
    Err(ConfigError::EnvironmentNotSet(base_url.to_owned()))
}

/// Reads `Leptos.toml`; `LEPTOS_*` variables (e.g. `LEPTOS_SITE_ADDR`) override it.
pub fn load_leptos_options(path: &Path) -> Result<LeptosOptions, ConfigError> {
    let path_str = path.to_string_lossy().into_owned();
    leptos::config::get_configuration(Some(&path_str))
        .map(|c| c.leptos_options)
        .map_err(|e| ConfigError::Leptos {
            path: path_str,
            message: e.to_string(),
        })
}

/// Builds the settings from the files in `dir` and the given variables (taken as a parameter so
/// tests need not touch the process environment).
pub fn load_settings(
    dir: &Path,
    environment: &str,
    vars: impl IntoIterator<Item = (String, String)>,
) -> Result<Settings, ConfigError> {
    let vars: Vec<(String, String)> = vars.into_iter().collect();
    let app_vars: ::config::Map<String, String> = vars
        .iter()
        .filter(|(k, _)| k.starts_with("APP_"))
        .cloned()
        .collect();
    let mut builder = ::config::Config::builder()
        .add_source(::config::File::from(dir.join("base.toml")))
        .add_source(::config::File::from(dir.join(format!("{environment}.toml"))).required(false))
        .add_source(
            ::config::Environment::with_prefix("APP")
                .prefix_separator("_")
                .separator("__")
                // No `try_parsing`: it would turn the postcode "01067" into 1067 and drop the
                // "+" of phone numbers; serde converts strings to numbers where a field needs one.
                .source(Some(app_vars)),
        )
        .set_override("application.environment", environment)?;
    if let Some((_, url)) = vars.iter().find(|(k, _)| k == "DATABASE_URL") {
        builder = builder.set_override("database.url", url.as_str())?;
    }
    let settings: Settings = builder.build()?.try_deserialize()?;
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn config_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../config")
    }

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn external_turn_servers_come_from_one_variable_and_need_the_secret() {
        let urls =
            "turn:turn.example.org:3478?transport=udp,turns:turn.example.org:443?transport=tcp";
        let s = load_settings(
            &config_dir(),
            "local",
            vars(&[
                ("APP_ICE__TURN_URLS", urls),
                ("APP_ICE__TURN_SECRET", "0123456789abcdef0123456789abcdef"),
                ("APP_OPERATOR__POSTCODE", "01067"),
                ("APP_APPLICATION__BASE_URL", "http://127.0.0.1:3000"),
            ]),
        )
        .expect("load");
        assert_eq!(s.ice.turn_urls.len(), 2);
        assert_eq!(
            s.ice.turn_urls[1],
            "turns:turn.example.org:443?transport=tcp"
        );
        assert_eq!(s.operator.postcode, "01067", "other values stay strings");
        assert!(s.ice.external_turn() && !s.ice.embedded_turn());
        assert_eq!(s.validate(), Ok(()));
        let without = load_settings(
            &config_dir(),
            "local",
            vars(&[
                ("APP_ICE__TURN_URLS", urls),
                ("APP_APPLICATION__BASE_URL", "http://127.0.0.1:3000"),
            ]),
        )
        .expect("load");
        let error = without.validate().unwrap_err();
        assert_eq!(error, app::settings::SettingsError::TurnSecretMissing);
        assert!(
            error.to_string().contains("ice.turn_secret_file"),
            "{error}"
        );
    }

    #[test]
    fn shipped_local_configuration_is_valid() {
        let s = load_settings(&config_dir(), "local", vars(&[])).expect("load");
        assert!(s.database.url.expose_secret().starts_with("sqlite://data/"));
        assert_eq!(s.application.environment, app::settings::Environment::Local);
    }

    #[test]
    fn environment_variables_override_files() {
        let s = load_settings(
            &config_dir(),
            "local",
            vars(&[
                ("APP_SECURITY__MAX_BODY_BYTES", "4096"),
                ("APP_OPERATOR__NAME", "Praxisdienst GmbH"),
                ("DATABASE_URL", "postgres://u:p@127.0.0.1:5432/db"),
                ("UNRELATED", "x"),
            ]),
        )
        .expect("load");
        assert_eq!(s.security.max_body_bytes, 4096);
        assert_eq!(s.operator.name, "Praxisdienst GmbH");
        assert_eq!(
            s.database.url.expose_secret(),
            "postgres://u:p@127.0.0.1:5432/db"
        );
    }

    #[test]
    fn string_settings_keep_leading_zeros_and_plus_signs() {
        let s = load_settings(
            &config_dir(),
            "local",
            vars(&[
                ("APP_OPERATOR__POSTCODE", "01067"),
                ("APP_OPERATOR__PHONE", "+49 351 000000"),
                ("APP_OPERATOR__NAME", "true"),
                ("APP_LOG__JSON", "true"),
                ("APP_DATABASE__MAX_CONNECTIONS", "12"),
            ]),
        )
        .expect("load");
        assert_eq!(s.operator.postcode, "01067");
        assert_eq!(s.operator.phone, "+49 351 000000");
        assert_eq!(s.operator.name, "true");
        assert!(s.log.json);
        assert_eq!(s.database.max_connections, 12);
    }

    #[test]
    fn a_public_base_url_needs_an_explicit_environment() {
        let public = load_settings(
            &config_dir(),
            "local",
            vars(&[("APP_APPLICATION__BASE_URL", "https://video.example.de")]),
        )
        .expect("load");
        assert!(matches!(
            require_explicit_environment(false, &public),
            Err(ConfigError::EnvironmentNotSet(url)) if url == "https://video.example.de"
        ));
        assert!(require_explicit_environment(true, &public).is_ok());
        for url in ["", "http://127.0.0.1:3000", "http://localhost:3000"] {
            let s = load_settings(
                &config_dir(),
                "local",
                vars(&[("APP_APPLICATION__BASE_URL", url)]),
            )
            .expect("load");
            assert!(require_explicit_environment(false, &s).is_ok(), "{url}");
        }
    }

    #[test]
    fn production_file_demands_https() {
        let s = load_settings(&config_dir(), "production", vars(&[])).expect("load");
        assert!(
            s.validate().is_err(),
            "production without a real https base_url must not start"
        );
        let live = [
            ("APP_APPLICATION__BASE_URL", "https://video.example.de"),
            ("APP_EMAIL__TRANSPORT", "smtp"),
            ("APP_EMAIL__SMTP_HOST", "smtp.example.de"),
        ];
        // The shipped example operator does not go live.
        let s = load_settings(&config_dir(), "production", vars(&live)).expect("load");
        assert_eq!(
            s.validate(),
            Err(app::settings::SettingsError::ExampleOperatorInProduction)
        );
        let own = [
            ("APP_OPERATOR__NAME", "Praxisvideo GmbH"),
            ("APP_OPERATOR__EXAMPLE", "false"),
        ];
        let s = load_settings(
            &config_dir(),
            "production",
            vars(&[&live[..], &own].concat()),
        )
        .expect("load");
        assert_eq!(s.validate(), Ok(()));
        assert!(s.log.json, "production logs are JSON");
    }

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let s = load_settings(
            &config_dir(),
            "local",
            vars(&[("DATABASE_URL", "postgres://u:topsecret@h/db")]),
        )
        .expect("load");
        assert!(!format!("{s:?}").contains("topsecret"));
    }
}
