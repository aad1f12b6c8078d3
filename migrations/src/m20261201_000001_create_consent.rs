//! Einverständniserklärung (issue 8): the practice's key pair for patient documents (public key
//! in clear, private key only wrapped), the patients' consents, their encrypted documents, and
//! the practice's audit log of every access.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_practice::Practice;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Practice::Table)
                    .add_column(string_len_null(ConsentSettings::ConsentParagraph, 2000))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PracticeKey::Table)
                    .if_not_exists()
                    .col(uuid(PracticeKey::PracticeId).primary_key())
                    // X25519, URL-safe base64.
                    .col(string_len(PracticeKey::PublicKey, 64))
                    // JSON: argon2id parameters, salt, nonce and the sealed private key.
                    .col(string_len(PracticeKey::PassphraseWrap, 1024))
                    .col(string_len(PracticeKey::RecoveryWrap, 1024))
                    .col(uuid(PracticeKey::CreatedBy))
                    .col(timestamp_with_time_zone(PracticeKey::CreatedAt))
                    .col(timestamp_with_time_zone(PracticeKey::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PracticeKey::Table, PracticeKey::PracticeId)
                            .to(Practice::Table, Practice::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Consent::Table)
                    .if_not_exists()
                    .col(uuid(Consent::Id).primary_key())
                    .col(uuid(Consent::PracticeId))
                    // Lower-cased e-mail and name: how the practice's appointments find it.
                    .col(string_len(Consent::PatientKey, 400))
                    .col(string_len(Consent::PatientName, 200))
                    .col(string_len(Consent::PatientEmail, 254))
                    // uploaded (to check) | confirmed | withdrawn
                    .col(string_len(Consent::Status, 16))
                    .col(date_null(Consent::PaperReceivedOn))
                    .col(timestamp_with_time_zone_null(Consent::ConfirmedAt))
                    .col(uuid_null(Consent::ConfirmedBy))
                    .col(timestamp_with_time_zone_null(Consent::WithdrawnAt))
                    .col(timestamp_with_time_zone(Consent::CreatedAt))
                    .col(timestamp_with_time_zone(Consent::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Consent::Table, Consent::PracticeId)
                            .to(Practice::Table, Practice::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_consent_practice_patient")
                    .table(Consent::Table)
                    .col(Consent::PracticeId)
                    .col(Consent::PatientKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConsentDocument::Table)
                    .if_not_exists()
                    .col(uuid(ConsentDocument::Id).primary_key())
                    .col(uuid(ConsentDocument::ConsentId))
                    .col(uuid(ConsentDocument::PracticeId))
                    .col(uuid_null(ConsentDocument::AppointmentId))
                    // patient | practice
                    .col(string_len(ConsentDocument::UploadedBy, 16))
                    // A sealed box for the practice's public key; never plaintext.
                    .col(blob(ConsentDocument::Sealed))
                    .col(big_integer(ConsentDocument::SizeBytes))
                    .col(timestamp_with_time_zone(ConsentDocument::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ConsentDocument::Table, ConsentDocument::ConsentId)
                            .to(Consent::Table, Consent::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_consent_document_consent")
                    .table(ConsentDocument::Table)
                    .col(ConsentDocument::ConsentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditEntry::Table)
                    .if_not_exists()
                    .col(uuid(AuditEntry::Id).primary_key())
                    .col(uuid(AuditEntry::PracticeId))
                    // None: the patient (through the access code).
                    .col(uuid_null(AuditEntry::ActorId))
                    .col(string_len(AuditEntry::Action, 40))
                    .col(uuid_null(AuditEntry::SubjectId))
                    .col(timestamp_with_time_zone(AuditEntry::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuditEntry::Table, AuditEntry::PracticeId)
                            .to(Practice::Table, Practice::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_entry_practice_at")
                    .table(AuditEntry::Table)
                    .col(AuditEntry::PracticeId)
                    .col(AuditEntry::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditEntry::Table.into_iden(),
            ConsentDocument::Table.into_iden(),
            Consent::Table.into_iden(),
            PracticeKey::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Practice::Table)
                    .drop_column(ConsentSettings::ConsentParagraph)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum ConsentSettings {
    ConsentParagraph,
}

#[derive(DeriveIden)]
pub enum PracticeKey {
    Table,
    PracticeId,
    PublicKey,
    PassphraseWrap,
    RecoveryWrap,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum Consent {
    Table,
    Id,
    PracticeId,
    PatientKey,
    PatientName,
    PatientEmail,
    Status,
    PaperReceivedOn,
    ConfirmedAt,
    ConfirmedBy,
    WithdrawnAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum ConsentDocument {
    Table,
    Id,
    ConsentId,
    PracticeId,
    AppointmentId,
    UploadedBy,
    Sealed,
    SizeBytes,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum AuditEntry {
    Table,
    Id,
    PracticeId,
    ActorId,
    Action,
    SubjectId,
    At,
}
