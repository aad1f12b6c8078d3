//! The KV-Antrag area: the per-KV forms, the operator's confirmation and self-disclosure, the
//! configured certificates; prefilled for the logged-in practice only.

use crate::helpers::{
    location, pdf_page_count, pdf_text, registration, rendered_pages, spawn_app, spawn_app_with,
    spawn_practice, TestApp, PASSWORD,
};
use crate::html::Page;
use app::fields::KvRegion;
use app::kv_forms::requirements::REQUIREMENTS;
use app::settings::CertificateSettings;

/// Registers a practice in Görlitz (KV Sachsen) with umlauts and ß in name and address.
async fn practice_in_goerlitz(app: &TestApp) {
    let mut form = registration("goerlitz@example.org");
    for (key, value) in [
        ("first_name", "Jürgen"),
        ("last_name", "Müßig"),
        ("specialty", "Kinder- und Jugendmedizin"),
        ("practice_name", "Kinderarztpraxis Müßig"),
        ("street", "Berliner Straße 12"),
        ("postcode", "02826"),
        ("city", "Görlitz"),
    ] {
        form.iter_mut().find(|(k, _)| *k == key).expect(key).1 = value.to_owned();
    }
    let response = app.post_form("/registrieren", &form).await;
    assert_eq!(response.status(), 303);
    let mail = app
        .inbox
        .wait_for_messages(1, std::time::Duration::from_secs(10))
        .await;
    let link = crate::smtp::link_in(&mail[0].text, "/registrieren/bestaetigen").unwrap();
    app.confirm_link(&app.client, &link).await;
    let login = app.log_in("goerlitz@example.org", PASSWORD).await;
    assert_eq!(location(&login), "/praxis");
}

async fn pdf(app: &TestApp, path: &str) -> (String, Vec<u8>) {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    (disposition, response.bytes().await.unwrap().to_vec())
}

/// The id of the logged-in doctor, as the KV-Antrag page offers it.
fn preselected_doctor(html: &str) -> String {
    let page = Page::parse(html);
    let doctor = page.attr(r#"select[name="arzt"] option[selected]"#, "value");
    assert_eq!(doctor.len(), 1, "one preselected doctor: {doctor:?}");
    doctor[0].clone()
}

#[tokio::test]
async fn every_kv_gets_its_form_prefilled_with_the_practice_and_umlauts_survive() {
    let app = spawn_app().await;
    practice_in_goerlitz(&app).await;
    let page = app.html("/praxis/kv-antrag").await;
    let doctor = preselected_doctor(&page);
    for kv in KvRegion::ALL {
        let path = format!(
            "/praxis/kv-antrag/antrag.pdf?kv={}&arzt={doctor}&beginn=2027-01-04",
            kv.slug()
        );
        let (disposition, bytes) = pdf(&app, &path).await;
        let name = app::kv_forms::kvs::form_file_name(kv);
        assert!(
            disposition.contains(&format!("UTF-8''{}", name.replace('ü', "%C3%BC")))
                || disposition == format!("attachment; filename=\"{name}\""),
            "{disposition}"
        );
        let text = pdf_text(&bytes);
        for expected in [
            "123456601",
            "981234500",
            "Kinderarztpraxis Müßig",
            "Dr. med. Jürgen Müßig",
            "Kinder- und Jugendmedizin",
            "Berliner Straße 12, 02826 Görlitz",
            "04.01.2027",
            "Sprechzimmer",
            kv.display_name(),
        ] {
            assert!(
                text.contains(expected),
                "{kv:?}: {expected} missing in {text}"
            );
        }
        let pages = pdf_page_count(&bytes);
        assert!(pages >= 2, "{kv:?}: {pages} pages");
        assert_eq!(rendered_pages(&bytes), pages, "{kv:?}");
    }
    // Without a choice: the KV of the Stammdaten and the logged-in doctor.
    let (disposition, bytes) = pdf(&app, "/praxis/kv-antrag/antrag.pdf").await;
    assert_eq!(
        disposition,
        "attachment; filename=\"Antrag-Videosprechstunde-KVS.pdf\""
    );
    let text = pdf_text(&bytes);
    assert!(text.contains("Kassenärztliche Vereinigung Sachsen") && text.contains("Jürgen Müßig"));
    // What we know of a KV is on page 2, with its source; of an unknown one, we say so.
    let (_, nordrhein) = pdf(&app, "/praxis/kv-antrag/antrag.pdf?kv=nordrhein").await;
    let text = pdf_text(&nordrhein);
    assert!(
        text.contains("Videosprechstunde@kvno.de") && text.contains("Quelle: https://www.kvno.de/")
    );
    assert!(text.contains("Anzeige der Durchführung"));
    let text = pdf_text(&bytes);
    assert!(
        text.contains("nicht aus einer Veröffentlichung der KV selbst belegen"),
        "{text}"
    );
    assert!(!text.contains("Quelle:"));
}

#[tokio::test]
async fn the_page_preselects_the_practices_kv_and_offers_all_17() {
    let app = spawn_practice("praxis@example.org").await;
    let page = app.html("/praxis/kv-antrag").await;
    let parsed = Page::parse(&page);
    assert_eq!(parsed.count(r#"select[name="kv"]"#), 1, "one KV select");
    let offered = parsed.attr(r#"select[name="kv"] option"#, "value");
    assert_eq!(offered.len(), 17, "{offered:?}");
    assert_eq!(
        parsed.attr(r#"select[name="kv"] option[selected]"#, "value"),
        ["sachsen"],
        "only the practice's KV is preselected"
    );
    for kv in KvRegion::ALL {
        assert!(offered.iter().any(|v| v == kv.slug()), "{}", kv.slug());
    }
    // No certificate configured: said plainly; the operator details are the marked examples.
    assert!(page.contains("noch keine Zertifikate hinterlegt"), "{page}");
    assert!(page.contains("Beispielangaben"));
    let (_, bytes) = pdf(&app, "/praxis/kv-antrag/bestaetigung.pdf").await;
    let text = pdf_text(&bytes);
    assert!(text.contains("Beispielangaben") && text.contains("noch keine Zertifikate"));
}

#[tokio::test]
async fn the_confirmation_and_the_certificates_come_from_the_configuration() {
    let fixture =
        crate::helpers::workspace_root().join("server/tests/fixtures/consent/einwilligung.pdf");
    let certificate = CertificateSettings {
        title: "Zertifikat Informationssicherheit".into(),
        issuer: "Prüfstelle Nord GmbH".into(),
        number: "IS-2026-0042".into(),
        valid_until: "31.12.2027".into(),
        file: Some(fixture.clone()),
    };
    let app = spawn_app_with(|s| {
        s.operator.example = false;
        s.operator.name = "Sprechzimmer Betriebs-GmbH".into();
        s.certificates = vec![
            certificate.clone(),
            CertificateSettings {
                title: "Datenschutz-Zertifikat".into(),
                number: "DS-7".into(),
                file: None,
                ..certificate.clone()
            },
        ];
    })
    .await;
    app.register_verified("praxis@example.org").await;
    app.log_in("praxis@example.org", PASSWORD).await;
    let page = app.html("/praxis/kv-antrag").await;
    assert!(page.contains("IS-2026-0042") && page.contains("DS-7"));
    assert!(page.contains("/praxis/kv-antrag/zertifikat/1.pdf"));
    assert!(
        !page.contains("/praxis/kv-antrag/zertifikat/2.pdf"),
        "the second has no file"
    );
    assert!(!page.contains("Beispielangaben"));

    let (_, file) = pdf(&app, "/praxis/kv-antrag/zertifikat/1.pdf").await;
    assert_eq!(file, std::fs::read(&fixture).unwrap());
    for missing in ["2.pdf", "3.pdf", "0.pdf", "..%2F..%2Fetc%2Fpasswd"] {
        let response = app
            .get(&format!("/praxis/kv-antrag/zertifikat/{missing}"))
            .await;
        assert_eq!(response.status(), 404, "{missing}");
    }

    let (disposition, bytes) = pdf(&app, "/praxis/kv-antrag/bestaetigung.pdf?kv=thueringen").await;
    assert_eq!(
        disposition,
        "attachment; filename=\"Bestaetigung-Videosprechstunde-KV-Thueringen.pdf\"; \
         filename*=UTF-8''Best%C3%A4tigung-Videosprechstunde-KV-Th%C3%BCringen.pdf"
    );
    let text = pdf_text(&bytes);
    for expected in [
        "Bestätigung Videosprechstunde",
        "Kassenärztliche Vereinigung Thüringen",
        "Sprechzimmer Betriebs-GmbH",
        "Praxis am Markt",
        "981234500",
        "123456601",
        "Prüfstelle Nord GmbH, Nr. IS-2026-0042, gültig bis 31.12.2027",
        "Anlage 31b",
    ] {
        assert!(text.contains(expected), "{expected} missing in {text}");
    }
    assert!(!text.contains("Beispielangaben"));
    assert_eq!(rendered_pages(&bytes), pdf_page_count(&bytes));
}

#[tokio::test]
async fn bad_input_gets_a_german_message_and_other_practices_stay_out() {
    let app = spawn_app().await;
    let logged_out = app.get("/praxis/kv-antrag/antrag.pdf").await;
    assert_eq!(location(&logged_out), "/anmelden");
    app.register_verified("praxis@example.org").await;
    app.log_in("praxis@example.org", PASSWORD).await;
    let doctor = preselected_doctor(&app.html("/praxis/kv-antrag").await);

    for (query, status, message) in [
        ("kv=atlantis", 400, "kennen wir nicht"),
        ("beginn=morgen", 400, "Datum für den Beginn ist ungültig"),
        (
            "beginn=2027-02-30",
            400,
            "Datum für den Beginn ist ungültig",
        ),
        ("arzt=keine-uuid", 404, "gibt es in Ihrer Praxis nicht"),
        (
            "arzt=00000000-0000-0000-0000-000000000000",
            404,
            "gibt es in Ihrer Praxis nicht",
        ),
        ("kv=sachsen&kv=berlin", 400, ""),
    ] {
        let response = app
            .get(&format!("/praxis/kv-antrag/antrag.pdf?{query}"))
            .await;
        assert_eq!(response.status(), status, "{query}");
        let body = response.text().await.unwrap();
        assert!(body.contains(message), "{query}: {body}");
        assert!(
            !body.contains("rror:") && !body.contains("panicked"),
            "{body}"
        );
    }

    // Practice B cannot fill its form with A's doctor, and never sees A's data.
    let b = app.practice_b("b@example.org").await;
    let response = app
        .get_as(&b, &format!("/praxis/kv-antrag/antrag.pdf?arzt={doctor}"))
        .await;
    assert_eq!(response.status(), 404);
    let own = app
        .get_as(&b, "/praxis/kv-antrag/bestaetigung.pdf")
        .await
        .bytes()
        .await
        .unwrap();
    let text = pdf_text(&own);
    assert!(
        text.contains("Praxis B") && !text.contains("Praxis am Markt"),
        "{text}"
    );
    let b_page = app
        .get_as(&b, "/praxis/kv-antrag")
        .await
        .text()
        .await
        .unwrap();
    assert!(!b_page.contains(&doctor));
}

#[tokio::test]
async fn the_self_disclosure_names_every_requirement_and_only_the_own_practice() {
    let app = spawn_app().await;
    let logged_out = app.get("/praxis/kv-antrag/selbstauskunft.pdf").await;
    assert_eq!(location(&logged_out), "/anmelden");

    app.register_verified("praxis@example.org").await;
    app.log_in("praxis@example.org", PASSWORD).await;
    let (disposition, bytes) = pdf(&app, "/praxis/kv-antrag/selbstauskunft.pdf").await;
    assert_eq!(
        disposition,
        "attachment; filename=\"Selbstauskunft-Videosprechstunde.pdf\""
    );
    let text = pdf_text(&bytes);
    for r in REQUIREMENTS {
        assert!(text.contains(r.title), "missing: {}", r.title);
    }
    assert!(
        text.contains("Praxis am Markt") && text.contains("981234500"),
        "{text}"
    );
    assert!(text.contains("Selbstauskunft nach Anlage 31b BMV-Ä"));
    assert_eq!(rendered_pages(&bytes), pdf_page_count(&bytes));

    // Another practice gets its own name, never this one's.
    let b = app.practice_b("b@example.org").await;
    let other = app
        .get_as(&b, "/praxis/kv-antrag/selbstauskunft.pdf")
        .await
        .bytes()
        .await
        .unwrap();
    let text = pdf_text(&other);
    assert!(
        text.contains("Praxis B") && !text.contains("Praxis am Markt"),
        "{text}"
    );
}

/// Checks the page layout of a KV form: the video service provider's value on one page with
/// its label, the declaration on the page of its signature lines, no page nearly empty.
fn assert_form_layout(what: &str, bytes: &[u8], operator_name: &str, operator_city: &str) {
    let pages = crate::helpers::pdf_pages(bytes);
    assert_eq!(
        pages.len(),
        pdf_page_count(bytes),
        "{what}: one text per page"
    );
    let provider = pages
        .iter()
        .find(|p| p.contains("Videodienstanbieter:"))
        .unwrap_or_else(|| panic!("{what}: no provider line in {pages:#?}"));
    assert!(
        provider.contains(operator_name) && provider.contains(operator_city),
        "{what}: the provider's value is split from its label: {pages:#?}"
    );
    let declaration = pages
        .iter()
        .find(|p| p.contains("4. Erklärung"))
        .unwrap_or_else(|| panic!("{what}: no declaration"));
    assert!(
        declaration.contains("Ich erkläre, dass")
            && declaration.contains("Ort, Datum")
            && declaration.contains("Praxisstempel"),
        "{what}: the declaration and its signature lines are apart: {pages:#?}"
    );
    assert_no_nearly_empty_page(what, &pages);
}

/// Every page carries real content, not just a block that slipped over and its footer.
fn assert_no_nearly_empty_page(what: &str, pages: &[String]) {
    for (number, page) in pages.iter().enumerate() {
        let words = page.split_whitespace().count();
        assert!(
            words >= 60,
            "{what}: page {} is nearly empty ({words} words): {page}",
            number + 1
        );
    }
}

#[tokio::test]
async fn form_blocks_stay_together_and_no_page_is_nearly_empty() {
    let long_name = "Sprechzimmer Videodienste für Praxen in Sachsen und Thüringen GmbH & Co. KG";
    for (name, street, city) in [
        (None, None, None),
        (
            Some(long_name),
            Some("Am Alten Güterbahnhof 112, Hinterhaus"),
            Some("Frankfurt (Oder)"),
        ),
    ] {
        let app = spawn_app_with(|s| {
            if let Some(name) = name {
                s.operator.name = name.into();
            }
            if let Some(street) = street {
                s.operator.street = street.into();
            }
            if let Some(city) = city {
                s.operator.city = city.into();
            }
        })
        .await;
        practice_in_goerlitz(&app).await;
        let operator = app.state.settings.operator.clone();
        let doctor = preselected_doctor(&app.html("/praxis/kv-antrag").await);
        for kv in KvRegion::ALL {
            for start in ["", "&beginn=2027-01-04"] {
                let path = format!(
                    "/praxis/kv-antrag/antrag.pdf?kv={}&arzt={doctor}{start}",
                    kv.slug()
                );
                let (_, bytes) = pdf(&app, &path).await;
                assert_form_layout(&path, &bytes, &operator.name, &operator.city);
            }
            let path = format!("/praxis/kv-antrag/bestaetigung.pdf?kv={}", kv.slug());
            let (_, bytes) = pdf(&app, &path).await;
            let pages = crate::helpers::pdf_pages(&bytes);
            let signed = pages
                .iter()
                .find(|p| p.contains("Zugesichert wird insbesondere"))
                .expect("promises");
            assert!(signed.contains("Ort, Datum"), "{path}: {pages:#?}");
            assert_no_nearly_empty_page(&path, &pages);
        }
    }
}
