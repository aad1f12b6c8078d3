## E-Mails. $name = Anrede der Person, $practice = Name der Praxis.

email-greeting = Guten Tag { $name },
email-footer = Diese Nachricht wurde automatisch für { $practice } von Sprechzimmer versendet.
    Bitte antworten Sie nicht auf diese E-Mail.

email-verify-subject = Bitte bestätigen Sie Ihre E-Mail-Adresse für { $practice }
email-verify-body = vielen Dank für die Registrierung von { $practice } bei Sprechzimmer.

    Bitte bestätigen Sie Ihre E-Mail-Adresse, damit Sie sich anmelden können. Der Link ist 24 Stunden gültig und funktioniert nur einmal.
email-verify-link = E-Mail-Adresse bestätigen
email-verify-ignore = Sie haben sich nicht registriert? Dann können Sie diese E-Mail ignorieren; ohne Bestätigung bleibt das Konto gesperrt.

email-reset-subject = Neues Passwort für Sprechzimmer
email-reset-body = für Ihr Konto bei { $practice } wurde ein neues Passwort angefordert.

    Über den folgenden Link legen Sie ein neues Passwort fest. Der Link ist eine Stunde gültig und funktioniert nur einmal. Danach werden alle anderen Anmeldungen beendet.
email-reset-link = Neues Passwort festlegen
email-reset-ignore = Sie haben kein neues Passwort angefordert? Dann ignorieren Sie diese E-Mail; Ihr Passwort bleibt unverändert.

email-invite-subject = Einladung in das Team von { $practice }
email-invite-body = { $inviter } lädt Sie ein, bei { $practice } in der Rolle „{ $role }“ mit Sprechzimmer zu arbeiten.

    Über den folgenden Link legen Sie Ihr Passwort fest. Der Link ist 7 Tage gültig und funktioniert nur einmal.
email-invite-link = Einladung annehmen

email-notice-password-subject = Ihr Passwort wurde geändert
email-notice-password-body = das Passwort Ihres Kontos bei { $practice } wurde soeben geändert. Alle anderen Anmeldungen wurden beendet.
email-notice-totp-on-subject = Zwei-Faktor-Anmeldung eingeschaltet
email-notice-totp-on-body = für Ihr Konto bei { $practice } ist die Anmeldung mit einem zweiten Faktor (Authenticator-App) jetzt eingeschaltet.
email-notice-totp-off-subject = Zwei-Faktor-Anmeldung ausgeschaltet
email-notice-totp-off-body = für Ihr Konto bei { $practice } wurde die Anmeldung mit einem zweiten Faktor ausgeschaltet.
email-notice-contact = Waren Sie das nicht? Dann setzen Sie bitte sofort Ihr Passwort zurück und informieren Sie Ihre Praxisleitung.

email-already-subject = Registrierung mit Ihrer E-Mail-Adresse
email-already-body = soeben wurde versucht, mit Ihrer E-Mail-Adresse eine neue Praxis bei Sprechzimmer zu registrieren. Ihre Adresse gehört bereits zu einem Konto bei { $practice }.

    Wenn Sie das waren, melden Sie sich einfach an. Haben Sie Ihr Passwort vergessen, können Sie auf der Anmeldeseite ein neues festlegen. Waren Sie es nicht, müssen Sie nichts tun.
email-already-link = Zur Anmeldung

email-appointment-invite-subject = Ihre Videosprechstunde am { $date } um { $time } Uhr – { $practice }
email-appointment-invite-body = { $doctor } ({ $practice }) erwartet Sie zur Videosprechstunde am { $date } um { $time } Uhr (etwa { $duration } Minuten).
email-appointment-change-subject = Geänderter Termin: Videosprechstunde am { $date } um { $time } Uhr – { $practice }
email-appointment-change-body = Ihr Termin zur Videosprechstunde bei { $doctor } ({ $practice }) wurde geändert. Der neue Termin ist am { $date } um { $time } Uhr (etwa { $duration } Minuten).
email-appointment-cancel-subject = Abgesagt: Videosprechstunde am { $date } um { $time } Uhr – { $practice }
email-appointment-cancel-body = Ihr Termin zur Videosprechstunde bei { $doctor } ({ $practice }) am { $date } um { $time } Uhr ist abgesagt. Ihr Zugangscode gilt nicht mehr.
email-appointment-link = Zur Videosprechstunde
email-appointment-code = Über diesen Link ist Ihr Zugangscode schon eingetragen; Sie geben dort nur noch Ihren vollständigen Namen ein. Sonst tippen Sie diesen Zugangscode ein:
email-appointment-code-validity = Der Code gilt nur für diesen Termin: ab 30 Minuten vor Beginn bis zum Ende.
email-appointment-code-unchanged = Ihr Zugangscode aus der ersten Einladung bleibt gültig.
email-appointment-needs = Sie brauchen: ein Smartphone, Tablet oder einen Computer mit Kamera, Mikrofon und Lautsprecher und einen aktuellen Browser ({ $browsers }). Sie brauchen keine App und kein Konto. Bitte kommen Sie etwa { $early } Minuten vor dem Termin, damit die Technik in Ruhe geprüft werden kann.
email-appointment-consent = Vor der ersten Videosprechstunde braucht Ihre Praxis Ihre unterschriebene Einverständniserklärung. Drucken Sie das Formular aus, unterschreiben Sie es und laden Sie ein Foto davon auf der Seite der Videosprechstunde hoch (nach Eingabe des Zugangscodes) – oder geben Sie es in der Praxis ab.
email-appointment-consent-link = Einverständniserklärung (PDF)
email-appointment-guide-link = Anleitung: So funktioniert Ihre Videosprechstunde (PDF)
email-appointment-cancel-how = Wenn Sie den Termin nicht wahrnehmen können, sagen Sie ihn bitte bei der Praxis ab: { $phone }. Im Anhang finden Sie den Termin für Ihren Kalender.
email-appointment-ics-summary = Videosprechstunde – { $doctor }, { $practice }
email-appointment-ics-description = Videosprechstunde bei { $doctor }. Adresse: { $url } — Ihren Zugangscode finden Sie in der Einladungs-E-Mail. Absagen: { $phone }
email-appointment-rebook = Für einen neuen Termin wenden Sie sich bitte an die Praxis: { $phone }. Im Anhang finden Sie die Absage für Ihren Kalender.
email-appointment-reminder-subject = Erinnerung: Videosprechstunde am { $date } um { $time } Uhr – { $practice }
email-appointment-reminder-body = wir erinnern Sie an Ihre Videosprechstunde bei { $doctor } ({ $practice }) am { $date } um { $time } Uhr (etwa { $duration } Minuten).
email-appointment-code-in-invitation = Ihren persönlichen Zugangscode finden Sie in der Einladungs-E-Mail.
email-appointment-guest-invite-subject = Einladung zur Videosprechstunde am { $date } um { $time } Uhr – { $practice }
email-appointment-guest-invite-body = { $doctor } ({ $practice }) lädt Sie als { $role } zu einer Videosprechstunde am { $date } um { $time } Uhr ein (etwa { $duration } Minuten). Sie erhalten einen eigenen Zugangscode; die Praxis lässt Sie aus dem Wartezimmer in das Gespräch.
email-appointment-guest-change-subject = Geänderter Termin: Videosprechstunde am { $date } um { $time } Uhr – { $practice }
email-appointment-guest-change-body = Die Videosprechstunde bei { $doctor } ({ $practice }), zu der Sie als { $role } eingeladen sind, wurde geändert. Der neue Termin ist am { $date } um { $time } Uhr (etwa { $duration } Minuten).
email-appointment-guest-cancel-subject = Abgesagt: Videosprechstunde am { $date } um { $time } Uhr – { $practice }
email-appointment-guest-cancel-body = Ihre Einladung als { $role } zur Videosprechstunde bei { $doctor } ({ $practice }) am { $date } um { $time } Uhr gilt nicht mehr. Ihr Zugangscode ist ungültig.
email-appointment-guest-reminder-subject = Erinnerung: Videosprechstunde am { $date } um { $time } Uhr – { $practice }
email-appointment-guest-reminder-body = wir erinnern Sie an die Videosprechstunde bei { $doctor } ({ $practice }) am { $date } um { $time } Uhr (etwa { $duration } Minuten), zu der Sie als { $role } eingeladen sind.

email-contract-cancelled-subject = Kündigung bestätigt: Daten werden nach dem { $date } gelöscht
email-contract-cancelled-body = wir bestätigen die Kündigung des Vertrags von { $practice } mit Sprechzimmer. Der Vertrag endet mit Ablauf des { $date } (24:00 Uhr). Danach werden das Konto, alle Zugänge, Termine, Einwilligungen mit ihren Dokumenten und alle übrigen Daten der Praxis unwiderruflich gelöscht.

    Bis dahin arbeiten Sie wie gewohnt weiter. Wir erinnern Sie einen Monat und eine Woche vorher daran. Bis zum { $date } können Sie die Kündigung unter „Vertrag“ widerrufen; dann läuft der Vertrag unverändert weiter.

    Sichern Sie vorher, was Sie aufbewahren müssen, z. B. Einwilligungserklärungen für Ihre Patientenakten.
email-contract-revoked-subject = Kündigung widerrufen: Ihr Vertrag läuft weiter
email-contract-revoked-body = Sie haben die Kündigung des Vertrags von { $practice } widerrufen. Der Vertrag läuft unverändert weiter, es wird nichts gelöscht. Eine spätere Kündigung beginnt eine neue Kündigungsfrist.
email-contract-reminder-month-subject = Erinnerung: Daten von { $practice } werden nach dem { $date } gelöscht
email-contract-reminder-month-body = der Vertrag von { $practice } endet mit Ablauf des { $date }. Danach werden das Konto und alle Daten der Praxis unwiderruflich gelöscht. Sichern Sie bis dahin, was Sie aufbewahren müssen. Bis zum { $date } können Sie die Kündigung unter „Vertrag“ widerrufen.
email-contract-reminder-week-subject = In einer Woche: Daten von { $practice } werden gelöscht
email-contract-reminder-week-body = der Vertrag von { $practice } endet mit Ablauf des { $date }, also in einer Woche. Danach werden das Konto und alle Daten der Praxis unwiderruflich gelöscht. Sichern Sie jetzt, was Sie aufbewahren müssen. Bis zum { $date } können Sie die Kündigung unter „Vertrag“ widerrufen.
email-contract-deleted-subject = Die Daten von { $practice } sind gelöscht
email-contract-deleted-body = der Vertrag von { $practice } ist mit Ablauf des { $date } beendet. Wie angekündigt haben wir das Konto, alle Zugänge, Termine, Einwilligungen mit ihren Dokumenten und alle übrigen Daten der Praxis unwiderruflich gelöscht. Eine Anmeldung ist nicht mehr möglich.

    Diese E-Mail ist die letzte, die Sie von uns zu dieser Praxis erhalten. Vielen Dank, dass Sie Sprechzimmer genutzt haben.
