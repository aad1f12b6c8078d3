### The start page's texts outside its island, and its description: written on the server only
### (app/src/i18n/sources.rs, EN_SERVER_SOURCES), so the browser bundles stay without them.

landing-promises-heading = How we protect the consultations
landing-promise-p2p-title = Directly connected:
landing-promise-p2p = Picture and sound go from browser to browser, without a central media server.
landing-promise-e2e-title = End-to-end encrypted:
landing-promise-e2e = Nobody in between can see or listen in – not even us.
landing-promise-norec-title = No recording:
landing-promise-norec = Nobody stores the consultations.
landing-promise-retention-title = Little data:
landing-promise-retention = Appointment data is deleted after { $months } months at the latest.
landing-promise-noads-title = No third parties:
landing-promise-noads = No advertising, no trackers, no fonts or scripts from other providers.
meta-description-landing = Sprechzimmer: video consultations for medical and psychotherapy practices under Annex 31b BMV-Ä – directly from browser to browser, end-to-end encrypted, never recorded, without advertising and without trackers.

## The frame's links (the pages they open are in German)
nav-practice = Practice area
terms-title = Terms of use
privacy-title = Privacy policy
impressum-title = Legal notice
avv-footer-link = Data processing agreement
