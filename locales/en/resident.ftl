### Pages for residents: home page, waiting, chat, leaving a message, transcript.
### Language: English. Keys: see the module doc of src/i18n.rs.

## The chat page

chat-error_not_stored = Your message was not sent: it could not be stored right now. Your text is still in the box. Try again in a few minutes.
chat-title_waiting = You are waiting for an employee
chat-title_waiting_interpreter = You are waiting for a sign language interpreter
chat-title_active = Chat
chat-title_closed = Conversation ended
chat-you = You
chat-connection_lost = The connection was lost. We are trying to reconnect. Your messages will not be lost.
chat-connection_back = The connection is back.
# The page gets this text with {name} left in; the browser script fills it in, so no plural variants here.
chat-typing = { $name } is typing...
chat-error_empty = Type a message first.
chat-error_too_long =
    Your message is too long: at most { $max ->
        [one] { $max } character
       *[other] { $max } characters
    }. It was not sent.

chat-error_closed = This conversation has ended. Your message was not sent.
chat-error_too_fast = You are sending messages too quickly. Your message was not sent. Wait a moment and send it again.
chat-sending = Sending...
chat-send_failed = Your message has not been sent yet. We will try again as soon as the connection is back.
chat-noscript_idle =
    Is JavaScript off in your browser? Then choose "Check for new messages" at least every { $minutes ->
        [one] minute
       *[other] { $minutes } minutes
    }, or your place in the queue lapses. Your question is kept.

chat-waiting_h1 = You are waiting for an employee
chat-waiting_h1_interpreter = You are waiting for a sign language interpreter
chat-waiting_help = Keep this page open. You can already send more information about your question.
chat-position = You are number { $position } in the queue.
chat-requeued = The connection with { $name } was lost. You are number { $position } in the queue again.
chat-requeued_no_place = The connection with { $name } was lost. You are waiting for an employee again.
chat-confirm_stop_h1 = Do you want to stop waiting?
chat-confirm_stop_text = You will lose your place in the queue.
chat-confirm_stop_yes = Yes, stop waiting
chat-confirm_end_h1 = Do you want to end the conversation?
chat-confirm_end_text = You cannot send messages after that. You can still read and download the conversation.
chat-confirm_end_yes = Yes, end the conversation
chat-confirm_no = No, go back to the conversation
# The page gets this text with {name} left in; the browser script fills it in, so no plural variants here.
chat-active_h1 = You are chatting with { $name }
chat-active_status = { $name } is helping you now.
chat-closed_h1 = The conversation has ended
chat-ended_status = This conversation has ended. You can view, print or download it.
chat-abandoned_status = You stopped waiting. Your question is kept in the transcript below.
chat-transcript_view = View and print the conversation
chat-transcript_download = Download the conversation (text file)
chat-new_chat = Start a new chat
chat-messages = Messages
chat-check_new = Check for new messages
chat-your_message = Your message
chat-send = Send
chat-stop_waiting = Stop waiting
chat-end = End conversation
chat-sender_system = Loket
chat-sender_agent = { $name } (employee)

## Home page

home-title = Contact
home-h1 = Contact us
home-intro = Ask one of our employees. Choose how you want to get in touch.
home-channels = Choose how to contact us
home-faq = Frequently asked questions
home-chat_action = Start a chat
home-video_interpreter_action = Start a video call with an interpreter
home-video_employee_action = Start a video call with an employee

## Expected wait

wait-minutes =
    Expected wait: about { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.

wait-under_minute = Expected wait: less than 1 minute.
wait-unknown_waiting = We cannot say yet how long it will take.
wait-unstaffed = Nobody who can answer your question is available now. You can keep waiting, or leave a message: then we will contact you.

## Availability of a channel: $who is "employee" or "interpreter", $what is "chat" or "video"

avail-free =
    { $who ->
        [interpreter] An interpreter
       *[employee] An employee
    } is available for { $what ->
        [video] a video call
       *[chat] a chat
    } now.
avail-wait =
    Expected wait for { $what ->
        [video] a video call
       *[chat] a chat
    }: about { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.
avail-none =
    No { $who ->
        [interpreter] interpreter
       *[employee] employee
    } is available for { $what ->
        [video] a video call
       *[chat] a chat
    } at the moment. We cannot say how long it will take.

## Starting a chat

start-title = Chat with an employee
start-h1 = Chat with an employee
start-privacy = Do not share sensitive details in the chat, such as your citizen service number or bank account number.
start-name = Your name
start-topic = Topic
start-topic_none = Choose a topic
start-question = Your question
start-submit = Start the chat
start-error_question = Enter your question.
start-error_name = Your name must be 80 characters or fewer.
start-topic_unavailable = Choose another topic, or leave a message.

## Opening hours and the way in

door-closed_until = Closed now. We are back { $when }.
door-closed = Closed now.
door-nobody = Nobody is available right now, and the wait would be too long.
door-full = Too many people are waiting right now, so you cannot join the queue. Leave a message, or try again later.
door-today = today
door-usual_under_minute = Usually you are answered within a minute.
door-usual_minutes =
    Usually you are answered within { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.

door-tomorrow = tomorrow
door-at = { $day } at { $time }
door-leave_message = Leave a message
door-what_now = You can leave a message now. We will contact you, or you come back later to the page of your message.

## Leaving a message

message-title = Leave a message
message-intro = Write your question. An employee reads it as soon as we are back, and contacts you the way you choose below.
message-your_message = Your message
message-reach_legend = How do we reach you?
message-by_email = By e-mail
message-by_phone = By phone
message-by_return = I will come back to this website (you get a link with a code)
message-email = Your e-mail address
message-phone = Your phone number
message-email_hint = For example name@example.org
message-phone_hint = For example 06 12345678 or +31 20 1234567
message-error_reach = Choose how we reach you.
message-error_email = Enter an e-mail address such as name@example.org.
message-error_phone = Enter a phone number of 8 to 15 digits, such as 06 12345678.
message-error_message = Write your message.
message-submit = Send message
message-sent_title = Your message has been received
message-reference = Your reference
message-sent_email = We will send our answer to { $value }.
message-sent_phone = We will call you on { $value }.
message-sent_return = Keep this link. It brings you back to your message and our answer:

## Transcript

transcript-title = Conversation transcript
transcript-back = Back to the conversation
transcript-h1 = Conversation transcript
transcript-org = Organisation
transcript-started = Started
transcript-topic = Topic
transcript-status = Status
transcript-print_hint = To print, use your browser's print function.
transcript-print = Print

## A left message: the resident's page (confirmation, later the answer)
message-promise = { $days ->
    [one] You will get an answer within { $days } working day.
   *[other] You will get an answer within { $days } working days.
}
message-sent_here = You can read our answer on this page.
message-sent_on = Sent on
message-state_new = Your message has not been answered yet.
message-state_picked_up = An employee is working on your message.
message-state_answered = Answered on { $time }.
message-answer_title = Answer to your message
message-answer_heading = Our answer
message-answered_written = This is our answer of { $time }:
message-answered_email = We e-mailed our answer on { $time } to { $address }:
message-answered_phone = We called you on { $time }.
message-mail_subject = Answer to your message { $reference }

## Sensitive numbers: asked before a message with one is sent (the server masks them anyway)
redact-title = Check your message
redact-bsn = You seem to be sharing a citizen service number (BSN).
redact-iban = You seem to be sharing a bank account number (IBAN).
redact-card = You seem to be sharing the number of a bank card or credit card.
redact-not_needed_chat = You do not need it in the chat.
redact-not_needed_message = You do not need it in your message.
redact-hint = If you send it anyway, the staff member will only see the last 4 digits.
redact-remove = Remove and send
redact-send = Send anyway
