//! The team: the owner invites by e-mail, the invited person sets a password from the link,
//! roles limit what each person may do, removing someone ends their sessions.

use crate::helpers::{location, spawn_practice, TestApp};
use crate::smtp::link_in;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);
const MEMBER_PASSWORD: &str = "Kalender und Kaffee am Empfang";

fn invitation(email: &str, role: &str) -> Vec<(&'static str, String)> {
    vec![
        ("action", "invite".into()),
        ("title", String::new()),
        ("first_name", "Mia".into()),
        ("last_name", "Empfang".into()),
        ("email", email.into()),
        ("role", role.into()),
    ]
}

/// Invites `email` with `role` as the logged-in owner of `app.client`; returns the link.
pub(crate) async fn invite(app: &TestApp, email: &str, role: &str) -> String {
    let before = app.inbox.messages().len();
    let response = app
        .post_form("/praxis/team", &invitation(email, role))
        .await;
    assert_eq!(location(&response), "/praxis/team?eingeladen");
    let mails = app.inbox.wait_for_messages(before + 1, WAIT).await;
    let mail = mails.last().unwrap();
    assert_eq!(mail.to, vec![email.to_owned()]);
    link_in(&mail.text, "/einladung").expect("invitation link")
}

/// The id in the remove button of `email`'s row on the owner's team page.
async fn member_id(app: &TestApp, email: &str) -> String {
    let page = app.html("/praxis/team").await;
    let page = crate::html::Page::parse(&page);
    let row = page
        .select("tr")
        .into_iter()
        .find(|r| crate::html::text(*r).contains(email))
        .expect("member listed");
    let id = row
        .select(&scraper::Selector::parse(r#"form input[name="id"]"#).unwrap())
        .next()
        .and_then(|input| input.attr("value"))
        .expect("remove button");
    assert_eq!(id.len(), 36, "{id}");
    id.to_owned()
}

#[tokio::test]
async fn an_invited_team_member_sets_a_password_and_may_not_touch_billing_or_the_team() {
    let app = spawn_practice("owner@praxis.de").await;

    let link = invite(&app, "mia@praxis.de", "team").await;
    let mail = app.inbox.messages().last().unwrap().clone();
    assert!(mail.subject.contains("Praxis am Markt"), "{}", mail.subject);
    assert!(mail.text.contains("„Praxisteam“"), "{}", mail.text);
    let list = app.html("/praxis/team").await;
    assert!(list.contains("mia@praxis.de") && list.contains("Eingeladen, noch nicht angemeldet"));

    let member = app.new_browser();
    let early = member
        .post(format!("{}/anmelden", app.address))
        .form(&[("email", "mia@praxis.de"), ("password", MEMBER_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        early.status(),
        401,
        "no login before the invitation is accepted"
    );

    let page = member.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Einladung annehmen"));
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let accept = |password: &str| {
        member
            .post(format!("{}/einladung", app.address))
            .form(&[("token", token.as_str()), ("password", password)])
            .send()
    };
    let weak = accept("zu kurz").await.unwrap();
    assert_eq!(weak.status(), 422);
    assert!(weak.text().await.unwrap().contains("Einladung annehmen"));
    let accepted = accept(MEMBER_PASSWORD).await.unwrap();
    assert_eq!(location(&accepted), "/anmelden?eingeladen");
    assert_eq!(
        location(&accept(MEMBER_PASSWORD).await.unwrap()),
        "/einladung?ungueltig",
        "an invitation works once"
    );

    let login = member
        .post(format!("{}/anmelden", app.address))
        .form(&[("email", "mia@praxis.de"), ("password", MEMBER_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&login), "/praxis");
    let get = |path: &str| member.get(format!("{}{path}", app.address)).send();
    let nav = get("/praxis").await.unwrap().text().await.unwrap();
    assert!(nav.contains("Praxisteam"));
    assert!(
        crate::html::Page::parse(&nav).count(r#"[href="/praxis/rechnungsdaten"]"#) == 0,
        "no billing link"
    );
    for path in [
        "/api/praxis/rechnungsdaten",
        "/api/praxis/vertrag",
        "/api/praxis/team",
        "/api/praxis/termine/einstellungen",
    ] {
        assert_eq!(get(path).await.unwrap().status(), 403, "{path}");
    }
    let post = |path: &str, form: Vec<(&'static str, String)>| {
        member
            .post(format!("{}{path}", app.address))
            .form(&form)
            .send()
    };
    let billing = post(
        "/praxis/rechnungsdaten",
        vec![
            ("billing_name", "Mia".into()),
            ("iban", "DE89370400440532013000".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(billing.status(), 403);
    let team = post("/praxis/team", invitation("x@praxis.de", "doctor"))
        .await
        .unwrap();
    assert_eq!(team.status(), 403);
    let settings = post(
        "/praxis/termine/einstellungen",
        vec![
            ("default_duration", "10".into()),
            ("reminders", "on".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(settings.status(), 403);
    let practice = post(
        "/praxis/stammdaten",
        vec![
            ("form", "practice".into()),
            ("practice_name", "Umbenannt".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(practice.status(), 403);
    let person = post(
        "/praxis/stammdaten",
        vec![
            ("form", "person".into()),
            ("first_name", "Mia".into()),
            ("last_name", "Empfang-Berg".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        location(&person),
        "/praxis/stammdaten?gespeichert=person",
        "the team saves its own data without a LANR"
    );

    // Removing the member ends their session at once.
    let id = member_id(&app, "mia@praxis.de").await;
    let removed = app
        .post_form("/praxis/team", &[("action", "remove".into()), ("id", id)])
        .await;
    assert_eq!(location(&removed), "/praxis/team?entfernt");
    assert_eq!(location(&get("/praxis").await.unwrap()), "/anmelden");
}

#[tokio::test]
async fn invitations_are_validated_and_stay_inside_the_practice() {
    let app = spawn_practice("owner@praxis-a.de").await;

    let no_role = app
        .post_form("/praxis/team", &invitation("neu@praxis-a.de", "owner"))
        .await;
    assert_eq!(no_role.status(), 422);
    assert!(no_role
        .text()
        .await
        .unwrap()
        .contains("Bitte wählen Sie eine Rolle"));
    let taken = app
        .post_form("/praxis/team", &invitation("OWNER@praxis-a.de", "doctor"))
        .await;
    assert_eq!(taken.status(), 422);
    let html = taken.text().await.unwrap();
    assert!(html.contains("schon ein Konto"), "{html}");
    assert_eq!(
        crate::html::Page::parse(&html).field_values("first_name"),
        ["Mia"],
        "typed values are kept"
    );

    invite(&app, "arzt@praxis-a.de", "doctor").await;

    // Practice B cannot list or remove A's people.
    let b = app.practice_b("owner@praxis-b.de").await;
    let b_list = b
        .get(format!("{}/api/praxis/team", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(b_list.contains("owner@praxis-b.de") && !b_list.contains("praxis-a.de"));
    let id = member_id(&app, "arzt@praxis-a.de").await;
    let attempt = b
        .post(format!("{}/praxis/team", app.address))
        .form(&[("action", "remove"), ("id", id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(attempt.status(), 400);
    let a_list = app.html("/api/praxis/team").await;
    assert!(
        a_list.contains("arzt@praxis-a.de"),
        "A's member is still there"
    );
}
