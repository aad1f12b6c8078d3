## Praxiskonten: Registrierung, Anmeldung, Stammdaten.

form-error-summary = Bitte korrigieren Sie die markierten Angaben:
form-optional = (freiwillig)
saved = Ihre Änderungen wurden gespeichert.
error-unauthorized = Bitte melden Sie sich an, um diese Seite zu sehen.
error-forbidden = Diese Seite ist der Praxisleitung vorbehalten.
error-busy = Gerade sind sehr viele Anfragen unterwegs. Bitte versuchen Sie es in einer Minute noch einmal; Ihre Eingaben sind erhalten.

role-owner = Praxisinhaber/in
role-doctor = Arzt/Therapeut
role-team = Praxisteam

field-title = Titel
field-title-hint = z. B. Dr. med. oder Dipl.-Psych.
field-first-name = Vorname
field-last-name = Nachname
field-specialty = Fachgebiet
field-specialty-hint = z. B. Allgemeinmedizin oder Psychologische Psychotherapeutin
field-lanr = LANR (Lebenslange Arztnummer)
field-lanr-hint = 9 Ziffern, steht z. B. auf Ihrem Praxisstempel. Psychotherapeutinnen und Psychotherapeuten tragen ihre Arztnummer ein.
field-practice-name = Name der Praxis
field-street = Straße und Hausnummer
field-postcode = PLZ
field-city = Ort
field-phone = Telefon
field-kv-region = Kassenärztliche Vereinigung
field-kv-region-choose = Bitte wählen
field-bsnr = BSNR (Betriebsstättennummer)
field-bsnr-hint = 9 Ziffern; die ersten beiden Ziffern bezeichnen Ihre KV.
field-email = E-Mail-Adresse
field-password = Passwort
field-new-password = Passwort
field-new-password-hint = Mindestens 12 Zeichen. Ein Satz aus mehreren Wörtern ist sicher und gut zu merken.
field-code = Code
field-billing-name = Rechnungsempfänger
field-account-holder = Kontoinhaber/in
field-iban = IBAN
field-iban-hint = Für den späteren Lastschrifteinzug; der Basis-Tarif ist kostenlos.
field-iban-stored = Gespeichert: { $iban }. Lassen Sie das Feld leer, um sie zu behalten.
login-notice-expired = Sie wurden nach längerer Inaktivität abgemeldet. Bitte melden Sie sich erneut an.
logout-submit = Abmelden

practice-nav-label = Praxisbereich
practice-home-title = Übersicht
practice-home-welcome = Willkommen, { $name }.
practice-home-totp-nudge = Schützen Sie Ihr Konto zusätzlich mit einem zweiten Faktor (Authenticator-App). Als Praxisinhaber/in verwalten Sie Zugänge zu Gesundheitsdaten.
practice-home-totp-link = Zwei-Faktor-Anmeldung einrichten
practice-home-next = Ihre Videotermine legen Sie im Terminkalender an; wer heute wartet, sehen Sie jederzeit oben im Wartezimmer.

idle-warning = Sie werden in 2 Minuten automatisch abgemeldet, weil Sie länger nichts getan haben.
idle-stay = Angemeldet bleiben
idle-log-in-again = Zur Anmeldung
