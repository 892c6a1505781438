### Pages for staff: login, console, opening hours, links, the staff side of a video call.
### Language: English. Keys: see the module doc of src/i18n.rs.

## Video call, staff side

staffcall-title = Video call with { $name }
staffcall-meta = Topic: { $topic }
staffcall-back = Back to the console
staffcall-messages = Messages and text
staffcall-add_h = Add someone
staffcall-add_hint = Ask an interpreter or an employee to join. You stay in the call yourself.
staffcall-queue = Who
staffcall-request = Ask to join
staffcall-requested = Someone has been asked to join. You will see them as soon as they accept.
staffcall-already = Someone has already been asked to join.
staffcall-withdrawn = The request was withdrawn.
staffcall-cancel_request = Withdraw the request
staffcall-leave_hint = The others stay in the call when you leave.
staffcall-leave = Leave the call
staffcall-end_hint = Hanging up ends the call for everyone. Then you fill in the wrap-up.
staffcall-ended = This call has ended.

## Console

console-join_request = { $name } asks you to join a video call.
console-open_call = Open the video call
console-ask_interpreter = Ask for a sign language interpreter (becomes a video call)
console-left_call = You left the call.
console-left_message = Message left out of hours. Contact: { $how }
console-title = Console
console-h1 = Console
console-presence = Your status
console-you_available = You are available: new conversations will be offered to you.
console-you_away = You are away: no new conversations will be offered to you.
console-missed_offer = You did not accept an offer in time. Your status is now away.
console-go_available = Available
console-go_away = Away
console-offers = Offered conversations
console-no_offers = No conversations are offered to you now.
# The page gets this text with {name} left in; the browser script fills it in, so no plural variants here.
console-new_offer = New conversation offered: { $name }
console-offer_gone = The offer is no longer available.
console-offer_title = { $name } via { $queue }
console-offer_meta = Topic: { $topic }. Offer expires at { $time }.
console-accept = Accept
console-decline = Decline
console-chats = My conversations ({ $count } of { $max })
console-no_chats = You have no conversations now.
console-chat_title = Conversation with { $name }
console-chat_meta = Topic: { $topic }. Queue: { $queue }. Started at { $time }.
console-reply_to = Reply to
console-end_chat = End conversation
console-wrapup = Wrap up
console-wrapup_topic = Topic of the conversation
console-wrapup_note = Note
console-wrapup_submit = Wrap up
console-wrapup_done = The conversation is wrapped up.
console-accepted = You accepted the conversation.
console-offer_expired = This offer is no longer available.
console-sent = Your message was sent.
console-queues = Queues
console-queue = Queue
console-waiting = Waiting
console-longest_wait = Longest wait
console-staff_available = Available staff
console-waiting_contacts = Residents waiting in your queues
console-none_waiting = Nobody is waiting in your queues now.
console-position = Position
console-resident = Resident
console-topic = Topic
console-waited = Waiting for
console-refresh = Refresh the console
console-anonymous = Resident
console-no_topic = none
console-other_topic = Other

## Opening hours (admin)

hours-nav = Opening hours
hours-title = Opening hours per queue
hours-intro = Times are Dutch time (Europe/Amsterdam), also around summer time. Write per day when the queue is open, such as 09:00-12:30, 13:30-17:00. Empty means closed that day.
hours-limited = This queue has opening hours (otherwise always open)
hours-exceptions = Exceptions
hours-exceptions_hint = One per line: 2026-12-25: closed, or 2026-12-24: 09:00-12:00.
hours-save = Save
hours-saved = The opening hours have been saved.
hours-error_day = { $day }: { $problem }
hours-error_exception = Line { $line } of the exceptions cannot be read. Write for example 2026-12-24: 09:00-12:00.

## Links per topic

links-nav = Links per topic
links-title = Short links and QR codes per topic
links-intro = Use these links in the phone menu, in letters or on posters. They open the chat with the topic already filled in.
links-qr_alt = QR code with the link { $url }

## Login

login-title = Staff login
login-h1 = Staff login
login-username = Username
login-password = Password
login-submit = Log in
login-error_username = Enter your username.
login-error_password = Enter your password.
login-error_wrong = The username or password is not correct.
login-error_busy = Many people are logging in right now. Try again in a few seconds.
login-error_throttled =
    Too many failed attempts. Wait { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    } and try again.

