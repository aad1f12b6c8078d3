//! Password hashing with argon2id (m = 19456 KiB, t = 2, p = 1, the OWASP minimum) on blocking
//! threads, at most one per core at a time, so a burst of logins cannot starve the async runtime
//! or exhaust memory (each hash needs 19 MiB). New hashes (registration) get at most half of the
//! slots, so logins keep working during a registration flood.

use argon2::{
    password_hash::{
        rand_core::OsRng, PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString,
    },
    Algorithm, Argon2, Params, Version,
};
use std::{sync::Arc, time::Duration};
use tokio::sync::{OnceCell, Semaphore};

/// Memory cost in KiB.
pub const MEMORY_KIB: u32 = 19_456;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;
/// A login waits at most this long for a free hashing slot before it is answered "busy".
const QUEUE_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, thiserror::Error)]
pub enum PasswordHashError {
    #[error("too many password checks at once")]
    Busy,
    #[error("argon2: {0}")]
    Argon2(String),
    #[error("hashing task failed")]
    Join,
}

impl From<PasswordHashError> for crate::forms::FormError {
    /// A full queue asks the user to try again; anything else is an internal failure.
    fn from(e: PasswordHashError) -> Self {
        let text = format!("password hashing: {e}");
        match e {
            PasswordHashError::Busy => Self::Busy(text),
            PasswordHashError::Argon2(_) | PasswordHashError::Join => Self::Internal(text),
        }
    }
}

/// Hashes and verifies passwords; cheap to clone.
#[derive(Clone, Debug)]
pub struct PasswordHasher {
    /// Every argon2 run holds one of these: caps CPU and memory (19 MiB a run).
    permits: Arc<Semaphore>,
    /// New hashes (registrations, new passwords) hold one of these too, at most half of
    /// `permits`: a registration flood never takes the slots the logins need.
    hash_permits: Arc<Semaphore>,
    /// A hash of a random password, verified against when the account does not exist, so
    /// unknown addresses take as long as known ones.
    dummy: Arc<OnceCell<String>>,
}

fn argon2() -> Result<Argon2<'static>, PasswordHashError> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .map_err(|e| PasswordHashError::Argon2(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

impl PasswordHasher {
    /// At most `concurrency` hashes run at the same time.
    pub fn new(concurrency: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            hash_permits: Arc::new(Semaphore::new((concurrency / 2).max(1))),
            dummy: Arc::new(OnceCell::new()),
        }
    }

    /// One slot per CPU core.
    pub fn per_core() -> Self {
        Self::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    }

    async fn run<T: Send + 'static>(
        &self,
        new_hash: bool,
        work: impl FnOnce() -> Result<T, PasswordHashError> + Send + 'static,
    ) -> Result<T, PasswordHashError> {
        let deadline = tokio::time::Instant::now() + QUEUE_TIMEOUT;
        let _hash_permit = if new_hash {
            Some(
                tokio::time::timeout_at(deadline, self.hash_permits.acquire())
                    .await
                    .map_err(|_| PasswordHashError::Busy)?
                    .map_err(|_| PasswordHashError::Busy)?,
            )
        } else {
            None
        };
        let _permit = tokio::time::timeout_at(deadline, self.permits.acquire())
            .await
            .map_err(|_| PasswordHashError::Busy)?
            .map_err(|_| PasswordHashError::Busy)?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|_| PasswordHashError::Join)?
    }

    /// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) of `password` with a fresh salt.
    pub async fn hash(&self, password: &str) -> Result<String, PasswordHashError> {
        let password = password.to_owned();
        self.run(true, move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2()?
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| PasswordHashError::Argon2(e.to_string()))
        })
        .await
    }

    /// Whether `password` matches `phc`; with `None` (no such account) it spends the same time
    /// on a dummy hash and answers `false`.
    pub async fn verify(
        &self,
        password: &str,
        phc: Option<&str>,
    ) -> Result<bool, PasswordHashError> {
        let (phc, real) = match phc {
            Some(p) => (p.to_owned(), true),
            None => (self.dummy_hash().await?, false),
        };
        let password = password.to_owned();
        let matches = self
            .run(false, move || {
                let parsed = PasswordHash::new(&phc)
                    .map_err(|e| PasswordHashError::Argon2(e.to_string()))?;
                Ok(argon2()?
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok())
            })
            .await?;
        Ok(real && matches)
    }

    async fn dummy_hash(&self) -> Result<String, PasswordHashError> {
        self.dummy
            .get_or_try_init(|| async {
                let mut random = [0u8; 24];
                getrandom::fill(&mut random)
                    .map_err(|e| PasswordHashError::Argon2(e.to_string()))?;
                self.hash(&format!("{random:?}")).await
            })
            .await
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_with_the_required_parameters_and_verifies() {
        let hasher = PasswordHasher::new(2);
        let phc = hasher.hash("korrekt pferd batterie").await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(hasher
            .verify("korrekt pferd batterie", Some(&phc))
            .await
            .unwrap());
        assert!(!hasher
            .verify("korrekt pferd batteriE", Some(&phc))
            .await
            .unwrap());
        let again = hasher.hash("korrekt pferd batterie").await.unwrap();
        assert_ne!(phc, again, "every hash has its own salt");
    }

    #[tokio::test]
    async fn an_unknown_account_never_matches() {
        let hasher = PasswordHasher::new(1);
        assert!(!hasher.verify("irgendein passwort", None).await.unwrap());
    }
}
