### Rechtstexte für Sprechzimmer: Nutzungsbedingungen und Datenschutzerklärung.
### Variablen: $operator (Name des Betreibers), $address (Postanschrift in einer Zeile), $email (Kontakt-E-Mail).
### Abschnitte und Absätze werden lückenlos ab 1 nummeriert; die Seite liest bis zum ersten fehlenden Schlüssel.
### Ein Absatz <p>-href mit <p>-link endet mit einem Link auf diese Adresse der eigenen Seite.

legal-stand = Stand: 23. November 2026
legal-contents = Inhalt

## Nutzungsbedingungen

terms-title = Nutzungsbedingungen
terms-intro = Diese Nutzungsbedingungen regeln, wie Praxen den Videodienst Sprechzimmer für Videosprechstunden nutzen können und was dabei für Patientinnen und Patienten gilt. Wir haben sie so verständlich wie möglich formuliert.

terms-s1-heading = 1. Geltungsbereich und Vertragspartner
terms-s1-p1 = Sprechzimmer wird betrieben von { $operator }, { $address } (im Folgenden „wir“ oder „Betreiber“). Sie erreichen uns per E-Mail unter { $email }.
terms-s1-p2 = Unser Vertragspartner ist die Praxis, die sich bei Sprechzimmer registriert – zum Beispiel eine Ärztin, ein Arzt, eine Psychotherapeutin, ein Psychotherapeut, eine Gemeinschaftspraxis oder ein Medizinisches Versorgungszentrum. Die Praxis nutzt Sprechzimmer im Rahmen ihrer beruflichen Tätigkeit.
terms-s1-p3 = Patientinnen und Patienten schließen mit uns keinen Vertrag. Sie nehmen auf Einladung ihrer Praxis an einer Videosprechstunde teil; was dabei für sie gilt, steht in Abschnitt 5. Der Behandlungsvertrag besteht allein zwischen Patientin oder Patient und Praxis.
terms-s1-p4 = Abweichende Geschäftsbedingungen der Praxis gelten nur, wenn wir ihnen ausdrücklich schriftlich zugestimmt haben.

terms-s2-heading = 2. Leistungsbeschreibung
terms-s2-p1 = Sprechzimmer ist ein Videodienst für die Videosprechstunde nach Anlage 31b zum Bundesmantelvertrag-Ärzte (BMV-Ä). Die Praxis legt in ihrem Konto einen Videotermin an. Die Patientin oder der Patient erhält daraufhin eine E-Mail mit der Adresse der Patientenseite und einem persönlichen Zugangscode.
terms-s2-p2 = Auf der Patientenseite gibt die Patientin oder der Patient den vollständigen Namen und den Zugangscode ein. Nach einem automatischen Techniktest von Kamera, Mikrofon, Lautsprecher, Browser und Netzwerk geht es in das Online-Wartezimmer. Die Praxis sieht, wer wartet, und holt die Person in die Videosprechstunde.
terms-s2-p3 = Bild und Ton werden direkt zwischen den Browsern der Beteiligten übertragen (Peer-to-Peer) und sind Ende-zu-Ende verschlüsselt. An einer Videosprechstunde nehmen die Praxis und die Patientin oder der Patient teil; weitere Personen (etwa Dolmetscher/in oder Angehörige) nur, wenn die Praxis sie mit eigenem Zugangscode einlädt und einzeln eintreten lässt – insgesamt höchstens so viele Personen, wie der Betreiber festlegt (bis zu sechs; die Praxis sieht die Zahl bei jedem Termin), auch dann direkt zwischen je zwei Browsern. Ein optionaler Chat während des Gesprächs läuft ebenfalls Ende-zu-Ende verschlüsselt und wird nicht gespeichert.
terms-s2-p4 = Wir zeichnen keine Gespräche auf. Einverständniserklärungen, die Patientinnen und Patienten hochladen, werden Ende-zu-Ende verschlüsselt gespeichert, sodass nur die Praxis sie lesen kann.
terms-s2-p5 = Wir stellen die technische Plattform bereit. Die ärztliche oder psychotherapeutische Behandlung, ihre Dokumentation und ihre Abrechnung sind nicht Teil unserer Leistung und liegen allein in der Verantwortung der Praxis.

terms-s3-heading = 3. Registrierung und Zugang
terms-s3-p1 = Ein Konto dürfen nur approbierte Ärztinnen und Ärzte, approbierte Psychotherapeutinnen und Psychotherapeuten sowie Praxen und Einrichtungen anlegen, in denen solche Personen tätig sind. Die Angaben bei der Registrierung müssen richtig und vollständig sein und aktuell gehalten werden. Wir dürfen einen Nachweis der Berufszulassung verlangen.
terms-s3-p2 = Die Praxis hält ihre Zugangsdaten geheim und gibt sie nicht weiter. Besteht der Verdacht, dass Unbefugte Zugangsdaten kennen, ändert die Praxis das Passwort sofort und informiert uns unter { $email }.
terms-s3-p3 = Die Praxis kann für ihre Mitarbeiterinnen und Mitarbeiter eigene Zugänge einrichten. Jede Person nutzt nur ihren eigenen Zugang. Die Praxis sorgt dafür, dass ihr Personal zur Verschwiegenheit verpflichtet ist, und ist für Handlungen unter den Zugängen ihrer Praxis verantwortlich.
terms-s3-p4 = Gibt es konkrete Hinweise auf falsche Angaben oder Missbrauch, dürfen wir den Zugang vorübergehend sperren. Wir informieren die Praxis darüber unverzüglich per E-Mail.

terms-s4-heading = 4. Pflichten der Praxis
terms-s4-p1 = Die Praxis holt vor der ersten Videosprechstunde die Einwilligung der Patientin oder des Patienten ein und informiert sie oder ihn über Ablauf und Datenschutz. Das gilt auch für die Einwilligung in die Verarbeitung der Daten über Sprechzimmer.
terms-s4-p2 = Die Praxis gibt Namen und E-Mail-Adressen ihrer Patientinnen und Patienten sorgfältig und richtig ein, damit Einladung und Zugangscode nur die richtige Person erreichen.
terms-s4-p3 = Die Praxis erfüllt selbst alle berufsrechtlichen Pflichten und die Vorgaben ihrer Kassenärztlichen Vereinigung, zum Beispiel Anzeige- oder Genehmigungspflichten und die Regeln zur Abrechnung von Videosprechstunden. Wir prüfen das nicht.
terms-s4-p4 = Die Praxis führt Videosprechstunden in geschlossenen Räumen durch, die Privatsphäre bieten, und sorgt für ein ungestörtes Gespräch wie in der Praxis. Weitere Personen dürfen nur mit Zustimmung der Patientin oder des Patienten anwesend sein. Aufzeichnungen sind nicht erlaubt.
terms-s4-p5 = Zu Beginn jeder Videosprechstunde vergewissert sich die Praxis in geeigneter Weise, dass sie mit der eingeladenen Person spricht – besonders dann, wenn sich beide noch nicht persönlich kennen.
terms-s4-p6 = Die Praxis verwendet aktuelle Browser und Betriebssysteme, schützt ihre Geräte vor unbefugtem Zugriff und nutzt Sprechzimmer nicht für rechtswidrige Zwecke.

terms-s5-heading = 5. Patientinnen und Patienten
terms-s5-p1 = Patientinnen und Patienten brauchen kein Konto. Sie nehmen ausschließlich über die Einladung ihrer Praxis teil und können nur mit dieser Praxis sprechen. Für sie ist die Nutzung von Sprechzimmer kostenlos; die Kosten der eigenen Internetverbindung tragen sie selbst.
terms-s5-p2 = Der Zugangscode ist persönlich. Bitte nutzen Sie nur Ihren eigenen Zugangscode, geben Sie ihn nicht weiter und tragen Sie Ihren vollständigen Vor- und Nachnamen ein, damit die Praxis Sie zuordnen kann.
terms-s5-p3 = Suchen Sie sich für das Gespräch einen ruhigen Ort, an dem niemand mithört. Das Aufzeichnen der Videosprechstunde ist auch Patientinnen und Patienten nicht erlaubt.
terms-s5-p4 = Für Fragen zu Ihrer Behandlung, zu Terminen oder zu Absagen ist Ihre Praxis zuständig. Bitte wenden Sie sich dafür direkt an Ihre Praxis.

terms-s6-heading = 6. Verfügbarkeit
terms-s6-p1 = Wir bemühen uns um einen zuverlässigen Betrieb, können eine ununterbrochene Verfügbarkeit aber nicht garantieren. Störungen im Internet außerhalb unseres Einflussbereichs, etwa beim Internetanschluss der Beteiligten, können die Verbindung beeinträchtigen.
terms-s6-p2 = Für Wartungsarbeiten kann Sprechzimmer zeitweise nicht erreichbar sein. Geplante Wartungen legen wir möglichst in nutzungsarme Zeiten und kündigen längere Unterbrechungen vorher an. Dringende Sicherheitsupdates können auch kurzfristig nötig sein.
terms-s6-p3 = Die Qualität von Bild und Ton hängt auch von den Geräten und Netzwerken der Beteiligten ab. Kommt eine Videosprechstunde nicht zustande, sollte die Praxis einen anderen Weg anbieten, etwa ein Telefonat oder einen Termin vor Ort.

terms-s7-heading = 7. Entgelt
terms-s7-p1 = Der Tarif „Basis“ ist kostenlos. Für die Praxis und für Patientinnen und Patienten fallen für die Nutzung von Sprechzimmer keine Gebühren an.
terms-s7-p2 = Der Tarif „Basis“ wird nicht ohne ausdrückliche Zustimmung der Praxis in einen kostenpflichtigen Tarif umgewandelt.
terms-s7-p3 = Kosten für Geräte, Software und Internetverbindung trägt jede Seite selbst.

terms-s8-heading = 8. Laufzeit, Kündigung und Löschung
terms-s8-p1 = Der Vertrag beginnt mit dem Abschluss der Registrierung und läuft auf unbestimmte Zeit.
terms-s8-p2 = Die Praxis kann den Vertrag mit einer Frist von drei Monaten zum Ende eines Kalenderquartals kündigen. Die Kündigung erfolgt online im Konto der Praxis. Wir bestätigen sie per E-Mail und nennen darin den Tag, an dem sie wirksam wird.
terms-s8-p3 = Bis zum Ende der Kündigungsfrist kann die Praxis die Kündigung im Konto widerrufen. Der Vertrag läuft dann unverändert weiter; auch den Widerruf bestätigen wir per E-Mail. Eine spätere erneute Kündigung ist jederzeit mit der regulären Frist möglich.
terms-s8-p4 = Mit Wirksamwerden der Kündigung löschen wir das Konto der Praxis und alle dazugehörigen Daten unwiderruflich – einschließlich Terminen, Zugängen der Mitarbeiterinnen und Mitarbeiter und hochgeladenen Einverständniserklärungen. Eine Wiederherstellung ist danach nicht möglich.
terms-s8-p5 = Unterlagen, die die Praxis für ihre Dokumentation braucht, insbesondere Einverständniserklärungen, muss sie vor diesem Zeitpunkt selbst sichern.
terms-s8-p6 = Auch wir können den Vertrag mit einer Frist von drei Monaten zum Ende eines Kalenderquartals kündigen. Das Recht beider Seiten zur fristlosen Kündigung aus wichtigem Grund bleibt unberührt. Für die Löschung gilt in beiden Fällen dasselbe wie bei einer Kündigung durch die Praxis.

terms-s9-heading = 9. Datenschutz und Schweigepflicht
terms-s9-p1 = Wie wir personenbezogene Daten verarbeiten, erklären wir in unserer Datenschutzerklärung.
terms-s9-p2 = Für die Daten der Patientinnen und Patienten ist die Praxis verantwortlich. Wir verarbeiten sie nur in ihrem Auftrag und nach ihren Weisungen. Dafür schließen Praxis und Betreiber einen Vertrag über die Auftragsverarbeitung (AV-Vertrag) nach Art. 28 DSGVO, der Bestandteil dieses Vertrags ist. Den vollständigen Text finden Sie jederzeit hier:
terms-s9-p2-link = Vertrag über die Auftragsverarbeitung
terms-s9-p2-href = /auftragsverarbeitung
terms-s9-p3 = Daten von Patientinnen und Patienten sind Gesundheitsdaten und unterliegen der ärztlichen und psychotherapeutischen Schweigepflicht (§ 203 StGB). Wir sind an der Berufsausübung der Praxis als mitwirkende Person im Sinne von § 203 Abs. 3 StGB beteiligt, haben unsere Beschäftigten zur Verschwiegenheit verpflichtet und greifen auf Daten nur zu, soweit es für den Betrieb unbedingt nötig ist.
terms-s9-p4 = Inhalte der Videosprechstunde, Chatnachrichten und Einverständniserklärungen können wir wegen der Ende-zu-Ende-Verschlüsselung technisch nicht lesen.

terms-s10-heading = 10. Haftung
terms-s10-p1 = Wir haften unbeschränkt bei Vorsatz und grober Fahrlässigkeit, bei Verletzung des Lebens, des Körpers oder der Gesundheit sowie nach dem Produkthaftungsgesetz.
terms-s10-p2 = Bei leichter Fahrlässigkeit haften wir nur, wenn wir eine wesentliche Vertragspflicht (Kardinalpflicht) verletzen. Das sind Pflichten, deren Erfüllung die ordnungsgemäße Durchführung des Vertrags erst ermöglicht und auf deren Einhaltung die Praxis regelmäßig vertrauen darf. In diesem Fall ist die Haftung auf den vorhersehbaren, vertragstypischen Schaden begrenzt.
terms-s10-p3 = Im Übrigen ist unsere Haftung ausgeschlossen. Die vorstehenden Beschränkungen gelten auch für unsere Beschäftigten und Erfüllungsgehilfen.
terms-s10-p4 = Für die Behandlung selbst und für medizinische oder psychotherapeutische Entscheidungen ist allein die Praxis verantwortlich.

terms-s11-heading = 11. Schlussbestimmungen
terms-s11-p1 = Änderungen dieser Nutzungsbedingungen kündigen wir der Praxis mindestens sechs Wochen vor ihrem Inkrafttreten per E-Mail an. Die Praxis kann den Änderungen bis zu diesem Zeitpunkt widersprechen. Widerspricht sie nicht, gelten die Änderungen als angenommen; darauf weisen wir in der E-Mail ausdrücklich hin.
terms-s11-p2 = Widerspricht die Praxis, gelten die bisherigen Bedingungen weiter. Beide Seiten können den Vertrag dann mit der regulären Frist kündigen.
terms-s11-p3 = Es gilt das Recht der Bundesrepublik Deutschland unter Ausschluss des UN-Kaufrechts.
terms-s11-p4 = Sollte eine Bestimmung dieser Nutzungsbedingungen unwirksam sein, bleiben die übrigen Bestimmungen wirksam.
terms-s11-p5 = Fragen zu diesen Nutzungsbedingungen richten Sie bitte an { $email }.

## Datenschutzerklärung

privacy-title = Datenschutzerklärung
privacy-intro = Mit dieser Datenschutzerklärung informieren wir Sie darüber, welche personenbezogenen Daten bei der Nutzung von Sprechzimmer verarbeitet werden, wofür das geschieht und welche Rechte Sie haben. Sie richtet sich an Patientinnen und Patienten ebenso wie an Praxen.

privacy-s1-heading = 1. Verantwortlicher
privacy-s1-p1 = Verantwortlich für den Betrieb von Sprechzimmer und für die Daten der Praxen ist: { $operator }, { $address }, E-Mail: { $email }.
privacy-s1-p2 = Für die Daten von Patientinnen und Patienten in einer Videosprechstunde ist die Praxis verantwortlich, die Sie eingeladen hat. Wir verarbeiten diese Daten nur im Auftrag der Praxis (siehe Abschnitt 3).
privacy-s1-p3 = Bei Fragen zum Datenschutz erreichen Sie uns jederzeit unter { $email }.

privacy-s2-heading = 2. Unsere Grundsätze
privacy-s2-p1 = Wir verarbeiten so wenige Daten wie möglich und nur die, die für die Videosprechstunde und den sicheren Betrieb nötig sind.
privacy-s2-p2 = Es gibt keine Werbung, keine Tracker, keine Reichweitenmessung und keine Profilbildung. Wir verkaufen keine Daten und geben sie nicht für fremde Zwecke weiter.
privacy-s2-p3 = Sprechzimmer lädt keine Inhalte von Dritten nach. Schriften, Skripte und Bilder kommen ausschließlich von unseren eigenen Servern. Beim Aufruf unserer Seiten werden deshalb keine Daten an andere Anbieter übermittelt.
privacy-s2-p4 = Unsere Server stehen in Deutschland beziehungsweise in der Europäischen Union.

privacy-s3-heading = 3. Patientinnen und Patienten: Ihre Daten in der Videosprechstunde
privacy-s3-p1 = Verantwortlich für Ihre Daten ist Ihre Praxis. Wir verarbeiten sie nur in ihrem Auftrag und nach ihren Weisungen; dafür haben wir mit der Praxis einen Vertrag über die Auftragsverarbeitung nach Art. 28 DSGVO geschlossen. Für Sie brauchen wir kein Konto und legen kein Profil über Sie an. Den Vertrag können Sie hier lesen:
privacy-s3-p1-link = Vertrag über die Auftragsverarbeitung
privacy-s3-p1-href = /auftragsverarbeitung
privacy-s3-p2 = Folgende Daten werden verarbeitet: Ihr Name und Ihre E-Mail-Adresse, die die Praxis für die Einladung einträgt, der Termin, der Name, den Sie auf der Patientenseite eingeben, Ihr Zugangscode und die Zeiten Ihrer Verbindung.
privacy-s3-p3 = Für den Verbindungsaufbau werden außerdem technische Daten wie Ihre IP-Adresse verarbeitet. Wenn Sie Ihre Einverständniserklärung hochladen, wird diese verschlüsselt gespeichert (siehe Abschnitt 6).
privacy-s3-p4 = Die Daten dienen allein dazu, die Videosprechstunde durchzuführen: die Einladung zu versenden, Ihren Zugangscode zu prüfen, Sie ins Online-Wartezimmer zu bringen und die Verbindung zur Praxis herzustellen. Wir nutzen sie nicht für eigene Zwecke.
privacy-s3-p5 = Schon die Tatsache, dass Sie einen Termin bei einer Ärztin, einem Arzt oder in einer psychotherapeutischen Praxis haben, kann etwas über Ihre Gesundheit verraten. Wir behandeln deshalb alle Ihre Daten als Gesundheitsdaten im Sinne von Art. 9 DSGVO, die der Schweigepflicht unterliegen.
privacy-s3-p6 = Rechtsgrundlage ist in der Regel Ihr Behandlungsvertrag mit der Praxis (Art. 6 Abs. 1 lit. b in Verbindung mit Art. 9 Abs. 2 lit. h DSGVO) sowie Ihre Einwilligung in die Videosprechstunde (Art. 6 Abs. 1 lit. a und Art. 9 Abs. 2 lit. a DSGVO). Näheres erfahren Sie bei Ihrer Praxis.

privacy-s4-heading = 4. Video und Ton
privacy-s4-p1 = Bild und Ton werden direkt zwischen Ihrem Browser und dem Browser der Praxis übertragen (Peer-to-Peer über WebRTC); sind weitere Personen eingeladen, direkt zwischen je zwei Browsern. Die Übertragung ist mit DTLS-SRTP Ende-zu-Ende verschlüsselt; die Schlüssel gibt es nur auf den beteiligten Geräten.
privacy-s4-p2 = Unser Server vermittelt nur den Verbindungsaufbau (Signalisierung), damit die beiden Browser einander finden. Dabei werden technische Angaben wie IP-Adressen und Verschlüsselungsparameter ausgetauscht, aber weder Bild noch Ton. Unser Server kann Bild und Ton nicht sehen.
privacy-s4-p3 = Ist eine direkte Verbindung nicht möglich, etwa wegen einer strengen Firewall, leitet ein von uns selbst betriebener Weiterleitungsserver (TURN-Server) die Datenpakete weiter. Die Pakete bleiben dabei Ende-zu-Ende verschlüsselt; der Weiterleitungsserver kann sie nicht entschlüsseln.
privacy-s4-p4 = Nichts wird aufgezeichnet – weder Bild noch Ton noch Chat. Chatnachrichten werden über einen Datenkanal direkt und Ende-zu-Ende verschlüsselt zwischen den beteiligten Browsern übertragen und nicht gespeichert.
privacy-s4-p5 = An der Videosprechstunde nehmen Sie und Ihre Praxis teil. Weitere Personen (etwa eine Dolmetscherin oder ein Angehöriger) kommen nur hinzu, wenn Ihre Praxis sie mit eigenem Zugangscode einlädt und einzeln eintreten lässt; Sie sehen sie im Gespräch mit Namen. Niemand kann sich sonst zuschalten.

privacy-s5-heading = 5. Metadaten und ihre Löschung
privacy-s5-p1 = Metadaten sind Angaben über die Videosprechstunde, nicht ihr Inhalt: Termine, Namen, die E-Mail-Adresse der Patientin oder des Patienten und die Verbindungszeiten.
privacy-s5-p2 = Wir nutzen Metadaten nur, um Videosprechstunden zu organisieren und durchzuführen, zum Beispiel damit die Praxis sieht, wer im Online-Wartezimmer wartet.
privacy-s5-p3 = Metadaten werden spätestens nach drei Monaten gelöscht. Endet der Vertrag mit der Praxis früher, werden sie zusammen mit dem Konto der Praxis gelöscht.

privacy-s6-heading = 6. Einverständniserklärung
privacy-s6-p1 = Vor einer Videosprechstunde braucht Ihre Praxis Ihr Einverständnis. Sie können Ihre unterschriebene Einverständniserklärung über Sprechzimmer an Ihre Praxis übermitteln.
privacy-s6-p2 = Die Datei wird Ende-zu-Ende verschlüsselt gespeichert. Lesen kann sie nur Ihre Praxis; wir speichern lediglich die verschlüsselte Datei und können ihren Inhalt nicht einsehen.
privacy-s6-p3 = Die Praxis bewahrt Ihre Einverständniserklärung im Rahmen ihrer Dokumentationspflichten auf. Auf unseren Servern wird die verschlüsselte Datei spätestens mit der Löschung des Praxiskontos gelöscht.
privacy-s6-p4 = Damit die Praxis die Erklärung Ihren Terminen zuordnen kann, speichern wir dazu Ihren Namen, Ihre E-Mail-Adresse und den Stand (zu prüfen, bestätigt, widerrufen). Diese Angaben bleiben, solange die Einwilligung gilt, also auch länger als drei Monate; die Praxis kann sie jederzeit löschen, und mit dem Praxiskonto werden sie gelöscht. Jeder Zugriff der Praxis auf Ihre Erklärung wird protokolliert.

privacy-s7-heading = 7. Praxen: Daten Ihres Kontos
privacy-s7-p1 = Wenn Sie Ihre Praxis registrieren, verarbeiten wir die Angaben zu Ihrer Praxis, die Namen und E-Mail-Adressen der Nutzerinnen und Nutzer, Ihre Zugangsdaten sowie gegebenenfalls Nachweise Ihrer Berufszulassung. Für diese Daten sind wir selbst verantwortlich.
privacy-s7-p2 = Wir nutzen diese Daten, um Ihnen Ihr Konto bereitzustellen, den Vertrag mit Ihnen durchzuführen und mit Ihnen zu kommunizieren, etwa für Bestätigungen und wichtige Hinweise zum Dienst. Rechtsgrundlage ist Art. 6 Abs. 1 lit. b DSGVO.
privacy-s7-p3 = Soweit wir Daten zum Schutz vor Missbrauch und für die Sicherheit des Dienstes verarbeiten, stützen wir uns auf unser berechtigtes Interesse an einem sicheren Betrieb (Art. 6 Abs. 1 lit. f DSGVO).
privacy-s7-p4 = Ihre Kontodaten speichern wir für die Dauer des Vertrags. Nach dem letzten Tag des Vertrags (24:00 Uhr) löschen wir das Konto und alle Daten der Praxis unwiderruflich: Zugänge und Sitzungen, Termine, Patientendaten und Zugangscodes, Einwilligungen mit ihren Dokumenten und Schlüsseln, das Zugriffsprotokoll und die E-Mails im Postausgang. Ausgenommen ist nur, was wir gesetzlich aufbewahren müssen; das wären Rechnungen, die wir im kostenlosen Basis-Tarif nicht stellen. Die E-Mail, die Ihnen die Löschung bestätigt, bleibt nach dem Versand höchstens 7 Tage im Postausgang.

privacy-s8-heading = 8. Cookies
privacy-s8-p1 = Für angemeldete Nutzerinnen und Nutzer einer Praxis setzen wir ein einziges, technisch notwendiges Sitzungscookie, damit Sie angemeldet bleiben. Es enthält nur eine zufällige Kennung und wird mit der Abmeldung ungültig.
privacy-s8-p2 = Für Patientinnen und Patienten setzen wir keine Cookies, außer soweit dies für die technische Durchführung der Videosprechstunde zwingend nötig ist.
privacy-s8-p3 = Rechtsgrundlage ist § 25 Abs. 2 Nr. 2 TDDDG, weil diese Cookies für den von Ihnen gewünschten Dienst unbedingt erforderlich sind. Da wir keine weiteren Cookies, keine Analyse- und keine Werbecookies verwenden, brauchen wir kein Cookie-Banner und keine Einwilligung.

privacy-s9-heading = 9. Server-Protokolle
privacy-s9-p1 = Beim Aufruf unserer Seiten verarbeitet unser Server technische Angaben wie Zeitpunkt, aufgerufene Adresse und Ihre IP-Adresse.
privacy-s9-p2 = Die IP-Adresse nutzen wir nur für die Sicherheit, etwa um Angriffe abzuwehren und die Zahl der Versuche bei Anmeldung und Eingabe von Zugangscodes zu begrenzen. Wir führen diese Angaben nicht mit anderen Daten zusammen.
privacy-s9-p3 = Die Protokolle werden höchstens 7 Tage gespeichert und dann gelöscht. Rechtsgrundlage ist unser berechtigtes Interesse an einem sicheren Betrieb (Art. 6 Abs. 1 lit. f DSGVO).

privacy-s10-heading = 10. E-Mails
privacy-s10-p1 = Wir versenden E-Mails nur, wenn sie für den Dienst nötig sind: Einladungen an Patientinnen und Patienten mit der Adresse der Patientenseite und dem Zugangscode im Auftrag der Praxis sowie Bestätigungen und wichtige Hinweise an Praxen, etwa zur Kündigung oder zu ihrem Widerruf.
privacy-s10-p2 = Die E-Mails werden über unseren eigenen Mailserver oder über einen von uns beauftragten E-Mail-Dienstleister innerhalb der Europäischen Union versendet. Ein solcher Dienstleister ist als Auftragsverarbeiter an unsere Weisungen gebunden.
privacy-s10-p3 = E-Mails sind nicht Ende-zu-Ende verschlüsselt. Deshalb enthalten unsere E-Mails keine Inhalte aus Videosprechstunden.

privacy-s11-heading = 11. Empfänger und Drittländer
privacy-s11-p1 = Daten von Patientinnen und Patienten erhält nur die Praxis, die die Videosprechstunde durchführt. An andere geben wir Daten nur weiter, wenn wir gesetzlich dazu verpflichtet sind.
privacy-s11-p2 = Wir übermitteln keine Daten in Länder außerhalb der Europäischen Union oder des Europäischen Wirtschaftsraums.
privacy-s11-p3 = Wir setzen keine Dienste Dritter ein, etwa für Schriften, Statistiken, Werbung, soziale Netzwerke oder Inhaltsauslieferung. Eine Ausnahme kann allein der in Abschnitt 10 genannte E-Mail-Dienstleister in der EU sein.

privacy-s12-heading = 12. Speicherdauer im Überblick
privacy-s12-p1 = Bild, Ton und Chat: werden nicht gespeichert.
privacy-s12-p2 = Metadaten wie Termine, Namen, E-Mail-Adresse und Verbindungszeiten: spätestens nach drei Monaten gelöscht.
privacy-s12-p3 = Server-Protokolle mit IP-Adresse: höchstens 7 Tage.
privacy-s12-p4 = Einverständniserklärungen: verschlüsselt, längstens bis zur Löschung des Praxiskontos.
privacy-s12-p5 = Kontodaten der Praxis: für die Dauer des Vertrags; mit Wirksamwerden der Kündigung unwiderruflich gelöscht.
privacy-s12-p6 = Sitzungscookie: bis zur Abmeldung beziehungsweise bis zum Ende der Sitzung.

privacy-s13-heading = 13. Ihre Rechte
privacy-s13-p1 = Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16 DSGVO), Löschung (Art. 17 DSGVO), Einschränkung der Verarbeitung (Art. 18 DSGVO) und Datenübertragbarkeit (Art. 20 DSGVO).
privacy-s13-p2 = Verarbeiten wir Daten auf Grundlage eines berechtigten Interesses, können Sie aus Gründen, die sich aus Ihrer besonderen Situation ergeben, widersprechen (Art. 21 DSGVO).
privacy-s13-p3 = Eine Einwilligung können Sie jederzeit mit Wirkung für die Zukunft widerrufen (Art. 7 Abs. 3 DSGVO). Die Verarbeitung bis zum Widerruf bleibt rechtmäßig.
privacy-s13-p4 = Als Patientin oder Patient wenden Sie sich mit Ihren Anliegen am besten direkt an Ihre Praxis, denn sie ist für Ihre Daten verantwortlich. Erreicht uns Ihre Anfrage, unterstützen wir die Praxis bei der Beantwortung.
privacy-s13-p5 = Sie haben außerdem das Recht, sich bei einer Datenschutz-Aufsichtsbehörde zu beschweren (Art. 77 DSGVO), insbesondere in dem Mitgliedstaat Ihres Wohnorts, Ihres Arbeitsplatzes oder des mutmaßlichen Verstoßes.

privacy-s14-heading = 14. Sicherheit
privacy-s14-p1 = Alle Verbindungen zwischen Ihrem Browser und unseren Servern sind mit TLS verschlüsselt.
privacy-s14-p2 = Bild, Ton und Chat sind Ende-zu-Ende verschlüsselt, ebenso hochgeladene Einverständniserklärungen. Diese Inhalte können weder wir noch Dritte lesen.
privacy-s14-p3 = Zugriff auf unsere Server haben nur wenige berechtigte Personen, und nur soweit es für den Betrieb nötig ist.
privacy-s14-p4 = Daten von Patientinnen und Patienten unterliegen der Schweigepflicht nach § 203 StGB. Unsere Beschäftigten sind zur Verschwiegenheit verpflichtet; ein Verstoß ist strafbar.
