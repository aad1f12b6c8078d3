//! Timings and sizes of the KV-Antrag PDFs (the per-KV form for all 17 KVs, the Bestätigung,
//! the Selbstauskunft) for a practice in Görlitz. Prints percentiles over N runs; with a second
//! argument, also writes every document there to look at (`pdftoppm -png`).
//! `cargo run --release --example kv_forms [runs] [out-dir]` (scripts/bench-kv-forms.sh).

use app::entities::{practice, practice_user};
use app::fields::KvRegion;
use app::kv_forms::documents::{self, Filling};
use app::kv_forms::{kvs, self_disclosure};
use app::settings::CertificateSettings;
use app::site::types::OperatorInfo;
use chrono::{NaiveDate, Utc};
use std::time::Instant;
use uuid::Uuid;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn measure(name: &str, runs: usize, mut f: impl FnMut() -> usize) {
    let mut size = 0;
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            size = f();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "| {name} | {:.2} ms | {:.2} ms | {:.1} KB |",
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        size as f64 / 1000.0
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20);
    let out = args.next().map(std::path::PathBuf::from);
    let now = Utc::now();
    let practice = practice::Model {
        id: Uuid::nil(),
        name: "Kinderarztpraxis Müßig".into(),
        street: "Berliner Straße 12".into(),
        postcode: "02826".into(),
        city: "Görlitz".into(),
        phone: "03581 123456".into(),
        kv_region: app::fields::KvRegion::Sachsen,
        bsnr: "981234500".into(),
        billing_name: None,
        billing_street: None,
        billing_postcode: None,
        billing_city: None,
        iban: None,
        account_holder: None,
        plan: app::practice::types::Plan::Basis,
        contract_started_on: None,
        terms_accepted_at: None,
        terms_version: "2026-11".into(),
        default_duration_minutes: 15,
        reminders_enabled: true,
        consent_paragraph: None,
        cancelled_at: None,
        contract_ends_on: None,
        deletion_at: None,
        reminder_month_sent_at: None,
        reminder_week_sent_at: None,
        short_name: None,
        public_page_enabled: false,
        public_intro: None,
        guide_in_invitation: true,
        calendar_version: 0,
        created_at: now,
        updated_at: now,
    };
    let doctor = practice_user::Model {
        id: Uuid::nil(),
        practice_id: Uuid::nil(),
        email_normalized: "praxis@example.org".into(),
        email: "praxis@example.org".into(),
        password_hash: None,
        title: "Dr. med.".into(),
        first_name: "Jürgen".into(),
        last_name: "Müßig".into(),
        specialty: "Kinder- und Jugendmedizin".into(),
        lanr: Some("123456601".into()),
        role: app::practice::types::Role::Owner,
        email_verified_at: None,
        totp_secret: None,
        totp_pending_secret: None,
        totp_last_step: None,
        sessions_valid_after: now,
        created_at: now,
        updated_at: now,
    };
    let operator = OperatorInfo {
        name: "Sprechzimmer Betriebs-GmbH".into(),
        street: "Musterstraße 1".into(),
        postcode: "10115".into(),
        city: "Berlin".into(),
        email: "kontakt@example.org".into(),
        phone: "+49 30 0000000".into(),
        representative: "Erika Beispiel".into(),
        register_entry: String::new(),
        vat_id: String::new(),
        example: false,
    };
    let certificates = [CertificateSettings {
        title: "Zertifikat Informationssicherheit".into(),
        issuer: "Prüfstelle Nord GmbH".into(),
        number: "IS-2026-0042".into(),
        valid_until: "31.12.2027".into(),
        file: None,
    }];
    let filling = |kv| Filling {
        kv,
        practice: &practice,
        doctor: Some(&doctor),
        email: &doctor.email,
        start: NaiveDate::from_ymd_opt(2027, 1, 4),
        operator: &operator,
        certificates: &certificates,
        service: app::policy::PRODUCT_NAME,
    };

    println!("| Document | p50 | p95 | size |\n|---|---|---|---|");
    measure("Formular, KV Nordrhein", runs, || {
        documents::application(&filling(KvRegion::Nordrhein)).len()
    });
    measure("Formulare aller 17 KVen nacheinander", runs, || {
        KvRegion::ALL
            .iter()
            .map(|&kv| documents::application(&filling(kv)).len())
            .sum()
    });
    measure("Bestätigung Videosprechstunde", runs, || {
        documents::confirmation(&filling(KvRegion::Sachsen)).len()
    });
    measure("Selbstauskunft", runs, || {
        self_disclosure::render(&operator, &practice, app::policy::PRODUCT_NAME).len()
    });

    if let Some(dir) = out {
        std::fs::create_dir_all(&dir).expect("output directory");
        for kv in KvRegion::ALL {
            let bytes = documents::application(&filling(kv));
            std::fs::write(dir.join(kvs::form_file_name(kv)), bytes).expect("write");
        }
        let bytes = documents::confirmation(&filling(KvRegion::Sachsen));
        std::fs::write(
            dir.join(kvs::confirmation_file_name(KvRegion::Sachsen)),
            bytes,
        )
        .expect("write");
        let bytes = self_disclosure::render(&operator, &practice, app::policy::PRODUCT_NAME);
        std::fs::write(dir.join("Selbstauskunft-Videosprechstunde.pdf"), bytes).expect("write");
        println!("\nDocuments written to {}", dir.display());
    }
}
