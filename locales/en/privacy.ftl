### Privacy: retention terms, the purge, the privacy officer's pages, the access log and
### the privacy statement for residents.
### Language: English.

## Retention and the purge (also used by `loket privacy purge`)

retention-dry =
    On { $date } { $count ->
        [one] 1 conversation will be deleted.
       *[other] { $shown } conversations will be deleted.
    }
retention-done =
    On { $date } { $count ->
        [one] 1 conversation was deleted.
       *[other] { $shown } conversations were deleted.
    }
retention-line_messages = - messages: { $shown }
retention-line_contacts = - names and contact details of conversations: { $shown }
retention-line_notes = - notes on conversations: { $shown }
retention-line_left = - left messages with their answers: { $shown }
retention-line_left_contacts = - names and contact details of left messages: { $shown }
retention-line_log = - lines of the access log: { $shown }
retention-days_range = Choose a number of days from 1 to 3650.
retention-log_shorter = The access log must be kept at least as long as the messages.
retention-clock = Enter a time as hh:mm, for example 03:30.
retention-kept_until = This conversation is kept until { $date }. Then its messages and contact details are deleted.
retention-kept_open = This conversation is still going on. The retention term starts when it has ended.
retention-kept_held = This conversation will not be deleted: it is under a legal hold.
retention-purged = The messages and contact details of this conversation were deleted on { $date }.

## The access log (also used by `loket privacy verify-log`)

accesslog-intact =
    The access log is intact: { $count ->
        [one] 1 line
       *[other] { $count } lines
    } checked.
accesslog-broken_link = The access log was changed: line { $id } does not follow the line before it (a line was removed or put in between).
accesslog-broken_content = The access log was changed: line { $id } was altered.
accesslog-title = Access log
accesslog-intro = This shows who viewed, exported, erased or held which conversation or message, and who changed the retention terms. Nobody can change or remove lines: each line is sealed with the line before it.
accesslog-filter_user = Staff member (login or name)
accesslog-filter_action = Action
accesslog-all_actions = All actions
accesslog-filter_conversation = Conversation number
accesslog-filter_from = From date
accesslog-filter_until = Up to and including date
accesslog-date_hint = As yyyy-mm-dd, for example 2026-11-30.
accesslog-filter_button = Filter
accesslog-csv = Download these lines as a CSV file
accesslog-lines = Lines
accesslog-empty = No lines match this filter.
accesslog-truncated = Only the newest 200 lines are shown here. The CSV file has all of them.
accesslog-nr = No.
accesslog-when = When
accesslog-who = Who
accesslog-what = What
accesslog-about = About
accesslog-session = Session
accesslog-view = viewed
accesslog-search = searched
accesslog-export = exported (access request)
accesslog-erase = erased
accesslog-hold = legal hold placed
accesslog-unhold = legal hold lifted
accesslog-retention = retention terms changed

## The privacy officer's pages

privacy-nav = Privacy
privacy-subnav = Privacy
privacy-title = Privacy: a resident's data
privacy-intro = Find everything Loket keeps about a resident. You can show it (access request), download it as a file or erase it. Everything you do here goes into the access log.
privacy-search_label = Search for
privacy-search_hint = A reference (B-000-123), conversation number, e-mail address, phone number, name or the resident's link.
privacy-search_button = Search
privacy-results_title = Found
privacy-results_count =
    { $count ->
        [0] Nothing found.
        [one] 1 conversation or message found.
       *[other] { $count } conversations and messages found.
    }
privacy-nothing_found = Nothing was found.
privacy-conversation = Conversation
privacy-conversation_n = Conversation { $id }
privacy-left_message = Message
privacy-left_message_n = Message { $reference }
privacy-held = It is under a legal hold.
privacy-open_export = View the access request
privacy-download_json = Download as a file (JSON)
privacy-erase_link = Erase
privacy-holds_title = Legal holds
privacy-holds_none = There are no legal holds.
privacy-back = Back to search
privacy-export_title = Access request: everything about this resident
privacy-export_intro = This is everything Loket keeps about this resident, with who viewed it. You can print this page or download it as a file for the resident.
privacy-channel_chat = chat
privacy-channel_video = video
privacy-inbox_form = form
privacy-inbox_whatsapp = WhatsApp
privacy-inbox_email = e-mail
privacy-f_channel = Channel
privacy-f_status = State
privacy-f_started = Started
privacy-f_ended = Ended
privacy-f_received = Received
privacy-f_name = Name
privacy-f_contact = Contact details
privacy-f_note = Staff member's note
privacy-f_message = Message
privacy-f_answer = Answer
privacy-f_kept = Kept
privacy-none = (nothing kept)
privacy-messages = Messages
privacy-no_messages = No messages are kept.
privacy-holds_of = Legal hold
privacy-no_holds = No legal hold was ever placed.
privacy-in_force = in force
privacy-lifted_by = lifted by
privacy-hold_reason = Reason for the legal hold
privacy-hold_hint = For example: a complaint, an objection or a court order. While the hold is in force, nothing is deleted.
privacy-hold_button = Place a legal hold
privacy-hold_reason_missing = Enter the reason for the legal hold.
privacy-hold_placed = The legal hold is placed.
privacy-lift_reason = Reason for lifting
privacy-lift_button = Lift the legal hold
privacy-hold_lifted = The legal hold is lifted. The next clean-up deletes what is past its term.
privacy-accesses_of = Who viewed this
privacy-no_accesses = Nobody viewed this.
privacy-erase_title = Erase data
privacy-erase_intro = You are about to erase the messages, names and contact details below. This cannot be undone. The figures stay: when there was contact, through which channel and for how long.
privacy-erase_holds = What is under a legal hold is not erased.
privacy-erase_confirm = I know this cannot be undone.
privacy-erase_confirm_missing = Tick the box to confirm you know erasing cannot be undone.
privacy-erase_button = Erase for good
privacy-erased_title = Data erased
privacy-erased_count = Number erased:
privacy-erase_kept = Not erased because of a legal hold:
privacy-erased_figures = The figures for reports stay. The erasure is in the access log.
privacy-erased_notice = The data is erased.
privacy-log_error_conversation = Enter a conversation number with digits only.
privacy-log_error_date = Enter a date as yyyy-mm-dd, for example 2026-11-30.

## Retention terms page

retention-title = Retention terms
retention-intro = How long Loket keeps residents' data. The term counts from the end of the conversation. Every night Loket deletes what is past its term. The figures for reports stay.
retention-next_title = At the next clean-up
retention-messages_label = Messages and transcripts (days)
retention-contact_label = Names and contact details (days)
retention-notes_label = Staff notes (days)
retention-log_label = Access log (days)
retention-log_hint = At least as long as the messages, so a resident can always learn who read their conversation.
retention-days_hint = A number of days from 1 to 3650.
retention-time_label = Time of the clean-up
retention-time_hint = As hh:mm, for example 03:30.
retention-save = Save the retention terms
retention-saved = The retention terms are saved. They apply from the next clean-up.

## Privacy statement for residents

privacystatement-title = Privacy statement
privacystatement-h1 = Privacy statement
privacystatement-intro = { $org } takes care with what you tell us. This page says what we keep when you contact us, for how long, and what your rights are.
privacystatement-what_h2 = What do we keep?
privacystatement-what_messages = What you and the staff member write in the chat, and messages you leave with our answer.
privacystatement-what_contact = Your name, and your e-mail address or phone number if you give them.
privacystatement-what_video = We keep no picture and no sound of a video call. We record nothing.
privacystatement-what_numbers = You do not need to give your citizen service number (BSN) or bank account number. If you type it anyway, we keep only the last 4 digits.
privacystatement-how_long_h2 = How long do we keep it?
privacystatement-days =
    { $count ->
        [one] 1 day
       *[other] { $count } days
    }
privacystatement-term_messages = Messages and transcripts
privacystatement-term_contact = Name and contact details
privacystatement-term_notes = Staff notes
privacystatement-term_log = Who viewed your data
privacystatement-term_from = The term counts from the end of the conversation. Then we delete the data. Only while a complaint, objection or court case is going on do we keep it longer.
privacystatement-figures = We do keep figures, without your data: for example how many conversations there were and how long you had to wait.
privacystatement-backups = We make backup copies of our data. Something can stay in them for a while, until that copy is overwritten.
privacystatement-who_h2 = Who can see it?
privacystatement-who = Only the staff members and interpreters who help you, and our privacy officer. We record who viewed your data.
privacystatement-rights_h2 = Your rights
privacystatement-rights = You may:
privacystatement-rights_see = see what we keep about you, and who viewed it (access request);
privacystatement-rights_erase = ask us to erase your data.
privacystatement-rights_how = Do you want that? Leave us a message or call us. Mention the reference or the e-mail address of your contact, so we find it quickly.
privacystatement-rights_link = Leave a message
privacystatement-complaint = Do you disagree with how we handle your data? You can file a complaint with the Dutch Data Protection Authority (Autoriteit Persoonsgegevens).
