//! Several server instances on one PostgreSQL database, as behind a load balancer (issue 26):
//! the waiting room's news reaches every instance, an instance that dies frees its patients'
//! places within the lease, a dropped `LISTEN` connection is survived, and the timed jobs run
//! once. SQLite serves one instance: these tests run in the PostgreSQL pass of the test command.

use crate::helpers::{engine, eventually, Engine, TestApp};
use crate::waiting_room::{
    doctor_cookie, next, open, open_at, patient_enters, roster_until, send, ten_minutes_before,
    Socket,
};
use app::clock::Clock;
use app::signalling::types::{
    ClientMessage, PatientPhase, PatientView, RosterStatus, ServerMessage,
};
use std::collections::HashMap;
use std::time::Duration;

fn on_postgres() -> bool {
    engine() == Engine::Postgres
}

/// `other`'s clock at `first`'s time (each test instance has its own clock).
fn same_time(first: &TestApp, other: &TestApp) {
    other.clock.advance(first.clock.now() - other.clock.now());
}

/// The patient's next view (pings and call messages skipped).
async fn view(patient: &mut Socket) -> PatientView {
    loop {
        match next(patient).await {
            Some(ServerMessage::WaitingRoom(view)) => return view,
            Some(_) => continue,
            None => panic!("the patient's socket closed"),
        }
    }
}

fn status_of(roster: &app::signalling::types::Roster, id: &str) -> RosterStatus {
    roster
        .entries
        .iter()
        .find(|e| e.appointment == id)
        .expect("the appointment is listed")
        .status
}

/// Two instances on one database; the doctor's list on `list_on` (A or B), the patient's page
/// on A, waiting (both clocks ten minutes before the appointment).
struct Pair {
    a: TestApp,
    b: TestApp,
    cookie: String,
    list: Socket,
    id: String,
    pass: String,
    patient: Socket,
}

async fn pair(email: &str, list_on_b: bool) -> Pair {
    pair_on(crate::helpers::spawn_app().await, email, list_on_b).await
}

/// [`pair`] with `a` as instance A.
async fn pair_on(a: TestApp, email: &str, list_on_b: bool) -> Pair {
    let code = ten_minutes_before(&a, email).await;
    let b = a.another_instance(|_| {}).await;
    same_time(&a, &b);
    // Logged in through A; the session lives in the shared database.
    let cookie = doctor_cookie(&a, email).await;
    let on = if list_on_b { &b } else { &a };
    let mut list = open(on, &cookie, "praxis").await.expect("the list");
    let id = roster_until(&mut list, |_| true).await.entries[0]
        .appointment
        .clone();
    let pass = patient_enters(&a, "Erika Mustermann", &code).await;
    let mut patient = open(&a, &pass, "patient").await.expect("patient on A");
    assert_eq!(view(&mut patient).await.phase, PatientPhase::Waiting);
    roster_until(&mut list, |r| r.waiting == 1).await;
    Pair {
        a,
        b,
        cookie,
        list,
        id,
        pass,
        patient,
    }
}

/// The patient's socket on instance A, the doctor's list on B and a second tab of it on C:
/// arrival, notes, admission, back to the waiting room and removal reach all of them live.
#[tokio::test]
async fn a_patient_on_one_instance_and_the_doctors_lists_on_two_others_see_the_same_room() {
    if !on_postgres() {
        return;
    }
    let a = crate::helpers::spawn_app().await;
    let code = ten_minutes_before(&a, "verbund@praxis.de").await;
    let b = a.another_instance(|_| {}).await;
    let c = a.another_instance(|_| {}).await;
    same_time(&a, &b);
    same_time(&a, &c);
    // Logged in through A; the session lives in the shared database.
    let cookie = doctor_cookie(&a, "verbund@praxis.de").await;
    let mut list_b = open(&b, &cookie, "praxis").await.expect("list on B");
    let mut list_c = open(&c, &cookie, "praxis").await.expect("list on C");
    let id = roster_until(&mut list_b, |_| true).await.entries[0]
        .appointment
        .clone();
    roster_until(&mut list_c, |r| r.waiting == 0).await;

    let pass = patient_enters(&a, "Erika Mustermann", &code).await;
    let mut patient = open(&a, &pass, "patient").await.expect("patient on A");
    assert_eq!(view(&mut patient).await.phase, PatientPhase::Waiting);
    roster_until(&mut list_b, |r| r.waiting == 1).await;
    roster_until(&mut list_c, |r| r.waiting == 1).await;

    // A note from the list on B, one to everybody from C: both reach the page on A.
    send(
        &mut list_b,
        ClientMessage::SendNote {
            appointment: id.clone(),
            text: "Ich komme in 5 Minuten".into(),
        },
    )
    .await;
    assert_eq!(
        view(&mut patient).await.note.as_deref(),
        Some("Ich komme in 5 Minuten")
    );
    send(
        &mut list_c,
        ClientMessage::NoteToAll {
            text: "Heute 10 Minuten Verspätung".into(),
        },
    )
    .await;
    assert_eq!(
        view(&mut patient).await.note.as_deref(),
        Some("Heute 10 Minuten Verspätung")
    );

    // Let in from B: the page on A goes to the call, C's list shows it.
    send(
        &mut list_b,
        ClientMessage::Admit {
            appointment: id.clone(),
        },
    )
    .await;
    assert_eq!(view(&mut patient).await.phase, PatientPhase::InCall);
    roster_until(&mut list_c, |r| status_of(r, &id) == RosterStatus::InCall).await;
    // Back to the waiting room from C.
    send(
        &mut list_c,
        ClientMessage::BackToWaiting {
            appointment: id.clone(),
        },
    )
    .await;
    assert_eq!(view(&mut patient).await.phase, PatientPhase::Waiting);
    roster_until(&mut list_b, |r| status_of(r, &id) == RosterStatus::Waiting).await;
    // Removed from B: the page on A ends, both lists show it.
    send(
        &mut list_b,
        ClientMessage::Remove {
            appointment: id.clone(),
        },
    )
    .await;
    assert_eq!(view(&mut patient).await.phase, PatientPhase::Removed);
    roster_until(&mut list_c, |r| status_of(r, &id) == RosterStatus::Removed).await;
    roster_until(&mut list_b, |r| r.waiting == 0).await;
}

/// Kills the `LISTEN` connections of this test's database.
async fn drop_listeners(app: &TestApp) -> u64 {
    use sea_orm::{ConnectionTrait, Statement};
    let conn = app.conn();
    let killed = conn
        .query_all(Statement::from_string(
            conn.get_database_backend(),
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN %'"
                .to_owned(),
        ))
        .await
        .expect("terminate the listeners");
    killed.len() as u64
}

/// A lost `LISTEN` connection is survived: the instance listens again, its patients' pages
/// reconnect (close code 1012) and get their view from the tables, with what they missed.
#[tokio::test]
async fn a_dropped_listen_connection_is_resynchronised_from_the_tables() {
    if !on_postgres() {
        return;
    }
    let Pair {
        a,
        b: _b,
        mut list,
        id,
        pass,
        mut patient,
        ..
    } = pair("neu@praxis.de", true).await;

    assert!(drop_listeners(&a).await >= 2, "both instances listen");
    // The page on A is asked to reconnect.
    assert_eq!(
        closed_with(&mut patient, Duration::from_secs(10)).await,
        Some(1012)
    );
    // Meanwhile the doctor wrote; the reconnected page has it from the database.
    send(
        &mut list,
        ClientMessage::SendNote {
            appointment: id.clone(),
            text: "Gleich sind Sie dran".into(),
        },
    )
    .await;
    let mut patient = open(&a, &pass, "patient").await.expect("reconnect on A");
    let seen = view(&mut patient).await;
    let seen = if seen.note.is_none() {
        view(&mut patient).await
    } else {
        seen
    };
    assert_eq!(seen.phase, PatientPhase::Waiting);
    assert_eq!(seen.note.as_deref(), Some("Gleich sind Sie dran"));
    // And the news flows again both ways: admitted from B, heard on A (after the note's live
    // view, if it came after the reconnect).
    send(&mut list, ClientMessage::Admit { appointment: id }).await;
    crate::call_signalling::phase_until(&mut patient, PatientPhase::InCall).await;
}

/// A PostgreSQL cluster of one test, on a free port in a directory of its own: the suite's
/// cluster serves every test running at the same time and cannot be stopped. As
/// `scripts/lib.sh start_postgres` makes it (as the `postgres` user when run as root).
struct OwnPostgres {
    dir: tempfile::TempDir,
    bin: std::path::PathBuf,
    port: u16,
    /// This test runs as root: the cluster's programs run as `postgres`.
    root: bool,
}

/// A free port below Linux's range for outgoing connections (32768 and up): the cluster is
/// started again on it after a pause, and an outgoing connection of a test running meanwhile
/// could take a port of that range.
fn port_below_the_ephemeral_range() -> u16 {
    let start = 20_000 + u16::try_from(std::process::id() % 10_000).unwrap_or(0);
    (start..32_000)
        .chain(20_000..start)
        .find(|port| std::net::TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .expect("a free port below 32000")
}

impl OwnPostgres {
    fn start() -> Self {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL server binaries under /usr/lib/postgresql")
            .filter_map(|entry| Some(entry.ok()?.path().join("bin")))
            .filter(|bin| bin.join("initdb").exists())
            .max_by_key(|bin| {
                bin.parent()
                    .and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())
            })
            .expect("an initdb");
        let dir = tempfile::Builder::new()
            .prefix("sprechzimmer-pg-restart.")
            .tempdir()
            .expect("a directory for the cluster");
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|id| id.stdout.trim_ascii() == b"0");
        let cluster = Self {
            dir,
            bin,
            port: port_below_the_ephemeral_range(),
            root,
        };
        if root {
            let chown = std::process::Command::new("chown")
                .args(["postgres:", &cluster.path()])
                .status();
            assert!(
                chown.is_ok_and(|s| s.success()),
                "chown the cluster's directory"
            );
        }
        let data = cluster.data();
        cluster.must(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "sprechzimmer",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
        );
        cluster.start_again();
        cluster
    }

    fn path(&self) -> String {
        self.dir.path().display().to_string()
    }

    fn data(&self) -> String {
        format!("{}/data", self.path())
    }

    fn url(&self) -> String {
        format!("postgres://sprechzimmer@127.0.0.1:{}/postgres", self.port)
    }

    /// `program` of the PostgreSQL binaries, run as `postgres` when this test runs as root
    /// (initdb refuses root).
    fn command(&self, program: &str) -> std::process::Command {
        let program = self.bin.join(program).display().to_string();
        if self.root {
            let mut command = std::process::Command::new("runuser");
            command.args(["-u", "postgres", "--", &program]);
            command
        } else {
            std::process::Command::new(program)
        }
    }

    /// Runs `program` of the PostgreSQL binaries, panicking with its output on failure.
    fn must(&self, program: &str, args: &[&str]) {
        let output = self
            .command(program)
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("run a PostgreSQL program");
        assert!(
            output.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn pg_ctl(&self, args: &[&str]) {
        let data = self.data();
        let mut all = vec!["-D", data.as_str()];
        all.extend_from_slice(args);
        self.must("pg_ctl", &all);
    }

    /// Stops the server as an operator's restart does: every connection is cut.
    fn stop(&self) {
        self.pg_ctl(&["-m", "fast", "-w", "stop"]);
    }

    fn start_again(&self) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off",
            self.port,
            self.path()
        );
        let log = format!("{}/server.log", self.path());
        self.pg_ctl(&["-l", &log, "-w", "-t", "30", "-o", &options, "start"]);
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self
            .command("pg_ctl")
            .args(["-D", &data, "-m", "immediate", "-w", "stop"])
            .output();
    }
}

/// Books `name` today at `time` through `app` as the practice of `email`: the access code
/// from the invitation, delivered by whichever of `instances` ran the outbox.
async fn book_another(
    app: &TestApp,
    instances: &[&TestApp],
    email: &str,
    name: &str,
    time: &str,
) -> String {
    // Logged in again: the clock moved on by days since the first login.
    app.log_in(email, crate::helpers::PASSWORD).await;
    let form = vec![
        ("action", "create".to_owned()),
        ("patient_name", name.to_owned()),
        ("patient_email", "max@example.org".into()),
        ("date", app::time::berlin_date(app.clock.now()).to_string()),
        ("time", time.to_owned()),
        ("duration", "30".into()),
    ];
    let created = app.post_form("/praxis/termine/neu", &form).await;
    assert_eq!(created.status(), 303);
    crate::helpers::eventually("the invitation delivered", || async {
        instances
            .iter()
            .flat_map(|app| app.inbox.messages())
            .find(|mail| mail.to.iter().any(|to| to == "max@example.org"))
            .and_then(|mail| crate::helpers::access_code_in(&mail.text))
    })
    .await
}

/// `GET /health/ready` of `app`: its status code.
async fn readiness(app: &TestApp) -> u16 {
    app.client
        .get(format!("{}/health/ready", app.address))
        .send()
        .await
        .map_or(0, |response| response.status().as_u16())
}

/// The patient's socket until the server closes it; the close code.
async fn closed_with(patient: &mut Socket, wait: Duration) -> Option<u16> {
    loop {
        match tokio::time::timeout(wait, futures_util::StreamExt::next(patient))
            .await
            .expect("the page hears in time")
        {
            Some(Ok(tokio_tungstenite::tungstenite::Message::Close(frame))) => {
                return frame.map(|f| u16::from(f.code))
            }
            Some(Ok(_)) => continue,
            other => panic!("{other:?}"),
        }
    }
}

/// PostgreSQL itself restarted, down longer than the lease (so every instance finds the
/// others "not heard of" when it is back): both instances say they are not ready while it is
/// away and ready again after, listen again, the patient's page reconnects and gets its place
/// from the tables, the doctor's list on the other instance shows the patient again, and news
/// flows both ways (a new arrival on B reaches a list on A, an admission from B the page on A).
// Several threads: the instances go on while the test waits for `pg_ctl`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_postgresql_is_survived_by_every_instance() {
    if !on_postgres() {
        return;
    }
    let postgres = OwnPostgres::start();
    let first = crate::helpers::instance_on(
        postgres.url(),
        secrecy::SecretString::from("r".repeat(32)),
        |_| {},
    )
    .await;
    let Pair {
        a,
        b,
        cookie,
        mut list,
        id,
        pass,
        mut patient,
    } = pair_on(first, "neustart@praxis.de", true).await;
    assert_eq!((readiness(&a).await, readiness(&b).await), (200, 200));
    // The page reads all the time, as a browser does (it answers the pings at once; a client
    // that reads nothing for the 20 s of the outage queues its answers to two pings and writes
    // them into a connection the server has closed, and loses the close frame to the reset).
    let page = tokio::spawn(async move {
        let code = closed_with(&mut patient, Duration::from_secs(60)).await;
        (patient, code)
    });

    postgres.stop();
    assert_eq!((readiness(&a).await, readiness(&b).await), (503, 503));
    tokio::time::sleep(server::bus::LEASE + Duration::from_secs(2)).await;
    postgres.start_again();
    let back = std::time::Instant::now();
    crate::helpers::eventually("both instances ready again", || async {
        (readiness(&a).await == 200 && readiness(&b).await == 200).then_some(())
    })
    .await;

    // The page on A is asked to reconnect and gets its place from the tables.
    let (closed, code) = tokio::time::timeout(Duration::from_secs(15), page)
        .await
        .expect("the page hears in time")
        .expect("the page's reader");
    assert_eq!(code, Some(1012));
    drop(closed);
    let mut patient = open(&a, &pass, "patient").await.expect("reconnect on A");
    assert_eq!(view(&mut patient).await.phase, PatientPhase::Waiting);
    // The list on B (its socket stayed open) shows the patient waiting again.
    roster_until(&mut list, |r| {
        r.waiting == 1 && status_of(r, &id) == RosterStatus::Waiting
    })
    .await;
    assert!(
        back.elapsed() < Duration::from_secs(20),
        "recovered {:?} after PostgreSQL was back",
        back.elapsed()
    );
    // A second patient, booked after the first (10:50), arrives on B at 10:25: a list opened on
    // A shows both.
    let code = book_another(
        &a,
        &[&a, &b],
        "neustart@praxis.de",
        "Max Mustermann",
        "10:50",
    )
    .await;
    for instance in [&a, &b] {
        instance.clock.advance(chrono::Duration::minutes(35));
    }
    let second = patient_enters(&b, "Max Mustermann", &code).await;
    let mut other = open(&b, &second, "patient")
        .await
        .expect("second patient on B");
    assert_eq!(view(&mut other).await.phase, PatientPhase::Waiting);
    let mut list_a = open(&a, &cookie, "praxis").await.expect("list on A");
    roster_until(&mut list_a, |r| r.waiting == 2).await;
    // Admitted from B, heard on A.
    send(&mut list, ClientMessage::Admit { appointment: id }).await;
    crate::call_signalling::phase_until(&mut patient, PatientPhase::InCall).await;
}

/// An instance running on a runtime of its own, on its own thread: [`Doomed::kill`] ends it at
/// once — every task gone in mid-step, nothing written any more, its sockets dropped by the
/// operating system —, as `kill -9` ends a server process.
struct Doomed {
    address: String,
    clock: app::clock::ShiftedClock,
    kill: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Doomed {
    /// On `first`'s database with its access-code key and SMTP inbox, changed by `customise`.
    fn start(
        first: &TestApp,
        customise: impl FnOnce(&mut app::settings::Settings) + Send + 'static,
    ) -> Self {
        let (url, key, smtp) = (
            first.database_url().to_owned(),
            first.state.settings.security.code_secret.clone(),
            first.inbox.port(),
        );
        let (started, ready) = std::sync::mpsc::channel();
        let (kill, killed) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("runtime");
            let app = runtime.block_on(crate::helpers::instance_on(url, key, move |s| {
                s.email.smtp_port = smtp;
                customise(s);
            }));
            started
                .send((app.address.clone(), app.clock.clone()))
                .expect("report the start");
            let _ = killed.recv();
            runtime.shutdown_background();
            // Its files and inbox are left to the test's end: a killed process runs no code.
            std::mem::forget(app);
        });
        let (address, clock) = ready.recv().expect("the instance started");
        Self {
            address,
            clock,
            kill: Some(kill),
            thread: Some(thread),
        }
    }

    fn kill(&mut self) {
        if let Some(kill) = self.kill.take() {
            let _ = kill.send(());
        }
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the instance's thread");
        }
    }
}

impl Drop for Doomed {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An instance that dies while a patient waits on it: the doctor's list on another instance
/// shows the patient gone within the lease, not never.
#[tokio::test]
async fn an_instance_that_dies_mid_wait_frees_its_patients_places_within_the_lease() {
    if !on_postgres() {
        return;
    }
    let a = crate::helpers::spawn_app().await;
    let code = ten_minutes_before(&a, "weg@praxis.de").await;
    let mut doomed = Doomed::start(&a, |_| {});
    doomed.clock.advance(a.clock.now() - doomed.clock.now());
    let cookie = doctor_cookie(&a, "weg@praxis.de").await;
    let mut list = open(&a, &cookie, "praxis").await.expect("list on A");
    roster_until(&mut list, |_| true).await;
    let pass = patient_enters(&a, "Erika Mustermann", &code).await;
    let mut patient = open_at(&doomed.address, &pass, "patient")
        .await
        .expect("patient on the other instance");
    view(&mut patient).await;
    roster_until(&mut list, |r| r.waiting == 1).await;

    doomed.kill();
    let died = std::time::Instant::now();
    let gone = async {
        loop {
            match next_within(&mut list, Duration::from_secs(30)).await {
                Some(ServerMessage::Roster(r)) if r.waiting == 0 => return r,
                Some(_) => continue,
                None => panic!("the list closed"),
            }
        }
    };
    let roster = gone.await;
    let after = died.elapsed();
    assert_eq!(roster.entries[0].status, RosterStatus::Left);
    assert!(
        after >= server::bus::LEASE - server::bus::HEARTBEAT * 2
            && after <= server::bus::LEASE + server::bus::HEARTBEAT * 3,
        "freed after {after:?}: by the lease, not by a goodbye"
    );
    drop(patient);
}

/// The next message within `wait` (pings skipped); `None` when the socket closed.
async fn next_within(socket: &mut Socket, wait: Duration) -> Option<ServerMessage> {
    loop {
        let frame = tokio::time::timeout(wait, futures_util::StreamExt::next(socket))
            .await
            .expect("a message in time");
        match frame {
            Some(Ok(tokio_tungstenite::tungstenite::Message::Text(text))) => {
                let envelope: app::signalling::types::Envelope<ServerMessage> =
                    serde_json::from_str(&text).unwrap();
                return Some(envelope.message);
            }
            Some(Ok(_)) => continue,
            _ => return None,
        }
    }
}

/// 100 queued e-mails and three instances delivering at once: each goes out once, none is
/// lost; of three instances whose clean-up rounds are due at once, one runs it.
#[tokio::test]
async fn three_instances_send_every_queued_email_exactly_once_and_one_runs_each_round_of_the_jobs()
{
    if !on_postgres() {
        return;
    }
    let a = crate::helpers::spawn_app().await;
    let b = a.another_instance(|_| {}).await;
    let c = a.another_instance(|_| {}).await;
    let now = a.clock.now();
    for i in 0..100 {
        app::email::outbox::enqueue(
            a.conn(),
            now,
            app::email::outbox::NewEmail {
                practice_id: None,
                to: format!("empfaenger{i}@example.org"),
                subject: format!("Nachricht {i}"),
                text: format!("Text {i}"),
                html: String::new(),
                attachment: None,
            },
        )
        .await
        .expect("queue");
    }
    for app in [&a, &b, &c] {
        app.state.outbox.wake();
    }
    let all = eventually("100 messages delivered", || async {
        let all: Vec<_> = [&a, &b, &c]
            .iter()
            .flat_map(|app| app.inbox.messages())
            .collect();
        (all.len() >= 100).then_some(all)
    })
    .await;
    let mut times: HashMap<String, usize> = HashMap::new();
    for message in &all {
        *times.entry(message.subject.clone()).or_default() += 1;
    }
    assert_eq!(times.len(), 100, "every message arrived");
    assert!(times.values().all(|n| *n == 1), "none twice: {times:?}");
    // No instance sends more afterwards (all rows are marked sent).
    for app in [&a, &b, &c] {
        app.state.outbox.wake();
    }
    let settled: usize =
        a.mail_settled().await.len() + b.mail_settled().await.len() + c.mail_settled().await.len();
    assert_eq!(settled, 100);
    let per_instance: Vec<usize> = [&a, &b, &c]
        .iter()
        .map(|app| app.inbox.messages().len())
        .collect();
    eprintln!("deliveries per instance: {per_instance:?}");

    // The clean-up's round (each instance ran one at its start): five minutes later three
    // instances at once, one runs it; right after, it is not due; five minutes later it is
    // again, for one of them. A round while another runs is skipped even at a start.
    for app in [&a, &b, &c] {
        app.clock
            .advance(chrono::Duration::from_std(app::maintenance::EVERY).unwrap());
    }
    let rounds = [&a, &b, &c].map(|app| app::maintenance::run_round(&app.state));
    let ran: Vec<bool> = futures_util::future::join_all(rounds)
        .await
        .into_iter()
        .map(|r| r.expect("round"))
        .collect();
    assert_eq!(ran.iter().filter(|r| **r).count(), 1, "{ran:?}");
    assert!(!app::maintenance::run_round(&c.state).await.unwrap());
    for app in [&a, &b, &c] {
        app.clock
            .advance(chrono::Duration::from_std(app::maintenance::EVERY).unwrap());
    }
    let rounds = [&a, &b, &c].map(|app| app::maintenance::run_round(&app.state));
    let ran = futures_util::future::join_all(rounds).await;
    assert_eq!(
        ran.iter().filter(|r| matches!(r, Ok(true))).count(),
        1,
        "{ran:?}"
    );
}

/// The next call message (the list's and the view's news skipped).
async fn call_message(socket: &mut Socket) -> ServerMessage {
    loop {
        match next(socket).await {
            Some(
                ServerMessage::Roster(_)
                | ServerMessage::WaitingRoom(_)
                | ServerMessage::Admitted { .. },
            ) => continue,
            Some(message) => return message,
            None => panic!("the socket closed"),
        }
    }
}

fn description(
    kind: app::signalling::types::SdpType,
    sdp: String,
) -> app::signalling::types::Signal {
    app::signalling::types::Signal::Description {
        sdp_type: kind,
        sdp,
    }
}

/// The page `page` takes its seat of the call: ready, then the page of `other` if it is
/// there.
async fn seated(socket: &mut Socket, page: &str, other: Option<(&str, &str)>) {
    send(socket, crate::call_signalling::join(page)).await;
    assert!(matches!(
        call_message(socket).await,
        ServerMessage::CallReady { .. }
    ));
    if let Some((other_page, other_id)) = other {
        match call_message(socket).await {
            ServerMessage::PeerJoined { instance, peer } => {
                assert_eq!(
                    (instance.as_str(), peer.id.as_str()),
                    (other_page, other_id)
                );
            }
            message => panic!("{message:?}"),
        }
    }
}

/// After a lost `LISTEN` connection an instance may have missed joins, leaves and ends of
/// calls: every page in a call on it (the doctor's call page too, not only patients) is asked
/// to reconnect, takes its seat again as the same page (so the browsers keep their
/// connection) and hears who is there from the rows; signals flow again.
#[tokio::test]
async fn after_a_dropped_listen_connection_the_pages_in_a_call_take_their_seats_again() {
    use crate::call_signalling::{admit, call_page};
    use app::signalling::types::{SdpType, Signal};
    if !on_postgres() {
        return;
    }
    let Pair {
        a,
        b,
        cookie,
        mut list,
        id,
        pass,
        mut patient,
    } = pair("wieder@praxis.de", true).await;
    admit(&mut list, &mut patient, &id).await;
    let mut doctor = call_page(&b, &cookie, &id).await;
    seated(&mut doctor, "doctor-1", None).await;
    seated(&mut patient, "patient-1", Some(("doctor-1", "doctor"))).await;

    assert!(drop_listeners(&a).await >= 2, "both instances listen");
    assert_eq!(
        closed_with(&mut doctor, Duration::from_secs(10)).await,
        Some(1012)
    );
    assert_eq!(
        closed_with(&mut patient, Duration::from_secs(10)).await,
        Some(1012)
    );

    // Both pages come back (through the same instances) as the same pages.
    let mut doctor = call_page(&b, &cookie, &id).await;
    seated(&mut doctor, "doctor-1", None).await;
    let mut patient = open(&a, &pass, "patient")
        .await
        .expect("patient on A again");
    assert_eq!(view(&mut patient).await.phase, PatientPhase::InCall);
    seated(&mut patient, "patient-1", Some(("doctor-1", "doctor"))).await;
    match call_message(&mut doctor).await {
        ServerMessage::PeerJoined { instance, peer } => {
            assert_eq!(
                (instance.as_str(), peer.id.as_str()),
                ("patient-1", "patient")
            );
        }
        message => panic!("{message:?}"),
    }
    let restart = Signal::Description {
        sdp_type: SdpType::Offer,
        sdp: "v=0 ice restart".into(),
    };
    send(
        &mut doctor,
        ClientMessage::Signal {
            signal: restart.clone(),
            to: Some("patient".into()),
        },
    )
    .await;
    assert_eq!(
        call_message(&mut patient).await,
        ServerMessage::Signal {
            signal: restart,
            from: "doctor".into()
        }
    );
}

/// The doctor's call page on B, the patient's page on A: both take their seats, hear each
/// other, and negotiation messages pass between the instances in order and unchanged — also
/// a session description larger than a notification may be; the patient's hang-up ends it.
#[tokio::test]
async fn a_call_between_pages_on_two_instances() {
    use crate::call_signalling::{admit, call_page, join};
    use app::signalling::types::{CallEnd, SdpType, Signal};
    if !on_postgres() {
        return;
    }
    // (`_a` keeps the first instance, which owns the database, to the test's end.)
    let Pair {
        a: _a,
        b,
        cookie,
        mut list,
        id,
        mut patient,
        ..
    } = pair("ruf@praxis.de", true).await;
    admit(&mut list, &mut patient, &id).await;

    let mut doctor = call_page(&b, &cookie, &id).await;
    send(&mut doctor, join("doctor-1")).await;
    assert!(matches!(
        call_message(&mut doctor).await,
        ServerMessage::CallReady { polite: false, .. }
    ));
    send(&mut patient, join("patient-1")).await;
    assert!(matches!(
        call_message(&mut patient).await,
        ServerMessage::CallReady { polite: true, .. }
    ));
    match call_message(&mut patient).await {
        ServerMessage::PeerJoined { instance, peer } => {
            assert_eq!(
                (instance.as_str(), peer.id.as_str()),
                ("doctor-1", "doctor")
            );
        }
        other => panic!("{other:?}"),
    }
    match call_message(&mut doctor).await {
        ServerMessage::PeerJoined { instance, peer } => {
            assert_eq!(
                (instance.as_str(), peer.id.as_str()),
                ("patient-1", "patient")
            );
            assert_eq!(peer.typed, None, "the typed name is the booked one");
        }
        other => panic!("{other:?}"),
    }

    // An offer of 20,000 bytes (PostgreSQL notifications end at 8,000), then candidates.
    let big = format!("v=0\r\n{}", "a=x-test:0123456789abcdef\r\n".repeat(800));
    assert!(big.len() > 20_000);
    send(
        &mut doctor,
        ClientMessage::Signal {
            signal: description(SdpType::Offer, big.clone()),
            to: Some("patient".into()),
        },
    )
    .await;
    for i in 0..20 {
        send(
            &mut doctor,
            ClientMessage::Signal {
                signal: Signal::Candidate {
                    candidate: format!("candidate:{i} 1 udp 1 127.0.0.1 {} typ host", 50000 + i),
                    sdp_mid: Some("0".into()),
                    sdp_m_line_index: Some(0),
                },
                to: Some("patient".into()),
            },
        )
        .await;
    }
    assert_eq!(
        call_message(&mut patient).await,
        ServerMessage::Signal {
            signal: description(SdpType::Offer, big),
            from: "doctor".into()
        }
    );
    for i in 0..20 {
        match call_message(&mut patient).await {
            ServerMessage::Signal {
                signal: Signal::Candidate { candidate, .. },
                from,
            } => {
                assert_eq!(from, "doctor");
                assert!(
                    candidate.starts_with(&format!("candidate:{i} ")),
                    "{candidate}"
                );
            }
            other => panic!("candidate {i}: {other:?}"),
        }
    }
    // The answer without `to` (a two-person page of the first protocol) reaches B.
    send(
        &mut patient,
        ClientMessage::Signal {
            signal: description(SdpType::Answer, "v=0 patient".into()),
            to: None,
        },
    )
    .await;
    assert_eq!(
        call_message(&mut doctor).await,
        ServerMessage::Signal {
            signal: description(SdpType::Answer, "v=0 patient".into()),
            from: "patient".into()
        }
    );

    // The patient hangs up on A: the doctor's page on B hears the end.
    send(&mut patient, ClientMessage::Hangup).await;
    assert_eq!(view(&mut patient).await.phase, PatientPhase::Finished);
    assert!(matches!(
        call_message(&mut doctor).await,
        ServerMessage::CallEnded(CallEnd::Finished { .. })
    ));
}

/// Two pages for the doctor's seat at the same moment on two instances: one gets it. And the
/// seat of a page whose instance died is taken again by the same page (its reconnect through
/// the load balancer) at once, by another page after the lease; the patient hears the doctor
/// leave and come back as the same page (so the browsers keep their connection).
#[tokio::test]
async fn one_page_per_seat_across_instances_and_a_dead_instances_seat_is_freed() {
    use crate::call_signalling::{admit, call_page, join};
    use app::signalling::types::ErrorCode;
    if !on_postgres() {
        return;
    }
    let Pair {
        a,
        b,
        cookie,
        mut list,
        id,
        mut patient,
        ..
    } = pair("sitz@praxis.de", false).await;
    admit(&mut list, &mut patient, &id).await;

    // Two tabs at once on the same instance: one gets the seat (joins of an instance wait for
    // each other between counting its pages and seating one).
    let mut tab_1 = call_page(&a, &cookie, &id).await;
    let mut tab_2 = call_page(&a, &cookie, &id).await;
    let (_, _) = tokio::join!(
        send(&mut tab_1, join("tab-1")),
        send(&mut tab_2, join("tab-2"))
    );
    let (first, second) = tokio::join!(call_message(&mut tab_1), call_message(&mut tab_2));
    let ready = |m: &ServerMessage| matches!(m, ServerMessage::CallReady { .. });
    let busy = |m: &ServerMessage| {
        *m == ServerMessage::Error {
            code: ErrorCode::CallBusy,
        }
    };
    assert!(
        (ready(&first) && busy(&second)) || (busy(&first) && ready(&second)),
        "{first:?} / {second:?}"
    );
    drop((tab_1, tab_2));
    // The winner's seat is freed once its socket is gone (the writer deletes the row).
    eventually("the tab's seat freed", || async {
        let seats = crate::helpers::query_one_string(
            a.conn(),
            &format!("SELECT count(*) FROM call_seat WHERE appointment_id = '{id}'"),
        )
        .await;
        (seats == "0").then_some(())
    })
    .await;
    let mut on_a = call_page(&a, &cookie, &id).await;
    let mut on_b = call_page(&b, &cookie, &id).await;
    let (_, _) = tokio::join!(
        send(&mut on_a, join("tab-a")),
        send(&mut on_b, join("tab-b"))
    );
    let (first, second) = tokio::join!(call_message(&mut on_a), call_message(&mut on_b));
    assert!(
        (ready(&first) && busy(&second)) || (busy(&first) && ready(&second)),
        "{first:?} / {second:?}"
    );
    drop((on_a, on_b));

    // The doctor's page on an instance that dies.
    let mut doomed = Doomed::start(&a, |_| {});
    doomed.clock.advance(a.clock.now() - doomed.clock.now());
    let mut doctor = {
        let mut socket = open_at(&doomed.address, &cookie, &format!("gespraech&termin={id}"))
            .await
            .expect("call page on the doomed instance");
        // The seat may still be held by the tab that won above until its socket's close is
        // written; the page retries as the browser does.
        loop {
            send(&mut socket, join("doctor-1")).await;
            match call_message(&mut socket).await {
                ServerMessage::CallReady { .. } => break socket,
                ServerMessage::Error {
                    code: ErrorCode::CallBusy,
                } => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                other => panic!("{other:?}"),
            }
        }
    };
    send(&mut patient, join("patient-1")).await;
    assert!(matches!(
        call_message(&mut patient).await,
        ServerMessage::CallReady { .. }
    ));
    let heard = call_message(&mut patient).await;
    assert!(
        matches!(&heard, ServerMessage::PeerJoined { instance, .. } if instance == "doctor-1"),
        "{heard:?}"
    );
    call_message(&mut doctor).await;
    // The doomed instance's news of the doctor's join may reach A only after the patient took
    // her seat there (she then hears that join twice, which the browser keeps as it is). Its
    // news come in order: once a signal of the doctor's is heard, no late join is on its way.
    send(
        &mut doctor,
        ClientMessage::Signal {
            signal: description(app::signalling::types::SdpType::Offer, "v=0".into()),
            to: Some("patient".into()),
        },
    )
    .await;
    loop {
        match call_message(&mut patient).await {
            ServerMessage::Signal { from, .. } if from == "doctor" => break,
            ServerMessage::PeerJoined { instance, .. } if instance == "doctor-1" => {}
            other => panic!("{other:?}"),
        }
    }
    doomed.kill();
    // Another page of the doctor is refused while the dead instance's lease runs; the same
    // page, reconnecting through the load balancer to A, gets its seat back at once.
    let mut other_tab = call_page(&a, &cookie, &id).await;
    send(&mut other_tab, join("doctor-2")).await;
    assert_eq!(
        call_message(&mut other_tab).await,
        ServerMessage::Error {
            code: ErrorCode::CallBusy
        }
    );
    drop(other_tab);
    let mut back = call_page(&a, &cookie, &id).await;
    send(&mut back, join("doctor-1")).await;
    assert!(matches!(
        call_message(&mut back).await,
        ServerMessage::CallReady { .. }
    ));
    let heard = call_message(&mut patient).await;
    assert!(
        matches!(&heard, ServerMessage::PeerJoined { instance, .. } if instance == "doctor-1"),
        "{heard:?}"
    );
    drop(back);
    let heard = call_message(&mut patient).await;
    assert!(
        matches!(&heard, ServerMessage::PeerLeft { peer, gone: false } if peer == "doctor"),
        "{heard:?}"
    );
    // Nobody holds the seat now: another page of the doctor may take it.
    let mut third = call_page(&a, &cookie, &id).await;
    send(&mut third, join("doctor-3")).await;
    let mut ready_in_time = false;
    for _ in 0..50 {
        match call_message(&mut third).await {
            ServerMessage::CallReady { .. } => {
                ready_in_time = true;
                break;
            }
            ServerMessage::Error {
                code: ErrorCode::CallBusy,
            } => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                send(&mut third, join("doctor-3")).await;
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(ready_in_time, "the freed seat is taken");
}

/// nginx (the shipped `deploy/nginx/sprechzimmer-proxy.conf`, round-robin) in front of two
/// instances, as in production: entry, waiting room and call all through it; the patient's and
/// the doctor's pages land on different instances (asserted from their seats' rows); the
/// instance of the doctor's call page dies mid-call, the page reconnects through nginx to the
/// other one and takes its seat again as the same page, so the browsers' connection stays; the
/// list and the end work afterwards.
#[tokio::test]
async fn through_nginx_a_call_survives_the_death_of_the_doctors_instance() {
    use crate::call_signalling::join;
    use app::signalling::types::{CallEnd, ErrorCode};
    if !on_postgres() {
        return;
    }
    // Both instances know themselves by nginx's address (links, the same-origin check) and
    // trust it for the client's address.
    let port = crate::helpers::free_port();
    let front = format!("http://127.0.0.1:{port}");
    let behind = {
        let front = front.clone();
        move |s: &mut app::settings::Settings| {
            s.security.trusted_proxies = vec!["127.0.0.1/32".into()];
            s.application.base_url = front.clone();
        }
    };
    let mut a = crate::helpers::spawn_app_with(behind.clone()).await;
    let a_direct = std::mem::replace(&mut a.address, front.clone());
    let a_instance = a.state.rooms.instance().expect("a bus on PostgreSQL");
    let mut doomed = Doomed::start(&a, behind);
    let balancer = Balancer::start(port, &[&a_direct, &doomed.address]);

    // From here on every request goes through nginx (`a.address` is nginx's). Both clocks at
    // ten minutes before the appointment.
    let code = ten_minutes_before(&a, "nginx@praxis.de").await;
    doomed.clock.advance(a.clock.now() - doomed.clock.now());
    let cookie = doctor_cookie(&a, "nginx@praxis.de").await;
    let mut list = open(&a, &cookie, "praxis")
        .await
        .expect("list through nginx");
    let id = roster_until(&mut list, |_| true).await.entries[0]
        .appointment
        .clone();
    let pass = patient_enters(&a, "Erika Mustermann", &code).await;
    // The patient's page on A (round-robin: a reconnect lands on the next instance).
    let mut patient = None;
    for _ in 0..6 {
        let mut page = open(&a, &pass, "patient")
            .await
            .expect("patient through nginx");
        view(&mut page).await;
        if presence_instance(&a, &id).await == Some(a_instance) {
            patient = Some(page);
            break;
        }
        drop(page);
        tokio::time::sleep(app::waiting_room::rooms::RECONNECT_GRACE / 10).await;
    }
    let mut patient = patient.expect("round-robin sent the patient to A");
    roster_until(&mut list, |r| r.waiting == 1).await;
    send(
        &mut list,
        ClientMessage::Admit {
            appointment: id.clone(),
        },
    )
    .await;
    assert_eq!(view(&mut patient).await.phase, PatientPhase::InCall);
    send(&mut patient, join("patient-1")).await;
    assert!(matches!(
        call_message(&mut patient).await,
        ServerMessage::CallReady { .. }
    ));

    // The doctor's call page on the other instance.
    let call = format!("gespraech&termin={id}");
    let mut doctor = None;
    for _ in 0..6 {
        let mut page = open(&a, &cookie, &call)
            .await
            .expect("call page through nginx");
        send(&mut page, join("doctor-1")).await;
        match call_message(&mut page).await {
            ServerMessage::CallReady { .. } => {}
            ServerMessage::Error {
                code: ErrorCode::CallBusy,
            } => {
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
            other => panic!("{other:?}"),
        }
        if seat_instance(&a, &id, "doctor").await != a_instance {
            doctor = Some(page);
            break;
        }
        drop(page);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut doctor = doctor.expect("round-robin sent the doctor's call page to the other instance");
    loop {
        if let ServerMessage::PeerJoined { instance, .. } = call_message(&mut patient).await {
            if instance == "doctor-1" {
                break;
            }
        }
    }
    send(
        &mut doctor,
        ClientMessage::Signal {
            signal: description(
                app::signalling::types::SdpType::Offer,
                "v=0 über nginx".into(),
            ),
            to: Some("patient".into()),
        },
    )
    .await;
    loop {
        if let ServerMessage::Signal { from, .. } = call_message(&mut patient).await {
            assert_eq!(from, "doctor");
            break;
        }
    }

    // The doctor's instance dies. The page reconnects through nginx (which skips the dead
    // instance) as the same page and takes its seat again at once.
    doomed.kill();
    drop(doctor);
    let mut back = None;
    for _ in 0..20 {
        if let Ok(mut page) = open(&a, &cookie, &call).await {
            send(&mut page, join("doctor-1")).await;
            if let ServerMessage::CallReady { .. } = call_message(&mut page).await {
                back = Some(page);
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut back = back.expect("the doctor's page back through nginx");
    assert_eq!(seat_instance(&a, &id, "doctor").await, a_instance);
    // The patient's page hears the same page again: the browsers keep their connection.
    loop {
        match call_message(&mut patient).await {
            ServerMessage::PeerJoined { instance, .. } => {
                assert_eq!(instance, "doctor-1");
                break;
            }
            ServerMessage::PeerLeft { gone, .. } => assert!(!gone),
            other => panic!("{other:?}"),
        }
    }
    // The list still works (reopened if its instance died), and so does the end.
    drop(list);
    let mut list = open(&a, &cookie, "praxis").await.expect("list again");
    roster_until(&mut list, |r| status_of(r, &id) == RosterStatus::InCall).await;
    send(&mut back, ClientMessage::Hangup).await;
    assert_eq!(view(&mut patient).await.phase, PatientPhase::Finished);
    loop {
        if let ServerMessage::CallEnded(end) = call_message(&mut back).await {
            assert!(matches!(end, CallEnd::Finished { .. }));
            break;
        }
    }
    roster_until(&mut list, |r| status_of(r, &id) == RosterStatus::Finished).await;
    drop(balancer);
}

/// Which instance holds the patient's socket of `appointment` (its presence row, once the
/// instances have written their changes: exactly one row with an open socket).
async fn presence_instance(app: &TestApp, appointment: &str) -> Option<uuid::Uuid> {
    use sea_orm::{ConnectionTrait, Statement};
    let id: uuid::Uuid = appointment.parse().unwrap();
    let found = eventually("one presence row with an open socket", || async {
        let conn = app.conn();
        let rows = conn
            .query_all(Statement::from_sql_and_values(
                conn.get_database_backend(),
                "SELECT instance_id FROM room_presence \
                 WHERE appointment_id = $1 AND connections > 0",
                [id.into()],
            ))
            .await
            .unwrap();
        match rows.as_slice() {
            [row] => row.try_get::<uuid::Uuid>("", "instance_id").ok(),
            _ => None,
        }
    })
    .await;
    Some(found)
}

/// Which instance holds `who`'s seat of the call.
async fn seat_instance(app: &TestApp, appointment: &str, who: &str) -> uuid::Uuid {
    eventually("the seat's row", || async {
        use sea_orm::{ConnectionTrait, Statement};
        let conn = app.conn();
        let row = conn
            .query_one(Statement::from_sql_and_values(
                conn.get_database_backend(),
                "SELECT instance_id FROM call_seat WHERE appointment_id = $1 AND participant = $2",
                [
                    appointment.parse::<uuid::Uuid>().unwrap().into(),
                    who.into(),
                ],
            ))
            .await
            .unwrap()?;
        row.try_get::<uuid::Uuid>("", "instance_id").ok()
    })
    .await
}

/// nginx with the shipped proxy part in front of `instances` (round-robin) on `port`.
struct Balancer {
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl Balancer {
    fn start(port: u16, instances: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("nginx dir");
        let upstream: String = instances
            .iter()
            .map(|a| {
                format!(
                    "    server {} max_fails=1 fail_timeout=5s;\n",
                    a.trim_start_matches("http://")
                )
            })
            .collect();
        let snippet = crate::helpers::workspace_root().join("deploy/nginx/sprechzimmer-proxy.conf");
        let path = dir.path().display().to_string();
        let config = format!(
            "daemon off;\nmaster_process off;\npid {path}/nginx.pid;\nerror_log {path}/error.log;\n\
             events {{}}\nhttp {{\n  access_log off;\n  client_body_temp_path {path};\n  proxy_temp_path {path};\n\
             upstream sprechzimmer {{\n{upstream}    keepalive 8;\n  }}\n\
             map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}\n\
             server {{\n    listen 127.0.0.1:{port};\n    include {snippet};\n  }}\n}}\n",
            snippet = snippet.display()
        );
        std::fs::write(dir.path().join("nginx.conf"), config).unwrap();
        let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .expect("nginx is missing: apt-get install nginx (the test command installs it)");
        let child = std::process::Command::new(nginx)
            .args(["-p", &path, "-c", &format!("{path}/nginx.conf")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start nginx");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, _dir: dir }
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A stopping instance writes what its closing sockets changed before it ends: its patient's
/// socket leaves the presence table at the stop, not only when the instance's lease runs out
/// 10 s later (until then the others counted her as there). The test holds the presence row
/// locked while the instance stops, so its writer waits: the stop must wait for it too (at a
/// real SIGTERM the process ends when the stop returns, and anything unwritten is lost).
#[tokio::test]
async fn a_stopping_instance_writes_its_sockets_last_changes_before_it_ends() {
    use futures_util::StreamExt;
    use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
    if !on_postgres() {
        return;
    }
    let mut a = crate::helpers::spawn_app().await;
    let instance = a.state.rooms.instance().expect("a bus on PostgreSQL");
    let code = ten_minutes_before(&a, "abschied@praxis.de").await;
    let pass = patient_enters(&a, "Erika Mustermann", &code).await;
    let mut patient = open(&a, &pass, "patient").await.expect("patient on A");
    assert_eq!(view(&mut patient).await.phase, PatientPhase::Waiting);
    // Its own connection: the instance closes its pool when it stops.
    let db = sea_orm::Database::connect(&a.database_url).await.unwrap();
    let sql = |text: &str| {
        Statement::from_sql_and_values(sea_orm::DatabaseBackend::Postgres, text, [instance.into()])
    };
    let open_sockets = || {
        let db = db.clone();
        async move {
            db.query_one(sql("SELECT count(*)::bigint AS n FROM room_presence \
                 WHERE instance_id = $1 AND connections > 0"))
                .await
                .unwrap()
                .expect("a count")
                .try_get::<i64>("", "n")
                .unwrap()
        }
    };
    eventually("the patient's socket written", || async {
        (open_sockets().await == 1).then_some(())
    })
    .await;
    let lock = db.begin().await.unwrap();
    lock.execute(sql(
        "SELECT 1 FROM room_presence WHERE instance_id = $1 FOR UPDATE",
    ))
    .await
    .unwrap();
    // The page reads on and answers the 1012, as a browser does.
    let page = tokio::spawn(async move { while let Some(Ok(_)) = patient.next().await {} });
    let stopping = tokio::spawn(async move {
        a.shut_down().await;
        std::time::Instant::now()
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let released = std::time::Instant::now();
    lock.commit().await.unwrap();
    let stopped = tokio::time::timeout(Duration::from_secs(10), stopping)
        .await
        .unwrap()
        .unwrap();
    assert!(
        stopped >= released,
        "the stop returned {:?} before its changes were written",
        released - stopped
    );
    assert_eq!(
        open_sockets().await,
        0,
        "the stopped instance still lists her socket"
    );
    page.await.unwrap();
}

/// A rolling upgrade behind nginx (the shipped proxy part): a page made by the newer instance
/// names its browser code by the newer build's hashes, which the older instance still running
/// beside it does not have (404). nginx asks the next instance for such a file, so every
/// request for either build's stylesheet is answered while both run.
#[tokio::test]
async fn behind_nginx_each_release_gets_its_browser_code_while_both_run() {
    let older = crate::helpers::spawn_app().await;
    let mut build = crate::helpers::TEST_BUILD;
    build[0].1 = "body { color: #000; }\n";
    let newer = crate::helpers::spawn_app_with_build(&build).await;
    let stylesheet = |html: String| {
        let at = html
            .find("/pkg/sprechzimmer.")
            .expect("the stylesheet's link");
        let end = at + html[at..].find(".css").expect(".css") + 4;
        html[at..end].to_owned()
    };
    let old_css = stylesheet(older.get("/").await.text().await.unwrap());
    let new_css = stylesheet(newer.get("/").await.text().await.unwrap());
    assert_ne!(old_css, new_css, "two releases, two names");
    let port = crate::helpers::free_port();
    let _balancer = Balancer::start(port, &[&older.address, &newer.address]);
    let client = reqwest::Client::new();
    for (path, content) in [
        (&old_css, crate::helpers::TEST_BUILD[0].1),
        (&new_css, build[0].1),
    ] {
        // Round-robin: each name reaches either instance first.
        for _ in 0..6 {
            let response = client
                .get(format!("http://127.0.0.1:{port}{path}"))
                .header("accept-encoding", "identity")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(response.text().await.unwrap(), content);
        }
    }
}

/// Login lockouts count across instances: ten wrong passwords, five on each of two instances,
/// lock the account on both (the counts live in the database).
#[tokio::test]
async fn wrong_passwords_on_two_instances_lock_the_account_on_both() {
    if !on_postgres() {
        return;
    }
    let a = crate::helpers::spawn_app().await;
    a.register_verified("sperre@praxis.de").await;
    let b = a.another_instance(|_| {}).await;
    same_time(&a, &b);
    for i in 0..10 {
        let instance = if i % 2 == 0 { &a } else { &b };
        let refused = instance
            .log_in("sperre@praxis.de", "falsches Passwort 123")
            .await;
        assert_eq!(refused.status(), 401);
    }
    for instance in [&a, &b] {
        let locked = instance
            .log_in("sperre@praxis.de", crate::helpers::PASSWORD)
            .await;
        assert_eq!(locked.status(), 401);
        assert!(locked.text().await.unwrap().contains("15 Minuten gesperrt"));
    }
}
