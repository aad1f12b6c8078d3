//! The shape of the configuration. `server::config` loads it in layers (Leptos.toml,
//! `config/base.toml`, `config/<environment>.toml`, `APP_SECTION__KEY` variables); this module
//! holds the types and the rules derived from them, so server functions can read them.

use crate::site::types::OperatorInfo;
use secrecy::SecretString;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub application: ApplicationSettings,
    pub database: DatabaseSettings,
    pub session: SessionSettings,
    pub security: SecuritySettings,
    /// Who runs this installation; shown in the Impressum and the privacy notice.
    pub operator: OperatorInfo,
    pub email: EmailSettings,
    pub demo: DemoSettings,
    pub log: LogSettings,
    #[serde(default)]
    pub appointments: AppointmentSettings,
    #[serde(default)]
    pub ice: IceSettings,
    #[serde(default)]
    pub http: HttpSettings,
    /// Caps on the signalling sockets (issue 22, point 15).
    #[serde(default)]
    pub signalling: SignallingSettings,
    /// Caps on consent uploads (issue 22, point 16).
    #[serde(default)]
    pub uploads: UploadSettings,
    /// The operator's certificates (IT security, data protection) that practices download
    /// for their KV; none by default.
    #[serde(default)]
    pub certificates: Vec<CertificateSettings>,
}

/// One certificate of the operator, e.g. under `[[certificates]]` in the configuration.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct CertificateSettings {
    /// What it certifies, e.g. "Zertifikat Informationssicherheit (Anlage 31b § 5)".
    pub title: String,
    /// Who issued it.
    pub issuer: String,
    /// The certificate's number.
    pub number: String,
    /// Valid until, as printed on the certificate (e.g. "31.12.2027").
    pub valid_until: String,
    /// The certificate as a PDF file, offered for download; a relative path counts from the
    /// server's working directory.
    #[serde(default)]
    pub file: Option<std::path::PathBuf>,
}

/// STUN/TURN: how the browsers find a path to each other. The server runs its own STUN/TURN
/// service on UDP and TCP (`turn_enabled`), or points the browsers at external TURN servers
/// (`turn_urls`, e.g. coturn); either way browsers get short-lived credentials in the TURN
/// REST format (`app::call::ice`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct IceSettings {
    /// Run the embedded STUN/TURN service.
    pub turn_enabled: bool,
    /// Its UDP port (0: any free port, for tests); TURN over TCP uses the same number.
    pub turn_port: u16,
    /// Also offer TURN over TCP (for networks that block UDP).
    pub turn_tcp: bool,
    /// The IP address it listens on and announces for relayed connections; must be reachable
    /// by the patients' browsers (in production: the server's public address).
    pub relay_ip: String,
    /// The host name in the `stun:`/`turn:` addresses given to browsers; empty: the host of
    /// `application.base_url`.
    pub turn_host: String,
    /// A TURN credential is valid until the appointment's planned end plus this many minutes
    /// (consultations overrun); never longer.
    pub credential_margin_minutes: i64,
    /// External TURN servers, e.g. `turns:turn.example.org:443?transport=tcp`; when set, the
    /// embedded service is off (not bound) and browsers get these with TURN REST credentials
    /// made with `turn_secret` (coturn's `use-auth-secret`).
    #[serde(deserialize_with = "list_or_commas")]
    pub turn_urls: Vec<String>,
    /// The TURN REST shared secret (coturn's `static-auth-secret`). Required with `turn_urls`;
    /// for the embedded service optional (default: a new random secret at every start).
    pub turn_secret: Option<SecretString>,
    /// A file holding the shared secret instead (its first line); not both.
    pub turn_secret_file: Option<std::path::PathBuf>,
    /// Browsers use relayed paths only (tests: proves a call through the TURN server).
    pub force_relay: bool,
    /// Further STUN servers (e.g. `stun:stun.example.org:3478`); usually none.
    #[serde(deserialize_with = "list_or_commas")]
    pub stun_urls: Vec<String>,
    /// Relay to loopback and private addresses too. Off in production, so nobody can use the
    /// relay to reach the server's own or its network's services; on for local runs, where
    /// every browser is on loopback.
    pub relay_to_private_addresses: bool,
    /// TURN allocations one credential may hold at once per connection of its page (a browser
    /// needs one or two; a page of a group call holds one connection per other participant, so
    /// the embedded service allows this times `appointments.max_participants` − 1).
    pub allocations_per_credential: usize,
    /// TURN allocations of the whole service at once (each holds a UDP socket).
    pub max_allocations: usize,
    /// Permissions (peer addresses) one allocation may hold.
    pub permissions_per_allocation: usize,
    /// Channel bindings one allocation may hold.
    pub channels_per_allocation: usize,
    /// Open TURN/TCP connections at most.
    pub tcp_max_connections: usize,
    /// Open TURN/TCP connections from one client address at most (a clinic or care home
    /// behind one address has several browsers).
    pub tcp_connections_per_address: usize,
    /// Seconds a TURN/TCP client has for a whole frame once it started one, and for its
    /// first frame after connecting.
    pub tcp_frame_timeout_seconds: u64,
}

impl Default for IceSettings {
    fn default() -> Self {
        Self {
            turn_enabled: true,
            turn_port: 3478,
            turn_tcp: true,
            relay_ip: "127.0.0.1".into(),
            turn_host: String::new(),
            credential_margin_minutes: 60,
            turn_urls: Vec::new(),
            turn_secret: None,
            turn_secret_file: None,
            force_relay: false,
            stun_urls: Vec::new(),
            relay_to_private_addresses: false,
            allocations_per_credential: 4,
            max_allocations: 500,
            permissions_per_allocation: 32,
            channels_per_allocation: 32,
            tcp_max_connections: 1000,
            tcp_connections_per_address: 16,
            tcp_frame_timeout_seconds: 10,
        }
    }
}

/// Limits of the HTTP listener against slow or idle clients (slowloris) and connection floods.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct HttpSettings {
    /// A request's headers must arrive within this many seconds; a kept-alive connection
    /// without a new request is closed after the same time.
    pub header_read_timeout_seconds: u64,
    /// A request body that sends nothing for this many seconds is cut off (408).
    pub body_idle_timeout_seconds: u64,
    /// A connection whose client takes nothing of the answer for this many seconds (its
    /// buffers full) is closed; also for the signalling sockets.
    pub write_idle_timeout_seconds: u64,
    /// Most HTTP connections open at once (WebSockets, once upgraded, have their own caps);
    /// further connections are closed at once.
    pub max_connections: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            header_read_timeout_seconds: 10,
            body_idle_timeout_seconds: 30,
            write_idle_timeout_seconds: 30,
            max_connections: 10_000,
        }
    }
}

/// A list from a configuration file, or from one variable with commas
/// (`APP_ICE__TURN_URLS=turn:h:3478?transport=udp,turns:h:443?transport=tcp`); blanks around
/// the entries are dropped, empty entries too.
fn list_or_commas<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum ListOrText {
        List(Vec<String>),
        Text(String),
    }
    let entries = match ListOrText::deserialize(d)? {
        ListOrText::List(list) => list,
        ListOrText::Text(text) => text.split(',').map(str::to_owned).collect(),
    };
    Ok(entries
        .into_iter()
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
        .collect())
}

/// Shortest shared TURN secret accepted (characters); `openssl rand -hex 32` gives 64.
pub const MIN_TURN_SECRET_CHARS: usize = 32;

impl IceSettings {
    /// Whether browsers are sent to external TURN servers (then the embedded one is off).
    pub fn external_turn(&self) -> bool {
        !self.turn_urls.is_empty()
    }

    /// Whether the embedded STUN/TURN service runs.
    pub fn embedded_turn(&self) -> bool {
        self.turn_enabled && !self.external_turn()
    }

    /// The configured shared secret, from `turn_secret` or the first line of
    /// `turn_secret_file`; `None` when neither is set.
    pub fn shared_turn_secret(&self) -> Result<Option<SecretString>, SettingsError> {
        use secrecy::ExposeSecret;
        let inline = self
            .turn_secret
            .as_ref()
            .filter(|s| !s.expose_secret().trim().is_empty());
        let secret = match (inline, &self.turn_secret_file) {
            (Some(_), Some(_)) => return Err(SettingsError::TurnSecretTwice),
            (Some(secret), None) => secret.expose_secret().trim().to_owned(),
            (None, Some(path)) => std::fs::read_to_string(path)
                .map_err(|e| SettingsError::TurnSecretFile(path.display().to_string(), e.kind()))?
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned(),
            (None, None) => return Ok(None),
        };
        if secret.chars().count() < MIN_TURN_SECRET_CHARS {
            return Err(SettingsError::TurnSecretShort);
        }
        Ok(Some(SecretString::from(secret)))
    }

    fn validate(&self) -> Result<(), SettingsError> {
        if let Some(url) = self
            .stun_urls
            .iter()
            .find(|u| !(u.starts_with("stun:") || u.starts_with("stuns:")) || u.len() < 7)
        {
            return Err(SettingsError::StunUrl(url.clone()));
        }
        if self.external_turn() {
            for url in &self.turn_urls {
                if !valid_turn_url(url) {
                    return Err(SettingsError::TurnUrl(url.clone()));
                }
            }
            if self.shared_turn_secret()?.is_none() {
                return Err(SettingsError::TurnSecretMissing);
            }
        } else if self.turn_enabled {
            if self.relay_ip.parse::<std::net::IpAddr>().is_err() {
                return Err(SettingsError::RelayIp(self.relay_ip.clone()));
            }
            self.shared_turn_secret()?;
        } else if self.force_relay {
            return Err(SettingsError::RelayWithoutTurn);
        }
        if self.credential_margin_minutes <= 0 {
            return Err(SettingsError::Zero("ice.credential_margin_minutes"));
        }
        Ok(())
    }
}

/// `turn:host[:port][?transport=udp|tcp]` or `turns:…` (RFC 7065), host a name or an IP
/// address (IPv6 in brackets); no user part, no path.
pub fn valid_turn_url(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("turn:")
        .or_else(|| url.strip_prefix("turns:"))
    else {
        return false;
    };
    let (authority, query) = match rest.split_once('?') {
        Some((authority, query)) => (authority, Some(query)),
        None => (rest, None),
    };
    if !matches!(query, None | Some("transport=udp" | "transport=tcp")) {
        return false;
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        match v6.split_once(']') {
            // The address is checked; the host rule below is for names and IPv4.
            Some((ip, port)) if ip.parse::<std::net::Ipv6Addr>().is_ok() => ("ipv6", port),
            _ => return false,
        }
    } else {
        match authority.find(':') {
            Some(colon) => authority.split_at(colon),
            None => (authority, ""),
        }
    };
    let port_ok = port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|p| p.parse::<u16>().is_ok_and(|p| p > 0));
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
    port_ok && host_ok
}

/// Rules of the patient entry and of who takes part.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct AppointmentSettings {
    /// The access code opens the waiting room this many minutes before the start.
    pub code_opens_minutes_before: i64,
    /// People in one consultation, the doctor included (issue 25): 4 by default (doctor,
    /// patient and two further persons; what a full mesh asks of a phone, measured in
    /// BENCHMARKS.md); 2 switches further persons off.
    pub max_participants: usize,
}

/// The largest group a practice may set: a full mesh beyond it strains a phone's uplink.
pub const MAX_PARTICIPANTS_LIMIT: usize = 6;

impl Default for AppointmentSettings {
    fn default() -> Self {
        Self {
            code_opens_minutes_before: 30,
            max_participants: 4,
        }
    }
}

impl AppointmentSettings {
    /// Further persons that may be invited to one appointment besides the patient.
    pub fn guest_seats(&self) -> usize {
        self.max_participants.saturating_sub(2)
    }
}

/// How many signalling sockets may be open at once; one more is accepted and closed at once
/// with close code [`crate::signalling::types::TOO_MANY_SOCKETS`].
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct SignallingSettings {
    /// Per patient pass (one browser): the page and a reload that overlaps it.
    pub sockets_per_pass: u32,
    /// Per doctor account: the waiting list and call pages on a few devices.
    pub sockets_per_login: u32,
    /// Per client address (a practice or a care home behind one address has many).
    pub sockets_per_address: u32,
}

impl Default for SignallingSettings {
    fn default() -> Self {
        Self {
            sockets_per_pass: 2,
            sockets_per_login: 10,
            sockets_per_address: 200,
        }
    }
}

/// Consent uploads: storage per practice and uploads received at once.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct UploadSettings {
    /// Sealed consent documents a practice may store, in MiB.
    pub practice_quota_mib: u64,
    /// Uploads the server receives at the same time (each holds up to 10 MiB in memory).
    pub concurrent: u32,
}

impl Default for UploadSettings {
    fn default() -> Self {
        Self {
            practice_quota_mib: 2048,
            concurrent: 8,
        }
    }
}

impl UploadSettings {
    /// The quota in bytes.
    pub fn practice_quota_bytes(&self) -> u64 {
        self.practice_quota_mib.saturating_mul(1024 * 1024)
    }
}

/// The demo practice for trying the product locally.
#[derive(Debug, Clone, Deserialize)]
pub struct DemoSettings {
    /// Create (or keep) the demo practice at start-up; refused in production.
    pub enabled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Local,
    Production,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ApplicationSettings {
    pub environment: Environment,
    /// The address patients and practices use, e.g. `https://video.example.de`; links in
    /// e-mails and the cookie's security follow from it.
    pub base_url: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// `sqlite://data/sprechzimmer.db` or `postgres://user:password@host/db`; secret because
    /// it may hold a password.
    pub url: SecretString,
    pub max_connections: u32,
    /// How long SQLite waits for a lock before it reports "busy".
    pub busy_timeout_ms: u64,
    /// How long a request waits for a free connection from the pool.
    pub acquire_timeout_ms: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SessionSettings {
    /// A logged-in session ends after this many minutes without a request.
    pub inactivity_minutes: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SecuritySettings {
    /// Largest request body accepted anywhere; bigger requests get 413.
    pub max_body_bytes: usize,
    /// `max-age` of the HSTS header, sent only when `base_url` is HTTPS.
    pub hsts_max_age_seconds: u64,
    /// Unit of the progressive delay after failed logins (delays are 1, 2, 4, 8 units).
    pub login_delay_unit_ms: u64,
    /// Legacy: treat every direct peer as a trusted proxy. Use `trusted_proxies` instead.
    #[serde(default)]
    pub trust_forwarded_for: bool,
    /// Key of the HMAC-SHA256 under which patients' access codes are stored (at least 32
    /// characters). Empty: read from `code_secret_file`. Losing it invalidates every code
    /// not yet used (the practice sends new ones with "Einladung erneut senden").
    #[serde(default = "empty_secret")]
    pub code_secret: SecretString,
    /// File holding that key. Empty: `code_secret` next to the SQLite database (`data/` for
    /// PostgreSQL). A missing file is created with a random key (mode 0600) in local runs
    /// only; production refuses to start without a key.
    #[serde(default)]
    pub code_secret_file: String,
    /// The reverse proxies (CIDR ranges, e.g. `["127.0.0.1/32", "10.0.0.0/8"]`, or one
    /// comma-separated string in an environment variable) whose forwarded header is believed:
    /// the client is the right-most entry that is not one of them. Empty: the TCP peer counts.
    #[serde(default, deserialize_with = "list_or_comma_separated")]
    pub trusted_proxies: Vec<String>,
    /// `x-forwarded-for` (default) or `forwarded` (RFC 7239): the header the proxies write.
    #[serde(default)]
    pub forwarded_header: crate::client_address::ForwardedHeader,
    /// Login and patient-entry requests from one client address that may wait for their
    /// (delayed) answer at the same time; more are answered "busy" at once.
    #[serde(default = "default_attempts_in_flight")]
    pub attempts_in_flight_per_address: usize,
    /// Registrations accepted from one client address per hour (then a German 429).
    #[serde(default = "default_registrations_per_address")]
    pub registrations_per_address_per_hour: i32,
    /// E-mails a registration may cause to one target address per hour; further attempts are
    /// answered the same way without a mail.
    #[serde(default = "default_registration_mails")]
    pub registration_mails_per_address_per_hour: i32,
}

fn empty_secret() -> SecretString {
    SecretString::from("")
}

fn default_attempts_in_flight() -> usize {
    8
}

fn default_registrations_per_address() -> i32 {
    10
}

fn default_registration_mails() -> i32 {
    3
}

/// A list from a TOML array, or from one comma-separated string (environment variables).
fn list_or_comma_separated<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum ListOrString {
        List(Vec<String>),
        String(String),
    }
    Ok(match ListOrString::deserialize(deserializer)? {
        ListOrString::List(list) => list,
        ListOrString::String(s) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

impl SecuritySettings {
    pub fn login_delay_unit(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.login_delay_unit_ms)
    }
}

/// How e-mails leave the server.
#[derive(Debug, Clone, Deserialize)]
pub struct EmailSettings {
    /// `file` writes each message as an `.eml` file into `outbox_dir` (the embedded default);
    /// `smtp` delivers through `smtp_host`.
    pub transport: EmailTransport,
    /// Sender, e.g. `Sprechzimmer <no-reply@praxis.example>`.
    pub from: String,
    /// Folder for the `file` transport, relative to the working directory.
    pub outbox_dir: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_tls: SmtpTls,
    /// Empty: no authentication.
    pub smtp_username: String,
    pub smtp_password: SecretString,
    /// One delivery attempt gives up after this many seconds.
    pub smtp_timeout_seconds: u64,
}

impl EmailSettings {
    /// The bare address of `from` (`no-reply@praxis.example`), e.g. for an `.ics` organizer.
    pub fn from_address(&self) -> String {
        match (self.from.rfind('<'), self.from.rfind('>')) {
            (Some(start), Some(end)) if start < end => self.from[start + 1..end].trim().to_owned(),
            _ => self.from.trim().to_owned(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailTransport {
    File,
    Smtp,
}

/// Transport security towards the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Implicit TLS (usually port 465).
    Tls,
    /// STARTTLS is required (usually port 587).
    Starttls,
    /// Unencrypted; refused in production, for a local test listener only.
    None,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    /// A `tracing` filter such as `info,sqlx=warn`.
    pub filter: String,
    /// One JSON object per line instead of human-readable lines.
    pub json: bool,
}

/// Why the settings cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SettingsError {
    #[error("application.base_url {0:?} is not an absolute http(s) URL")]
    BaseUrl(String),
    #[error("application.base_url must use https outside localhost (got {0:?}); session cookies are never sent unencrypted")]
    InsecureBaseUrl(String),
    #[error("email.smtp_tls = \"none\" is refused in production: e-mails carry personal data")]
    UnencryptedSmtp,
    #[error("demo.enabled is refused in production: the demo password is public")]
    DemoInProduction,
    #[error("{0} must be greater than zero")]
    Zero(&'static str),
    #[error("ice.relay_ip {0:?} is not an IP address")]
    RelayIp(String),
    #[error("ice.relay_to_private_addresses is refused in production: the relay would reach the server's own network")]
    PrivateRelayInProduction,
    #[error("email.transport = \"file\" is refused in production: e-mails would pile up on the server instead of reaching practices and patients; configure SMTP")]
    FileMailInProduction,
    #[error("operator.example = true is refused in production: the Impressum, the privacy notice and the KV documents would name the shipped example operator; enter the operator's details (APP_OPERATOR__NAME …) and set operator.example = false")]
    ExampleOperatorInProduction,
    #[error("security.trusted_proxies: {0}")]
    TrustedProxy(#[from] crate::client_address::CidrError),
    #[error("ice.turn_urls: {0:?} ist keine TURN-Adresse wie turns:turn.example.org:443?transport=tcp (not a turn:/turns: URL)")]
    TurnUrl(String),
    #[error("ice.stun_urls: {0:?} ist keine STUN-Adresse wie stun:turn.example.org:3478 (not a stun: URL)")]
    StunUrl(String),
    #[error("ice.turn_urls ist gesetzt, aber kein gemeinsames Geheimnis: ice.turn_secret oder ice.turn_secret_file fehlt (external TURN servers need the shared secret)")]
    TurnSecretMissing,
    #[error("ice.turn_secret und ice.turn_secret_file sind beide gesetzt; bitte nur eines (set only one of them)")]
    TurnSecretTwice,
    #[error("ice.turn_secret_file {0:?} ist nicht lesbar: {1} (cannot be read)")]
    TurnSecretFile(String, std::io::ErrorKind),
    #[error("das TURN-Geheimnis ist zu kurz: mindestens 32 Zeichen, z. B. `openssl rand -hex 32` (the TURN secret needs at least 32 characters)")]
    TurnSecretShort,
    #[error("appointments.max_participants muss zwischen 2 und {MAX_PARTICIPANTS_LIMIT} liegen, nicht {0} (between 2 and {MAX_PARTICIPANTS_LIMIT})")]
    Participants(usize),
    #[error("ice.force_relay ohne TURN-Server: weder ice.turn_enabled noch ice.turn_urls (relay-only needs a TURN server)")]
    RelayWithoutTurn,
}

/// Name and flags of the session cookie, derived from `base_url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionCookie {
    pub name: &'static str,
    pub secure: bool,
}

impl Settings {
    /// Checks the rules that types cannot express; the server refuses to start otherwise.
    pub fn validate(&self) -> Result<(), SettingsError> {
        self.application.base_uri()?;
        self.session_cookie()?;
        if self.database.max_connections == 0 {
            return Err(SettingsError::Zero("database.max_connections"));
        }
        if self.security.max_body_bytes == 0 {
            return Err(SettingsError::Zero("security.max_body_bytes"));
        }
        for proxy in &self.security.trusted_proxies {
            crate::client_address::Cidr::parse(proxy)?;
        }
        if self.security.attempts_in_flight_per_address == 0 {
            return Err(SettingsError::Zero(
                "security.attempts_in_flight_per_address",
            ));
        }
        if self.email.transport == EmailTransport::Smtp
            && self.email.smtp_tls == SmtpTls::None
            && self.application.environment == Environment::Production
        {
            return Err(SettingsError::UnencryptedSmtp);
        }
        if self.demo.enabled && self.application.environment == Environment::Production {
            return Err(SettingsError::DemoInProduction);
        }
        if self.application.environment == Environment::Production {
            if self.ice.relay_to_private_addresses {
                return Err(SettingsError::PrivateRelayInProduction);
            }
            if self.email.transport == EmailTransport::File {
                return Err(SettingsError::FileMailInProduction);
            }
            // The shipped example operator ("Beispiel-Betreiber (bitte in der Konfiguration
            // eintragen)") must not reach a live Impressum.
            if self.operator.example || self.operator.name.contains("bitte in der Konfiguration") {
                return Err(SettingsError::ExampleOperatorInProduction);
            }
        }
        if !(2..=MAX_PARTICIPANTS_LIMIT).contains(&self.appointments.max_participants) {
            return Err(SettingsError::Participants(
                self.appointments.max_participants,
            ));
        }
        if self.session.inactivity_minutes <= 0 {
            return Err(SettingsError::Zero("session.inactivity_minutes"));
        }
        self.ice.validate()?;
        if self.ice.turn_enabled {
            for (value, name) in [
                (
                    self.ice.allocations_per_credential,
                    "ice.allocations_per_credential",
                ),
                (self.ice.max_allocations, "ice.max_allocations"),
                (
                    self.ice.permissions_per_allocation,
                    "ice.permissions_per_allocation",
                ),
                (
                    self.ice.channels_per_allocation,
                    "ice.channels_per_allocation",
                ),
                (self.ice.tcp_max_connections, "ice.tcp_max_connections"),
                (
                    self.ice.tcp_connections_per_address,
                    "ice.tcp_connections_per_address",
                ),
            ] {
                if value == 0 {
                    return Err(SettingsError::Zero(name));
                }
            }
            if self.ice.tcp_frame_timeout_seconds == 0 {
                return Err(SettingsError::Zero("ice.tcp_frame_timeout_seconds"));
            }
        }
        Ok(())
    }

    /// `__Host-sprechzimmer` (Secure) over HTTPS; a plain name only on plain-HTTP loopback.
    pub fn session_cookie(&self) -> Result<SessionCookie, SettingsError> {
        self.application.base_uri()?;
        if self.application.is_https() {
            return Ok(SessionCookie {
                name: "__Host-sprechzimmer",
                secure: true,
            });
        }
        if self.application.is_loopback()? && self.application.environment == Environment::Local {
            Ok(SessionCookie {
                name: "sprechzimmer",
                secure: false,
            })
        } else {
            Err(SettingsError::InsecureBaseUrl(
                self.application.base_url.clone(),
            ))
        }
    }
}

impl ApplicationSettings {
    /// `base_url` parsed; only absolute http and https URLs are accepted.
    pub fn base_uri(&self) -> Result<http::Uri, SettingsError> {
        let bad = || SettingsError::BaseUrl(self.base_url.clone());
        let uri: http::Uri = self.base_url.parse().map_err(|_| bad())?;
        match (uri.scheme_str(), uri.host()) {
            (Some("http" | "https"), Some(h)) if !h.is_empty() => Ok(uri),
            _ => Err(bad()),
        }
    }

    /// `scheme://host[:port]` of `base_url` in the form [`normalize_origin`] gives; compared with
    /// the `Origin` header of requests.
    pub fn origin(&self) -> Result<String, SettingsError> {
        let uri = self.base_uri()?;
        let authority = uri.authority().map(|a| a.as_str()).unwrap_or_default();
        let raw = format!("{}://{authority}", uri.scheme_str().unwrap_or("https"));
        normalize_origin(&raw).ok_or_else(|| SettingsError::BaseUrl(self.base_url.clone()))
    }

    /// Whether `base_url` names this machine (`localhost`, 127.0.0.0/8, `::1`): only then may
    /// the environment be left to its default, `local`.
    pub fn is_loopback(&self) -> Result<bool, SettingsError> {
        let uri = self.base_uri()?;
        let host = uri.host().unwrap_or_default().trim_matches(['[', ']']);
        Ok(host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback()))
    }

    /// Whether `base_url` is HTTPS; decides the cookie's `Secure` flag and HSTS alike.
    pub fn is_https(&self) -> bool {
        self.base_uri().is_ok_and(|uri| {
            uri.scheme_str()
                .is_some_and(|s| s.eq_ignore_ascii_case("https"))
        })
    }
}

/// An origin as browsers compare them: lower-case scheme and host, no default port, no path.
/// `None` for anything that is not an absolute http(s) origin (including `null`).
pub fn normalize_origin(origin: &str) -> Option<String> {
    let uri: http::Uri = origin.trim().parse().ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let host = uri.host()?.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    if host.is_empty() || uri.authority()?.as_str().contains('@') {
        return None;
    }
    Some(match uri.port_u16() {
        Some(port) if port != default_port => format!("{scheme}://{host}:{port}"),
        _ => format!("{scheme}://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalized_like_browsers_send_them() {
        let cases: &[(&str, Option<&str>)] = &[
            ("https://video.example.de", Some("https://video.example.de")),
            (
                "HTTPS://Video.Example.DE:443",
                Some("https://video.example.de"),
            ),
            ("http://127.0.0.1:80", Some("http://127.0.0.1")),
            ("http://127.0.0.1:3000", Some("http://127.0.0.1:3000")),
            (
                "https://video.example.de:8443/pfad",
                Some("https://video.example.de:8443"),
            ),
            ("http://[::1]:3000", Some("http://[::1]:3000")),
            ("null", None),
            ("", None),
            ("ftp://example.de", None),
            ("https://user@example.de", None),
            ("video.example.de", None),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_origin(input).as_deref(), *expected, "{input:?}");
        }
    }

    fn settings(environment: Environment, base_url: &str) -> Settings {
        Settings {
            application: ApplicationSettings {
                environment,
                base_url: base_url.into(),
            },
            database: DatabaseSettings {
                url: SecretString::from("sqlite::memory:"),
                max_connections: 4,
                busy_timeout_ms: 5000,
                acquire_timeout_ms: 5000,
            },
            session: SessionSettings {
                inactivity_minutes: 60,
            },
            security: SecuritySettings {
                max_body_bytes: 1024,
                hsts_max_age_seconds: 1,
                login_delay_unit_ms: 1,
                trust_forwarded_for: false,
                code_secret: SecretString::from("k".repeat(32)),
                code_secret_file: String::new(),
                trusted_proxies: Vec::new(),
                forwarded_header: Default::default(),
                attempts_in_flight_per_address: 8,
                registrations_per_address_per_hour: 10,
                registration_mails_per_address_per_hour: 3,
            },
            operator: OperatorInfo {
                name: "n".into(),
                street: "s".into(),
                postcode: "p".into(),
                city: "c".into(),
                email: "e".into(),
                phone: "t".into(),
                representative: "r".into(),
                register_entry: String::new(),
                vat_id: String::new(),
                example: false,
            },
            email: EmailSettings {
                transport: EmailTransport::File,
                from: "a <a@b.de>".into(),
                outbox_dir: "outbox".into(),
                smtp_host: String::new(),
                smtp_port: 587,
                smtp_tls: SmtpTls::Starttls,
                smtp_username: String::new(),
                smtp_password: SecretString::from(""),
                smtp_timeout_seconds: 5,
            },
            demo: DemoSettings { enabled: false },
            log: LogSettings {
                filter: "info".into(),
                json: false,
            },
            appointments: AppointmentSettings::default(),
            ice: IceSettings::default(),
            signalling: SignallingSettings::default(),
            uploads: UploadSettings::default(),
            http: HttpSettings::default(),
            certificates: Vec::new(),
        }
    }

    #[test]
    fn production_refuses_the_relay_to_private_addresses_and_the_file_outbox() {
        let mut s = settings(Environment::Production, "https://video.example.de");
        s.email.transport = EmailTransport::Smtp;
        assert_eq!(s.validate(), Ok(()));
        s.ice.relay_to_private_addresses = true;
        assert_eq!(s.validate(), Err(SettingsError::PrivateRelayInProduction));
        s.ice.relay_to_private_addresses = false;
        s.email.transport = EmailTransport::File;
        assert_eq!(s.validate(), Err(SettingsError::FileMailInProduction));
        // Local runs keep both (browsers on loopback, no mail server needed).
        let mut local = settings(Environment::Local, "http://127.0.0.1:3000");
        local.ice.relay_to_private_addresses = true;
        assert_eq!(local.validate(), Ok(()));
    }

    #[test]
    fn loopback_base_urls_are_recognised() {
        for (url, loopback) in [
            ("http://127.0.0.1:3000", true),
            ("http://127.8.9.10", true),
            ("http://LOCALHOST:3000", true),
            ("http://[::1]:3000", true),
            ("https://localhost", true),
            ("https://video.example.de", false),
            ("http://192.168.1.5:3000", false),
            ("http://0.0.0.0:3000", false),
            ("http://[::]:3000", false),
            ("http://localhost.example.de", false),
        ] {
            assert_eq!(
                settings(Environment::Local, url).application.is_loopback(),
                Ok(loopback),
                "{url}"
            );
        }
    }

    #[test]
    fn turn_urls_are_checked() {
        let table = [
            ("turn:turn.example.org:3478?transport=udp", true),
            ("turns:turn.example.org:443?transport=tcp", true),
            ("turn:turn.example.org", true),
            ("turn:192.0.2.1:3478", true),
            ("turn:[2001:db8::1]:3478?transport=udp", true),
            ("stun:turn.example.org:3478", false),
            ("turn:", false),
            ("turn:user@turn.example.org:3478", false),
            ("turn:turn.example.org:0", false),
            ("turn:turn.example.org:99999", false),
            ("turn:turn.example.org:3478?transport=sctp", false),
            ("turn:turn.example.org/path", false),
            ("turns:turn example.org:443", false),
            ("turn:[::1:3478", false),
        ];
        for (url, ok) in table {
            assert_eq!(valid_turn_url(url), ok, "{url}");
        }
    }

    #[test]
    fn external_turn_needs_one_long_secret_from_the_settings_or_a_file() {
        let mut s = settings(Environment::Production, "https://video.example.de");
        s.email.transport = EmailTransport::Smtp;
        s.ice.turn_urls = vec!["turns:turn.example.org:443?transport=tcp".into()];
        assert_eq!(s.validate(), Err(SettingsError::TurnSecretMissing));
        s.ice.turn_secret = Some(SecretString::from("too short"));
        assert_eq!(s.validate(), Err(SettingsError::TurnSecretShort));
        let long = "f".repeat(MIN_TURN_SECRET_CHARS);
        s.ice.turn_secret = Some(SecretString::from(long.clone()));
        assert_eq!(s.validate(), Ok(()));
        let dir = std::env::temp_dir().join(format!("turn-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("secret");
        std::fs::write(&file, format!("{long}\n")).unwrap();
        s.ice.turn_secret_file = Some(file.clone());
        assert_eq!(s.validate(), Err(SettingsError::TurnSecretTwice));
        s.ice.turn_secret = None;
        assert_eq!(s.validate(), Ok(()));
        use secrecy::ExposeSecret;
        assert_eq!(
            s.ice.shared_turn_secret().unwrap().unwrap().expose_secret(),
            long
        );
        s.ice.turn_secret_file = Some(dir.join("missing"));
        let error = s.validate().unwrap_err();
        assert!(matches!(error, SettingsError::TurnSecretFile(..)));
        assert!(error.to_string().contains("nicht lesbar"), "{error}");
        s.ice.turn_secret_file = None;
        s.ice.turn_urls = vec!["turn:turn.example.org:3478;evil".into()];
        assert!(matches!(s.validate(), Err(SettingsError::TurnUrl(_))));
        s.ice.turn_urls.clear();
        s.ice.stun_urls = vec![String::new()];
        assert!(matches!(s.validate(), Err(SettingsError::StunUrl(_))));
        s.ice.stun_urls.clear();
        s.ice.turn_enabled = false;
        s.ice.force_relay = true;
        assert_eq!(s.validate(), Err(SettingsError::RelayWithoutTurn));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn production_refuses_unencrypted_smtp_and_the_demo_practice() {
        let mut s = settings(Environment::Production, "https://video.example.de");
        s.email.transport = EmailTransport::Smtp;
        assert_eq!(s.validate(), Ok(()));
        s.email.transport = EmailTransport::Smtp;
        s.email.smtp_tls = SmtpTls::None;
        assert_eq!(s.validate(), Err(SettingsError::UnencryptedSmtp));
        s.email.smtp_tls = SmtpTls::Tls;
        s.demo.enabled = true;
        assert_eq!(s.validate(), Err(SettingsError::DemoInProduction));
        let mut local = settings(Environment::Local, "http://127.0.0.1:3000");
        local.demo.enabled = true;
        local.email.transport = EmailTransport::Smtp;
        local.email.smtp_tls = SmtpTls::None;
        assert_eq!(local.validate(), Ok(()));
    }

    #[test]
    fn production_refuses_the_shipped_example_operator() {
        let mut s = settings(Environment::Production, "https://video.example.de");
        s.email.transport = EmailTransport::Smtp;
        assert_eq!(s.validate(), Ok(()));
        s.operator.example = true;
        assert_eq!(
            s.validate(),
            Err(SettingsError::ExampleOperatorInProduction)
        );
        // The flag turned off, but the shipped name still there.
        s.operator.example = false;
        s.operator.name = "Beispiel-Betreiber (bitte in der Konfiguration eintragen)".into();
        assert_eq!(
            s.validate(),
            Err(SettingsError::ExampleOperatorInProduction)
        );
        // A local run (the demo, the tests) keeps the examples.
        let mut local = settings(Environment::Local, "http://127.0.0.1:3000");
        local.operator = s.operator.clone();
        local.operator.example = true;
        assert_eq!(local.validate(), Ok(()));
    }

    #[test]
    fn session_cookie_follows_base_url() {
        use Environment::*;
        let secure = Ok(SessionCookie {
            name: "__Host-sprechzimmer",
            secure: true,
        });
        let plain = Ok(SessionCookie {
            name: "sprechzimmer",
            secure: false,
        });
        let cases: &[(Environment, &str, Result<SessionCookie, ()>)] = &[
            (Production, "https://video.example.de", secure.clone()),
            (Local, "https://localhost:3000", secure.clone()),
            (Local, "http://127.0.0.1:3000", plain.clone()),
            (Local, "http://localhost:3000", plain.clone()),
            (Local, "http://[::1]:3000", plain.clone()),
            (Local, "http://192.168.1.5:3000", Err(())),
            (Local, "http://video.example.de", Err(())),
            (Production, "http://127.0.0.1:3000", Err(())),
            (Production, "ftp://example.de", Err(())),
            (Production, "video.example.de", Err(())),
        ];
        for (env, url, expected) in cases {
            let got = settings(*env, url).session_cookie().map_err(|_| ());
            assert_eq!(&got, expected, "{env:?} {url}");
        }
    }

    #[test]
    fn origin_has_scheme_host_and_port_only() {
        let s = settings(
            Environment::Production,
            "https://video.example.de:8443/some/path",
        );
        assert_eq!(
            s.application.origin().unwrap(),
            "https://video.example.de:8443"
        );
        assert!(s.application.is_https());
        // Cookie and HSTS follow the same rule, whatever the letter case of the scheme.
        let upper = settings(Environment::Production, "HTTPS://video.example.de");
        assert!(upper.application.is_https());
        assert!(upper.session_cookie().is_ok_and(|c| c.secure));
        assert!(!settings(Environment::Local, "http://127.0.0.1:3000")
            .application
            .is_https());
    }

    #[test]
    fn zero_limits_are_rejected() {
        let mut s = settings(Environment::Local, "http://127.0.0.1:3000");
        assert_eq!(s.validate(), Ok(()));
        s.security.max_body_bytes = 0;
        assert_eq!(
            s.validate(),
            Err(SettingsError::Zero("security.max_body_bytes"))
        );
    }

    #[test]
    fn the_group_size_stays_between_two_and_the_limit() {
        let mut s = settings(Environment::Local, "http://127.0.0.1:3000");
        assert_eq!(s.appointments.max_participants, 4, "two guests by default");
        assert_eq!(
            s.appointments.guest_seats(),
            2,
            "doctor and patient take two"
        );
        for (size, ok) in [(1, false), (2, true), (4, true), (6, true), (7, false)] {
            s.appointments.max_participants = size;
            assert_eq!(
                s.validate() == Ok(()),
                ok,
                "max_participants = {size}: {:?}",
                s.validate()
            );
        }
        s.appointments.max_participants = 2;
        assert_eq!(s.appointments.guest_seats(), 0, "switched off");
    }
}
