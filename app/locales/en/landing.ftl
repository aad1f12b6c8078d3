### The start page's texts outside its island, its description and the frame around it: written
### on the server only (app/src/i18n/sources.rs, EN_SERVER_SOURCES), so the browser bundles stay
### without them.

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

## The frame (the pages its links open are in German)
brand = Sprechzimmer
skip-to-content = Skip to content
nav-main-label = Main navigation
nav-footer-label = Legal
nav-patient = Join a video consultation
nav-login = Log in
nav-register = Register
footer-note = Video consultations browser to browser. No ads, no tracking, no recording.
landing-heading = Video consultations – direct, encrypted, no patient account
landing-lead = Sprechzimmer connects your practice and your patients directly, browser to browser. Picture and sound are end-to-end encrypted and never recorded.
landing-patients-heading = For patients
landing-patients-text = Has your practice sent you an email with a personal access code? Then you need neither an account nor an app – just a device with camera, microphone and speaker and an up-to-date browser.
landing-practices-heading = For practices
landing-practices-text = Create appointments in the online calendar, send invitations by email, keep an eye on the waiting room and admit patients with one click. Prefilled documents for your KV are ready.
nav-practice = Practice area
terms-title = Terms of use
privacy-title = Privacy policy
impressum-title = Legal notice
avv-footer-link = Data processing agreement
