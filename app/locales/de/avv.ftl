### Vertrag über die Auftragsverarbeitung (AV-Vertrag, Art. 28 DSGVO), Seite /auftragsverarbeitung.
### Variablen: $operator (Name des Betreibers), $address (Postanschrift in einer Zeile), $email (Kontakt-E-Mail),
### $months (Monate bis zur Löschung der Termindaten) und $hours (längste Dauer einer Anmeldung), beide aus app/src/policy.rs.
### Nur auf dem Server gerendert (keine Insel): die Datei gehört nicht ins Browser-Bundle.
### Abschnitte und Absätze werden lückenlos ab 1 nummeriert; die Seite liest bis zum ersten fehlenden Schlüssel.

avv-title = Vertrag über die Auftragsverarbeitung
avv-stand = Stand: 3. Dezember 2026
avv-footer-link = AV-Vertrag
avv-intro = Dieser Vertrag nach Art. 28 der Datenschutz-Grundverordnung (DSGVO) gilt zwischen der Praxis, die sich bei Sprechzimmer registriert (Verantwortliche, im Folgenden „Praxis“), und { $operator }, { $address }, E-Mail: { $email } (Auftragsverarbeiter, im Folgenden „Betreiber“). Die Praxis schließt ihn bei der Registrierung zusammen mit den Nutzungsbedingungen ab; er ist Bestandteil des Nutzungsvertrags.

avv-s1-heading = 1. Gegenstand und Dauer
avv-s1-p1 = Gegenstand ist die Verarbeitung personenbezogener Daten durch den Betreiber im Auftrag der Praxis, soweit die Praxis den Videodienst Sprechzimmer für Videosprechstunden nach Anlage 31b BMV-Ä nutzt. Die Leistung ist in den Nutzungsbedingungen beschrieben.
avv-s1-p2 = Der Vertrag beginnt mit dem Abschluss der Registrierung und endet mit dem Nutzungsvertrag, ohne dass es einer gesonderten Kündigung bedarf. Pflichten, die über das Vertragsende hinausreichen, insbesondere zur Löschung und zur Verschwiegenheit, bleiben bestehen.
avv-s1-p3 = Für die Daten der Praxis selbst und ihrer Nutzerinnen und Nutzer (Konto, Anmeldung, Vertrag) ist der Betreiber eigenständig verantwortlich; dafür gilt die Datenschutzerklärung, nicht dieser Vertrag.

avv-s2-heading = 2. Art und Zweck der Verarbeitung
avv-s2-p1 = Der Betreiber verarbeitet die Daten ausschließlich, um die Videosprechstunden der Praxis zu ermöglichen: Termine speichern und anzeigen, Einladungen, Änderungen, Absagen und Erinnerungen per E-Mail versenden, Zugangscodes prüfen, Patientinnen und Patienten ins Online-Wartezimmer lassen, den Verbindungsaufbau zwischen den beteiligten Browsern vermitteln und verschlüsselte Einverständniserklärungen für die Praxis aufbewahren.
avv-s2-p2 = Art der Verarbeitung: Erheben, Speichern, Anzeigen, Übermitteln per E-Mail an die eingeladene Person und Löschen. Eine Verarbeitung für eigene Zwecke des Betreibers, etwa Werbung, Auswertung, Profilbildung oder Weitergabe an Dritte, findet nicht statt.

avv-s3-heading = 3. Art der Daten und Kreis der betroffenen Personen
avv-s3-p1 = Betroffene Personen sind die Patientinnen und Patienten der Praxis, die zu einer Videosprechstunde eingeladen werden.
avv-s3-p2 = Verarbeitet werden: Name und E-Mail-Adresse, die die Praxis einträgt; Termin (Datum, Uhrzeit, Dauer, behandelnde Person) und eine Notiz der Praxis; der Name, den die Patientin oder der Patient auf der Patientenseite eingibt; der Zugangscode (nur als Prüfwert gespeichert); Zeiten von Wartezimmer und Gespräch; für den Verbindungsaufbau technische Angaben wie IP-Adressen; zur Einverständniserklärung Name, E-Mail-Adresse, Stand und die hochgeladenen Dokumente, die nur verschlüsselt vorliegen; ein Protokoll, wer aus der Praxis wann auf diese Dokumente zugegriffen hat.
avv-s3-p3 = Schon ein Termin bei einer Ärztin, einem Arzt oder einer Psychotherapeutin verrät etwas über die Gesundheit. Alle diese Daten werden deshalb als Gesundheitsdaten im Sinne von Art. 9 DSGVO behandelt. Sie unterliegen der ärztlichen und psychotherapeutischen Schweigepflicht nach § 203 StGB.
avv-s3-p4 = Bild, Ton und Chat der Videosprechstunde verarbeitet der Betreiber nicht: Sie laufen Ende-zu-Ende verschlüsselt direkt zwischen den beteiligten Browsern und werden nicht aufgezeichnet.

avv-s4-heading = 4. Weisungen der Praxis
avv-s4-p1 = Der Betreiber verarbeitet die Daten nur auf dokumentierte Weisung der Praxis. Weisungen sind dieser Vertrag, die Nutzungsbedingungen und die Einstellungen und Handlungen der Praxis im Dienst, zum Beispiel das Anlegen, Ändern und Absagen von Terminen oder das Löschen einer Einwilligung. Weitere Weisungen erteilt die Praxis in Textform an { $email }.
avv-s4-p2 = Ist der Betreiber gesetzlich zu einer anderen Verarbeitung verpflichtet, teilt er das der Praxis vorher mit, sofern das Gesetz es nicht verbietet (Art. 28 Abs. 3 lit. a DSGVO).
avv-s4-p3 = Hält der Betreiber eine Weisung für rechtswidrig, informiert er die Praxis unverzüglich und darf die Ausführung aussetzen, bis die Praxis sie bestätigt oder ändert.

avv-s5-heading = 5. Vertraulichkeit und Schweigepflicht
avv-s5-p1 = Der Betreiber setzt nur Personen ein, die schriftlich zur Vertraulichkeit verpflichtet sind und über die Strafbarkeit nach § 203 StGB belehrt wurden. Er wirkt als mitwirkende Person im Sinne von § 203 Abs. 3 und 4 StGB an der Berufsausübung der Praxis mit.
avv-s5-p2 = Zugriff auf die Server haben nur wenige namentlich berechtigte Personen, und nur soweit es für Betrieb, Wartung und Fehlerbehebung unbedingt nötig ist. Inhalte von Videosprechstunden, Chatnachrichten und Einverständniserklärungen kann der Betreiber wegen der Ende-zu-Ende-Verschlüsselung nicht lesen.

avv-s6-heading = 6. Technische und organisatorische Maßnahmen (Art. 32 DSGVO)
avv-s6-p1 = Verschlüsselte Übertragung: Alle Verbindungen zwischen Browser und Server sind mit TLS verschlüsselt (mit HSTS). Bild und Ton laufen per WebRTC Peer-to-Peer direkt zwischen den beteiligten Browsern (bei eingeladenen weiteren Personen zwischen je zwei Browsern, ohne Medienserver), Ende-zu-Ende verschlüsselt mit DTLS-SRTP, der Chat über einen DTLS-verschlüsselten Datenkanal; die Schlüssel entstehen nur in diesen Browsern. Der Server vermittelt nur den Verbindungsaufbau (Signalisierung). Ist keine direkte Verbindung möglich, leitet ein vom Betreiber selbst betriebener TURN-Server die Pakete weiter, ohne sie entschlüsseln zu können. Alle Teilnehmenden sehen einen Sicherheitscode und können so prüfen, dass niemand dazwischensitzt.
avv-s6-p2 = Keine Aufzeichnung: Der Dienst hat keine Funktion, Bild, Ton oder Chat aufzuzeichnen oder zu speichern. An jedem Gespräch nehmen die Praxis und der Patient teil, weitere Personen nur mit eigener Einladung der Praxis und einzeln eingelassen (höchstens sechs insgesamt); andere Wartende sind weder sichtbar noch hörbar.
avv-s6-p3 = Einverständniserklärungen werden im Browser verschlüsselt, bevor sie hochgeladen werden, und zwar für den Schlüssel der Praxis. Der Server speichert nur den verschlüsselten Text und den mit der Passphrase der Praxis verschlüsselten Schlüssel; die Passphrase und den Wiederherstellungscode erhält der Betreiber nie. Jeder Zugriff der Praxis wird protokolliert.
avv-s6-p4 = Zugangskontrolle: Passwörter werden nur als Argon2id-Hash gespeichert; eine Zwei-Faktor-Anmeldung (TOTP) steht allen Nutzerinnen und Nutzern zur Verfügung; wiederholte Fehlversuche werden gebremst; eine Anmeldung endet spätestens nach { $hours } Stunden. Rollen trennen Inhaberin oder Inhaber, Ärztin oder Therapeut und Praxisteam; das Praxisteam sieht keine Patientinnen und Patienten im Wartezimmer. Jeder Termin hat einen eigenen Zugangscode, der nur als Prüfwert gespeichert wird und nur im Terminfenster gilt.
avv-s6-p5 = Datensparsamkeit und Löschung: Termine mit Namen, E-Mail-Adresse und Verbindungszeiten werden { $months } Monate nach dem Termin automatisch gelöscht. Versandte E-Mails werden nach 7 Tagen aus dem Postausgang gelöscht. Server-Protokolle enthalten keine Namen, E-Mail-Adressen, Zugangscodes, Formularinhalte oder Cookies.
avv-s6-p6 = Keine Dritten im Browser: keine Werbung, keine Tracker, keine Reichweitenmessung; alle Inhalte kommen vom eigenen Server, eine Content-Security-Policy verbietet fremde Quellen.
avv-s6-p7 = Verfügbarkeit und Belastbarkeit: E-Mails werden in derselben Transaktion wie die auslösende Änderung vorgemerkt und mit Wiederholungen zugestellt; Datensicherungen enthalten Gesundheitsdaten und werden deshalb verschlüsselt und nicht länger aufbewahrt als die Daten selbst.
avv-s6-p8 = Der Betreiber überprüft die Wirksamkeit dieser Maßnahmen regelmäßig und passt sie dem Stand der Technik an. Er darf sie durch gleichwertige oder bessere ersetzen; das Schutzniveau darf dabei nicht sinken.

avv-s7-heading = 7. Weitere Auftragsverarbeiter
avv-s7-p1 = Der Betreiber betreibt den Dienst mit Signalisierung, TURN-Server und Datenbank selbst und setzt für die Verarbeitung der Patientendaten keine weiteren Auftragsverarbeiter ein, außer dem Rechenzentrum, in dem seine Server stehen, und gegebenenfalls einem E-Mail-Dienstleister in der Europäischen Union für den Versand der Einladungen.
avv-s7-p2 = Welche Unternehmen das sind, nennt der Betreiber der Praxis jederzeit auf Anfrage an { $email }. Die Praxis erteilt hiermit die allgemeine Genehmigung für diese weiteren Auftragsverarbeiter (Art. 28 Abs. 2 DSGVO). Über jeden beabsichtigten Wechsel oder Hinzutritt informiert der Betreiber die Praxis mindestens vier Wochen vorher per E-Mail; die Praxis kann aus wichtigem datenschutzrechtlichem Grund widersprechen und den Vertrag dann ohne Frist kündigen.
avv-s7-p3 = Der Betreiber verpflichtet jeden weiteren Auftragsverarbeiter vertraglich auf dieselben Datenschutzpflichten wie in diesem Vertrag, einschließlich der Verschwiegenheit nach § 203 StGB.

avv-s8-heading = 8. Unterstützung bei den Rechten der betroffenen Personen
avv-s8-p1 = Die Praxis beantwortet Anfragen ihrer Patientinnen und Patienten auf Auskunft, Berichtigung, Löschung, Einschränkung, Datenübertragbarkeit und Widerspruch (Art. 15 bis 21 DSGVO). Die meisten kann sie im Dienst selbst erfüllen: Termine ändern oder absagen, Einwilligungen und Dokumente einsehen, herunterladen und löschen.
avv-s8-p2 = Wendet sich eine betroffene Person direkt an den Betreiber, leitet er die Anfrage unverzüglich an die Praxis weiter und antwortet nicht selbst in der Sache. Soweit die Praxis eine Anfrage nicht selbst erfüllen kann, unterstützt der Betreiber sie mit geeigneten technischen und organisatorischen Maßnahmen.

avv-s9-heading = 9. Weitere Pflichten und Verletzungen des Schutzes
avv-s9-p1 = Der Betreiber unterstützt die Praxis bei ihren Pflichten nach Art. 32 bis 36 DSGVO, insbesondere bei einer Datenschutz-Folgenabschätzung und bei der Meldung von Verletzungen des Schutzes personenbezogener Daten.
avv-s9-p2 = Erfährt der Betreiber von einer Verletzung des Schutzes der Daten der Praxis, informiert er die Praxis unverzüglich, möglichst innerhalb von 24 Stunden, per E-Mail mit allen Angaben, die sie für ihre Meldung nach Art. 33 und 34 DSGVO braucht, und ergreift sofort Maßnahmen, um die Folgen zu begrenzen.

avv-s10-heading = 10. Ort der Verarbeitung
avv-s10-p1 = Die Daten werden ausschließlich in Deutschland beziehungsweise in einem Mitgliedstaat der Europäischen Union oder des Europäischen Wirtschaftsraums verarbeitet. Eine Übermittlung in ein Drittland findet nicht statt.

avv-s11-heading = 11. Nachweise und Kontrollen
avv-s11-p1 = Der Betreiber stellt der Praxis alle Informationen zur Verfügung, die sie braucht, um die Einhaltung dieses Vertrags nachzuweisen. Nachweise zur Informationssicherheit und zum Datenschutz, etwa Zertifikate, stellt er im Bereich KV-Antrag zum Herunterladen bereit, soweit vorhanden.
avv-s11-p2 = Die Praxis oder eine von ihr beauftragte, zur Verschwiegenheit verpflichtete prüfende Person darf die Einhaltung nach rechtzeitiger Anmeldung, in der Regel zwei Wochen vorher, während der üblichen Geschäftszeiten überprüfen, ohne den Betrieb zu stören. Der Betreiber darf verlangen, dass dabei Daten anderer Praxen nicht eingesehen werden.

avv-s12-heading = 12. Löschung bei Vertragsende
avv-s12-p1 = Endet der Vertrag, löscht der Dienst mit Ablauf des letzten Vertragstags (24:00 Uhr) automatisch und unwiderruflich alle Daten der Praxis: Nutzerinnen und Nutzer und ihre Sitzungen, Termine, Patientendaten und Zugangscodes, Einwilligungen mit ihren Dokumenten und Schlüsseln, das Zugriffsprotokoll und die E-Mails der Praxis im Postausgang. Die Löschung geschieht in einem Schritt; bricht sie ab, wird sie beim nächsten Lauf vollständig nachgeholt. Eine letzte E-Mail bestätigt sie.
avv-s12-p2 = Eine Rückgabe der Daten durch den Betreiber ist nicht vorgesehen: Bis zum Vertragsende kann die Praxis selbst sichern, was sie für ihre Dokumentation braucht, insbesondere die Einverständniserklärungen, die nur sie entschlüsseln kann. Der Betreiber erinnert einen Monat und eine Woche vor dem Ende daran.
avv-s12-p3 = In Datensicherungen verbleibende Kopien werden mit dem üblichen Wechsel der Sicherungen überschrieben, spätestens nach der für Termindaten geltenden Frist von { $months } Monaten.

avv-s13-heading = 13. Schlussbestimmungen
avv-s13-p1 = Dieser Vertrag wird elektronisch abgeschlossen (Art. 28 Abs. 9 DSGVO); die Praxis kann ihn auf dieser Seite jederzeit abrufen, speichern und ausdrucken. Änderungen gelten wie bei den Nutzungsbedingungen beschrieben.
avv-s13-p2 = Bei Widersprüchen geht dieser Vertrag den Nutzungsbedingungen vor, soweit es um den Schutz personenbezogener Daten geht. Sollte eine Bestimmung unwirksam sein, bleiben die übrigen wirksam.
