### The accessibility statement and its report form.
### Language: English. Keys: see the module doc of src/i18n.rs.

## Accessibility statement

statement-title = Accessibility statement
statement-h1 = Accessibility statement
statement-intro = { $org } wants everyone to be able to contact us, including people with a disability. This page tells you how accessible this contact portal is, what does not work well yet, and how to report a problem.
statement-scope_h2 = Which website does this statement cover?
statement-scope = This statement covers the whole Loket contact portal:
statement-scope_chat = the home page and the chat with an employee, with and without JavaScript, and the record of a conversation;
statement-scope_video = video calls with an employee and with a sign language interpreter (Dutch Sign Language), with messages and live typing;
statement-scope_message = leaving a message when nobody is available, and reading the answer;
statement-scope_kiosk = the kiosks in our offices, with a large screen and a touch screen;
statement-scope_staff = the pages for employees, interpreters and team leaders.
statement-status_h2 = Compliance status
statement-status = This portal partially conforms to WCAG 2.2 level AA (EN 301 549). Automated tests find no failures; a full manual evaluation by an independent expert has not been done yet.
statement-evaluation_h2 = Last evaluation
statement-evaluated_on = Date
statement-method = Method
statement-method_text = Automated testing with axe-core in Chromium on every page in every state, at 1280 and 320 pixels wide; automated keyboard-only tests; checks of focus, reflow, text spacing and target size.
statement-standard = Standard
statement-standard_text = WCAG 2.2 levels A and AA
statement-limitations_h2 = Known limitations
statement-limit_video = Video calls have no captions: the people in the call can type alongside (also live, character by character) or a sign language interpreter joins. How screen readers read the video call controls has not been tested by hand yet.
statement-limit_manual = How screen readers read out messages has not been tested with every screen reader yet. Plan: manual testing with NVDA, JAWS and VoiceOver.
statement-limit_offer = Staff have 20 seconds to accept an offered conversation; this is part of the real-time service. An administrator can change this time.
statement-limit_kiosk = A kiosk has a touch screen and no keyboard or headphones of its own. If you need them, ask an employee at the office.
statement-report_h2 = Report a problem
statement-report_intro = Did you run into a problem? Describe it below. Your report goes to an employee, and you can follow the answer on the next page.
statement-problem = What went wrong?
statement-page = On which page?
statement-submit = Send report
statement-error_problem = Describe the problem.
statement-error_page = The page address must be 300 characters or fewer.
statement-report_prefix = Accessibility report
