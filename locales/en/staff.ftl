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
console-queue_unstaffed = (nobody available for this queue)
console-ask_interpreter = Ask for a sign language interpreter (becomes a video call)
console-left_call = You left the call.
console-left_message = Message left out of hours. Contact: { $how }
console-title = Console
console-h1 = Console
console-presence = Your status
console-you_available = You are offered new conversations.
console-you_away = You get no new conversations.
console-missed_offer = You did not accept an offer in time. Your status is now away.
console-go_available = Set me to available
console-go_away = Set me to away
console-offers = Offered conversations
console-no_offers = No conversations are offered to you now.
# The page gets this text with {name} left in; the browser script fills it in, so no plural variants here.
console-new_offer = New conversation offered: { $name }
console-offer_gone = The offer is no longer available.
console-offer_title = { $name } via { $queue }
console-offer_meta = Topic: { $topic }.
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
console-wrapup_resolved = Was the question resolved in this contact?
console-wrapup_resolved_yes = Yes
console-wrapup_resolved_no = No
console-wrapup_submit = Wrap up
console-wrapup_done = The conversation is wrapped up.
console-wrapup_already = This conversation was already wrapped up. The first wrap-up stands.
console-earlier = { $n ->
    [one] Show the earlier message
   *[other] Show the { $n } earlier messages
}
console-accepted = You accepted the conversation.
console-offer_expired = This offer is no longer available.
console-sent = Your message was sent.
console-queues = Queues
console-queue = Queue
console-waiting = Waiting
console-offered = Offered
console-waiting_join_request = request from { $name } to join a video call
console-longest_wait = Longest wait
console-staff_available = Available staff
console-waiting_contacts = Residents waiting in every queue
console-none_waiting = Nobody is waiting now, in any queue.
console-waited = Waiting for
console-refresh = Refresh the console
console-anonymous = Resident
console-no_topic = none
console-state_available = Available
console-state_away = Away
console-declined = You declined the offer.
console-origin = Via
console-origin_web = website
console-origin_kiosk = kiosk { $place }
console-origin_message = left message
console-origin_report = accessibility report
console-origin_link = link or QR code “{ $slug }”
console-offer_left = Time to accept:
console-seconds = sec.
console-take = Take
console-taken = You took the conversation from the queue.
console-take_full = You have no room for another conversation. Finish a conversation first.
console-take_not_theirs = This queue is not one of yours.
console-take_gone = This resident is no longer waiting. Someone else has the conversation, or the resident stopped.
console-wrapup_transcript = Conversation with
console-confirm_cancel = No, go back
console-confirm_end_h = End the conversation?
console-confirm_end_text = The conversation stops for the resident. You cannot send anything after that.
console-confirm_logout_h = Log out with open conversations?
console-confirm_logout_text = Your open conversations go back to the queue. The residents get a message about it.
console-confirm_logout_count =
    You still have { $count ->
        [one] { $count } open conversation. It goes
       *[other] { $count } open conversations. They go
    } back to the queue. The residents get a message about it.
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


## Messages: left messages (asynchronous work)
inbox-nav = Messages
inbox-title = Messages
inbox-intro = Messages from residents who could not be helped right away. The oldest message is at the top. Pick up a message and answer it the way the resident asked.
inbox-open_heading = Waiting for an answer
inbox-none_open = No messages are waiting for an answer.
inbox-answered_heading = Recently answered
inbox-received = Received
inbox-state = State
inbox-reach = Answer by
inbox-queue = Queue
inbox-from = From
inbox-topic = Topic
inbox-message = The resident's message
inbox-answer_given = Answer given
inbox-back = Back to Messages
inbox-item_title = Message { $reference }
inbox-no_name = No name given
inbox-age_minutes = { $n ->
    [one] { $n } minute ago
   *[other] { $n } minutes ago
}
inbox-age_hours = { $n ->
    [one] { $n } hour ago
   *[other] { $n } hours ago
}
inbox-age_days = { $n ->
    [one] { $n } day ago
   *[other] { $n } days ago
}
inbox-state_new = New
inbox-state_picked_up = Picked up by { $name } at { $time }
inbox-state_failed = E-mail not sent (picked up by { $name })
inbox-state_answered = Answered by { $name } on { $time }, { $how }
inbox-how_written = in writing
inbox-how_email = by e-mail
inbox-how_called_back = called back
inbox-reach_email = E-mail to { $value }
inbox-reach_phone = Call back on { $value }
inbox-reach_return = In writing: the resident comes back with the link
inbox-pick_up = Pick up message
inbox-pick_up_hint = Your colleagues then see that you are answering this message.
inbox-picked = You picked up this message.
inbox-taken = This message was already picked up by { $name }.
inbox-answered = The message has been answered.
inbox-refused = You cannot answer this message (any more).
inbox-answer_heading = Answer
inbox-written_label = Your answer
inbox-written_hint = The resident reads this answer with the link of the message.
inbox-send_written = Post answer
inbox-email_label = Text of the e-mail
inbox-email_hint = We e-mail this to { $address }, with the subject: Answer to your message { $reference }.
inbox-send_email = Send e-mail
inbox-call_label = Note of the call
inbox-call_hint = Call { $phone }. Then write down briefly what you agreed. The resident does not see this note.
inbox-send_called = Save as called back
inbox-no_mail = Sending e-mail is not set up. Give a written answer: the resident reads it with the link of the message.
inbox-send_failed = The e-mail was not sent: { $reason }. Your answer has been kept. Please try again.
inbox-error_answer = Write your answer.
inbox-error_note = Write a short note of the call.
## Opening hours: what is wrong with a day's times

hours-problem_bad_span = "{ $text }" is not a time such as 09:00-17:00.
hours-problem_backwards = { $span } ends before it starts.
hours-problem_overlap = { $a } and { $b } overlap.
