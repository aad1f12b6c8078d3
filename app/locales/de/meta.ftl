### Beschreibungen öffentlicher Seiten für Suchmaschinen (<meta name="description">), je ein bis zwei Sätze.
### Nur auf dem Server gerendert: die Datei gehört nicht ins Browser-Bundle.

meta-description-landing = Sprechzimmer: Videosprechstunde für Arzt- und Psychotherapiepraxen nach Anlage 31b BMV-Ä – direkt von Browser zu Browser, Ende-zu-Ende verschlüsselt, ohne Aufzeichnung, ohne Werbung und ohne Tracker.
meta-description-entry = Zur Videosprechstunde: Geben Sie Ihren Namen und den Zugangscode aus der Einladung Ihrer Praxis ein. Sie brauchen kein Konto und keine App.
meta-description-terms = Nutzungsbedingungen von Sprechzimmer: was Praxen und Patientinnen und Patienten bei der Videosprechstunde erwarten können und was für sie gilt.
meta-description-privacy = Datenschutzerklärung von Sprechzimmer: welche Daten bei der Videosprechstunde verarbeitet werden, wie lange und welche Rechte Sie haben.
meta-description-avv = Vertrag über die Auftragsverarbeitung nach Art. 28 DSGVO zwischen den Praxen und dem Betreiber von Sprechzimmer, mit den technischen und organisatorischen Maßnahmen.
meta-description-impressum = Impressum von Sprechzimmer: wer den Videodienst betreibt und wie Sie uns erreichen.
meta-description-practice = Videosprechstunde bei { $practice }: so läuft der Termin ab, was Sie brauchen und wie Ihre Daten geschützt sind.
