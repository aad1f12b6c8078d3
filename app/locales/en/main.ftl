### The English texts of the islands on the pages shown in English (app::i18n::ENGLISH_PAGES):
### the browser bundles carry only these (app/src/i18n/sources.rs, EN_SOURCES). The start page's
### browser check. Other English texts are written on the server only (landing.ftl, later.ftl).

landing-check-button = Check my browser
landing-check-ok = Your browser supports video consultations. Camera and microphone are only requested when you enter the room.
landing-check-fail = Your browser does not support video consultations. Please use a current Chrome, Firefox, Safari or Edge.
landing-noscript = Video consultations need JavaScript switched on in your browser.
