## Das Live-Wartezimmer der Praxis und ihre Gesprächsseite: nur im Code der Praxis-Seiten (der der
## Patientin kommt ohne diese Texte aus, issue 24).

panel-title = Wartezimmer heute
panel-summary-none = niemand wartet
panel-summary-one = 1 wartet
panel-summary-many = { $count } warten
panel-loading = Die Liste wird geladen …
panel-snapshot = (Stand beim Öffnen dieser Seite)
panel-snapshot-link = Zur Live-Liste
panel-empty = Heute sind keine Videotermine eingetragen.
panel-link-lost = Verbindung zum Server unterbrochen – wird wiederhergestellt …
panel-sound-off = Ton aus
panel-sound-on = Ton an
panel-notifications = Hinweise erlauben
panel-notifications-title = Browser-Benachrichtigung, wenn jemand ins Wartezimmer kommt
panel-notification-title = Jemand wartet im Wartezimmer
panel-notification-body = Patientin oder Patient für { $time } Uhr ist im Wartezimmer.
panel-arrived = Neu im Wartezimmer: { $name }, Termin { $time } Uhr.
panel-name-differs = Angegebener Name: „{ $name }“ – bitte prüfen Sie, wer wartet.
panel-last-note = Gesendet:
panel-admit = Eintreten lassen
panel-note = Nachricht senden
panel-remove = Entfernen
panel-remove-confirm = { $name } aus dem Wartezimmer entfernen? Der Zugang endet, und der Zugangscode öffnet das Wartezimmer nicht mehr. Einen neuen Eintritt ermöglichen Sie mit „Einladung erneut senden“ beim Termin (neuer Zugangscode).
call-people-title = Personen dieser Sprechstunde
call-people-remove-question = { $name } aus der Sprechstunde entfernen? Der Zugangscode öffnet das Wartezimmer dann nicht mehr.
call-people-remove-yes = Ja, entfernen
panel-open-call = Zum Gespräch
panel-back = Zurück ins Wartezimmer
panel-finish = Beenden
panel-note-label = Nachricht an { $name }
panel-note-all = Nachricht an alle Wartenden
panel-note-send = Senden
panel-cancel = Abbrechen
note-preset-5-minutes = Ich komme in 5 Minuten.
note-preset-delay = Es dauert heute etwas länger. Bitte warten Sie.
note-preset-check-audio = Bitte prüfen Sie Ihr Mikrofon und Ihren Lautsprecher.
note-preset-soon = Sie sind als Nächstes dran.

## Die Gesprächsseite der Praxis.
call-page-title = Videosprechstunde
call-with = Gespräch mit { $name }
call-appointment = Termin heute um { $time } Uhr bei { $doctor }.
call-entered-name = Beim Eintreten angegebener Name: „{ $name }“
call-end = Gespräch beenden
call-ended = Das Gespräch ist beendet.
call-back-to-waiting = Die Patientin oder der Patient ist wieder im Wartezimmer.
