### Shared by every page: navigation, footer, form hints, roles and conversation states.
### Language: English. Keys: see the module doc of src/i18n.rs.

## Navigation

nav-skip = Skip to content
nav-staff_area = staff
nav-label = Main menu
nav-logout = Log out
nav-other_language = Nederlands
nav-back_home = Back to the home page

## Demo banner

demo-banner = Demonstration: the questions, topics and staff on this site are examples.

## Footer

footer-accessibility = Accessibility
footer-help_title = Need help?
footer-help_text = Not working on this website? Call us or visit us.
footer-phone = Call:
footer-desk = Visit:
footer-example = These are example details. The organisation fills in its own phone number and address here.
footer-example_phone_hours = on working days from 9:00 to 17:00
footer-example_desk_hours = Monday to Friday from 9:00 to 16:00
footer-privacy = Privacy
footer-staff_login = Staff login

## Staff roles

role-agent = agent
role-interpreter = interpreter
role-supervisor = supervisor
role-privacy = privacy officer
role-admin = administrator

## Form hints

form-optional = optional
form-limit =
    At most { $max ->
        [one] { $max } character
       *[other] { $max } characters
    }.

## Conversation states

status-waiting = Waiting for an employee
status-active = In conversation
status-ended = Ended
status-abandoned = Stopped waiting
