### The kiosk (zuil) in a public building, and its admin page.
### Language: English. Keys: see the module doc of src/i18n.rs.

## Kiosk

kiosk-title = Kiosk: contact the municipality
kiosk-h1 = Ask your question here
kiosk-lead = Choose how you want to talk. Tap a big button.
kiosk-place = You are at:
kiosk-chat = Type with an employee
kiosk-interpreter = Video call with a sign language interpreter
kiosk-video = Video call with an employee
kiosk-privacy = Done? Then we erase everything of your conversation from this screen. Also when you do nothing for a while.
kiosk-refused_title = This is not a kiosk
kiosk-refused = This browser is not registered as a kiosk. Only a kiosk registered by a supervisor can open the kiosk page. You can still chat or call from the home page.
kiosk-enrol_title = Register this browser as a kiosk
kiosk-enrol_intro = After registering, this browser opens the kiosk page. The link works only once.
kiosk-enrol_button = Make this browser the kiosk
kiosk-admin_title = Kiosks
kiosk-nav = Kiosks
kiosk-list = Registered kiosks
kiosk-none = There are no kiosks yet.
kiosk-name = Name
kiosk-location = Location
kiosk-idle = Wipe after
kiosk-state = State
kiosk-idle_value =
    { $secs ->
        [one] { $secs } second
       *[other] { $secs } seconds
    }

kiosk-enrolled = In use
kiosk-not_enrolled = Not enrolled yet
kiosk-register = New kiosk
kiosk-register_button = Create kiosk
kiosk-idle_label = Wipe after (seconds without use)
kiosk-idle_hint = Between 60 and 1800. Half a minute before, the resident gets a warning with a button to continue.
kiosk-error_name = Enter a name (at most 100 characters).
kiosk-error_location = Enter the location (at most 100 characters).
kiosk-error_idle = Enter a number of seconds between 60 and 1800.
kiosk-link_intro = Open this link once on the kiosk itself. Do not keep it: whoever has it can make a browser this kiosk.
kiosk-idle_title = Are you still there?
# The page gets this text with {secs} left in; the browser script fills it in, so no plural variants here.
kiosk-idle_text = You have not done anything for a while. In { $secs } seconds we erase your conversation from this screen.
kiosk-continue = I am still here
kiosk-done = Done, erase everything

## Managing kiosks (admin): rename, revoke, new link, delete, last seen

kiosk-last_seen = Last seen
kiosk-never_seen = Never
kiosk-revoked = Revoked
kiosk-link_title = Enrolment link of { $name }
kiosk-qr_intro = Or scan this QR code with the kiosk.
kiosk-qr_alt = QR code with the enrolment link of { $name }
kiosk-new_name = New name
kiosk-rename_button = Rename
kiosk-revoke_button = Revoke
kiosk-revoke_hint = The kiosk stops at once. A conversation open on the kiosk is ended.
kiosk-new_link_button = New enrolment link
kiosk-delete_button = Delete
kiosk-renamed = The name has been changed.
kiosk-revoked_done = The kiosk has been revoked. With a new enrolment link you can enrol it again.
kiosk-deleted = The kiosk has been deleted.

## The kiosk when nobody is free, and leaving a message on the kiosk

kiosk-nobody_interpreter = No sign language interpreter is free right now.
kiosk-nobody_employee = No employee is free right now.
kiosk-hours_today = Today we are open { $hours }. Please try again a little later.
kiosk-try_later = Please try again a little later.
kiosk-message_offer = You can also leave a message. We will then contact you.
kiosk-message_intro = Write your question. An employee reads it and contacts you, by e-mail or phone.
kiosk-message_done = Done? Then tap the button below. We then erase everything from this screen.
