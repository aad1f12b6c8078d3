//! Single-use e-mail link tokens: 256 random bits in the link, only their SHA-256 in the
//! database, so a leaked database does not contain usable links.

use crate::entities::account_token::{self, Entity as Token};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// What a link is for; each has its own lifetime. Stored in `account_token.purpose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sea_orm::EnumIter, sea_orm::DeriveActiveEnum)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(sea_orm::sea_query::StringLen::N(24))"
)]
pub enum TokenPurpose {
    #[sea_orm(string_value = "verify_email")]
    VerifyEmail,
    #[sea_orm(string_value = "reset_password")]
    ResetPassword,
    #[sea_orm(string_value = "invitation")]
    Invitation,
}

impl TokenPurpose {
    /// The stored name (for logs).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
            Self::Invitation => "invitation",
        }
    }

    /// 24 h to verify, 1 h to reset a password, 7 days to accept an invitation.
    pub fn lifetime(self) -> Duration {
        match self {
            Self::VerifyEmail => Duration::hours(24),
            Self::ResetPassword => Duration::hours(1),
            Self::Invitation => Duration::days(7),
        }
    }
}

/// A new random token (43 URL-safe characters).
pub fn generate() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Lower-case hex SHA-256 of the token as it appears in the link.
pub fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.trim().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Stores a new token for `user_id` and returns the plain token for the link. Earlier unused
/// tokens of the same purpose stop working: only the newest link counts.
pub async fn issue(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    let token = generate().map_err(|e| DbErr::Custom(format!("randomness: {e}")))?;
    Token::update_many()
        .col_expr(account_token::Column::UsedAt, Expr::value(Some(now)))
        .filter(account_token::Column::UserId.eq(user_id))
        .filter(account_token::Column::Purpose.eq(purpose))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    Token::insert(account_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        purpose: Set(purpose),
        token_hash: Set(hash(&token)),
        expires_at: Set(now + purpose.lifetime()),
        used_at: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(token)
}

/// The user of a valid, unused, unexpired token, without using it up (to show a form).
pub async fn peek(
    conn: &impl ConnectionTrait,
    token: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, DbErr> {
    Ok(Token::find()
        .filter(account_token::Column::TokenHash.eq(hash(token)))
        .filter(account_token::Column::Purpose.eq(purpose))
        .filter(account_token::Column::UsedAt.is_null())
        .filter(account_token::Column::ExpiresAt.gt(now))
        .one(conn)
        .await?
        .map(|t| t.user_id))
}

/// Uses the token up and returns its user; `None` when unknown, used or expired. Of two
/// concurrent requests with the same token only one succeeds. The write comes first so that
/// SQLite takes the write lock at once instead of upgrading a read snapshot (which fails with
/// "busy" when another connection wrote in between).
pub async fn consume(
    conn: &impl ConnectionTrait,
    token: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, DbErr> {
    let updated = Token::update_many()
        .col_expr(account_token::Column::UsedAt, Expr::value(Some(now)))
        .filter(account_token::Column::TokenHash.eq(hash(token)))
        .filter(account_token::Column::Purpose.eq(purpose))
        .filter(account_token::Column::UsedAt.is_null())
        .filter(account_token::Column::ExpiresAt.gt(now))
        .exec(conn)
        .await?;
    if updated.rows_affected != 1 {
        return Ok(None);
    }
    Ok(Token::find()
        .filter(account_token::Column::TokenHash.eq(hash(token)))
        .one(conn)
        .await?
        .map(|t| t.user_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ActiveEnum, Iterable};

    #[test]
    fn every_purpose_is_stored_as_before() {
        let table = [
            (TokenPurpose::VerifyEmail, "verify_email"),
            (TokenPurpose::ResetPassword, "reset_password"),
            (TokenPurpose::Invitation, "invitation"),
        ];
        assert_eq!(
            TokenPurpose::iter().count(),
            table.len(),
            "every variant is in the table"
        );
        for (purpose, stored) in table {
            assert_eq!(purpose.to_value(), stored);
            assert_eq!(purpose.as_str(), stored);
            assert_eq!(
                TokenPurpose::try_from_value(&stored.to_owned()).unwrap(),
                purpose
            );
        }
    }

    #[test]
    fn tokens_carry_256_bits_and_differ() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }

    #[test]
    fn the_stored_hash_is_sha256_hex_and_not_the_token() {
        let h = hash("abc");
        assert_eq!(
            h,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hash(" abc\n"),
            h,
            "copy-pasted links with whitespace still work"
        );
    }

    #[test]
    fn lifetimes_follow_the_issue() {
        assert_eq!(TokenPurpose::VerifyEmail.lifetime(), Duration::hours(24));
        assert_eq!(TokenPurpose::ResetPassword.lifetime(), Duration::hours(1));
    }
}
