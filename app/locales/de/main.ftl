# Sprechzimmer – deutsche Texte der Oberfläche (vollständig; Englisch fällt hierauf zurück).

brand = Sprechzimmer
skip-to-content = Zum Inhalt springen
nav-main-label = Hauptnavigation
nav-footer-label = Rechtliches
nav-patient = Zur Videosprechstunde
nav-login = Anmelden
nav-register = Registrieren
footer-note = Videosprechstunde von Browser zu Browser. Keine Werbung, kein Tracking, keine Aufzeichnung.
loading = Wird geladen …

## Startseite
landing-heading = Videosprechstunde – direkt, verschlüsselt, ohne Konto für Patienten
landing-lead = Sprechzimmer verbindet Ihre Praxis und Ihre Patientinnen und Patienten direkt von Browser zu Browser. Bild und Ton sind Ende-zu-Ende-verschlüsselt und werden nie aufgezeichnet.
landing-patients-heading = Für Patientinnen und Patienten
landing-patients-text = Ihre Praxis hat Ihnen eine E-Mail mit einem persönlichen Zugangscode geschickt? Dann brauchen Sie weder ein Konto noch eine App – nur ein Gerät mit Kamera, Mikrofon und Lautsprecher und einen aktuellen Browser.
landing-practices-heading = Für Praxen
landing-practices-text = Termine im Online-Kalender anlegen, Einladungen per E-Mail verschicken, das Wartezimmer im Blick behalten und Patienten per Klick hereinbitten. Vorausgefüllte Unterlagen für Ihre KV liegen bereit.
landing-check-button = Browser prüfen
landing-check-ok = Ihr Browser unterstützt die Videosprechstunde. Kamera und Mikrofon werden erst beim Betreten des Raums abgefragt.
landing-check-fail = Ihr Browser unterstützt keine Videosprechstunde. Bitte verwenden Sie einen aktuellen Chrome, Firefox, Safari oder Edge.
landing-noscript = Für die Videosprechstunde muss JavaScript in Ihrem Browser eingeschaltet sein.
landing-promises-heading = So schützen wir die Gespräche
landing-promise-p2p-title = Direkt verbunden:
landing-promise-p2p = Bild und Ton fließen von Browser zu Browser, ohne zentralen Medienserver.
landing-promise-e2e-title = Ende-zu-Ende-verschlüsselt:
landing-promise-e2e = Niemand dazwischen kann mitsehen oder mithören – auch wir nicht.
landing-promise-norec-title = Keine Aufzeichnung:
landing-promise-norec = Gespräche werden von niemandem gespeichert.
landing-promise-retention-title = Wenig Daten:
landing-promise-retention = Termindaten werden spätestens nach { $months } Monaten gelöscht.
landing-promise-noads-title = Keine Dritten:
landing-promise-noads = Keine Werbung, keine Tracker, keine Schriften oder Skripte fremder Anbieter.

## Rechtliches
impressum-title = Impressum
legal-operator-line = Betreiber: { $operator }
impressum-provider = Anbieter
impressum-representative = Vertreten durch:
impressum-contact = Kontakt
impressum-phone = Telefon:
impressum-email = E-Mail:
impressum-register = Registereintrag:
impressum-vat = Umsatzsteuer-Identifikationsnummer:
impressum-dispute-heading = Verbraucherstreitbeilegung
impressum-dispute = Wir sind nicht bereit und nicht verpflichtet, an Streitbeilegungsverfahren vor einer Verbraucherschlichtungsstelle teilzunehmen.

## Fehler und Statusseiten
not-found-title = Seite nicht gefunden
not-found-text = Diese Adresse gibt es bei uns nicht. Bitte prüfen Sie den Link aus Ihrer E-Mail oder beginnen Sie auf der Startseite.
error-page-title = Das hat nicht geklappt
not-found-home = Zur Startseite
error-internal = Das hat leider nicht geklappt. Bitte versuchen Sie es in einigen Minuten erneut.
error-transport = Keine Verbindung zum Server. Bitte prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut.
error-bad-request = Die Anfrage war unvollständig oder ungültig. Bitte laden Sie die Seite neu.
error-payload-too-large = Die gesendeten Daten sind zu groß.
error-forbidden-origin = Diese Anfrage kam nicht von unserer Seite und wurde abgelehnt.
error-not-found = Das gesuchte Element gibt es nicht (mehr).
error-invalid-date = Dieses Datum können wir nicht anzeigen. Bitte wählen Sie ein Datum zwischen dem 01.01.2000 und dem 31.12.2099.
error-unclean-form = Das Formular enthielt Zeichen, die wir nicht annehmen können (z. B. Steuerzeichen). Bitte geben Sie Ihre Angaben erneut ein.
