# Contract: cancellation, revocation, deletion (owner)

contract-state = Status
contract-running = Der Vertrag läuft auf unbestimmte Zeit.
contract-cancelled-on = Gekündigt am { $date }
contract-cancel-link = Vertrag kündigen und Daten löschen
contract-notice-box = Der Vertrag ist gekündigt. Er endet mit Ablauf des { $date } (24:00 Uhr); danach werden das Konto und alle Daten Ihrer Praxis unwiderruflich gelöscht. Bis dahin arbeiten Sie wie gewohnt weiter.
contract-revoke-link = Kündigung widerrufen
contract-cancel-title = Vertrag kündigen und Daten löschen
contract-cancel-warning = Wenn Sie jetzt kündigen, endet der Vertrag mit Ablauf des { $date } (24:00 Uhr). Danach werden das Konto, alle Zugänge, Termine, Einwilligungen mit ihren Dokumenten und alle übrigen Daten Ihrer Praxis unwiderruflich gelöscht; niemand kann sie wiederherstellen.
contract-cancel-keep-working = Die Kündigungsfrist beträgt drei Monate zum Ende eines Kalendervierteljahres. Bis zum Ende arbeiten Sie und Ihr Team wie gewohnt weiter, und Sie können die Kündigung bis dahin widerrufen. Sie erhalten eine Bestätigung per E-Mail und Erinnerungen einen Monat und eine Woche vorher.
contract-cancel-password = Ihr Passwort (zur Bestätigung)
contract-cancel-submit = KÜNDIGUNG BESTÄTIGEN
contract-abort = Abbrechen
contract-back = Zurück zum Vertrag
contract-revoke-title = Kündigung widerrufen
contract-revoke-text = Ihr Vertrag ist zum { $date } gekündigt. Wenn Sie die Kündigung widerrufen, läuft der Vertrag unverändert weiter und es wird nichts gelöscht. Eine spätere Kündigung beginnt eine neue Kündigungsfrist.
contract-revoke-submit = KÜNDIGUNG WIDERRUFEN
contract-cancel-done = Die Kündigung ist eingegangen. Eine Bestätigung mit dem Datum der Löschung ist per E-Mail unterwegs.
contract-revoke-done = Die Kündigung ist widerrufen. Ihr Vertrag läuft weiter; eine Bestätigung ist per E-Mail unterwegs.
contract-already-cancelled = Der Vertrag ist bereits gekündigt.
contract-not-cancelled = Der Vertrag ist nicht gekündigt; es gibt nichts zu widerrufen.
contract-banner = Der Vertrag dieser Praxis ist gekündigt. Mit Ablauf des { $date } werden das Konto und alle Daten unwiderruflich gelöscht.
contract-banner-link = Zum Vertrag
