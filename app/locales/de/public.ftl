# Public practice page /praxen/<Kurzname> and its settings /praxis/praxisseite

public-page-title = Videosprechstunde – { $practice }
public-eyebrow = Videosprechstunde
public-phone = Telefon: { $phone }
public-doctors = Ärztinnen, Ärzte und Therapeuten
public-enter = Zur Videosprechstunde
public-preview-note = Vorschau: Diese Seite ist ausgeschaltet. Nur angemeldete Mitglieder Ihrer Praxis sehen sie; Patientinnen und Patienten erhalten „Seite nicht gefunden“.
public-missing-title = Diese Praxisseite gibt es nicht
public-missing-text = Unter dieser Adresse ist keine Praxisseite zu finden. Vielleicht hat sich die Adresse geändert oder die Praxis hat die Seite ausgeschaltet. Für Ihren Termin brauchen Sie nur die Adresse und den Zugangscode aus Ihrer Einladungs-E-Mail.

public-needs-title = Voraussetzungen
public-needs-device = Ein Smartphone, Tablet oder Computer mit Kamera, Mikrofon und Lautsprecher (oder Kopfhörer). Eine App oder ein Konto brauchen Sie nicht.
public-needs-browser = Ein aktueller Browser: { $browsers }. Browser, die sich innerhalb anderer Apps öffnen (etwa aus einem Messenger), reichen oft nicht.
public-needs-network = Eine stabile Internetverbindung, am besten WLAN; empfohlen sind mindestens { $mbits } Mbit/s in Senderichtung. Ein ruhiger, gut beleuchteter Raum hilft.
public-needs-consent = Ihre unterschriebene Einverständniserklärung (Vorlage unten auf dieser Seite).
public-needs-code = Einen Termin bei uns und den Zugangscode aus Ihrer Einladungs-E-Mail.

public-security-title = Datensicherheit
public-security-p2p = Bild und Ton gehen direkt von Ihrem Browser zu unserem (Peer-to-Peer). Einen zentralen Server, über den das Gespräch läuft, gibt es nicht; der Server des Dienstes vermittelt nur den Verbindungsaufbau. Laden wir auf Ihren Wunsch weitere Personen ein (etwa eine Dolmetscherin), bekommt jede einen eigenen Zugangscode, wir lassen sie einzeln herein, und auch dann gehen Bild und Ton direkt zwischen den Browsern.
public-security-e2e = Alles, was Sie sehen, hören und im Chat schreiben, ist auf dem ganzen Weg Ende-zu-Ende verschlüsselt. Der Betreiber des Dienstes kann es weder einsehen noch speichern.
public-security-recording = Das Gespräch wird nicht aufgezeichnet – weder vom Dienst noch von uns. Bitte zeichnen auch Sie nicht auf.
public-security-retention = Termindaten und Verbindungszeiten (Metadaten) werden spätestens { $months } Monate nach dem Termin gelöscht und nur für die Durchführung der Videosprechstunde verwendet.
public-security-secrecy = Wir und der Betreiber des Dienstes unterliegen der Schweigepflicht: Ihre Daten an Unbefugte weiterzugeben, ist strafbar (§ 203 StGB). Der Dienst ist werbefrei und bindet keine fremden Inhalte oder Tracker ein.

public-steps-title = So läuft die Videosprechstunde ab
public-step-consent = Sie lesen diese Seite und senden uns Ihre unterschriebene Einverständniserklärung.
public-step-appointment = Wir vereinbaren einen Termin für die Videosprechstunde.
public-step-email = Für jeden Termin bekommen Sie eine E-Mail mit der Internetadresse und Ihrem persönlichen Zugangscode.
public-step-early = Öffnen Sie die Adresse etwa { $minutes } Minuten vor dem Termin (der Code gilt ab { $opens } Minuten vorher).
public-step-enter = Tragen Sie Ihren vollständigen Vor- und Nachnamen und den Zugangscode ein und wählen Sie „Raum betreten“.
public-step-test = Ein kurzer automatischer Technik-Test prüft Browser, Kamera, Mikrofon, Lautsprecher und Verbindung und sagt, was zu tun ist, falls etwas fehlt.
public-step-wait = Danach warten Sie im Online-Wartezimmer. Andere Wartende sehen und hören Sie nicht.
public-step-talk = Sobald wir Sie hereinbitten, beginnt das Gespräch: Wir sehen und hören uns.
public-step-leave = Zum Schluss beenden Sie das Gespräch und schließen die Seite.

public-documents-title = Unterlagen
public-documents-text = Bitte drucken Sie die Einverständniserklärung aus, unterschreiben Sie sie und geben Sie sie uns vor dem ersten Termin – oder laden Sie sie nach dem Eintreten im Wartezimmer hoch, wenn die Praxis das dort anbietet.
public-consent-download = Einverständniserklärung herunterladen (PDF)
public-guide-download = Anleitung „So funktioniert Ihre Videosprechstunde“ herunterladen (PDF, zum Ausdrucken)

public-settings-title = Praxisseite
public-settings-intro = Ihre Praxisseite erklärt Ihren Patientinnen und Patienten, was sie für die Videosprechstunde brauchen, wie ihre Daten geschützt sind und wie der Termin abläuft. Die Angaben zu Technik und Datenschutz pflegen wir; Sie wählen die Adresse und können einen eigenen Einleitungstext ergänzen.
public-state-on = Die Seite ist eingeschaltet und öffentlich erreichbar.
public-state-off = Die Seite ist ausgeschaltet; nur Mitglieder Ihrer Praxis sehen sie als Vorschau.
public-short-name = Kurzname in der Adresse
public-short-name-hint = 3 bis 40 Zeichen: Kleinbuchstaben a–z, Ziffern und Bindestriche. Umlaute und Leerzeichen werden umgewandelt. Die Seite liegt dann unter …/praxen/Kurzname.
public-enabled = Praxisseite einschalten (öffentlich erreichbar)
public-intro = Eigener Einleitungstext
public-intro-hint = Reiner Text, höchstens { $max } Zeichen; eine Leerzeile beginnt einen neuen Absatz.
public-guide-in-invitation = Einladungs-E-Mails verlinken die Anleitung für Patienten
public-save = Speichern
public-settings-saved = Die Einstellungen der Praxisseite sind gespeichert.
public-share-title = Adresse, Link für Ihre Website und QR-Code
public-address = Adresse der Praxisseite
public-open = Praxisseite öffnen
public-open-preview = Vorschau öffnen
public-snippet = HTML für Ihre Website
public-snippet-hint = Ein einfacher Link-Knopf ohne Skript und ohne Tracking; kopieren Sie ihn in Ihre Website.
public-qr-alt = QR-Code mit der Adresse { $address }
public-qr-download = QR-Code herunterladen (SVG, für den Aushang im Wartezimmer)

short-name-empty = Bitte geben Sie einen Kurznamen ein, um die Seite einzuschalten.
short-name-too-short = Der Kurzname ist zu kurz: mindestens 3 Zeichen.
short-name-too-long = Der Kurzname ist zu lang: höchstens 40 Zeichen.
short-name-invalid = Der Kurzname darf nur Buchstaben, Ziffern, Leerzeichen und Bindestriche enthalten.
short-name-reserved = Dieser Kurzname ist für den Dienst reserviert. Bitte wählen Sie einen anderen, z. B. mit Ihrem Ort.
short-name-retired = Diesen Kurznamen hat bis vor Kurzem eine andere Praxis verwendet; damit Aushänge und Links nicht in die falsche Praxis führen, ist er noch ein Jahr gesperrt. Bitte wählen Sie einen anderen.
short-name-taken = Dieser Kurzname ist schon vergeben. Bitte wählen Sie einen anderen, z. B. mit Ihrem Ort.
public-intro-too-long = Der Einleitungstext ist zu lang: höchstens { $max } Zeichen.
public-intro-invalid = Der Einleitungstext enthält unsichtbare oder Steuerzeichen, die nicht erlaubt sind. Bitte tippen Sie ihn neu, statt ihn einzufügen.
