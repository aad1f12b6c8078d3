//! The transactional outbox: [`enqueue`] writes an e-mail row inside the caller's transaction;
//! [`OutboxWorker`] delivers due rows, retries transient failures with exponential back-off and
//! records each success, so a crash or an SMTP outage loses nothing and repeats nothing that was
//! recorded as sent.

use super::mailer::{Attachment, EmailMessage, Mailer, SendError};
use crate::clock::Clock;
use crate::entities::email_outbox::{self, Entity as Outbox};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::{sync::Arc, time::Duration};
use tokio::sync::Notify;
use uuid::Uuid;

/// After this many failed attempts (≈ 2 days of back-off) a message is given up.
pub const MAX_ATTEMPTS: i32 = 20;
/// A worker owns a claimed row this long; another instance may retry it afterwards.
const LEASE: ChronoDuration = ChronoDuration::minutes(5);
/// Sent messages keep recipient, subject and times a week for support ("was the invitation
/// sent?"), then go. Their bodies — with access codes and e-mail links — are blanked the
/// moment the message is sent or given up (see [`OutboxWorker::record`]).
const KEEP_SENT: ChronoDuration = ChronoDuration::days(7);
const KEEP_FAILED: ChronoDuration = ChronoDuration::days(30);
const BATCH: u64 = 20;

/// An e-mail to be written into the outbox.
pub struct NewEmail {
    pub practice_id: Option<Uuid>,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachment: Option<Attachment>,
}

impl NewEmail {
    pub fn with_attachment(mut self, attachment: Attachment) -> Self {
        self.attachment = Some(attachment);
        self
    }
}

/// Wakes the worker when a request has queued a message, so it goes out at once.
#[derive(Clone, Debug, Default)]
pub struct OutboxSignal(Arc<Notify>);

impl OutboxSignal {
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

/// Writes `email` into the outbox on `conn` (usually the caller's open transaction).
pub async fn enqueue(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    email: NewEmail,
) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    Outbox::insert(email_outbox::ActiveModel {
        id: Set(id),
        practice_id: Set(email.practice_id),
        recipient: Set(email.to),
        subject: Set(email.subject),
        body_text: Set(email.text),
        body_html: Set(email.html),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        sent_at: Set(None),
        failed_at: Set(None),
        last_error: Set(None),
        attachment_name: Set(email.attachment.as_ref().map(|a| a.filename.clone())),
        attachment_type: Set(email.attachment.as_ref().map(|a| a.content_type.clone())),
        attachment_body: Set(email.attachment.map(|a| a.body)),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(id)
}

/// Empties body and attachment of a message that will not be sent again: access codes,
/// verification, reset and invitation links must not stay readable in the database (or its
/// backups) once delivered. Recipient, subject, times and attempts stay for support.
fn blank_contents(update: sea_orm::UpdateMany<Outbox>) -> sea_orm::UpdateMany<Outbox> {
    update
        .col_expr(email_outbox::Column::BodyText, Expr::value(""))
        .col_expr(email_outbox::Column::BodyHtml, Expr::value(""))
        .col_expr(
            email_outbox::Column::AttachmentBody,
            Expr::value(None::<String>),
        )
}

/// Delay before attempt `attempts + 1`: 10 s, 20 s, 40 s … capped at 4 h.
pub fn backoff(attempts: i32) -> ChronoDuration {
    let exp = attempts.clamp(0, 16) as u32;
    let seconds = 10i64.saturating_mul(1i64 << exp).min(4 * 3600);
    ChronoDuration::seconds(seconds)
}

/// Delivers the outbox in the background.
pub struct OutboxWorker {
    pub db: DatabaseConnection,
    pub mailer: Mailer,
    pub clock: Arc<dyn Clock>,
    pub signal: OutboxSignal,
    /// Domain for Message-IDs (the host of `base_url`).
    pub message_id_domain: String,
    /// How often due messages are looked for when nobody wakes the worker.
    pub poll_interval: Duration,
}

impl OutboxWorker {
    /// Runs until the task is aborted.
    pub async fn run(self) {
        tracing::info!(
            transport = self.mailer.describe(),
            "e-mail outbox worker started"
        );
        let mut rounds: u64 = 0;
        loop {
            match self.deliver_due().await {
                Ok(n) if n as u64 == BATCH => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "e-mail outbox: database error"),
            }
            if rounds.is_multiple_of(600) {
                if let Err(e) = self.purge().await {
                    tracing::error!(error = %e, "e-mail outbox: purge failed");
                }
            }
            rounds = rounds.wrapping_add(1);
            tokio::select! {
                () = self.signal.0.notified() => {}
                () = tokio::time::sleep(self.poll_interval) => {}
            }
        }
    }

    /// Sends every message that is due now; returns how many were tried.
    pub async fn deliver_due(&self) -> Result<usize, DbErr> {
        let now = self.clock.now();
        let due = Outbox::find()
            .filter(email_outbox::Column::SentAt.is_null())
            .filter(email_outbox::Column::FailedAt.is_null())
            .filter(email_outbox::Column::NextAttemptAt.lte(now))
            .order_by_asc(email_outbox::Column::NextAttemptAt)
            .limit(BATCH)
            .all(&self.db)
            .await?;
        let tried = due.len();
        for row in due {
            if !self.claim(&row, now).await? {
                continue;
            }
            let message = EmailMessage {
                to: row.recipient.clone(),
                subject: row.subject.clone(),
                text: row.body_text.clone(),
                html: row.body_html.clone(),
                message_id: format!("<{}@{}>", row.id, self.message_id_domain),
                attachment: match (
                    &row.attachment_name,
                    &row.attachment_type,
                    &row.attachment_body,
                ) {
                    (Some(filename), Some(content_type), Some(body)) => Some(Attachment {
                        filename: filename.clone(),
                        content_type: content_type.clone(),
                        body: body.clone(),
                    }),
                    _ => None,
                },
            };
            let result = self.mailer.send(&message).await;
            self.record(&row, result).await?;
        }
        Ok(tried)
    }

    /// Takes the row for this worker by moving its next attempt past the lease; only one of
    /// several instances wins the update.
    async fn claim(&self, row: &email_outbox::Model, now: DateTime<Utc>) -> Result<bool, DbErr> {
        let result = Outbox::update_many()
            .col_expr(
                email_outbox::Column::NextAttemptAt,
                Expr::value(now + LEASE),
            )
            .filter(email_outbox::Column::Id.eq(row.id))
            .filter(email_outbox::Column::SentAt.is_null())
            .filter(email_outbox::Column::FailedAt.is_null())
            .filter(email_outbox::Column::NextAttemptAt.lte(now))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected == 1)
    }

    async fn record(
        &self,
        row: &email_outbox::Model,
        result: Result<(), SendError>,
    ) -> Result<(), DbErr> {
        let now = self.clock.now();
        let attempts = row.attempts + 1;
        let mut update = Outbox::update_many()
            .col_expr(email_outbox::Column::Attempts, Expr::value(attempts))
            .filter(email_outbox::Column::Id.eq(row.id));
        match result {
            Ok(()) => {
                tracing::info!(outbox_id = %row.id, attempts, "e-mail sent");
                update = blank_contents(update)
                    .col_expr(email_outbox::Column::SentAt, Expr::value(Some(now)))
                    .col_expr(email_outbox::Column::LastError, Expr::value(None::<String>));
            }
            Err(e) => {
                let permanent = matches!(e, SendError::Permanent(_)) || attempts >= MAX_ATTEMPTS;
                let reason: String = e.to_string().chars().take(500).collect();
                if permanent {
                    tracing::error!(outbox_id = %row.id, attempts, error = %reason, "e-mail given up");
                    update = blank_contents(update)
                        .col_expr(email_outbox::Column::FailedAt, Expr::value(Some(now)));
                } else {
                    let next = now + backoff(attempts);
                    tracing::warn!(outbox_id = %row.id, attempts, error = %reason, next = %next, "e-mail delivery failed; will retry");
                    update =
                        update.col_expr(email_outbox::Column::NextAttemptAt, Expr::value(next));
                }
                update =
                    update.col_expr(email_outbox::Column::LastError, Expr::value(Some(reason)));
            }
        }
        update.exec(&self.db).await.map(|_| ())
    }

    /// Deletes old sent and failed messages (recipient and subject are personal data)
    /// and, for the file transport, their `.eml` files just as old.
    pub async fn purge(&self) -> Result<u64, DbErr> {
        let now = self.clock.now();
        // Rows sent or given up by a version that kept the bodies: emptied now, not in a week.
        blank_contents(Outbox::update_many())
            .filter(
                sea_orm::Condition::any()
                    .add(email_outbox::Column::SentAt.is_not_null())
                    .add(email_outbox::Column::FailedAt.is_not_null()),
            )
            .filter(
                sea_orm::Condition::any()
                    .add(email_outbox::Column::BodyText.ne(""))
                    .add(email_outbox::Column::BodyHtml.ne(""))
                    .add(email_outbox::Column::AttachmentBody.is_not_null()),
            )
            .exec(&self.db)
            .await?;
        let sent = Outbox::delete_many()
            .filter(email_outbox::Column::SentAt.lt(now - KEEP_SENT))
            .exec(&self.db)
            .await?;
        let failed = Outbox::delete_many()
            .filter(email_outbox::Column::FailedAt.lt(now - KEEP_FAILED))
            .exec(&self.db)
            .await?;
        let cutoff = std::time::SystemTime::from(now - KEEP_SENT);
        match self.mailer.prune_files(cutoff) {
            Ok(0) => {}
            Ok(files) => tracing::info!(files, "e-mail outbox: old .eml files deleted"),
            Err(e) => tracing::warn!(error = %e, "e-mail outbox: deleting old .eml files failed"),
        }
        Ok(sent.rows_affected + failed.rows_affected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_ten_seconds_and_stops_at_four_hours() {
        let table = [
            (0, 10),
            (1, 20),
            (2, 40),
            (5, 320),
            (10, 10240),
            (11, 4 * 3600),
            (19, 4 * 3600),
        ];
        for (attempts, seconds) in table {
            assert_eq!(
                backoff(attempts),
                ChronoDuration::seconds(seconds),
                "{attempts}"
            );
        }
        assert_eq!(backoff(-3), ChronoDuration::seconds(10));
    }
}
