//! The key of the access-code HMAC (`security.code_secret`): given in the configuration, read
//! from a file, or — in local runs only — generated once into the data directory with mode
//! 0600, so a developer needs to configure nothing and production cannot start without one.

use app::settings::{Environment, Settings};
use secrecy::{ExposeSecret, SecretString};
use std::path::{Path, PathBuf};

/// Shortest key accepted, in characters.
pub const MIN_LEN: usize = 32;
/// File name of the key when `security.code_secret_file` is empty.
const DEFAULT_FILE: &str = "code_secret";

#[derive(Debug, thiserror::Error)]
pub enum CodeSecretError {
    #[error(
        "security.code_secret (or a file named by security.code_secret_file) is required in \
         production: it keys the stored access codes; generate one with `openssl rand -hex 32`"
    )]
    Missing,
    #[error("security.code_secret must have at least {MIN_LEN} characters")]
    TooShort,
    #[error("cannot read security.code_secret_file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot create the access-code key file {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("no random numbers for the access-code key: {0}")]
    Random(getrandom::Error),
}

/// Where the key file is: `security.code_secret_file`, else next to the SQLite database, else
/// `data/`.
pub fn key_file(settings: &Settings) -> PathBuf {
    let configured = settings.security.code_secret_file.trim();
    if !configured.is_empty() {
        return PathBuf::from(configured);
    }
    let url = settings.database.url.expose_secret();
    let sqlite_dir = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or_default())
        .filter(|path| !path.is_empty() && !path.contains(":memory:"))
        .and_then(|path| Path::new(path).parent().map(Path::to_path_buf));
    match sqlite_dir {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(DEFAULT_FILE),
        _ => Path::new("data").join(DEFAULT_FILE),
    }
}

/// Fills `settings.security.code_secret` from the file when it is empty (creating the file in
/// local runs) and checks its length.
pub fn resolve(settings: &mut Settings) -> Result<(), CodeSecretError> {
    if settings.security.code_secret.expose_secret().is_empty() {
        let path = key_file(settings);
        let key = match std::fs::read_to_string(&path) {
            Ok(text) => text.trim().to_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if settings.application.environment == Environment::Production {
                    return Err(CodeSecretError::Missing);
                }
                generate(&path)?
            }
            Err(source) => {
                return Err(CodeSecretError::Read {
                    path: path.display().to_string(),
                    source,
                })
            }
        };
        warn_if_readable_by_others(&path);
        settings.security.code_secret = SecretString::from(key);
    }
    if settings
        .security
        .code_secret
        .expose_secret()
        .chars()
        .count()
        < MIN_LEN
    {
        return Err(CodeSecretError::TooShort);
    }
    Ok(())
}

/// Writes a new random key (64 hex characters) to `path`, mode 0600, never over an existing
/// file (two instances starting at once: the second reads the first one's key).
fn generate(path: &Path) -> Result<String, CodeSecretError> {
    let write_error = |source| CodeSecretError::Write {
        path: path.display().to_string(),
        source,
    };
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(CodeSecretError::Random)?;
    let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir).map_err(write_error)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            use std::io::Write;
            file.write_all(key.as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(write_error)?;
            tracing::info!(file = %path.display(), "generated the access-code key (local run)");
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => std::fs::read_to_string(path)
            .map(|t| t.trim().to_owned())
            .map_err(|source| CodeSecretError::Read {
                path: path.display().to_string(),
                source,
            }),
        Err(e) => Err(write_error(e)),
    }
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                tracing::warn!(
                    file = %path.display(),
                    mode = format!("{mode:o}"),
                    "the access-code key file is readable by other users; chmod 600 it"
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}
