### Sprechzimmer – Fehlermeldungen der Formularfelder (Registrierung einer Praxis).
### Schlüssel: FieldError::message_key() in app/src/fields/error.rs und
### PasswordError::message_key() in app/src/practice/password_policy.rs.
### Variablen: $max (höchste Zeichenzahl), $min (Mindestzahl an Zeichen),
### $expected und $actual (Zeichenzahl einer IBAN: richtig und eingegeben).

## Allgemein
field-required = Bitte füllen Sie dieses Feld aus.
field-too-long = Dieser Eintrag ist zu lang. Bitte kürzen Sie ihn auf höchstens { $max } Zeichen.
field-invalid-characters = Dieser Eintrag enthält unsichtbare Steuerzeichen, zum Beispiel einen Zeilenumbruch oder einen Tabulator. Bitte tippen Sie den Text neu ein, statt ihn einzufügen.

## Arzt- und Betriebsstättennummer, KV
lanr-format = Die LANR (lebenslange Arztnummer) besteht aus genau 9 Ziffern. Bitte prüfen Sie Ihre Eingabe.
lanr-check-digit = Diese LANR ist ungültig: Die Prüfziffer (7. Stelle) passt nicht zu den ersten sechs Ziffern. Bitte vergleichen Sie die Nummer mit Ihrem Arztstempel oder einem Rezept.
bsnr-format = Die BSNR (Betriebsstättennummer) besteht aus genau 9 Ziffern. Sie finden sie auf Ihrem Praxisstempel und auf Ihren Rezepten.
bsnr-kv-mismatch = Diese BSNR gehört nicht zur ausgewählten Kassenärztlichen Vereinigung: Die ersten beiden Ziffern stehen für einen anderen KV-Bereich. Bitte prüfen Sie die BSNR und die gewählte KV.
bsnr-area-unknown = Die ersten beiden Ziffern dieser BSNR gehören zu keinem KV-Bereich. Bitte prüfen Sie die Nummer auf Ihrem Praxisstempel.
kv-region-unknown = Bitte wählen Sie Ihre Kassenärztliche Vereinigung aus der Liste aus.

## Bankverbindung
iban-format = Das ist keine gültige IBAN. Eine IBAN beginnt mit dem Ländercode (für Deutschland DE) und zwei Prüfziffern; danach folgen nur Buchstaben und Ziffern. Leerzeichen dürfen Sie weglassen.
iban-country = Den Ländercode am Anfang dieser IBAN kennen wir nicht. Bitte prüfen Sie die ersten beiden Buchstaben – für ein deutsches Konto lauten sie DE.
iban-length = Eine IBAN aus diesem Land hat { $expected } Zeichen, Ihre Eingabe hat { $actual }. Bitte prüfen Sie, ob eine Stelle fehlt oder doppelt ist.
iban-checksum = Diese IBAN ist ungültig: Die Prüfziffern passen nicht. Vermutlich hat sich ein Tippfehler eingeschlichen – bitte vergleichen Sie die IBAN Stelle für Stelle mit Ihrem Kontoauszug.

## Anschrift und Kontakt
postcode-format = Bitte geben Sie eine deutsche Postleitzahl mit 5 Ziffern ein, zum Beispiel 10115.
email-format = Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel praxis@beispiel.de – ohne Namen, Leerzeichen oder spitze Klammern.
phone-format = Bitte geben Sie eine Telefonnummer mit 6 bis 20 Ziffern ein, zum Beispiel 030 1234567 oder +49 30 1234567. Außer Ziffern sind nur ein „+“ am Anfang, Leerzeichen, Schrägstrich, Bindestrich und Klammern erlaubt.

## Passwort
password-too-short = Das Passwort ist zu kurz. Bitte verwenden Sie mindestens { $min } Zeichen – gut merken lässt sich zum Beispiel ein kurzer Satz aus mehreren Wörtern.
password-too-long = Das Passwort ist zu lang. Bitte verwenden Sie höchstens { $max } Zeichen.
password-common = Dieses Passwort gehört zu den am häufigsten verwendeten und ist daher leicht zu erraten. Bitte wählen Sie ein anderes.
password-contains-personal = Ihr Name oder Ihre E-Mail-Adresse ist als Passwort zu leicht zu erraten. Bitte wählen Sie ein anderes Passwort.
