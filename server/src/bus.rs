//! Several server instances on one PostgreSQL (issue 26): the waiting room's news travels
//! between them over `LISTEN/NOTIFY`, and who is present lives in rows.
//!
//! Each instance keeps the sockets open on it in an [`InMemoryRooms`] (as a single instance
//! does) and publishes every change — a practice's list changed, a view for one patient, a
//! note to everybody waiting — on one channel. Every instance, the sender too, applies what it
//! hears to its own sockets, so all of them see the changes in the order PostgreSQL delivered
//! them. Presence (which patient has a socket open where) is a row per instance and
//! appointment, written in order with the news by one task per instance, so a list read
//! after a change already sees the arrival that caused it. An instance announces itself every
//! [`HEARTBEAT`]; one not heard of for [`LEASE`] is gone, its rows are deleted and the lists of
//! its practices read again (their patients reconnect to another instance meanwhile).
//!
//! Calls the same way ([`SharedSeats`]): each seat is a row (instance, page, ticket), taken
//! with the appointment's row locked, so of two pages asking at once on two instances one
//! gets it and the group limit holds; what a page sends to a page on another instance, and
//! joins, leaves, evictions and ends, go over the same channel to the instance of that page.
//! A seat of an instance gone is freed with its lease (the others hear the page left).
//! News too large for a notification (a session description can be) waits in `bus_message`
//! and the notification carries its id.
//!
//! Notifications are not stored: when the listening connection drops, the instance listens
//! again and then resynchronises from the tables — every list is read again and every page
//! of the instance reconnects and gets its view (and its call's seats) from the database.
//! The listener and the heartbeat each have a connection of their own, so neither waits
//! behind the requests for the shared pool.

use app::appointment::guest_role::GuestRole;
use app::signalling::relay::{
    CallRelay, Card, Heard, Participant, Present, Refused, Remote, SharedSeats,
};
use app::signalling::types::{CallEnd, PatientView, Signal};
use app::waiting_room::rooms::{InMemoryRooms, Rooms};
use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgListener, PgPool};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use uuid::Uuid;

/// The one channel of the waiting room's news.
pub const CHANNEL: &str = "sprechzimmer_rooms";
/// How often an instance says it is alive.
pub const HEARTBEAT: Duration = Duration::from_secs(2);
/// An instance not heard of for this long is gone: its patients no longer count as present.
pub const LEASE: Duration = Duration::from_secs(10);
/// Presence changes and news waiting for the database; beyond it they are dropped (logged).
const QUEUE: usize = 65_536;
/// At most this many are written in one transaction.
const BATCH: usize = 256;
/// PostgreSQL refuses a notification of 8,000 bytes or more; larger news goes through
/// `bus_message`.
pub const MAX_PAYLOAD: usize = 7_999;
/// How long the listening connection may take to answer a query after a silence of [`LEASE`]
/// before it is taken for dead.
const PROBE: Duration = Duration::from_secs(3);

/// What travels on the channel. Call news names the instance it comes `by`: that instance
/// told its own pages already.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(tag = "k", rename_all = "snake_case")]
pub enum Event {
    /// Something in the practice's list changed.
    Changed {
        p: Uuid,
    },
    /// A new view for the patient (or further person) `a` of practice `p`.
    Told {
        p: Uuid,
        a: Uuid,
        v: PatientView,
    },
    /// A note to everybody of practice `p` waiting now.
    Note {
        p: Uuid,
        n: String,
    },
    /// A page took its seat of the call of appointment `a`.
    Joined {
        a: Uuid,
        by: Uuid,
        card: WireCard,
        page: String,
    },
    /// The page of `who` left (its socket closed, or its instance is gone).
    Left {
        a: Uuid,
        by: Uuid,
        who: String,
    },
    /// `who` is out of the call for good.
    Gone {
        a: Uuid,
        by: Uuid,
        who: String,
    },
    Ended {
        a: Uuid,
        by: Uuid,
        how: CallEnd,
    },
    /// For the page of `to` (without: the other page of a two-person call), from the page
    /// `fp` of `from` (empty from an instance of an earlier version: not checked).
    Signal {
        a: Uuid,
        by: Uuid,
        from: String,
        #[serde(default)]
        fp: String,
        to: Option<String>,
        s: Signal,
    },
    /// The news is in `bus_message` under this id.
    Stored {
        id: Uuid,
    },
    /// An instance's heartbeat: a listener that hears nothing for [`LEASE`] has lost its
    /// connection without being told (a half-open TCP connection) and listens anew.
    Beat,
}

impl Event {
    /// The notification's text (written to `bus_message` instead when too large).
    pub fn payload(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A seat holder's names as the row keeps them.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
pub struct WireCard {
    who: String,
    booked: String,
    typed: Option<String>,
    role: Option<GuestRole>,
}

impl From<&Card> for WireCard {
    fn from(card: &Card) -> Self {
        Self {
            who: card.participant.id(),
            booked: card.booked.clone(),
            typed: card.typed.clone(),
            role: card.role,
        }
    }
}

impl WireCard {
    fn card(self) -> Option<Card> {
        Some(Card {
            participant: Participant::parse(&self.who)?,
            booked: self.booked,
            typed: self.typed,
            role: self.role,
        })
    }
}

enum Command {
    /// The patient's open sockets on this instance now (written as it is, not as a step, so
    /// a write repeated after a lost batch cannot count twice).
    Presence {
        practice: Uuid,
        appointment: Uuid,
        connections: u32,
    },
    Publish(String),
    /// Frees a seat this instance took with `ticket` (if it still has it).
    Free {
        appointment: Uuid,
        who: String,
        ticket: i64,
    },
    /// Takes `who` out of the call for good.
    Evict {
        appointment: Uuid,
        who: String,
    },
    /// Answered once everything queued before it is committed ([`PgBus::flush`]).
    Flushed(tokio::sync::oneshot::Sender<()>),
}

/// The waiting room and the call seats of an instance that shares its database with others.
#[derive(Debug)]
pub struct PgBus {
    here: Arc<InMemoryRooms>,
    instance: Uuid,
    pool: PgPool,
    commands: mpsc::Sender<Command>,
    written: Arc<Written>,
    /// Whether the listener listens now.
    listening: watch::Receiver<bool>,
}

/// What the writer did, and whether a change was lost.
#[derive(Debug, Default)]
struct Written {
    /// Transactions committed by the writer (for the benchmark).
    transactions: std::sync::atomic::AtomicU64,
    /// A change found the queue full: the next heartbeat writes this instance's presence and
    /// seats anew.
    lost: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Presence { .. } => "Presence",
            Self::Publish(_) => "Publish",
            Self::Free { .. } => "Free",
            Self::Evict { .. } => "Evict",
            Self::Flushed(_) => "Flushed",
        })
    }
}

impl PgBus {
    /// Announces the instance, starts its writer, heartbeat and listener, and returns once it
    /// listens (news published from then on reaches it). `calls` is this instance's relay;
    /// the caller hands the bus to it ([`CallRelay::share`]).
    pub async fn start(pool: PgPool, calls: Arc<CallRelay>) -> Result<Self, sqlx::Error> {
        let instance = Uuid::new_v4();
        let here = Arc::new(InMemoryRooms::default());
        let written = Arc::new(Written::default());
        let ours = Ours {
            pool: pool.clone(),
            beat: own_connection(&pool),
            instance,
            here: here.clone(),
            calls,
            written: written.clone(),
        };
        heartbeat_once(&ours).await?;
        let (commands, queue) = mpsc::channel(QUEUE);
        tokio::spawn(write(pool.clone(), instance, queue, written.clone()));
        tokio::spawn(heartbeat(ours.clone()));
        let (listened, listening) = watch::channel(false);
        tokio::spawn(listen(ours, listened));
        // The listener retries on its own; the first LISTEN normally takes milliseconds.
        let _ = tokio::time::timeout(LEASE, listening.clone().wait_for(|on| *on)).await;
        tracing::info!(%instance, "waiting room and calls shared over PostgreSQL");
        Ok(Self {
            here,
            instance,
            pool,
            commands,
            written,
            listening,
        })
    }

    /// Transactions the writer has committed since the start (presence changes and news,
    /// in batches).
    pub fn transactions(&self) -> u64 {
        self.written
            .transactions
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    fn queue(&self, command: Command) {
        if let Err(e) = self.commands.try_send(command) {
            // The next heartbeat writes this instance's presence and seats anew.
            self.written
                .lost
                .store(true, std::sync::atomic::Ordering::Relaxed);
            tracing::error!(command = ?e.into_inner(), "waiting-room queue full; dropped");
        }
    }

    fn publish(&self, event: &Event) {
        self.queue(Command::Publish(event.payload()));
    }

    /// [`SharedSeats::take`] with its database errors.
    async fn take_seat(
        &self,
        appointment: Uuid,
        card: &Card,
        page: &str,
        ticket: u64,
        here: &[Participant],
        limit: usize,
    ) -> Result<Result<Vec<Present>, Refused>, sqlx::Error> {
        let who = card.participant.id();
        let mut tx = self.pool.begin().await?;
        // Joins of one call wait for each other here, on every instance.
        sqlx::query("SELECT id FROM appointment WHERE id = $1 FOR UPDATE")
            .bind(appointment)
            .execute(&mut *tx)
            .await?;
        let seats: Vec<(String, String, Uuid, String)> = sqlx::query_as(
            "SELECT s.participant, s.page, s.instance_id, s.card FROM call_seat s \
             JOIN server_instance i ON i.id = s.instance_id \
             WHERE s.appointment_id = $1 AND i.seen_at > now() - make_interval(secs => $2)",
        )
        .bind(appointment)
        .bind(LEASE.as_secs_f64())
        .fetch_all(&mut *tx)
        .await?;
        // This instance's own rows count by its live pages (`here`), not by rows whose
        // deletion is still queued.
        let elsewhere: Vec<(String, String, String)> = seats
            .into_iter()
            .filter(|(_, _, instance, _)| *instance != self.instance)
            .map(|(participant, page, _, card)| (participant, page, card))
            .collect();
        if elsewhere
            .iter()
            .any(|(participant, held_by, _)| *participant == who && held_by != page)
        {
            return Ok(Err(Refused::Busy));
        }
        let others = here.len()
            + elsewhere
                .iter()
                .filter(|(participant, _, _)| *participant != who)
                .count();
        if others >= limit {
            return Ok(Err(Refused::Full));
        }
        let wire = WireCard::from(card);
        // The same page's row on another instance is taken over (it reconnected here).
        write_seat(
            &mut tx,
            self.instance,
            appointment,
            &wire,
            page,
            ticket,
            true,
        )
        .await?;
        notify(
            &mut tx,
            &Event::Joined {
                a: appointment,
                by: self.instance,
                card: wire,
                page: page.to_owned(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(elsewhere
            .into_iter()
            .filter(|(participant, _, _)| *participant != who)
            .filter_map(|(_, page, card)| {
                let card = serde_json::from_str::<WireCard>(&card).ok()?.card()?;
                Some((Arc::new(card), page))
            })
            .collect()))
    }
}

#[async_trait::async_trait]
impl SharedSeats for PgBus {
    async fn take(
        &self,
        appointment: Uuid,
        card: &Card,
        page: &str,
        ticket: u64,
        here: &[Participant],
        limit: usize,
    ) -> Result<Vec<Present>, Refused> {
        self.take_seat(appointment, card, page, ticket, here, limit)
            .await
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "taking a call seat failed");
                Err(Refused::Unavailable)
            })
    }

    fn free(&self, appointment: Uuid, participant: Participant, ticket: u64) {
        self.queue(Command::Free {
            appointment,
            who: participant.id(),
            ticket: i64::try_from(ticket).unwrap_or(i64::MAX),
        });
    }

    fn publish(&self, appointment: Uuid, news: Remote) {
        let by = self.instance;
        match news {
            Remote::Gone(who) => self.queue(Command::Evict {
                appointment,
                who: who.id(),
            }),
            Remote::Ended(how) => self.publish(&Event::Ended {
                a: appointment,
                by,
                how,
            }),
            Remote::Signal {
                from,
                page,
                to,
                signal,
            } => self.publish(&Event::Signal {
                a: appointment,
                by,
                from: from.id(),
                fp: page,
                to: to.map(Participant::id),
                s: signal,
            }),
        }
    }

    async fn is_seated(&self, appointment: Uuid, participant: Participant) -> bool {
        let seated: Result<Option<(i32,)>, _> = sqlx::query_as(
            "SELECT 1 FROM call_seat s JOIN server_instance i ON i.id = s.instance_id \
             WHERE s.appointment_id = $1 AND s.participant = $2 \
               AND i.seen_at > now() - make_interval(secs => $3)",
        )
        .bind(appointment)
        .bind(participant.id())
        .bind(LEASE.as_secs_f64())
        .fetch_optional(&self.pool)
        .await;
        seated
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "reading the call's seats failed");
                None
            })
            .is_some()
    }
}

/// Writes `card`'s seat row for `page` of this `instance`; when the seat has a row already,
/// `replace` takes it over, otherwise it stays. Whether the row is this page's now.
async fn write_seat(
    tx: &mut sqlx::PgConnection,
    instance: Uuid,
    appointment: Uuid,
    card: &WireCard,
    page: &str,
    ticket: u64,
    replace: bool,
) -> Result<bool, sqlx::Error> {
    let on_conflict = if replace {
        "ON CONFLICT (appointment_id, participant) DO UPDATE SET page = excluded.page, \
           instance_id = excluded.instance_id, ticket = excluded.ticket, \
           card = excluded.card, joined_at = excluded.joined_at"
    } else {
        "ON CONFLICT DO NOTHING"
    };
    let written = sqlx::query(&format!(
        "INSERT INTO call_seat \
           (appointment_id, participant, page, instance_id, ticket, card, joined_at) \
         VALUES ($1, $2, $3, $4, $5, $6, now()) {on_conflict}"
    ))
    .bind(appointment)
    .bind(&card.who)
    .bind(page)
    .bind(instance)
    .bind(i64::try_from(ticket).unwrap_or(i64::MAX))
    .bind(serde_json::to_string(card).unwrap_or_default())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(written > 0)
}

/// Sends `event` at the commit of `tx` (through `bus_message` when too large).
async fn notify(tx: &mut sqlx::PgConnection, event: &Event) -> Result<(), sqlx::Error> {
    notify_payload(tx, event.payload()).await
}

async fn notify_payload(tx: &mut sqlx::PgConnection, payload: String) -> Result<(), sqlx::Error> {
    let payload = if payload.len() > MAX_PAYLOAD {
        let id = Uuid::new_v4();
        sqlx::query("INSERT INTO bus_message (id, payload, created_at) VALUES ($1, $2, now())")
            .bind(id)
            .bind(payload)
            .execute(&mut *tx)
            .await?;
        Event::Stored { id }.payload()
    } else {
        payload
    };
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl Rooms for PgBus {
    fn instance(&self) -> Option<Uuid> {
        Some(self.instance)
    }

    fn hears_the_others(&self) -> bool {
        *self.listening.borrow()
    }

    fn watch_practice(&self, practice: Uuid) -> watch::Receiver<u64> {
        self.here.watch_practice(practice)
    }

    fn practice_changed(&self, practice: Uuid) {
        self.publish(&Event::Changed { p: practice });
    }

    fn patient_connected(
        &self,
        practice: Uuid,
        appointment: Uuid,
        view: PatientView,
    ) -> app::waiting_room::view_slot::ViewReceiver {
        self.here
            .connect_counted(practice, appointment, view, |connections| {
                self.queue(Command::Presence {
                    practice,
                    appointment,
                    connections,
                });
            })
    }

    fn patient_disconnected(&self, practice: Uuid, appointment: Uuid) {
        self.here
            .disconnect_counted(practice, appointment, |connections| {
                self.queue(Command::Presence {
                    practice,
                    appointment,
                    connections,
                });
            });
    }

    fn tell_patient(&self, practice: Uuid, appointment: Uuid, view: PatientView) {
        self.publish(&Event::Told {
            p: practice,
            a: appointment,
            v: view,
        });
    }

    fn wake_patients(&self) {
        self.here.wake_patients();
    }

    fn tick_patients(&self, share: u32, shares: u32) {
        self.here.tick_patients(share, shares);
    }

    /// Waits until the writer has committed everything queued so far: at a stop, the
    /// presence changes of the sockets just closed and the last news reach the others now,
    /// not when this instance's lease runs out.
    async fn flush(&self) {
        let (done, written) = tokio::sync::oneshot::channel();
        if self.commands.send(Command::Flushed(done)).await.is_ok() {
            let _ = written.await;
        }
    }

    fn note_to_waiting(&self, practice: Uuid, note: &str) {
        self.publish(&Event::Note {
            p: practice,
            n: note.to_owned(),
        });
    }

    async fn present(&self, practice: Uuid) -> HashSet<Uuid> {
        let rows: Result<Vec<(Uuid,)>, _> = sqlx::query_as(
            "SELECT DISTINCT p.appointment_id FROM room_presence p \
             JOIN server_instance i ON i.id = p.instance_id \
             WHERE p.practice_id = $1 \
               AND i.seen_at > now() - make_interval(secs => $2) \
               AND (p.connections > 0 OR p.lost_at > now() - make_interval(secs => $3))",
        )
        .bind(practice)
        .bind(LEASE.as_secs_f64())
        .bind(app::waiting_room::rooms::RECONNECT_GRACE.as_secs_f64())
        .fetch_all(&self.pool)
        .await;
        match rows {
            // With this instance's own sockets, whose rows may still be in the writer's queue.
            Ok(rows) => rows
                .into_iter()
                .map(|(id,)| id)
                .chain(self.here.present_here(practice))
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e, "reading who is present failed; this instance's view");
                self.here.present_here(practice)
            }
        }
    }
}

/// Writes presence changes and publishes news in the order they were made, a batch per
/// transaction (the notifications go out at its commit).
async fn write(
    pool: PgPool,
    instance: Uuid,
    mut queue: mpsc::Receiver<Command>,
    written: Arc<Written>,
) {
    use std::sync::atomic::Ordering;
    let mut batch = Vec::with_capacity(BATCH);
    while queue.recv_many(&mut batch, BATCH).await > 0 {
        // A failed transaction sent nothing (notifications go out at the commit) and every
        // command may be applied twice, so the same batch is tried again until it commits;
        // what arrives meanwhile waits in the queue.
        let mut pause = Duration::from_millis(100);
        loop {
            match write_batch(&pool, instance, &batch).await {
                Ok(()) => {
                    written.transactions.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                Err(e) => {
                    tracing::warn!(error = %e, commands = batch.len(), retry_in = ?pause, "waiting-room changes not written yet");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
            }
        }
        for command in batch.drain(..) {
            if let Command::Flushed(done) = command {
                let _ = done.send(());
            }
        }
    }
}

async fn write_batch(pool: &PgPool, instance: Uuid, batch: &[Command]) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    for command in batch {
        match command {
            Command::Presence {
                practice,
                appointment,
                connections,
            } => {
                sqlx::query(
                    "INSERT INTO room_presence \
                       (instance_id, appointment_id, practice_id, connections, lost_at) \
                     VALUES ($1, $2, $3, $4, CASE WHEN $4 = 0 THEN now() END) \
                     ON CONFLICT (instance_id, appointment_id) DO UPDATE \
                     SET connections = excluded.connections, lost_at = excluded.lost_at",
                )
                .bind(instance)
                .bind(appointment)
                .bind(practice)
                .bind(i32::try_from(*connections).unwrap_or(i32::MAX))
                .execute(&mut *tx)
                .await?;
            }
            Command::Publish(payload) => notify_payload(&mut tx, payload.clone()).await?,
            Command::Free {
                appointment,
                who,
                ticket,
            } => free_seat(&mut tx, instance, *appointment, who, *ticket).await?,
            Command::Evict { appointment, who } => {
                sqlx::query("DELETE FROM call_seat WHERE appointment_id = $1 AND participant = $2")
                    .bind(appointment)
                    .bind(who)
                    .execute(&mut *tx)
                    .await?;
                let gone = Event::Gone {
                    a: *appointment,
                    by: instance,
                    who: who.clone(),
                };
                notify(&mut tx, &gone).await?;
            }
            Command::Flushed(_) => {}
        }
    }
    tx.commit().await
}

/// What the background tasks of an instance share.
#[derive(Debug, Clone)]
struct Ours {
    pool: PgPool,
    /// The heartbeat's own connection: a pool busy with requests must not make a live
    /// instance miss its lease.
    beat: PgPool,
    instance: Uuid,
    here: Arc<InMemoryRooms>,
    calls: Arc<CallRelay>,
    written: Arc<Written>,
}

/// Deletes the seat this instance took with `ticket`, if it still holds it, and tells the
/// others the page left (taken again meanwhile with a new ticket: nobody left).
async fn free_seat(
    tx: &mut sqlx::PgConnection,
    instance: Uuid,
    appointment: Uuid,
    who: &str,
    ticket: i64,
) -> Result<(), sqlx::Error> {
    let freed = sqlx::query(
        "DELETE FROM call_seat WHERE appointment_id = $1 AND participant = $2 \
           AND instance_id = $3 AND ticket = $4",
    )
    .bind(appointment)
    .bind(who)
    .bind(instance)
    .bind(ticket)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if freed > 0 {
        let left = Event::Left {
            a: appointment,
            by: instance,
            who: who.to_owned(),
        };
        notify(tx, &left).await?;
    }
    Ok(())
}

async fn heartbeat(ours: Ours) {
    let mut every = tokio::time::interval(HEARTBEAT);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(e) = heartbeat_once(&ours).await {
            tracing::warn!(error = %e, "instance heartbeat failed");
        }
    }
}

/// Says this instance is alive; writes its presence and seats anew if the others had given it
/// up (or at the start); ends the instances not heard of for [`LEASE`]: their patients' places
/// and seats are freed, the lists of their practices read again and the other pages of their
/// calls hear those pages left.
async fn heartbeat_once(ours: &Ours) -> Result<(), sqlx::Error> {
    let instance = ours.instance;
    let mut tx = ours.beat.begin().await?;
    let (fresh,): (bool,) = sqlx::query_as(
        "INSERT INTO server_instance (id, seen_at) VALUES ($1, now()) \
         ON CONFLICT (id) DO UPDATE SET seen_at = now() RETURNING (xmax = 0)",
    )
    .bind(instance)
    .fetch_one(&mut *tx)
    .await?;
    // At the start, after the others had given this instance up, or after a lost batch.
    let lost = ours
        .written
        .lost
        .swap(false, std::sync::atomic::Ordering::Relaxed);
    if fresh || lost {
        announce(&mut tx, ours).await?;
    }
    let gone: Vec<(Uuid,)> = sqlx::query_as(
        "DELETE FROM server_instance WHERE seen_at < now() - make_interval(secs => $1) \
         RETURNING id",
    )
    .bind(LEASE.as_secs_f64())
    .fetch_all(&mut *tx)
    .await?;
    let gone: Vec<Uuid> = gone.into_iter().map(|(id,)| id).collect();
    let mut practices: Vec<(Uuid,)> = sqlx::query_as(
        "DELETE FROM room_presence WHERE instance_id = ANY($1) RETURNING practice_id",
    )
    .bind(&gone)
    .fetch_all(&mut *tx)
    .await?;
    let seats: Vec<(Uuid, String, Uuid)> = sqlx::query_as(
        "DELETE FROM call_seat WHERE instance_id = ANY($1) \
         RETURNING appointment_id, participant, instance_id",
    )
    .bind(&gone)
    .fetch_all(&mut *tx)
    .await?;
    // Seat rows of this instance whose page is gone here (their freeing was not written: the
    // database was away): they hold names, and would keep the seat. (A seat taken a moment ago
    // may not be in this instance's relay yet: rows younger than the lease stay.)
    let rows: Vec<(Uuid, String, i64)> = sqlx::query_as(
        "SELECT appointment_id, participant, ticket FROM call_seat WHERE instance_id = $1 \
           AND joined_at < now() - make_interval(secs => $2)",
    )
    .bind(instance)
    .bind(LEASE.as_secs_f64())
    .fetch_all(&mut *tx)
    .await?;
    if !rows.is_empty() {
        let held: HashSet<(Uuid, String, i64)> = ours
            .calls
            .seats_here()
            .into_iter()
            .map(|(appointment, card, _, ticket)| {
                (
                    appointment,
                    card.participant.id(),
                    i64::try_from(ticket).unwrap_or(i64::MAX),
                )
            })
            .collect();
        for (appointment, who, ticket) in rows {
            if held.contains(&(appointment, who.clone(), ticket)) {
                continue;
            }
            free_seat(&mut tx, instance, appointment, &who, ticket).await?;
        }
    }
    // Places kept for a reconnect long ago; news nobody fetched.
    sqlx::query(
        "DELETE FROM room_presence WHERE instance_id = $1 AND connections = 0 \
           AND lost_at < now() - interval '1 minute'",
    )
    .bind(instance)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM bus_message WHERE created_at < now() - interval '1 minute'")
        .execute(&mut *tx)
        .await?;
    practices.sort_unstable();
    practices.dedup();
    for (practice,) in practices {
        notify(&mut tx, &Event::Changed { p: practice }).await?;
    }
    notify(&mut tx, &Event::Beat).await?;
    for (appointment, who, by) in seats {
        notify(
            &mut tx,
            &Event::Left {
                a: appointment,
                by,
                who,
            },
        )
        .await?;
    }
    tx.commit().await?;
    if !gone.is_empty() {
        tracing::warn!(
            instances = gone.len(),
            "instances not heard of; their patients' places and call seats freed"
        );
    }
    Ok(())
}

/// Writes what this instance holds (open patient sockets, call seats) as its rows.
async fn announce(tx: &mut sqlx::PgConnection, ours: &Ours) -> Result<(), sqlx::Error> {
    let instance = ours.instance;
    sqlx::query("DELETE FROM room_presence WHERE instance_id = $1")
        .bind(instance)
        .execute(&mut *tx)
        .await?;
    let mut practices = Vec::new();
    for (practice, appointment, connections) in ours.here.all_connected() {
        practices.push(practice);
        sqlx::query(
            "INSERT INTO room_presence \
               (instance_id, appointment_id, practice_id, connections, lost_at) \
             VALUES ($1, $2, $3, $4, NULL)",
        )
        .bind(instance)
        .bind(appointment)
        .bind(practice)
        .bind(i32::try_from(connections).unwrap_or(i32::MAX))
        .execute(&mut *tx)
        .await?;
    }
    // After the others had given this instance up (its rows deleted), their lists miss
    // these patients until they are read again.
    practices.sort_unstable();
    practices.dedup();
    for practice in practices {
        notify(&mut *tx, &Event::Changed { p: practice }).await?;
    }
    for (appointment, card, page, ticket) in ours.calls.seats_here() {
        let wire = WireCard::from(&*card);
        // A seat taken meanwhile on another instance stays there.
        let taken = write_seat(tx, instance, appointment, &wire, &page, ticket, false).await?;
        if taken {
            let joined = Event::Joined {
                a: appointment,
                by: instance,
                card: wire,
                page,
            };
            notify(&mut *tx, &joined).await?;
        }
    }
    Ok(())
}

/// A pool of one connection with `pool`'s settings, opened when first used.
fn own_connection(pool: &PgPool) -> PgPool {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .min_connections(0)
        .connect_lazy_with((*pool.connect_options()).clone())
}

/// Listens to the channel and applies what it hears to this instance's sockets; after a lost
/// connection, listens again and resynchronises.
async fn listen(ours: Ours, listening: watch::Sender<bool>) {
    let mut listened_before = false;
    loop {
        // A connection of its own (not the shared pool's): when a dead one is given up, its
        // closing may hang until the kernel gives up on it, and must not hold a connection
        // the requests need.
        let listener = async {
            let mut listener = PgListener::connect_with(&own_connection(&ours.pool)).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        let mut listener = match listener.await {
            Ok(listener) => listener,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen to the other instances; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        // What was published while nobody listened is unknown: read it from the tables.
        if listened_before {
            tracing::info!("listening to the other instances again; resynchronising");
            ours.here.resync();
            // Joins, leaves and ends of calls may have been missed too: their pages take
            // their seats again and hear who is there from the rows (the media between the
            // browsers goes on: the same page keeps its connection).
            ours.calls.reconnect_all();
        }
        listened_before = true;
        listening.send_replace(true);
        loop {
            // Every instance's heartbeat is heard every HEARTBEAT, this one's too.
            match tokio::time::timeout(LEASE, listener.try_recv()).await {
                Ok(Ok(Some(notification))) => ours.apply(notification.payload()).await,
                Ok(Ok(None)) => {
                    tracing::warn!("lost the connection to the other instances");
                    break;
                }
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "listening to the other instances failed");
                    break;
                }
                // Not even the heartbeats (this instance's own among them): they may only be
                // late (a busy database), or the connection is half open. A live listening
                // session misses no notification, so only a dead one means news was missed.
                Err(_) => {
                    let probe = sqlx::query("SELECT 1").execute(&mut listener);
                    if matches!(tokio::time::timeout(PROBE, probe).await, Ok(Ok(_))) {
                        continue;
                    }
                    tracing::warn!("the listening connection does not answer; listening anew");
                    break;
                }
            }
        }
        listening.send_replace(false);
    }
}

impl Ours {
    async fn apply(&self, payload: &str) {
        let event = match serde_json::from_str::<Event>(payload) {
            Ok(Event::Stored { id }) => {
                let stored: Result<Option<(String,)>, _> =
                    sqlx::query_as("SELECT payload FROM bus_message WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await;
                match stored {
                    Ok(Some((payload,))) => serde_json::from_str::<Event>(&payload),
                    Ok(None) => return,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot read stored news");
                        return;
                    }
                }
            }
            other => other,
        };
        match event {
            Ok(event) => hear(&self.here, &self.calls, self.instance, event),
            Err(e) => tracing::warn!(error = %e, "unreadable news from the other instances"),
        }
    }
}

/// Applies `event` to this instance's sockets (call news this instance sent itself is skipped:
/// its pages heard it at once).
fn hear(here: &InMemoryRooms, calls: &CallRelay, me: Uuid, event: Event) {
    let participant = |who: &str| Participant::parse(who);
    match event {
        Event::Changed { p } => here.practice_changed(p),
        Event::Told { p, a, v } => here.tell_patient(p, a, v),
        Event::Note { p, n } => {
            here.note_here(p, &n);
        }
        Event::Joined { by, .. }
        | Event::Left { by, .. }
        | Event::Gone { by, .. }
        | Event::Ended { by, .. }
        | Event::Signal { by, .. }
            if by == me => {}
        Event::Joined { a, card, page, .. } => {
            if let Some(card) = card.card() {
                calls.hear(
                    a,
                    Heard::Joined {
                        card,
                        instance: page,
                    },
                );
            }
        }
        Event::Left { a, who, .. } => {
            if let Some(who) = participant(&who) {
                calls.hear(a, Heard::Left(who));
            }
        }
        Event::Gone { a, who, .. } => {
            if let Some(who) = participant(&who) {
                calls.hear(a, Heard::Remote(Remote::Gone(who)));
            }
        }
        Event::Ended { a, how, .. } => calls.hear(a, Heard::Remote(Remote::Ended(how))),
        Event::Signal {
            a, from, fp, to, s, ..
        } => {
            let to = match to.as_deref().map(participant) {
                Some(None) => return,
                Some(Some(to)) => Some(to),
                None => None,
            };
            if let Some(from) = participant(&from) {
                calls.hear(
                    a,
                    Heard::Remote(Remote::Signal {
                        from,
                        page: fp,
                        to,
                        signal: s,
                    }),
                );
            }
        }
        Event::Stored { .. } | Event::Beat => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::signalling::types::PatientPhase;

    fn apply(here: &InMemoryRooms, payload: &str) {
        if let Ok(event) = serde_json::from_str::<Event>(payload) {
            hear(here, &CallRelay::default(), Uuid::nil(), event);
        }
    }

    #[test]
    fn the_largest_note_fits_in_a_notification() {
        // Notes are at most 1,000 characters (the column); quotes need two bytes, the
        // widest UTF-8 character four.
        for character in ["\"", "€", "𝄞", "\\"] {
            let note = character.repeat(1_000);
            let told = Event::Told {
                p: Uuid::new_v4(),
                a: Uuid::new_v4(),
                v: PatientView {
                    phase: PatientPhase::Waiting,
                    appointment_time: "Mittwoch, 30. Dezember 2026, 14:30 Uhr".into(),
                    note: Some(note.clone()),
                },
            };
            let payload = told.payload();
            assert!(payload.len() <= MAX_PAYLOAD, "{}", payload.len());
            assert_eq!(serde_json::from_str::<Event>(&payload).unwrap(), told);
            let to_all = Event::Note {
                p: Uuid::new_v4(),
                n: note,
            };
            assert!(to_all.payload().len() <= MAX_PAYLOAD);
        }
    }

    #[tokio::test]
    async fn what_an_instance_hears_reaches_only_its_own_sockets_of_that_patient() {
        let here = InMemoryRooms::default();
        let (practice, x, y) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let view = |note: &str| PatientView {
            phase: PatientPhase::Waiting,
            appointment_time: "heute".into(),
            note: Some(note.into()),
        };
        let mut doctor = here.watch_practice(practice);
        let mut patient_x = here.patient_connected(practice, x, view("x"));
        let mut patient_y = here.patient_connected(practice, y, view("y"));
        let told = Event::Told {
            p: practice,
            a: x,
            v: view("Gleich geht es los"),
        };
        apply(&here, &told.payload());
        assert!(patient_x.has_changed().unwrap());
        assert!(!patient_y.has_changed().unwrap());
        assert!(!doctor.has_changed().unwrap());
        apply(&here, &Event::Changed { p: practice }.payload());
        assert!(doctor.has_changed().unwrap());
        doctor.mark_unchanged();
        patient_x.mark_unchanged();
        apply(&here, "{\"k\":\"unbekannt\"}");
        apply(&here, "kein JSON");
        assert!(!doctor.has_changed().unwrap() && !patient_x.has_changed().unwrap());
        // After a lost connection: every list is read again, every page reconnects.
        here.resync();
        assert!(doctor.has_changed().unwrap());
        assert!(patient_x.borrow_and_update().is_none());
        assert!(patient_y.borrow_and_update().is_none());
    }
}
