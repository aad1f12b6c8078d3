### English texts of pages not yet shown in English: each page stays German until all of its
### texts are here (app::i18n::ENGLISH_PAGES). Written on the server only, never into a browser
### bundle; the unit tests check that each translates a German message.

loading = Loading …
not-found-title = Page not found
not-found-text = This address does not exist. Please check the link in your email or start on the home page.
error-page-title = That did not work
not-found-home = To the home page
error-invalid-date = We cannot show this date. Please choose a date between 01/01/2000 and 31/12/2099.
error-unclean-form = The form contained characters we cannot accept (such as control characters). Please enter your details again.
calendar-too-far-ahead = Appointments can be booked at most two years ahead. Please choose an earlier date.
second-factor-locked = Too many wrong codes. Logging in with the second factor is locked for this account for 24 hours. If this was not you, someone knows your password: please set a new one with “Forgot password?”.
security-on-password-hint = For your security: your current password.
entry-busy = Right now very many sign-ins arrive over the same internet connection as yours; this is not your fault. Please try again in a few seconds.
login-busy = Right now very many login attempts arrive over the same internet connection as yours. Please try again in a few seconds.
verify-title = Confirm your email address
verify-text = Please confirm with one click that this email address is yours. Then you can log in.
verify-submit = Confirm email address
register-too-many = Very many registrations came from your internet connection in the last hour. Please try again in an hour; your input has been kept.
waiting-removed = Your practice has taken you out of the waiting room; your access code no longer opens it. If this was a mistake, please call your practice: it can send you a new invitation with a new access code.
waiting-closed = Your access to this appointment is no longer valid: your practice has sent you a new invitation with a new access code, or cancelled the appointment. Please check your e-mail.
waiting-expired = Your access has expired: it is valid until one hour after your appointment's planned end. If you have another appointment, please enter with the access code from its invitation.
call-advice-browser = This browser cannot hold a video consultation. Please open the page in a current Chrome, Edge, Firefox or Safari.
call-advice-denied = Your browser refused access to camera and microphone. Allow both with the camera or lock symbol next to the address bar and reload the page. „Sprechstunde beenden“ (end the consultation) works anyway.
call-advice-in-use = Another program is using the camera. Close other programs or browser tabs with video calls and reload the page. „Sprechstunde beenden“ (end the consultation) works anyway.
call-link-no-media = Without camera and microphone this page does not take part in the call.
entry-removed = Your practice has taken you out of the waiting room of your appointment ({ $when }); this access code no longer opens it. Please call your practice: it can send you a new invitation with a new access code.
socket-too-many = Too many open connections: please close other windows of this page.
consent-error-quota = Your practice's storage for consent forms is full; the file was not accepted. Please contact your practice or bring the signed form to your appointment.
consent-error-crowded = Very many files are being uploaded right now. Please try again in a minute.
panel-remove-confirm = Remove { $name } from the waiting room? Their access ends and the access code no longer opens the waiting room. To let them in again, use “Einladung erneut senden” on the appointment (new access code).
roster-removed = removed – they can only come back with “Einladung erneut senden” (new access code)
