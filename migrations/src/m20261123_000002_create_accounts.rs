//! Practice accounts (issue 4): the practice's Stammdaten and Rechnungsdaten, its users, their
//! single-use tokens and recovery codes, login throttling, and the e-mail outbox.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_practice::Practice;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in practice_columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table(Practice::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(PracticeUser::Table)
                    .if_not_exists()
                    .col(uuid(PracticeUser::Id).primary_key())
                    .col(uuid(PracticeUser::PracticeId))
                    .col(string_len_uniq(PracticeUser::EmailNormalized, 254))
                    .col(string_len(PracticeUser::Email, 254))
                    .col(text_null(PracticeUser::PasswordHash))
                    .col(string_len(PracticeUser::Title, 60))
                    .col(string_len(PracticeUser::FirstName, 100))
                    .col(string_len(PracticeUser::LastName, 100))
                    .col(string_len(PracticeUser::Specialty, 120))
                    .col(string_len_null(PracticeUser::Lanr, 9))
                    .col(string_len(PracticeUser::Role, 16))
                    .col(timestamp_with_time_zone_null(PracticeUser::EmailVerifiedAt))
                    .col(string_len_null(PracticeUser::TotpSecret, 64))
                    .col(string_len_null(PracticeUser::TotpPendingSecret, 64))
                    .col(big_integer_null(PracticeUser::TotpLastStep))
                    .col(timestamp_with_time_zone(PracticeUser::SessionsValidAfter))
                    .col(timestamp_with_time_zone(PracticeUser::CreatedAt))
                    .col(timestamp_with_time_zone(PracticeUser::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PracticeUser::Table, PracticeUser::PracticeId)
                            .to(Practice::Table, Practice::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_practice_user_practice")
                    .table(PracticeUser::Table)
                    .col(PracticeUser::PracticeId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AccountToken::Table)
                    .if_not_exists()
                    .col(uuid(AccountToken::Id).primary_key())
                    .col(uuid(AccountToken::UserId))
                    .col(string_len(AccountToken::Purpose, 24))
                    .col(string_len_uniq(AccountToken::TokenHash, 64))
                    .col(timestamp_with_time_zone(AccountToken::ExpiresAt))
                    .col(timestamp_with_time_zone_null(AccountToken::UsedAt))
                    .col(timestamp_with_time_zone(AccountToken::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AccountToken::Table, AccountToken::UserId)
                            .to(PracticeUser::Table, PracticeUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RecoveryCode::Table)
                    .if_not_exists()
                    .col(uuid(RecoveryCode::Id).primary_key())
                    .col(uuid(RecoveryCode::UserId))
                    .col(string_len(RecoveryCode::CodeHash, 64))
                    .col(timestamp_with_time_zone_null(RecoveryCode::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RecoveryCode::Table, RecoveryCode::UserId)
                            .to(PracticeUser::Table, PracticeUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_recovery_code_user")
                    .table(RecoveryCode::Table)
                    .col(RecoveryCode::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoginThrottle::Table)
                    .if_not_exists()
                    .col(string_len(LoginThrottle::Key, 80).primary_key())
                    .col(integer(LoginThrottle::Failures))
                    .col(timestamp_with_time_zone(LoginThrottle::WindowStartedAt))
                    .col(timestamp_with_time_zone_null(LoginThrottle::LockedUntil))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EmailOutbox::Table)
                    .if_not_exists()
                    .col(uuid(EmailOutbox::Id).primary_key())
                    .col(uuid_null(EmailOutbox::PracticeId))
                    .col(string_len(EmailOutbox::Recipient, 254))
                    .col(string_len(EmailOutbox::Subject, 300))
                    .col(text(EmailOutbox::BodyText))
                    .col(text(EmailOutbox::BodyHtml))
                    .col(timestamp_with_time_zone(EmailOutbox::CreatedAt))
                    .col(integer(EmailOutbox::Attempts))
                    .col(timestamp_with_time_zone(EmailOutbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(EmailOutbox::SentAt))
                    .col(timestamp_with_time_zone_null(EmailOutbox::FailedAt))
                    .col(string_len_null(EmailOutbox::LastError, 500))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EmailOutbox::Table, EmailOutbox::PracticeId)
                            .to(Practice::Table, Practice::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_email_outbox_due")
                    .table(EmailOutbox::Table)
                    .col(EmailOutbox::SentAt)
                    .col(EmailOutbox::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EmailOutbox::Table.into_iden(),
            LoginThrottle::Table.into_iden(),
            RecoveryCode::Table.into_iden(),
            AccountToken::Table.into_iden(),
            PracticeUser::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in PracticeColumn::ALL {
            manager
                .alter_table(
                    Table::alter()
                        .table(Practice::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

fn practice_columns() -> Vec<ColumnDef> {
    use PracticeColumn as C;
    vec![
        string_len(C::Street, 200).default("").to_owned(),
        string_len(C::Postcode, 5).default("").to_owned(),
        string_len(C::City, 100).default("").to_owned(),
        string_len(C::Phone, 40).default("").to_owned(),
        string_len(C::KvRegion, 32).default("").to_owned(),
        string_len(C::Bsnr, 9).default("").to_owned(),
        string_len_null(C::BillingName, 200),
        string_len_null(C::BillingStreet, 200),
        string_len_null(C::BillingPostcode, 5),
        string_len_null(C::BillingCity, 100),
        string_len_null(C::Iban, 34),
        string_len_null(C::AccountHolder, 200),
        string_len(C::Plan, 16).default("basis").to_owned(),
        date_null(C::ContractStartedOn),
        timestamp_with_time_zone_null(C::TermsAcceptedAt),
        string_len(C::TermsVersion, 32).default("").to_owned(),
    ]
}

/// Columns this migration adds to `practice`.
#[derive(DeriveIden, Clone, Copy)]
pub enum PracticeColumn {
    Street,
    Postcode,
    City,
    Phone,
    KvRegion,
    Bsnr,
    BillingName,
    BillingStreet,
    BillingPostcode,
    BillingCity,
    Iban,
    AccountHolder,
    Plan,
    ContractStartedOn,
    TermsAcceptedAt,
    TermsVersion,
}

impl PracticeColumn {
    const ALL: [PracticeColumn; 16] = [
        Self::Street,
        Self::Postcode,
        Self::City,
        Self::Phone,
        Self::KvRegion,
        Self::Bsnr,
        Self::BillingName,
        Self::BillingStreet,
        Self::BillingPostcode,
        Self::BillingCity,
        Self::Iban,
        Self::AccountHolder,
        Self::Plan,
        Self::ContractStartedOn,
        Self::TermsAcceptedAt,
        Self::TermsVersion,
    ];
}

#[derive(DeriveIden)]
pub enum PracticeUser {
    Table,
    Id,
    PracticeId,
    EmailNormalized,
    Email,
    PasswordHash,
    Title,
    FirstName,
    LastName,
    Specialty,
    Lanr,
    Role,
    EmailVerifiedAt,
    TotpSecret,
    TotpPendingSecret,
    TotpLastStep,
    SessionsValidAfter,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum AccountToken {
    Table,
    Id,
    UserId,
    Purpose,
    TokenHash,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum RecoveryCode {
    Table,
    Id,
    UserId,
    CodeHash,
    UsedAt,
}

#[derive(DeriveIden)]
pub enum LoginThrottle {
    Table,
    Key,
    Failures,
    WindowStartedAt,
    LockedUntil,
}

#[derive(DeriveIden)]
pub enum EmailOutbox {
    Table,
    Id,
    PracticeId,
    Recipient,
    Subject,
    BodyText,
    BodyHtml,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    SentAt,
    FailedAt,
    LastError,
}
